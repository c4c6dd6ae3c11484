/**
 * Rows as JSON text, ordered by key: exact to the microsecond and the last bit of a double, so rows
 * read from the store and rows read back from an archive or export compare with toEqual. DuckDB
 * renders them with to_json, ClickHouse with formatRow('JSONEachRow'); both are brought to one form
 * (times with six fraction digits: DuckDB leaves trailing zeros out, ClickHouse writes them; the
 * schema's JSON columns nested, as DuckDB's JSON type renders them, where ClickHouse holds text).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { TABLES } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

const JSON_COLUMNS = new Set<string>(
  Object.values(TABLES).flatMap((cols) => cols.filter((c) => c.type === 'json').map((c) => c.name)),
);

const asJson = (from: string): string => `SELECT CAST(to_json(t) AS VARCHAR) FROM (${from}) t ORDER BY t.key`;

const TIME = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/;

/** One row's JSON with every time as `YYYY-MM-DD hh:mm:ss.ffffff` and JSON columns nested. */
export function canonical(json: string): string {
  const row = JSON.parse(json) as Record<string, unknown>;
  for (const [k, v] of Object.entries(row)) {
    const m = typeof v === 'string' ? TIME.exec(v) : null;
    if (m) row[k] = `${m[1]}.${(m[2] ?? '').padEnd(6, '0')}`;
    else if (typeof v === 'string' && JSON_COLUMNS.has(k)) row[k] = JSON.parse(v) as unknown;
  }
  return JSON.stringify(row);
}

export async function storeRows(store: Store, from: string): Promise<string[]> {
  const sql =
    store.dialect.name === 'clickhouse'
      ? `SELECT formatRow('JSONEachRow', *) FROM (${from}) t ORDER BY t.key
         SETTINGS output_format_json_quote_64bit_integers = 0`
      : asJson(from);
  return (await store.query(sql)).rows.map((r) => canonical(String(r[0])));
}

/** Reads with a fresh in-memory DuckDB (file access on): `from` may use read_parquet, read_csv, … */
export async function fileRows(from: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(asJson(from))).getRowsJS().map((r) => canonical(String(r[0])));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The columns of a Parquet file as DuckDB reads them: [name, type]. */
export async function fileColumns(parquet: string): Promise<[string, string][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${parquet}')`);
    return r.getRowsJS().map((row) => [String(row[0]), String(row[1])]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
