import { describe, expect, it } from 'vitest';
import { flaggedSession } from '../../../test/fixtures/session-signals.js';
import type { SessionSignals } from '../signals/session-signals.js';
import { weeklyRates } from './weekly-rates.js';

let seq = 0;
const session = (start: string, flagged: boolean, end = start): SessionSignals =>
  flaggedSession(`s${seq++}`, start, flagged, end);
/** n sessions from `start`, one a minute, the first `x` of them flagged. */
const many = (start: string, n: number, x: number): SessionSignals[] =>
  Array.from({ length: n }, (_, i) => session(new Date(Date.parse(start) + i * 60_000).toISOString(), i < x));

// Effective on a Wednesday noon, 7 days either side: W09 (cut), W10 before, W10 after, W11 (cut).
const CHANGE = {
  id: 'c-1',
  metric: 'bad_validation_session_rate',
  effective: '2026-03-04T12:00:00.000Z',
  before: { from: '2026-02-25T12:00:00.000Z', to: '2026-03-04T12:00:00.000Z', days: 7 },
  after: { from: '2026-03-04T12:00:00.000Z', to: '2026-03-11T12:00:00.000Z', days: 7 },
  target: -0.2,
};

describe('weeklyRates', () => {
  const sessions = [
    ...many('2026-02-26T09:00:00.000Z', 50, 12), // W09: 12 of 50
    session('2026-03-02T00:00:00.000Z', true), // the Monday's first instant: W10
    session('2026-03-04T11:59:59.999Z', false), // before the change, ends before it
    session('2026-03-04T11:00:00.000Z', true, '2026-03-04T12:00:00.000Z'), // spans it: excluded
    session('2026-03-04T12:00:00.000Z', true), // the change's instant: after
    ...many('2026-03-09T00:00:00.000Z', 4, 0), // W11: 0 of 4
  ];
  const r = weeklyRates(CHANGE, sessions, 'validation_failures', 'validation_failures@v1');

  it('cuts the ISO weeks at the windows and the change', () => {
    expect(r.weeks.map((w) => [w.week, w.arm, w.from, w.to, w.x, w.n])).toEqual([
      ['2026-W09', 'before', '2026-02-25T12:00:00.000Z', '2026-03-02T00:00:00.000Z', 12, 50],
      ['2026-W10', 'before', '2026-03-02T00:00:00.000Z', '2026-03-04T12:00:00.000Z', 1, 2],
      ['2026-W10', 'after', '2026-03-04T12:00:00.000Z', '2026-03-09T00:00:00.000Z', 1, 1],
      ['2026-W11', 'after', '2026-03-09T00:00:00.000Z', '2026-03-11T12:00:00.000Z', 0, 4],
    ]);
    expect(r.weeks[1]!.mid).toBe('2026-03-03T06:00:00.000Z');
  });

  it("excludes the session spanning the change, and the arms add up to measure's", () => {
    expect(r.sessions).toEqual({ before: 52, after: 5, excluded_spanning: 1 });
    expect(r.before_rate).toBeCloseTo(13 / 52, 12);
    expect(r.target_rate).toBeCloseTo((13 / 52) * 0.8, 12);
  });

  it("gives each week Wilson's 95 % interval (12/50 → 0.143–0.374)", () => {
    const w = r.weeks[0]!;
    expect(w.p).toBe(0.24);
    expect(w.lo).toBeCloseTo(0.143, 3);
    expect(w.hi).toBeCloseTo(0.374, 3);
    // 0 of 4: the interval still has width.
    expect(r.weeks[3]).toMatchObject({ p: 0, lo: 0 });
    expect(r.weeks[3]!.hi).toBeCloseTo(0.4899, 4);
  });

  it('lists empty weeks with a null rate, and no target without one', () => {
    const e = weeklyRates({ ...CHANGE, target: null }, [], 'validation_failures', 'd');
    expect(e.weeks).toHaveLength(4);
    expect(e.weeks.every((w) => w.n === 0 && w.p === null && w.lo === null && w.hi === null)).toBe(true);
    expect(e.before_rate).toBeNull();
    expect(e.target_rate).toBeNull();
  });
});
