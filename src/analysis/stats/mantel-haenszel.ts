/**
 * Stratified before/after: the Mantel–Haenszel risk difference over strata (chapter, member, Claude
 * Code version, …), shown next to the crude one. Strata with an empty arm carry no comparison and are
 * dropped (their sessions are counted). When the crude and adjusted differences change sign, or differ
 * by more than 10 % of the larger, the strata mix shifted between the windows: "confounded" (Simpson).
 *   w_k = n1k·n0k/(n1k+n0k);  RD = Σ w_k(p1k − p0k)/Σ w_k;  Var ≈ Σ w_k²(p1k q1k/n1k + p0k q0k/n0k)/(Σ w_k)²
 */
import { Z95, type Interval } from './proportion-interval.js';
import type { Arm } from './proportion-difference.js';

export interface Stratum {
  key: string;
  after: Arm;
  before: Arm;
}

export interface MantelHaenszel extends Interval {
  diff: number;
  crudeDiff: number;
  strataUsed: number;
  /** Strata without a session in one of the windows, and their sessions. */
  strataDropped: number;
  sessionsDropped: number;
  confounded: boolean;
}

export function mantelHaenszelDifference(strata: readonly Stratum[], z = Z95): MantelHaenszel | null {
  let sw = 0;
  let swd = 0;
  let sv = 0;
  let used = 0;
  let dropped = 0;
  let droppedSessions = 0;
  const crude = { x1: 0, n1: 0, x0: 0, n0: 0 };
  for (const s of strata) {
    crude.x1 += s.after.x;
    crude.n1 += s.after.n;
    crude.x0 += s.before.x;
    crude.n0 += s.before.n;
    if (s.after.n === 0 || s.before.n === 0) {
      dropped++;
      droppedSessions += s.after.n + s.before.n;
      continue;
    }
    used++;
    const p1 = s.after.x / s.after.n;
    const p0 = s.before.x / s.before.n;
    const w = (s.after.n * s.before.n) / (s.after.n + s.before.n);
    sw += w;
    swd += w * (p1 - p0);
    sv += w * w * ((p1 * (1 - p1)) / s.after.n + (p0 * (1 - p0)) / s.before.n);
  }
  if (used === 0 || crude.n1 === 0 || crude.n0 === 0) return null;
  const diff = swd / sw;
  const se = Math.sqrt(sv) / sw;
  const crudeDiff = crude.x1 / crude.n1 - crude.x0 / crude.n0;
  return {
    diff,
    lo: diff - z * se,
    hi: diff + z * se,
    crudeDiff,
    strataUsed: used,
    strataDropped: dropped,
    sessionsDropped: droppedSessions,
    confounded: isConfounded(crudeDiff, diff),
  };
}

/** Crude and adjusted disagree: opposite signs, or apart by more than 10 % of the larger magnitude. */
export function isConfounded(crude: number, adjusted: number): boolean {
  if (Math.sign(crude) !== Math.sign(adjusted) && Math.abs(crude - adjusted) > 1e-9) return true;
  const scale = Math.max(Math.abs(crude), Math.abs(adjusted));
  return scale > 0 && Math.abs(crude - adjusted) / scale > 0.1;
}
