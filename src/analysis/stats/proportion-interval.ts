/**
 * Confidence intervals for one proportion: the Wilson score interval (Wilson 1927; Newcombe 1998
 * method 3), and its weighted form for samples whose strata were drawn with unequal inclusion
 * probabilities: the Horvitz–Thompson (Hájek) rate Σw·y / Σw with w = 1/π, and Kish's effective
 * sample size (Σw)² / Σw² in place of n. With equal weights the weighted form is the plain one.
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;
/** z for 80 % power (one-sided). */
export const Z80 = 0.8416212335729143;

export interface Interval {
  lo: number;
  hi: number;
}

export interface RateEstimate extends Interval {
  /** The point estimate. */
  p: number;
  /** The sample size the interval is built on (Kish's effective n when weighted). */
  n: number;
}

export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
}

/** Wilson's score interval for p = x/n; for n = 0 the interval is the whole [0, 1]. */
export function wilsonInterval(x: number, n: number, z = Z95): RateEstimate {
  if (n < 0 || x < 0 || x > n) throw new StatsInputError(`need 0 ≤ x ≤ n, got x=${x}, n=${n}`);
  if (n === 0) return { p: 0, n: 0, lo: 0, hi: 1 };
  return wilsonFrom(x / n, n, z);
}

/** Wilson's interval for a proportion p observed on (effective) sample size n. */
export function wilsonFrom(p: number, n: number, z = Z95): RateEstimate {
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { p, n, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** One sampled unit: whether it has the property, and the probability it had of being sampled. */
export interface WeightedUnit {
  present: boolean;
  inclusionProb: number;
}

/** The population rate estimated from a sample with unequal inclusion probabilities, with Wilson's interval. */
export function weightedWilson(units: readonly WeightedUnit[], z = Z95): RateEstimate {
  if (units.length === 0) return { p: 0, n: 0, lo: 0, hi: 1 };
  let sw = 0;
  let sw2 = 0;
  let swy = 0;
  for (const u of units) {
    if (!(u.inclusionProb > 0 && u.inclusionProb <= 1))
      throw new StatsInputError(`an inclusion probability must be in (0, 1], got ${u.inclusionProb}`);
    const w = 1 / u.inclusionProb;
    sw += w;
    sw2 += w * w;
    if (u.present) swy += w;
  }
  return wilsonFrom(swy / sw, (sw * sw) / sw2, z);
}
