/**
 * Writes one table's exported rows (JSON lines, as StoreRetention.exportRows gives them, from the
 * collector or the file) to a file: jsonl as it comes; parquet and csv through an in-memory DuckDB of
 * this process, with the schema's column types (src/store/schema.ts). That DuckDB may touch files:
 * only this command's own SQL ever runs on it. A file is written under a temporary name and renamed
 * when complete; a failure leaves nothing behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TABLES } from '../store/schema.js';
import type { RetainedTable } from '../store/store-retention.js';
import { DUCKDB_TYPES } from '../store/duckdb/duckdb-schema.js';

export const EXPORT_FORMATS = ['parquet', 'jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Writes the rows to `file`; returns how many there were. */
export async function writeExport(
  lines: AsyncIterable<string | Uint8Array>,
  table: RetainedTable,
  format: ExportFormat,
  file: string,
): Promise<number> {
  const jsonl = `${file}.${format === 'jsonl' ? 'partial' : 'jsonl.partial'}`;
  const partial = `${file}.partial`;
  let rows = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      for (const byte of chunk) if (byte === 0x0a) rows++;
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(lines), count, createWriteStream(jsonl));
    if (format === 'jsonl') {
      await rename(jsonl, file);
      return rows;
    }
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const columns = TABLES[table].map((c) => `${quote(c.name)}: ${quote(DUCKDB_TYPES[c.type])}`).join(', ');
      const options = format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
      await conn.run(
        `COPY (SELECT * FROM read_json(${quote(jsonl)}, format = 'newline_delimited', columns = {${columns}},
           maximum_object_size = 268435456)) TO ${quote(partial)} (${options})`,
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    await rename(partial, file);
    return rows;
  } finally {
    await rm(jsonl, { force: true });
    await rm(partial, { force: true });
  }
}
