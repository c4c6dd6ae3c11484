import { describe, expect, it } from 'vitest';
import type { WeekRate } from '../signals/signal-weeks.js';
import { regressionRule } from './pattern-watch.js';

const week = (i: number, x: number, n: number, complete = true): WeekRate => ({
  week: `2026-W${40 + i}`,
  from: new Date(Date.parse('2026-09-28T00:00:00Z') + i * 7 * 86_400_000).toISOString(),
  n,
  x,
  rate: n ? x / n : 0,
  lo: 0,
  hi: 1,
  complete,
});
const validating = {
  measurement: 'm-1',
  change: 'ch-1',
  effective: '2026-10-05T00:00:00Z',
  before_rate: 0.3,
};

describe('regressionRule', () => {
  it('pools the latest 4 complete weeks and compares their lower bound with the before-arm rate', () => {
    const back = [week(0, 99, 100), week(1, 40, 100), week(2, 40, 100), week(3, 40, 100), week(4, 40, 100)];
    expect(regressionRule([...back, week(5, 0, 100, false)], validating)).toMatchObject({
      weeks: ['2026-W41', '2026-W42', '2026-W43', '2026-W44'],
      x: 160,
      n: 400,
      regressed: true,
    });
  });

  it('does not flip while the lower bound is under the before rate', () => {
    const near = [1, 2, 3, 4].map((i) => week(i, 33, 100));
    const r = regressionRule(near, validating);
    expect(r).toMatchObject({ x: 132, n: 400, regressed: false });
    expect(r.lo).toBeLessThan(0.3);
  });

  it('needs 4 complete weeks after the change took effect', () => {
    const r = regressionRule(
      [week(0, 90, 100), week(1, 90, 100), week(2, 90, 100), week(3, 90, 100)],
      validating,
    );
    expect(r).toMatchObject({ weeks: ['2026-W41', '2026-W42', '2026-W43'], regressed: false });
    expect(r.reason).toContain('needs 4');
  });

  it('does not flip on weeks without sessions', () => {
    expect(
      regressionRule(
        [1, 2, 3, 4].map((i) => week(i, 0, 0)),
        validating,
      ).regressed,
    ).toBe(false);
  });
});
