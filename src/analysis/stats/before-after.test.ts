import { describe, expect, it } from 'vitest';
import { beforeAfter } from './before-after.js';

describe('beforeAfter', () => {
  it('a known effect, 30 % → 20 % with 1,000 sessions per arm, is validated and its CI holds −0.10', () => {
    const r = beforeAfter({ before: { x: 300, n: 1000 }, after: { x: 200, n: 1000 }, target: -0.2 });
    expect(r.verdict).toBe('validated');
    expect(r.difference.lo).toBeLessThan(-0.1);
    expect(r.difference.hi).toBeGreaterThan(-0.1);
    expect(r.relative?.relHi).toBeLessThan(0);
    expect(r.target?.met).toBe(true);
    expect(r.observed.morePerArm).toBe(0);
  });

  it('the same effect with 50 per arm is inconclusive, with its MDE and the sessions still needed', () => {
    const r = beforeAfter({ before: { x: 15, n: 50 }, after: { x: 10, n: 50 }, target: -0.2 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.mde).toBeCloseTo(0.26, 2);
    expect(r.observed.perArm).toBe(294); // ≈ 293 in the design doc (z_β = 0.84)
    expect(r.observed.morePerArm).toBe(244);
    expect(r.target?.perArm).toBe(859);
    expect(r.target?.confirmed).toBe(false);
  });

  it('is insufficient below 30 sessions or 5 events per arm, and not_validated when things got worse', () => {
    expect(beforeAfter({ before: { x: 10, n: 29 }, after: { x: 5, n: 29 } }).verdict).toBe('insufficient');
    expect(beforeAfter({ before: { x: 4, n: 100 }, after: { x: 9, n: 100 } }).verdict).toBe('insufficient');
    expect(beforeAfter({ before: { x: 200, n: 1000 }, after: { x: 300, n: 1000 } }).verdict).toBe(
      'not_validated',
    );
  });

  it("Simpson's paradox: the after window leans to hard chapters; crude worse, stratified better, flagged", () => {
    const strata = [
      { key: 'easy', before: { x: 80, n: 400 }, after: { x: 15, n: 100 } }, // 20 % → 15 %
      { key: 'hard', before: { x: 60, n: 100 }, after: { x: 180, n: 400 } }, // 60 % → 45 %
    ];
    const r = beforeAfter({ before: { x: 140, n: 500 }, after: { x: 195, n: 500 }, strata });
    expect(r.difference.diff).toBeCloseTo(0.11, 10);
    expect(r.relative?.relLo).toBeGreaterThan(0); // crude alone would say "not validated"
    expect(r.adjusted?.diff).toBeCloseTo(-0.1, 10);
    expect(r.adjusted?.confounded).toBe(true);
    expect(r.basis).toBe('adjusted');
    expect(r.verdict).toBe('validated');
  });
});
