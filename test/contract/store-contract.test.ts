/** The store contract (suites/store-contract-suite.ts) on every store, and DuckDB's own migration. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import { eventRow } from '../fixtures/rows.js';
import { tempDir } from '../support/collector-fixture.js';
import { STORES } from '../support/stores.js';
import { storeContractSuite } from './suites/store-contract-suite.js';

for (const c of STORES) storeContractSuite(c);

describe('DuckDB migration', () => {
  it('adds the columns an older data directory lacks, and writes to it', async () => {
    const dir = tempDir('migrate-');
    const file = path.join(dir, 'old.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const old = await DuckDBInstance.create(file);
    const conn = await old.connect();
    await conn.run('CREATE TABLE events ("key" VARCHAR PRIMARY KEY, ts TIMESTAMP, event_name VARCHAR)');
    await conn.run("INSERT INTO events VALUES ('old-1', TIMESTAMP '2026-11-01 00:00:00', 'user_prompt')");
    conn.closeSync();
    old.closeSync();

    const store = new DuckdbStore({ file });
    await store.start();
    try {
      await store.write({ events: [eventRow({ feature: '017', chapter: '07' })], spans: [], metrics: [] });
      const r = await store.query('SELECT key, event_name, feature, chapter FROM events ORDER BY ts');
      expect(r.rows[0]).toEqual(['old-1', 'user_prompt', null, null]);
      expect(r.rows[1]?.slice(2)).toEqual(['017', '07']);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
