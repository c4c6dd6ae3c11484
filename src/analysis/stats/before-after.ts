/**
 * The before/after verdict on a per-session rate (lower is better: a failure rate), from the rules of
 * the error-analysis design (§6), in this order:
 * 1. `insufficient`: fewer than 30 sessions or fewer than 5 flagged sessions in an arm;
 * 2. `validated`: the whole interval of the change is below 0 (relative change, else difference);
 * 3. `not_validated`: its lower bound is at or above 0 (no improvement, or worse);
 * 4. `inconclusive`: anything else, with the sessions per arm a decision would need.
 * When strata are given the verdict rests on the Mantel–Haenszel (adjusted) difference, and the crude
 * estimates are reported beside it.
 */
import {
  katzRelativeChange,
  newcombeDifference,
  type Arm,
  type Difference,
  type RelativeChange,
} from './proportion-difference.js';
import { mantelHaenszelDifference, type MantelHaenszel, type Stratum } from './mantel-haenszel.js';
import { wilsonInterval, type RateEstimate } from './proportion-interval.js';
import { minimumDetectableEffect, sessionsPerArm } from './sample-size.js';

export const VERDICTS = ['insufficient', 'validated', 'not_validated', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const MIN_SESSIONS_PER_ARM = 30;
export const MIN_EVENTS_PER_ARM = 5;

export interface BeforeAfterInput {
  before: Arm;
  after: Arm;
  /** Relative target, e.g. −0.2 for "20 % fewer". */
  target?: number | null;
  strata?: readonly Stratum[];
}

export interface BeforeAfter {
  verdict: Verdict;
  basis: 'relative' | 'difference' | 'adjusted';
  before: RateEstimate & Arm;
  after: RateEstimate & Arm;
  difference: Difference;
  relative: RelativeChange | null;
  adjusted: MantelHaenszel | null;
  /** Smallest absolute change detectable at the smaller arm's size (80 % power, α = .05). */
  mde: number;
  /** The MDE relative to the before rate. */
  mdeRelative: number | null;
  target: { rel: number; met: boolean; confirmed: boolean; perArm: number; morePerArm: number } | null;
  /** Sessions per arm to detect the observed change, and how many more than now. */
  observed: { perArm: number; morePerArm: number };
}

export function beforeAfter(input: BeforeAfterInput): BeforeAfter {
  const { before, after } = input;
  const difference = newcombeDifference(after, before);
  const relative = katzRelativeChange(after, before);
  const adjusted = input.strata && input.strata.length > 0 ? mantelHaenszelDifference(input.strata) : null;
  const n = Math.min(before.n, after.n);
  const p0 = difference.p0;
  const mde = minimumDetectableEffect(p0, n);
  const more = (perArm: number): number => (Number.isFinite(perArm) ? Math.max(0, perArm - n) : perArm);
  const observedPerArm = sessionsPerArm(p0, difference.p1);
  let target: BeforeAfter['target'] = null;
  if (input.target !== undefined && input.target !== null) {
    const rel = relative?.rel ?? (p0 > 0 ? difference.diff / p0 : 0);
    const perArm = sessionsPerArm(p0, Math.min(1, Math.max(0, p0 * (1 + input.target))));
    target = {
      rel: input.target,
      met: rel <= input.target,
      confirmed: relative !== null && relative.relHi <= input.target,
      perArm,
      morePerArm: more(perArm),
    };
  }
  const [basis, lo, hi] = adjusted
    ? (['adjusted', adjusted.lo, adjusted.hi] as const)
    : relative
      ? (['relative', relative.relLo, relative.relHi] as const)
      : (['difference', difference.lo, difference.hi] as const);
  return {
    verdict: decide(before, after, lo, hi),
    basis,
    before: { ...wilsonInterval(before.x, before.n), ...before },
    after: { ...wilsonInterval(after.x, after.n), ...after },
    difference,
    relative,
    adjusted,
    mde,
    mdeRelative: p0 > 0 ? mde / p0 : null,
    target,
    observed: { perArm: observedPerArm, morePerArm: more(observedPerArm) },
  };
}

function decide(before: Arm, after: Arm, lo: number, hi: number): Verdict {
  const small = (a: Arm): boolean => a.n < MIN_SESSIONS_PER_ARM || a.x < MIN_EVENTS_PER_ARM;
  if (small(before) || small(after)) return 'insufficient';
  if (hi < 0) return 'validated';
  if (lo >= 0) return 'not_validated';
  return 'inconclusive';
}
