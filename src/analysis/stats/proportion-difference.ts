/**
 * Two independent proportions, p1 = x1/n1 (after) against p0 = x0/n0 (before):
 * - the difference p1 − p0 with Newcombe's hybrid score interval (Newcombe 1998, method 10), built
 *   from the two Wilson intervals; it behaves near 0 and 1, where the Wald interval does not;
 * - the risk ratio p1/p0 with Katz's log interval, ln RR ± z·sqrt((1−p1)/x1 + (1−p0)/x0), reported
 *   as a relative change RR − 1. With no events in an arm the ratio has no interval (null).
 */
import { StatsInputError, wilsonInterval, Z95, type Interval } from './proportion-interval.js';

export interface Arm {
  /** Sessions with the property (e.g. flagged). */
  x: number;
  /** Sessions. */
  n: number;
}

export interface Difference extends Interval {
  p0: number;
  p1: number;
  diff: number;
}

export interface RelativeChange {
  rr: number;
  /** RR − 1: −0.2 is a 20 % drop. */
  rel: number;
  relLo: number;
  relHi: number;
}

export function newcombeDifference(after: Arm, before: Arm, z = Z95): Difference {
  if (after.n === 0 || before.n === 0) throw new StatsInputError('both arms need at least one session');
  const a = wilsonInterval(after.x, after.n, z);
  const b = wilsonInterval(before.x, before.n, z);
  const diff = a.p - b.p;
  return {
    p0: b.p,
    p1: a.p,
    diff,
    lo: diff - Math.sqrt((a.p - a.lo) ** 2 + (b.hi - b.p) ** 2),
    hi: diff + Math.sqrt((a.hi - a.p) ** 2 + (b.p - b.lo) ** 2),
  };
}

export function katzRelativeChange(after: Arm, before: Arm, z = Z95): RelativeChange | null {
  if (after.x === 0 || before.x === 0 || after.n === 0 || before.n === 0) return null;
  const p1 = after.x / after.n;
  const p0 = before.x / before.n;
  const rr = p1 / p0;
  const se = Math.sqrt((1 - p1) / after.x + (1 - p0) / before.x);
  return {
    rr,
    rel: rr - 1,
    relLo: Math.exp(Math.log(rr) - z * se) - 1,
    relHi: Math.exp(Math.log(rr) + z * se) - 1,
  };
}
