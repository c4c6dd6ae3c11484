/**
 * The size of the DuckDB store, as retention counts it: DuckDB's used blocks × block size plus its
 * write-ahead log (a writable store checkpoints first, so that is empty); the file on disk can be
 * larger (free blocks) and never shrinks. A table's bytes are its share of the data blocks it occupies
 * (pragma_storage_info), so the index and the catalog are spread over the tables in proportion: an
 * estimate, good on large stores, low on small ones where every table's data and index take at least
 * one 256 KiB block (the retention run measures again after deleting). Stored rows count deleted rows
 * whose space is not given back yet (duckdb_tables().estimated_size).
 */
import { stat } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  RETAINED_TABLES,
  TIME_COLUMNS,
  type DayCount,
  type StoreUsage,
  type TableUsage,
} from '../store-retention.js';

/** What the retention needs of the store. */
export interface DuckdbAccess {
  /** Path of the database file. */
  file: string;
  /** Runs `fn` on the writer connection, after every write queued before it; writes wait meanwhile. */
  exclusive<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** A new connection for a long read; the caller closes it. */
  connect(): Promise<DuckDBConnection>;
  /** Whether the store is open for writing (not read-only). */
  writable(): boolean;
}

export async function rows<T extends unknown[]>(conn: DuckDBConnection, sql: string): Promise<T[]> {
  return (await conn.runAndReadAll(sql)).getRowsJS() as T[];
}

export const num = (v: unknown): number => Number(v ?? 0);
const isoOrNull = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);

const fileSize = async (file: string): Promise<number> => {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
};

export async function duckdbUsage(access: DuckdbAccess): Promise<StoreUsage> {
  // What sits in DuckDB's write-ahead log is measured as blocks once checkpointed into the file.
  if (access.writable() && (await fileSize(`${access.file}.wal`)) > 0) {
    await access
      .exclusive(async (conn) => {
        await conn.run('CHECKPOINT');
      })
      .catch(() => undefined);
  }
  const conn = await access.connect();
  try {
    const [size] = await rows<[unknown, unknown]>(
      conn,
      'SELECT block_size, used_blocks FROM pragma_database_size() WHERE database_name = current_database()',
    );
    const blockSize = num(size?.[0]);
    const wal = await fileSize(`${access.file}.wal`);
    const usedBytes = blockSize * num(size?.[1]) + wal;
    const stored = new Map(
      (
        await rows<[string, unknown]>(
          conn,
          `SELECT table_name, estimated_size FROM duckdb_tables()
             WHERE database_name = current_database() AND schema_name = 'main'`,
        )
      ).map(([t, n]) => [t, num(n)]),
    );
    const tables: (Omit<TableUsage, 'bytes'> & { blocks: number })[] = [];
    const days: DayCount[] = [];
    for (const table of RETAINED_TABLES) {
      const col = TIME_COLUMNS[table];
      const [agg] = await rows<[unknown, unknown, unknown]>(
        conn,
        `SELECT count(*), min(${col}), max(${col}) FROM ${table}`,
      );
      const [blocks] = await rows<[unknown]>(
        conn,
        `SELECT count(DISTINCT block_id) FROM pragma_storage_info('${table}') WHERE persistent`,
      );
      const live = num(agg?.[0]);
      tables.push({
        table,
        rows: live,
        storedRows: Math.max(live, stored.get(table) ?? 0),
        oldest: isoOrNull(agg?.[1]),
        newest: isoOrNull(agg?.[2]),
        blocks: num(blocks?.[0]),
      });
      for (const [day, n] of await rows<[string, unknown]>(
        conn,
        `SELECT CAST(CAST(${col} AS DATE) AS VARCHAR) AS day, count(*) FROM ${table} GROUP BY day ORDER BY day`,
      )) {
        days.push({ table, day, rows: num(n) });
      }
    }
    const byBlocks = tables.some((t) => t.blocks > 0);
    const weight = (t: { blocks: number; storedRows: number }): number =>
      byBlocks ? t.blocks : t.storedRows;
    const total = tables.reduce((n, t) => n + weight(t), 0);
    return {
      usedBytes,
      fileBytes: (await fileSize(access.file)) + wal,
      measure:
        `DuckDB's used blocks × ${blockSize} bytes + its write-ahead log (${wal} bytes); ` +
        'per table: its share of the data blocks (estimated)',
      tables: tables.map(({ blocks, ...t }) => ({
        ...t,
        bytes: total > 0 ? Math.round((usedBytes * weight({ blocks, storedRows: t.storedRows })) / total) : 0,
      })),
      days,
    };
  } finally {
    conn.closeSync();
  }
}
