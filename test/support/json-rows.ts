/**
 * Rows as DuckDB's JSON text, ordered by key: exact to the microsecond and the last bit of a double,
 * so rows read from the store and rows read back from an archive or export compare with toEqual.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { Store } from '../../src/store/store.js';

const asJson = (from: string): string => `SELECT CAST(to_json(t) AS VARCHAR) FROM (${from}) t ORDER BY t.key`;

export async function storeRows(store: Store, from: string): Promise<string[]> {
  return (await store.query(asJson(from))).rows.map((r) => String(r[0]));
}

/** Reads with a fresh in-memory DuckDB (file access on): `from` may use read_parquet, read_csv, … */
export async function fileRows(from: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(asJson(from))).getRowsJS().map((r) => String(r[0]));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
