/**
 * `changes weekly` on a store: the weekly rates of a change's metric, with exact counts worked out by
 * hand from the fixture (56 sessions per arm, two a day; every 4th bad before, every 8th after) and
 * one session spanning the change, excluded. Every store must give these very rows, so the chart is
 * the same on DuckDB and ClickHouse; the weeks of each arm add up to `changes measure`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../../src/analysis/analysis-actions.js';
import type { AnalysisContext } from '../../../src/analysis/analysis-context.js';
import type { WeeklyRates } from '../../../src/analysis/changes/weekly-rates.js';
import { wilsonInterval } from '../../../src/analysis/stats/proportion-interval.js';
import type { Store } from '../../../src/store/store.js';
import { arm } from '../../fixtures/change-dataset.js';
import type { StoreCase } from '../../support/stores.js';

/** week, arm, from (day), x, n — the change takes effect on Sunday 2026-03-01, inside ISO week 9. */
const EXPECTED: [string, 'before' | 'after', string, number, number][] = [
  ['2026-W05', 'before', '2026-02-01', 0, 2],
  ['2026-W06', 'before', '2026-02-02', 4, 14],
  ['2026-W07', 'before', '2026-02-09', 3, 14],
  ['2026-W08', 'before', '2026-02-16', 4, 14],
  ['2026-W09', 'before', '2026-02-23', 3, 12],
  ['2026-W09', 'after', '2026-03-01', 0, 2],
  ['2026-W10', 'after', '2026-03-02', 2, 14],
  ['2026-W11', 'after', '2026-03-09', 1, 14],
  ['2026-W12', 'after', '2026-03-16', 2, 14],
  ['2026-W13', 'after', '2026-03-23', 2, 12],
];

export function weeklyRatesSuite({ name, open }: StoreCase): void {
  describe(`changes weekly on ${name}`, () => {
    let store: Store;
    let cleanup: () => void;
    let ctx: AnalysisContext;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
      await store.write({
        events: [
          ...arm({ id: 'w0', n: 56, bad: 14, fromIso: '2026-02-01', days: 28 }),
          ...arm({ id: 'w1', n: 56, bad: 7, fromIso: '2026-03-01', days: 28 }),
          // Starts at 23:59:59 the day before, its last event after midnight: spans the change.
          ...arm({ id: 'span', n: 1, bad: 1, fromIso: '2026-02-28T23:59:58Z', days: 1 }),
        ],
        spans: [],
        metrics: [],
      });
      ctx = { store, author: 'rita', now: () => new Date('2026-11-28T12:00:00Z'), redact: (t) => t };
    });
    afterAll(async () => {
      await store.close();
      cleanup();
    });

    it('counts the sessions per ISO week and arm, with Wilson intervals, identical on every store', async () => {
      const ch = (await runAction(ctx, 'changes.add', {
        kind: 'spec_template',
        effective: '2026-03-01T00:00:00Z',
        target: '-20%',
      })) as { id: string };
      const r = (await runAction(ctx, 'changes.weekly', { id: ch.id })) as WeeklyRates;
      expect(r.weeks.map((w) => [w.week, w.arm, w.from.slice(0, 10), w.x, w.n])).toEqual(EXPECTED);
      for (const w of r.weeks) {
        const ci = wilsonInterval(w.x, w.n);
        expect([w.p, w.lo, w.hi], w.week).toEqual([ci.p, ci.lo, ci.hi]);
      }
      expect(r.weeks.at(-1)!.to).toBe('2026-03-29T00:00:00.000Z');
      expect(r.sessions).toEqual({ before: 56, after: 56, excluded_spanning: 1 });
      expect(r.before_rate).toBe(0.25);
      expect(r.target_rate).toBe(0.2);

      const m = (await runAction(ctx, 'changes.measure', { id: ch.id })) as {
        sessions: WeeklyRates['sessions'];
        result: { before: { x: number; n: number }; after: { x: number; n: number } };
      };
      expect(m.sessions).toEqual(r.sessions);
      expect([m.result.before.x, m.result.after.x]).toEqual([14, 7]);
    });
  });
}
