/**
 * DDL for DuckDB, generated from store/schema.ts. Migration is additive: a column that schema.ts
 * has and an existing table lacks is added (ALTER TABLE … ADD COLUMN), so a data directory written by
 * an older unsilo opens with the newer one. Inserts name their columns, so column order never matters.
 */
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

const TABLE_NAMES = Object.keys(TABLES) as TableName[];

export const stagingName = (table: TableName): string => `stage_${table}`;

export const columnList = (table: TableName): string => TABLES[table].map((c) => `"${c.name}"`).join(', ');

const columnDefs = (table: TableName, withKey: boolean): string =>
  TABLES[table]
    .map((c) => `"${c.name}" ${DUCKDB_TYPES[c.type]}${withKey && c.name === 'key' ? ' PRIMARY KEY' : ''}`)
    .join(', ');

export function duckdbDdl(): string[] {
  return [
    ...TABLE_NAMES.map((table) => `CREATE TABLE IF NOT EXISTS ${table} (${columnDefs(table, true)})`),
    // The roster (src/members): tokens only as SHA-256 hashes; retired hashes are kept to tell
    // "revoked" from "never valid".
    `CREATE TABLE IF NOT EXISTS members (name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, email VARCHAR,
      token_hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, rotated_at TIMESTAMP, revoked_at TIMESTAMP)`,
    'CREATE TABLE IF NOT EXISTS member_token_history (token_hash VARCHAR NOT NULL, retired_at TIMESTAMP NOT NULL)',
    // Session context from the hooks (POST /v1/context); events get the context in force at their time.
    `CREATE TABLE IF NOT EXISTS session_context (key VARCHAR PRIMARY KEY, session_id VARCHAR NOT NULL,
      ts TIMESTAMP NOT NULL, member VARCHAR, hook_event VARCHAR, cwd VARCHAR, branch VARCHAR, repo VARCHAR,
      "commit" VARCHAR, feature VARCHAR, chapter VARCHAR)`,
    // What the tool hooks report (POST /v1/tool-outcome): a Bash call's command and exit code.
    `CREATE TABLE IF NOT EXISTS tool_outcomes (key VARCHAR PRIMARY KEY, session_id VARCHAR NOT NULL,
      tool_use_id VARCHAR NOT NULL, prompt_id VARCHAR, ts TIMESTAMP NOT NULL, member VARCHAR,
      tool_name VARCHAR NOT NULL, command VARCHAR, exit_code INTEGER, success BOOLEAN NOT NULL,
      validation_kind VARCHAR)`,
  ];
}

/** ALTERs for the columns that `existing` (table → its column names) lacks. */
export function duckdbMigrations(existing: Map<string, Set<string>>): string[] {
  return TABLE_NAMES.flatMap((table) =>
    TABLES[table]
      .filter((c) => !existing.get(table)?.has(c.name))
      .map((c) => `ALTER TABLE ${table} ADD COLUMN "${c.name}" ${DUCKDB_TYPES[c.type]}`),
  );
}

/** Views over the tables; recreated at every start. */
export function duckdbViews(): string[] {
  // Per-point increments of sums: DELTA points are increments already; a CUMULATIVE point's increment
  // is its value minus the previous point of the same series and start (a new start is a reset).
  return [
    `CREATE OR REPLACE VIEW metric_increments AS
    SELECT *, CASE WHEN temporality = 'cumulative'
      THEN value - coalesce(lag(value) OVER (PARTITION BY series_key, start_ts ORDER BY ts), 0)
      ELSE value END AS increment
    FROM metric_points`,
  ];
}

/** Per-connection staging tables: rows are appended there, then inserted unless their key exists. */
export const stagingDdl = (): string[] =>
  TABLE_NAMES.map((t) => `CREATE OR REPLACE TEMP TABLE ${stagingName(t)} (${columnDefs(t, false)})`);
