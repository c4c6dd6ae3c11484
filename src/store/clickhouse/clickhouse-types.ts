/**
 * Column types on ClickHouse: schema.ts's logical types, Nullable unless always set, LowCardinality
 * for short repeated strings, codecs for timestamps (Delta + ZSTD), JSON text and other strings (ZSTD).
 */
import { TABLES, type ColumnType } from '../schema.js';

export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

const BASE_TYPES: Record<ColumnType, string> = {
  string: 'String',
  int: 'Int64',
  double: 'Float64',
  bool: 'Bool',
  timestamp: "DateTime64(6, 'UTC')",
  json: 'String',
};

/** Few distinct values: dictionary-encoded. */
const LOW_CARDINALITY = new Set([
  'event_name',
  'member',
  'organization_id',
  'app_version',
  'terminal_type',
  'model',
  'query_source',
  'tool_name',
  'decision',
  'source',
  'error_type',
  'repo',
  'git_branch',
  'feature',
  'chapter',
  'validation_kind',
  'scope_name',
  'name',
  'unit',
  'kind',
  'temporality',
  'type',
]);

/** Never null: in the sorting key or always set. */
const NOT_NULL: Record<TableName, Set<string>> = {
  events: new Set(['key', 'ts', 'event_name', 'scope_name', 'attributes', 'resource']),
  spans: new Set([
    'key',
    'trace_id',
    'span_id',
    'name',
    'start_ts',
    'end_ts',
    'attributes',
    'events',
    'resource',
  ]),
  metric_points: new Set(['key', 'series_key', 'name', 'ts', 'attributes', 'resource']),
};

export function columnType(table: TableName, name: string, type: ColumnType): string {
  let t = BASE_TYPES[type];
  if (!NOT_NULL[table].has(name)) t = `Nullable(${t})`;
  if (LOW_CARDINALITY.has(name) && type === 'string') t = `LowCardinality(${t})`;
  if (type === 'timestamp') t += ' CODEC(Delta, ZSTD(1))';
  else if (type === 'json') t += ' CODEC(ZSTD(3))';
  // Keys and ids are random hex: LZ4 (the default) cannot shrink them, ZSTD's entropy coding halves
  // them. session_id keeps LZ4: the session templates read and count it on every row.
  else if (type === 'string' && !LOW_CARDINALITY.has(name) && name !== 'session_id') t += ' CODEC(ZSTD(1))';
  return t;
}
