/** The store contract (suites/store-contract-suite.ts) on every store, and DuckDB's own migration. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import { sharedIdKey } from '../../src/pipeline/normalize/identity.js';
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

  it('keys older rows by the ids they share with transcripts, once, keeping one row per id', async () => {
    const dir = tempDir('rekey-');
    const file = path.join(dir, 'old.duckdb');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const old = await DuckDBInstance.create(file);
    const conn = await old.connect();
    await conn.run(
      'CREATE TABLE events ("key" VARCHAR PRIMARY KEY, ts TIMESTAMP, event_name VARCHAR, request_id VARCHAR, tool_use_id VARCHAR, attributes JSON)',
    );
    await conn.run(`INSERT INTO events VALUES
      ('content-1', TIMESTAMP '2026-11-01 00:00:01', 'api_request', 'req_1', NULL, '{}'),
      ('content-2', TIMESTAMP '2026-11-01 00:00:02', 'api_request', 'req_1', NULL, '{"retried":true}'),
      ('content-3', TIMESTAMP '2026-11-01 00:00:03', 'tool_result', 'req_1', 'toolu_1', '{}'),
      ('content-4', TIMESTAMP '2026-11-01 00:00:04', 'user_prompt', NULL, NULL, '{"message.uuid":"m-1"}'),
      ('content-5', TIMESTAMP '2026-11-01 00:00:05', 'tool_decision', 'req_1', 'toolu_1', '{}')`);
    conn.closeSync();
    old.closeSync();

    const store = new DuckdbStore({ file });
    await store.start();
    try {
      const r = await store.query('SELECT key, event_name FROM events ORDER BY ts');
      expect(r.rows).toEqual([
        [sharedIdKey('api_request', 'req_1'), 'api_request'],
        [sharedIdKey('tool_result', 'toolu_1'), 'tool_result'],
        [sharedIdKey('user_prompt', 'm-1'), 'user_prompt'],
        ['content-5', 'tool_decision'],
      ]);
      // The same API request sent again (by an import, say) is a duplicate now.
      const again = await store.write({
        events: [eventRow({ key: sharedIdKey('api_request', 'req_1'), request_id: 'req_1' })],
        spans: [],
        metrics: [],
      });
      expect(again.events).toEqual({ inserted: 0, duplicates: 1 });
    } finally {
      await store.close();
    }
    const reopened = new DuckdbStore({ file });
    await reopened.start();
    try {
      expect((await reopened.query('SELECT count(*) FROM events')).rows[0]?.[0]).toBe(4);
    } finally {
      await reopened.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
