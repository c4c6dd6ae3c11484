/**
 * Archive Parquet in one shape whichever store wrote the rows: the shape DuckDB's own archives have
 * (COPY … TO): the schema's columns, times as TIMESTAMP (naive UTC), JSON columns as JSON. A store
 * whose server writes Parquet differently (ClickHouse marks times as UTC-adjusted, which readers show
 * as TIMESTAMP WITH TIME ZONE, and has no JSON logical type) has the collector rewrite its file with
 * an in-memory DuckDB; the rewrite also counts the rows the file holds. DuckDB's native module is
 * loaded only then (open-store.ts keeps it out of a ClickHouse collector otherwise).
 */
import { open } from 'node:fs/promises';
import type { ColumnType } from './schema.js';

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Rewrites Parquet file `from` into `to` in the archive shape of `columns`; returns its rows. */
export async function rewriteArchive(
  from: string,
  to: string,
  columns: readonly { name: string; type: ColumnType }[],
): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const select = columns
      .map(({ name, type }) => {
        const c = `"${name}"`;
        // Through epoch µs: independent of the session time zone.
        if (type === 'timestamp') return `make_timestamp(epoch_us(${c})) AS ${c}`;
        if (type === 'json') return `CAST(${c} AS JSON) AS ${c}`;
        return c;
      })
      .join(', ');
    const r = await conn.runAndReadAll(
      `COPY (SELECT ${select} FROM read_parquet(${quote(from)})) TO ${quote(to)} (FORMAT parquet)`,
    );
    return Number(r.getRowsJS()[0]?.[0] ?? 0);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Flushes a file (or a directory's entries) to disk: an archive is renamed into place only once durable. */
export async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
