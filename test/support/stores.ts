/** Every store the contract suites run against: a new store is one entry here. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { connectClickhouse } from '../../src/store/clickhouse/clickhouse-client.js';
import { ClickhouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import type { Store } from '../../src/store/store.js';
import { sharedChdbEndpoint } from './chdb-endpoint.js';
import { tempDir } from './collector-fixture.js';

export interface StoreOptions {
  /** Where retention archives go (a store may refuse to write files anywhere else). */
  archiveDir?: string;
}

export interface StoreCase {
  name: string;
  open(opts?: StoreOptions): Promise<{ store: Store; cleanup(): void }>;
}

/** A ClickHouse server, as the store reaches it. */
export interface ClickhouseTarget {
  url: string;
  user: string;
  password: string;
  cluster?: string;
}

/** A store on a fresh database of `target`, dropped at cleanup. */
export async function openClickhouse(
  target: ClickhouseTarget,
): Promise<{ store: ClickhouseStore; cleanup(): void }> {
  const database = `unsilo_test_${randomBytes(6).toString('hex')}`;
  const store = new ClickhouseStore({ ...target, database });
  await store.start();
  return {
    store,
    cleanup: () => {
      void connectClickhouse({ ...target, requestTimeoutMs: 30_000 })
        .then(async (c) => {
          await c.run({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
          await c.close();
        })
        .catch(() => undefined);
    },
  };
}

export const STORES: StoreCase[] = [
  {
    name: 'duckdb',
    async open(opts = {}) {
      const dir = tempDir('store-');
      const store = new DuckdbStore({ file: path.join(dir, 'store.duckdb'), archiveDir: opts.archiveDir });
      await store.start();
      return { store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'clickhouse (chDB behind the HTTP endpoint)',
    async open() {
      const endpoint = await sharedChdbEndpoint();
      return openClickhouse({ url: endpoint.url, user: 'default', password: '' });
    },
  },
];
