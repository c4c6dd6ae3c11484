/** Prints query results as a table, one JSON array of row objects, or CSV. */
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import type { QueryResult } from '../store/store.js';

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export function rowObjects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i] ?? null])));
}

export function formatResult(result: QueryResult, format: Format): string {
  switch (format) {
    case 'json':
      return JSON.stringify(rowObjects(result), null, 2);
    case 'csv':
      return stringify(
        result.rows.map((r) => r.map((v) => (v === null ? '' : v))),
        { header: true, columns: result.columns },
      ).trimEnd();
    case 'table': {
      const table = new Table({
        head: result.columns,
        style: { head: [], border: [] },
        chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      });
      for (const row of result.rows) table.push(row.map((v) => (v === null ? '' : String(v))));
      const n = result.rows.length;
      return `${table.toString()}\n(${n} row${n === 1 ? '' : 's'})`;
    }
    default:
      return format satisfies never;
  }
}
