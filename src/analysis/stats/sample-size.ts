/**
 * Power for comparing two proportions (two-sided α = .05, power 80 % by default):
 *   n per arm = [z_α/2·sqrt(2 p̄ q̄) + z_β·sqrt(p0 q0 + p1 q1)]² / (p0 − p1)²,  p̄ = (p0 + p1)/2
 * and the minimum detectable effect at n per arm, (z_α/2 + z_β)·sqrt(2 p0 q0 / n) (the normal
 * approximation that treats both arms as having the baseline's variance).
 */
import { StatsInputError, Z80, Z95 } from './proportion-interval.js';

export function sessionsPerArm(p0: number, p1: number, zAlpha = Z95, zBeta = Z80): number {
  if (p0 === p1) return Number.POSITIVE_INFINITY;
  if (p0 < 0 || p0 > 1 || p1 < 0 || p1 > 1)
    throw new StatsInputError(`rates must be in [0, 1]: ${p0}, ${p1}`);
  const pbar = (p0 + p1) / 2;
  const a = zAlpha * Math.sqrt(2 * pbar * (1 - pbar));
  const b = zBeta * Math.sqrt(p0 * (1 - p0) + p1 * (1 - p1));
  return Math.ceil((a + b) ** 2 / (p0 - p1) ** 2);
}

/** The smallest absolute change in a rate of p0 detectable with n sessions per arm. */
export function minimumDetectableEffect(p0: number, n: number, zAlpha = Z95, zBeta = Z80): number {
  if (n <= 0) return Number.POSITIVE_INFINITY;
  return (zAlpha + zBeta) * Math.sqrt((2 * p0 * (1 - p0)) / n);
}

/** Sessions per arm still needed to detect p0 → p1, given `have` per arm now (0 when there are enough). */
export function moreSessionsPerArm(p0: number, p1: number, have: number): number {
  return Math.max(0, sessionsPerArm(p0, p1) - have);
}
