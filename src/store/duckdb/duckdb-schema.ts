/** DDL for DuckDB, generated from store/schema.ts. */
import { TABLES, type ColumnType } from '../schema.js';

export const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

export type TableName = keyof typeof TABLES;

export const stagingName = (table: TableName): string => `stage_${table}`;

export function duckdbDdl(): string[] {
  const ddl: string[] = [];
  for (const [table, columns] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
    const cols = columns.map(
      (c) => `"${c.name}" ${DUCKDB_TYPES[c.type]}${c.name === 'key' ? ' PRIMARY KEY' : ''}`,
    );
    ddl.push(`CREATE TABLE IF NOT EXISTS ${table} (${cols.join(', ')})`);
  }
  // Per-point increments of sums: DELTA points are increments already; a CUMULATIVE point's increment
  // is its value minus the previous point of the same series and start (a new start is a reset).
  ddl.push(`CREATE OR REPLACE VIEW metric_increments AS
    SELECT *, CASE WHEN temporality = 'cumulative'
      THEN value - coalesce(lag(value) OVER (PARTITION BY series_key, start_ts ORDER BY ts), 0)
      ELSE value END AS increment
    FROM metric_points`);
  return ddl;
}

/** Per-connection staging tables: rows are appended there, then inserted unless their key exists. */
export const stagingDdl = (): string[] =>
  Object.keys(TABLES).map(
    (t) => `CREATE TEMP TABLE IF NOT EXISTS ${stagingName(t as TableName)} AS SELECT * FROM ${t} LIMIT 0`,
  );
