import { describe, expect, it } from 'vitest';
import { isConfounded, mantelHaenszelDifference } from './mantel-haenszel.js';

describe('mantelHaenszelDifference', () => {
  it('equals the crude difference with a single stratum', () => {
    const mh = mantelHaenszelDifference([
      { key: 'all', after: { x: 20, n: 100 }, before: { x: 30, n: 100 } },
    ]);
    expect(mh?.diff).toBeCloseTo(-0.1, 12);
    expect(mh?.crudeDiff).toBeCloseTo(-0.1, 12);
    // Var = w²(p1q1/n1 + p0q0/n0)/w² = .16/100 + .21/100 → the Wald interval.
    expect(mh?.hi).toBeCloseTo(-0.1 + 1.96 * Math.sqrt(0.0037), 3);
    expect(mh?.confounded).toBe(false);
  });

  it('weights strata by n1·n0/(n1+n0) and drops strata with an empty arm', () => {
    const mh = mantelHaenszelDifference([
      { key: 'a', after: { x: 10, n: 50 }, before: { x: 20, n: 50 } }, // w 25, −0.2
      { key: 'b', after: { x: 30, n: 100 }, before: { x: 10, n: 25 } }, // w 20, −0.1
      { key: 'c', after: { x: 3, n: 7 }, before: { x: 0, n: 0 } },
    ]);
    expect(mh?.diff).toBeCloseTo((25 * -0.2 + 20 * -0.1) / 45, 12);
    expect(mh?.strataUsed).toBe(2);
    expect(mh?.strataDropped).toBe(1);
    expect(mh?.sessionsDropped).toBe(7);
  });
});

describe('isConfounded', () => {
  it.each([
    [0.11, -0.1, true],
    [-0.1, -0.12, true],
    [-0.1, -0.105, false],
    [0, 0, false],
  ])('crude %f, adjusted %f → %s', (crude, adjusted, expected) => {
    expect(isConfounded(crude, adjusted)).toBe(expected);
  });
});
