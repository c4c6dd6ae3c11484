/**
 * The honesty guards printed with every measurement (error-analysis design §6): another change inside
 * a window; the Claude Code version or model mix shifting by more than 20 points; the before window's
 * second half worse than its first (the spike that triggered the change: regression to the mean); the
 * windows edited after a measurement; a detector version other than the last measurement's; an after
 * window still open; several patterns at once (exploratory); crude and adjusted estimates disagreeing.
 */
import type { SessionSignals } from '../signals/session-signals.js';
import type { BeforeAfter } from '../stats/before-after.js';
import { newcombeDifference } from '../stats/proportion-difference.js';
import type { Change } from './change-store.js';

export interface WarningInput {
  change: Change;
  others: Change[];
  before: SessionSignals[];
  after: SessionSignals[];
  signal: string;
  /** The detector id used now (`validation_failures@1`). */
  detector: string;
  result: BeforeAfter | null;
  previous: Record<string, unknown>[];
  now: Date;
}

export interface MeasureWarning {
  code: string;
  message: string;
}

/** Total variation distance between two arms' distributions of a field (0 = same mix, 1 = disjoint). */
export function mixShift(a: SessionSignals[], b: SessionSignals[], field: 'cc_version' | 'model'): number {
  const share = (xs: SessionSignals[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const s of xs) m.set(s[field] ?? '(none)', (m.get(s[field] ?? '(none)') ?? 0) + 1 / xs.length);
    return m;
  };
  const sa = share(a);
  const sb = share(b);
  let d = 0;
  for (const k of new Set([...sa.keys(), ...sb.keys()])) d += Math.abs((sa.get(k) ?? 0) - (sb.get(k) ?? 0));
  return d / 2;
}

export function measurementWarnings(w: WarningInput): MeasureWarning[] {
  const out: MeasureWarning[] = [];
  const inside = (t: string): boolean => t >= w.change.before.from && t < w.change.after.to;
  for (const o of w.others.filter((c) => inside(c.effective) && c.effective !== w.change.effective))
    out.push({
      code: 'overlapping_change',
      message: `change ${o.id} (${o.kind}) took effect at ${o.effective}, inside the windows: its effect is mixed in`,
    });
  if (w.before.length > 0 && w.after.length > 0) {
    for (const field of ['cc_version', 'model'] as const) {
      const shift = mixShift(w.before, w.after, field);
      if (shift > 0.2)
        out.push({
          code: `${field}_shift`,
          message: `the ${field} mix shifted by ${Math.round(shift * 100)} points between the windows: measure with --stratify ${field}`,
        });
    }
  }
  const mid = new Date((Date.parse(w.change.before.from) + Date.parse(w.change.before.to)) / 2).toISOString();
  const first = w.before.filter((s) => s.start_ts < mid);
  const second = w.before.filter((s) => s.start_ts >= mid);
  if (first.length > 0 && second.length > 0) {
    const flagged = (xs: SessionSignals[]): number => xs.filter((s) => s.flags[w.signal]).length;
    const d = newcombeDifference(
      { x: flagged(second), n: second.length },
      { x: flagged(first), n: first.length },
    );
    if (d.lo > 0)
      out.push({
        code: 'regression_to_mean',
        message: `the rate rose within the before window (${pct(d.p0)} → ${pct(d.p1)}): part of any drop may be a spike passing`,
      });
  }
  const current = JSON.stringify({ before: w.change.before, after: w.change.after });
  const measuredOther = w.previous.some((p) => {
    const win = p.windows as { before?: unknown; after?: unknown } | undefined;
    return JSON.stringify({ before: win?.before, after: win?.after }) !== current;
  });
  if (measuredOther)
    out.push({
      code: 'windows_edited',
      message:
        'the windows were edited after an earlier measurement (earlier snapshots used other windows); windows moved after seeing data weaken the comparison',
    });
  if (w.previous.some((p) => p.detector !== w.detector))
    out.push({
      code: 'detector_changed',
      message: `earlier measurements used another detector version than ${w.detector}`,
    });
  if (w.change.after.to > w.now.toISOString())
    out.push({
      code: 'after_window_open',
      message: `the after window runs until ${w.change.after.to}: this is an interim look`,
    });
  if (w.change.patterns.length > 1)
    out.push({
      code: 'exploratory',
      message: `${w.change.patterns.length} patterns tested at once: treat the verdict as exploratory`,
    });
  if (w.result?.adjusted?.confounded)
    out.push({
      code: 'confounded',
      message: `crude (${signed(w.result.adjusted.crudeDiff)}) and stratified (${signed(w.result.adjusted.diff)}) estimates disagree: the strata mix changed between the windows; trust the stratified one`,
    });
  return out;
}

const pct = (p: number): string => `${(p * 100).toFixed(1)} %`;
const signed = (d: number): string => `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`;
