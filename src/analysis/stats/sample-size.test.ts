import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, moreSessionsPerArm, sessionsPerArm } from './sample-size.js';

describe('sessionsPerArm', () => {
  it.each([
    // The design doc's figures use z_β = 0.84; exact quantiles (z_β = 0.8416) round up one higher.
    [0.3, 0.24, 858, 859],
    [0.3, 0.2, 293, 294],
    [0.5, 0.4, 387, 388],
  ])('%f → %f: %i per arm with z_β = 0.84, %i exact', (p0, p1, rounded, exact) => {
    expect(sessionsPerArm(p0, p1, 1.96, 0.84)).toBe(rounded);
    expect(sessionsPerArm(p0, p1)).toBe(exact);
  });

  it('needs infinitely many sessions for no change', () => {
    expect(sessionsPerArm(0.3, 0.3)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('minimumDetectableEffect', () => {
  it.each([
    [50, 0.26],
    [100, 0.18],
    [200, 0.13],
  ])('p0 = .30, n = %i per arm → ≈ %f', (n, mde) => {
    expect(minimumDetectableEffect(0.3, n)).toBeCloseTo(mde, 2);
  });
});

describe('moreSessionsPerArm', () => {
  it('is what is missing, never negative', () => {
    expect(moreSessionsPerArm(0.3, 0.2, 50)).toBe(244);
    expect(moreSessionsPerArm(0.3, 0.2, 1000)).toBe(0);
  });
});
