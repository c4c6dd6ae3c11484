import { describe, expect, it } from 'vitest';
import { StatsInputError, weightedWilson, wilsonInterval } from './proportion-interval.js';

// Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
// methods", Stat Med 17:857–872, Table I, method 3 (Wilson score, no continuity correction); and the
// design doc's 12/50 example.
const WILSON: [number, number, number, number][] = [
  [81, 263, 0.2553, 0.3662],
  [15, 148, 0.0624, 0.1605],
  [0, 20, 0, 0.1611],
  [1, 29, 0.0061, 0.1718],
  [29, 29, 0.883, 1],
  [12, 50, 0.143, 0.374],
];

describe('wilsonInterval', () => {
  it.each(WILSON)('%i/%i → [%f, %f]', (x, n, lo, hi) => {
    const r = wilsonInterval(x, n);
    expect(r.p).toBeCloseTo(x / n, 12);
    expect(r.lo).toBeCloseTo(lo, 3);
    expect(r.hi).toBeCloseTo(hi, 3);
  });

  it('is the whole [0, 1] with no sessions, and refuses x > n', () => {
    expect(wilsonInterval(0, 0)).toEqual({ p: 0, n: 0, lo: 0, hi: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(StatsInputError);
  });
});

describe('weightedWilson', () => {
  it('equals the plain interval when every unit had the same inclusion probability', () => {
    const units = Array.from({ length: 50 }, (_, i) => ({ present: i < 12, inclusionProb: 0.25 }));
    const w = weightedWilson(units);
    const plain = wilsonInterval(12, 50);
    expect(w.p).toBeCloseTo(plain.p, 12);
    expect(w.lo).toBeCloseTo(plain.lo, 12);
    expect(w.hi).toBeCloseTo(plain.hi, 12);
  });

  it('pulls an oversampled stratum back to its population share', () => {
    // 20 sessions from a flagged stratum sampled at 1/2 (15 bad), 80 from the rest at 1/20 (8 bad).
    // Population: 40 flagged (30 bad), 1,600 others (160 bad) → 190/1,640 = 11.6 %; raw: 23/100.
    const units = [
      ...Array.from({ length: 20 }, (_, i) => ({ present: i < 15, inclusionProb: 0.5 })),
      ...Array.from({ length: 80 }, (_, i) => ({ present: i < 8, inclusionProb: 0.05 })),
    ];
    const w = weightedWilson(units);
    expect(w.p).toBeCloseTo(190 / 1640, 10);
    // Kish: (Σw)² / Σw² = 1640² / (20·4 + 80·400) = 83.8 effective sessions, not 100.
    expect(w.n).toBeCloseTo(1640 ** 2 / (20 * 4 + 80 * 400), 8);
    expect(w.hi).toBeLessThan(wilsonInterval(23, 100).p);
  });

  it('refuses an inclusion probability outside (0, 1]', () => {
    expect(() => weightedWilson([{ present: true, inclusionProb: 0 }])).toThrow(StatsInputError);
  });
});
