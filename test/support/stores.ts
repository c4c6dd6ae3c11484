/** Every store the contract suites run against: a new store is one entry here. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from './collector-fixture.js';

export interface StoreOptions {
  /** Where retention archives go (a store may refuse to write files anywhere else). */
  archiveDir?: string;
}

export interface StoreCase {
  name: string;
  open(opts?: StoreOptions): Promise<{ store: Store; cleanup(): void }>;
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
];
