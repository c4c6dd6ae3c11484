/**
 * What only the ClickHouse store must show, against a server (chDB behind the test endpoint, or
 * CLICKHOUSE_URL): copies of a row are read once before any merge, two collectors writing the same
 * batch store it once, migrations run from several collectors at once, the cluster DDL is valid
 * ClickHouse, and connection problems are typed errors that say what to check.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { QueryService } from '../../../src/query/query-service.js';
import {
  AUTHENTICATION_FAILED,
  ClickhouseConnectionError,
  ClickhouseServerError,
  connectClickhouse,
} from '../../../src/store/clickhouse/clickhouse-client.js';
import { MIGRATIONS } from '../../../src/store/clickhouse/clickhouse-migrations.js';
import {
  addColumnsDdl,
  createDatabaseDdl,
  migrationLogDdl,
} from '../../../src/store/clickhouse/clickhouse-schema.js';
import { TABLES } from '../../../src/store/schema.js';
import { toJsonRow } from '../../../src/store/clickhouse/clickhouse-values.js';
import { ClickhouseStore } from '../../../src/store/clickhouse/clickhouse-store.js';
import { eventRow } from '../../fixtures/rows.js';
import { openClickhouse, type ClickhouseTarget } from '../../support/stores.js';

export function clickhouseSuite(name: string, target: () => Promise<ClickhouseTarget>): void {
  describe(`ClickHouse store on ${name}`, () => {
    const cleanups: (() => void)[] = [];
    const stores: ClickhouseStore[] = [];
    afterAll(async () => {
      for (const s of stores) await s.close();
      for (const c of cleanups) c();
    });
    const open = async (): Promise<ClickhouseStore> => {
      const { store, cleanup } = await openClickhouse(await target());
      stores.push(store);
      cleanups.push(cleanup);
      return store;
    };
    const count = async (store: ClickhouseStore, sql: string): Promise<number> =>
      Number((await store.query(sql)).rows[0]?.[0]);

    it('reads copies of a row once, before any merge (FINAL), in counts and templates alike', async () => {
      const store = await open();
      const rows = [1, 2, 3].map((i) => eventRow({ session_id: 'race', cost_usd: i / 10 }));
      await store.query('SYSTEM STOP MERGES events');
      await store.write({ events: rows, spans: [], metrics: [] });
      // A second collector that lost the race: the same rows inserted again, past the lookup.
      const t = await target();
      const db = (await store.query('SELECT currentDatabase()')).rows[0]?.[0] as string;
      const raw = await connectClickhouse({ ...t, database: db, requestTimeoutMs: 30_000 });
      await raw.insert(
        'events',
        rows.map((r) => toJsonRow(TABLES.events, r)),
      );
      await raw.close();
      expect(
        await count(store, "SELECT count() FROM events WHERE session_id = 'race' SETTINGS final = 0"),
      ).toBe(6);
      expect(await count(store, "SELECT count() FROM events WHERE session_id = 'race'")).toBe(3);
      const total = await new QueryService(store).run('cost-total', { session: 'race' });
      expect(total.rows[0]?.slice(0, 2)).toEqual([0.6, 3]);
    });

    it('stores a batch two collectors write at once once', async () => {
      const a = await open();
      const db = (await a.query('SELECT currentDatabase()')).rows[0]?.[0] as string;
      const b = new ClickhouseStore({ ...(await target()), database: db });
      stores.push(b);
      await b.start();
      const rows = Array.from({ length: 500 }, () => eventRow({ session_id: 'twice' }));
      const [ra, rb] = await Promise.all([
        a.write({ events: rows, spans: [], metrics: [] }),
        b.write({ events: rows, spans: [], metrics: [] }),
      ]);
      expect(ra.events.inserted + rb.events.inserted).toBeGreaterThanOrEqual(500);
      expect(await count(a, "SELECT count() FROM events WHERE session_id = 'twice'")).toBe(500);
      expect(await b.write({ events: rows, spans: [], metrics: [] })).toMatchObject({
        events: { inserted: 0, duplicates: 500 },
      });
    });

    it('migrates from several collectors at once, each version recorded once', async () => {
      const first = await open();
      const db = (await first.query('SELECT currentDatabase()')).rows[0]?.[0] as string;
      const t = await target();
      const more = [1, 2, 3].map(() => new ClickhouseStore({ ...t, database: db }));
      stores.push(...more);
      await Promise.all(more.map((s) => s.start()));
      const versions = await first.query(
        'SELECT version, count() FROM schema_migrations GROUP BY version ORDER BY version',
      );
      expect(versions.rows).toEqual(MIGRATIONS.map((m) => [m.version, 1]));
      const tables = await first.query(
        'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
      );
      // (On a cluster each also has its <name>_local storage.)
      expect(tables.rows.map((r) => String(r[0])).filter((n) => !n.endsWith('_local'))).toEqual([
        'annotations',
        'changes',
        'events',
        'measurements',
        'member_token_history',
        'members',
        'metric_increments',
        'metric_points',
        'note_patterns',
        'pattern_revisions',
        'review_items',
        'review_queues',
        'review_reservations',
        'schema_migrations',
        'session_changes',
        'session_context',
        'session_labels',
        'session_signals',
        'spans',
        'tool_outcomes',
      ]);
    });

    it('writes cluster DDL that ClickHouse parses: ON CLUSTER, Replicated tables, Distributed in front', async () => {
      const store = await open();
      const l = { database: 'unsilo', cluster: 'telemetry' };
      const ddl = [
        createDatabaseDdl(l),
        ...migrationLogDdl(l),
        ...MIGRATIONS.flatMap((m) => m.statements(l)),
        ...addColumnsDdl(l, new Map()),
      ];
      for (const sql of ddl) {
        expect(sql).toContain('ON CLUSTER `telemetry`');
        await store.query(`SELECT formatQuery(${store.dialect.param(1, sql)})`, [sql]);
      }
      const events = ddl.filter((s) => /\.events(_local)? /.test(s));
      expect(events[0]).toMatch(
        /ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/unsilo\/events_local', '\{replica\}', _version\)/,
      );
      expect(events[1]).toMatch(
        /ENGINE = Distributed\(`telemetry`, `unsilo`, events_local, cityHash64\(key\)\)/,
      );
    });

    it('refuses SQL whose FORMAT clause would not come back as rows', async () => {
      const store = await open();
      await expect(store.query('SELECT 1 FORMAT CSV', [], { readOnly: true })).rejects.toThrow(
        /leave the FORMAT clause out/,
      );
    });

    it('says when the password is wrong, and when the server cannot be reached', async () => {
      const t = await target();
      const wrong = new ClickhouseStore({ ...t, password: `${t.password}-wrong`, database: 'unsilo_never' });
      const err = await wrong.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClickhouseServerError);
      expect((err as ClickhouseServerError).code).toBe(AUTHENTICATION_FAILED);
      const away = new ClickhouseStore({ ...t, url: 'http://127.0.0.1:1', database: 'unsilo_never' });
      await expect(away.start()).rejects.toBeInstanceOf(ClickhouseConnectionError);
    });
  });
}
