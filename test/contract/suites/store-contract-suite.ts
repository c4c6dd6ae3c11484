/**
 * The store contract, run against every store: idempotent writes, read-only queries, and metric
 * totals that are right for DELTA and CUMULATIVE temporality alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError, type Store } from '../../../src/store/store.js';
import { eventRow, metricRow, spanRow } from '../../fixtures/rows.js';
import type { StoreCase } from '../../support/stores.js';

export function storeContractSuite({ name, open }: StoreCase): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => void;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => {
      await store.close();
      cleanup();
    });

    const count = async (sql: string): Promise<number> => Number((await store.query(sql)).rows[0]?.[0]);

    it('writes rows once: a second write of the same keys counts duplicates and adds nothing', async () => {
      const events = [eventRow({ session_id: 'dedup' }), eventRow({ session_id: 'dedup' })];
      const spans = [spanRow({ session_id: 'dedup' })];
      const metrics = [metricRow({ session_id: 'dedup', series_key: 'dedup-series' })];
      const first = await store.write({ events, spans, metrics });
      expect(first).toEqual({
        events: { inserted: 2, duplicates: 0 },
        spans: { inserted: 1, duplicates: 0 },
        metrics: { inserted: 1, duplicates: 0 },
      });
      const again = await store.write({ events: [...events, events[0]!], spans, metrics });
      expect(again.events).toEqual({ inserted: 0, duplicates: 3 });
      expect(again.spans).toEqual({ inserted: 0, duplicates: 1 });
      expect(await count("SELECT count(*) FROM events WHERE session_id = 'dedup'")).toBe(2);
      expect(await count("SELECT count(*) FROM spans WHERE session_id = 'dedup'")).toBe(1);
    });

    it('round-trips typed values', async () => {
      const row = eventRow({
        session_id: 'typed',
        success: false,
        cost_usd: 0.00086,
        input_tokens: 123,
        ts: Date.UTC(2026, 10, 28, 7, 0, 30, 577) * 1000,
      });
      await store.write({ events: [row], spans: [], metrics: [] });
      const r = await store.query(
        "SELECT success, cost_usd, input_tokens, ts, attributes FROM events WHERE session_id = 'typed'",
      );
      expect(r.rows[0]?.slice(0, 3)).toEqual([false, 0.00086, 123]);
      expect(String(r.rows[0]?.[3])).toMatch(/^2026-11-28[ T]07:00:30\.577/);
      expect(JSON.parse(String(r.rows[0]?.[4]))).toEqual(JSON.parse(row.attributes));
    });

    it('reads a JSON attribute by key (dots are part of the key), NULL when it is missing', async () => {
      const attributes = JSON.stringify({ 'unsilo.doctor.id': "d-1'x", feature: '017' });
      await store.write({ events: [eventRow({ session_id: 'json', attributes })], spans: [], metrics: [] });
      const d = store.dialect;
      const r = await store.query(
        `SELECT ${d.jsonString('attributes', 'unsilo.doctor.id')}, ${d.jsonString('attributes', 'chapter')}
         FROM events WHERE session_id = 'json' AND ${d.jsonString('attributes', 'unsilo.doctor.id')} = ${d.param(1, "d-1'x")}`,
        ["d-1'x"],
      );
      expect(r.rows).toEqual([["d-1'x", null]]);
    });

    it('rounds halves away from zero, as people do', async () => {
      const d = store.dialect;
      const r = await store.query(
        `SELECT ${d.round('CAST(2.5 AS DOUBLE)', 0)}, ${d.round('CAST(-1.25 AS DOUBLE)', 1)}, ${d.round('CAST(0.15485 AS DOUBLE)', 4)}, ${d.round('CAST(1.005 AS DOUBLE)', 6)}`,
      );
      expect(r.rows).toEqual([[3, -1.3, 0.1548, 1.005]]);
    });

    it('binds parameters through the dialect', async () => {
      const r = await store.query(
        `SELECT count(*) FROM events WHERE session_id = ${store.dialect.param(1, 'typed')}`,
        ['typed'],
      );
      expect(r.rows[0]?.[0]).toBe(1);
    });

    it('refuses writes and multiple statements in read-only queries, and limits rows', async () => {
      // (ClickHouse's DELETE needs a WHERE.)
      await expect(store.query('DELETE FROM events WHERE 1 = 1', [], { readOnly: true })).rejects.toThrow(
        /read-only/,
      );
      await expect(store.query('SELECT 1; SELECT 2', [], { readOnly: true })).rejects.toBeInstanceOf(
        QueryError,
      );
      await expect(store.query('SELEC nonsense', [], { readOnly: true })).rejects.toBeInstanceOf(QueryError);
      // A numbers table: DuckDB's range(n) (column `range`), ClickHouse's numbers(n) (column `number`).
      const [series, n] = store.dialect.name === 'duckdb' ? ['range', 'range'] : ['numbers', 'number'];
      await expect(
        store.query(`SELECT sum(a.${n} * b.${n}) FROM ${series}(100000) a, ${series}(100000) b`, [], {
          readOnly: true,
          timeoutMs: 200,
        }),
      ).rejects.toThrow(/stopped after 200 ms/);
      const limited = await store.query(`SELECT * FROM ${series}(100)`, [], { readOnly: true, maxRows: 7 });
      expect(limited.rows).toHaveLength(7);
      expect(await count('SELECT count(*) FROM events')).toBeGreaterThan(0);
    });

    it('reaches no file, network or other server from a read-only query', async () => {
      const reach =
        store.dialect.name === 'duckdb'
          ? [
              "SELECT * FROM read_csv('/etc/passwd')",
              "SELECT * FROM read_text('/etc/hostname')",
              "SELECT * FROM glob('/etc/*')",
              "SELECT count(*) FROM events WHERE member IN (SELECT column0 FROM read_csv('/etc/passwd'))",
            ]
          : [
              "SELECT * FROM file('/etc/passwd', 'LineAsString')",
              "SELECT file('/etc/hostname') AS f",
              "SELECT count() FROM events WHERE member IN (SELECT * FROM url('http://127.0.0.1:9/x', 'LineAsString'))",
              "WITH t AS (SELECT 1 AS x) SELECT * FROM t JOIN remote('127.0.0.1:9', system.one) r ON 1",
              "SELECT * FROM executable('id', 'LineAsString', 'x String')",
              "SELECT * FROM s3('http://127.0.0.1:9/b/k.csv')",
            ];
      for (const sql of reach) {
        const refused = await store.query(sql, [], { readOnly: true }).then(
          (r) => `answered ${JSON.stringify(r.rows).slice(0, 80)}`,
          (err: unknown) => err,
        );
        expect(refused, sql).toBeInstanceOf(QueryError);
      }
      // Generators and the store's own tables stay readable.
      const series = store.dialect.name === 'duckdb' ? 'range(3)' : 'numbers(3)';
      expect((await store.query(`SELECT count(*) FROM ${series}`, [], { readOnly: true })).rows).toEqual([
        [3],
      ]);
    });

    it('sums DELTA points and turns CUMULATIVE points (with a reset) into increments', async () => {
      const t0 = 1_800_000_000_000_000;
      const delta = [3, 4, 5].map((v, i) =>
        metricRow({ series_key: 'd', name: 'm.delta', value: v, ts: t0 + i }),
      );
      const cumulative = [
        ...[2, 5, 9].map((v, i) =>
          metricRow({
            series_key: 'c',
            name: 'm.cum',
            temporality: 'cumulative',
            start_ts: t0,
            value: v,
            ts: t0 + 10 + i,
          }),
        ),
        // a restart of the process: a new start time, the count starts again
        ...[1, 4].map((v, i) =>
          metricRow({
            series_key: 'c',
            name: 'm.cum',
            temporality: 'cumulative',
            start_ts: t0 + 50,
            value: v,
            ts: t0 + 60 + i,
          }),
        ),
      ];
      await store.write({ events: [], spans: [], metrics: [...delta, ...cumulative] });
      const r = await store.query(
        "SELECT name, sum(increment) FROM metric_increments WHERE name IN ('m.delta', 'm.cum') GROUP BY 1 ORDER BY 1",
      );
      expect(r.rows).toEqual([
        ['m.cum', 13],
        ['m.delta', 12],
      ]);
    });
  });
}
