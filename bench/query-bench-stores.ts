/**
 * The stores the query benchmark runs on: DuckDB (a file, loaded through its own connection), and
 * ClickHouse = chDB behind the test HTTP endpoint, reached through the ClickhouseStore and
 * `@clickhouse/client` exactly as a collector reaches a server (the endpoint adds a few ms a request).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ClickhouseStore } from '../src/store/clickhouse/clickhouse-store.js';
import { DuckdbStore } from '../src/store/duckdb/duckdb-store.js';
import type { Store } from '../src/store/store.js';
import { startChdbEndpoint } from '../test/support/chdb-endpoint.js';
import { CLICKHOUSE, DUCKDB, type Spelling } from './query-bench-data.js';

export interface BenchStore {
  spelling: Spelling;
  /** Runs data-loading SQL (INSERT … SELECT) in the engine. */
  load(sqls: string[]): Promise<void>;
  /** The store to query, once loaded. */
  open(): Promise<Store>;
  /** Bytes the events table takes on disk, and how (parts, file). */
  size(): Promise<{ bytes: number; detail: string }>;
  close(): Promise<void>;
}

export function duckdbBench(dir: string): BenchStore {
  const file = path.join(dir, 'bench.duckdb');
  let store: DuckdbStore | null = null;
  return {
    spelling: DUCKDB,
    async load(sqls) {
      const init = new DuckdbStore({ file });
      await init.start(); // the project's schema and indexes
      await init.close();
      const db = await DuckDBInstance.create(file);
      const conn = await db.connect();
      for (const sql of sqls) await conn.run(sql);
      await conn.run('CHECKPOINT');
      conn.closeSync();
      db.closeSync();
    },
    async open() {
      store = new DuckdbStore({ file, readOnly: true });
      await store.start();
      return store;
    },
    size: async () => ({
      bytes: statSync(file).size,
      detail: 'whole DuckDB file (events table and its key index)',
    }),
    close: async () => store?.close(),
  };
}

export async function clickhouseBench(): Promise<BenchStore> {
  const endpoint = await startChdbEndpoint();
  const store = new ClickhouseStore({
    url: endpoint.url,
    database: 'unsilo_bench',
    user: 'default',
    password: '',
    requestTimeoutMs: 3_600_000,
  });
  await store.start();
  return {
    spelling: CLICKHOUSE,
    async load(sqls) {
      for (const sql of sqls) await store.query(sql, [], { timeoutMs: 3_600_000 });
    },
    open: () => Promise.resolve(store),
    async size() {
      const r = await store.query(
        `SELECT sum(bytes_on_disk), sum(rows), count(), sum(data_uncompressed_bytes) FROM system.parts
         WHERE database = currentDatabase() AND table = 'events' AND active`,
      );
      const [bytes, rows, parts, raw] = (r.rows[0] ?? []).map(Number) as [number, number, number, number];
      return {
        bytes,
        detail: `system.parts: ${rows.toLocaleString('en-US')} rows in ${parts} active parts, ${(raw / 2 ** 20).toFixed(0)} MiB uncompressed`,
      };
    },
    async close() {
      await store.close();
      await endpoint.close();
    },
  };
}
