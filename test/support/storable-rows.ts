/**
 * Whether rows can be stored as they are: what the pipeline hands the write-ahead log must never make
 * a store write fail (the writer retries a failed batch forever, so one bad row would stall ingest).
 * Checked per column type from the schema, the way the DuckDB appender takes them.
 */
import type { RowBatch } from '../../src/model/records.js';
import { TABLES, type ColumnType } from '../../src/store/schema.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface TimeRange {
  minUs: number;
  maxUs: number;
}

function problem(type: ColumnType, v: unknown, times: TimeRange): string | null {
  if (v === null) return null;
  switch (type) {
    case 'string':
    case 'json':
      if (typeof v !== 'string') return 'not a string';
      if (v.includes('\0')) return 'holds a NUL';
      if (LONE_SURROGATE.test(v)) return 'holds a lone surrogate';
      if (type === 'json') {
        try {
          JSON.parse(v);
        } catch {
          return 'not JSON';
        }
      }
      return null;
    case 'int':
      return Number.isSafeInteger(v) ? null : 'not a safe integer';
    case 'double':
      return typeof v === 'number' && Number.isFinite(v) ? null : 'not a finite number';
    case 'bool':
      return typeof v === 'boolean' ? null : 'not a boolean';
    case 'timestamp':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= times.minUs && v <= times.maxUs
        ? null
        : `time ${String(v)} out of range`;
    default:
      return type satisfies never;
  }
}

/** The first unstorable cell, described, or null when every row is fine. */
export function unstorable(rows: RowBatch, times: TimeRange): string | null {
  const tables = [
    ['events', rows.events, TABLES.events],
    ['spans', rows.spans, TABLES.spans],
    ['metric_points', rows.metrics, TABLES.metric_points],
  ] as const;
  for (const [table, list, columns] of tables) {
    for (const row of list) {
      for (const col of columns) {
        const p = problem(col.type, (row as unknown as Record<string, unknown>)[col.name] ?? null, times);
        if (p) return `${table}.${col.name}: ${p}`;
      }
    }
  }
  return null;
}
