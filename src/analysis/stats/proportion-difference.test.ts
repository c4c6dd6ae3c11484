import { describe, expect, it } from 'vitest';
import { katzRelativeChange, newcombeDifference } from './proportion-difference.js';

describe('newcombeDifference (hybrid score, Newcombe 1998 method 10)', () => {
  // Newcombe RG (1998), "Interval estimation for the difference between independent proportions",
  // Stat Med 17:873–890, Table II, method 10; then the design doc's before/after examples.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [20, 100, 30, 100, -0.217, 0.02],
    [200, 1000, 300, 1000, -0.137, -0.062],
  ])('%i/%i − %i/%i → [%f, %f]', (x1, n1, x0, n0, lo, hi) => {
    const d = newcombeDifference({ x: x1, n: n1 }, { x: x0, n: n0 });
    expect(d.diff).toBeCloseTo(x1 / n1 - x0 / n0, 12);
    expect(d.lo).toBeCloseTo(lo, 3);
    expect(d.hi).toBeCloseTo(hi, 3);
  });
});

describe('katzRelativeChange', () => {
  it('20/100 against 30/100: RR 0.67 [0.41, 1.09] (Katz log interval)', () => {
    const r = katzRelativeChange({ x: 20, n: 100 }, { x: 30, n: 100 });
    expect(r?.rr).toBeCloseTo(0.667, 3);
    expect(r?.relLo).toBeCloseTo(0.407 - 1, 3);
    expect(r?.relHi).toBeCloseTo(1.092 - 1, 3);
    expect(r?.rel).toBeCloseTo(-1 / 3, 10);
  });

  it('has no interval when an arm has no events', () => {
    expect(katzRelativeChange({ x: 0, n: 100 }, { x: 30, n: 100 })).toBeNull();
  });
});
