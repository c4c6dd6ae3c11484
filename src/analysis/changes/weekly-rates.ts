/**
 * `changes weekly ID`: the change's metric (share of sessions its signal flags) per ISO week over the
 * before and after windows, with Wilson's 95 % interval per week — the rate-over-time chart of
 * /changes/:id. Sessions are assigned by their start exactly as `changes measure` assigns them
 * (change-measure.ts): one that starts before the change and ends after it is excluded and counted,
 * so the weeks of an arm add up to the measurement's x and n.
 *
 * A bin is an ISO week (Monday 00:00 UTC to the next Monday) cut by the windows: the week holding
 * the effective time gives a `before` bin and an `after` bin, and the first and last weeks are cut
 * at the windows' ends. Every bin of the windows is listed, empty ones with n = 0 and a null rate.
 */
import type { AnalysisContext } from '../analysis-context.js';
import { computeSessionSignals, type SessionSignals } from '../signals/session-signals.js';
import { signalByName, signalId } from '../signals/signal-catalog.js';
import { isoWeekLabel, isoWeekStart, WEEK } from '../stats/iso-week.js';
import { wilsonInterval } from '../stats/proportion-interval.js';
import { getChange, metricSignal, type Change } from './change-store.js';

export interface WeekBin {
  /** The ISO week, e.g. 2026-W09. */
  week: string;
  arm: 'before' | 'after';
  /** The bin's start (inclusive), ISO. */
  from: string;
  /** The bin's end (exclusive), ISO. */
  to: string;
  /** The bin's middle, where the chart plots it. */
  mid: string;
  /** Sessions flagged by the signal. */
  x: number;
  /** Sessions that started in the bin. */
  n: number;
  /** x / n, and Wilson's 95 % interval; null when n = 0. */
  p: number | null;
  lo: number | null;
  hi: number | null;
}

export interface WeeklyRates {
  change_id: string;
  metric: string;
  /** The signal's id and version (`validation_failures@v1`), as `changes measure` reports it. */
  detector: string;
  effective: string;
  before: { from: string; to: string };
  after: { from: string; to: string };
  sessions: { before: number; after: number; excluded_spanning: number };
  /** The before window's rate (measure's p0); null without a before session. */
  before_rate: number | null;
  /** The relative target (−0.2 for −20 %), null when none was recorded. */
  target: number | null;
  /** The level the target asks for: before_rate × (1 + target). */
  target_rate: number | null;
  weeks: WeekBin[];
}

interface Bin {
  week: string;
  arm: 'before' | 'after';
  from: number;
  to: number;
  x: number;
  n: number;
}

/** The bins of the windows: each ISO week cut by [before.from, effective) and [effective, after.to). */
function binsOf(change: Pick<Change, 'before' | 'after' | 'effective'>): Bin[] {
  const arms = [
    ['before', Date.parse(change.before.from), Date.parse(change.effective)],
    ['after', Date.parse(change.effective), Date.parse(change.after.to)],
  ] as const;
  const bins: Bin[] = [];
  for (const [arm, start, end] of arms)
    for (let w = isoWeekStart(start); w < end; w += WEEK) {
      const from = Math.max(w, start);
      const to = Math.min(w + WEEK, end);
      if (from < to) bins.push({ week: isoWeekLabel(w), arm, from, to, x: 0, n: 0 });
    }
  return bins;
}

const iso = (t: number): string => new Date(t).toISOString();

/** The weekly rates of `signal` over the change's windows, from the sessions that started in them. */
export function weeklyRates(
  change: Pick<Change, 'id' | 'metric' | 'effective' | 'before' | 'after' | 'target'>,
  sessions: readonly SessionSignals[],
  signal: string,
  detector: string,
): WeeklyRates {
  const effective = Date.parse(change.effective);
  const bins = binsOf(change);
  let spanning = 0;
  for (const s of sessions) {
    const start = Date.parse(s.start_ts);
    if (start < effective && Date.parse(s.end_ts) >= effective) {
      spanning++;
      continue;
    }
    const bin = bins.find((b) => start >= b.from && start < b.to);
    if (!bin) continue;
    bin.n++;
    if (s.flags[signal]) bin.x++;
  }
  const sum = (arm: 'before' | 'after', k: 'x' | 'n'): number =>
    bins.filter((b) => b.arm === arm).reduce((a, b) => a + b[k], 0);
  const n0 = sum('before', 'n');
  const beforeRate = n0 > 0 ? sum('before', 'x') / n0 : null;
  return {
    change_id: change.id,
    metric: change.metric,
    detector,
    effective: change.effective,
    before: { from: change.before.from, to: change.before.to },
    after: { from: change.after.from, to: change.after.to },
    sessions: { before: n0, after: sum('after', 'n'), excluded_spanning: spanning },
    before_rate: beforeRate,
    target: change.target,
    target_rate: beforeRate !== null && change.target !== null ? beforeRate * (1 + change.target) : null,
    weeks: bins.map((b) => {
      const w = b.n > 0 ? wilsonInterval(b.x, b.n) : null;
      return {
        week: b.week,
        arm: b.arm,
        from: iso(b.from),
        to: iso(b.to),
        mid: iso(b.from + Math.floor((b.to - b.from) / 2)),
        x: b.x,
        n: b.n,
        p: w?.p ?? null,
        lo: w?.lo ?? null,
        hi: w?.hi ?? null,
      };
    }),
  };
}

/** `changes weekly ID`: the weekly rates over the change's windows, with the current detector. */
export async function computeWeeklyRates(ctx: AnalysisContext, a: { id: string }): Promise<WeeklyRates> {
  const change = await getChange(ctx, a.id);
  const signal = signalByName(metricSignal(change.metric));
  const sessions = await computeSessionSignals(ctx.store, {
    since: new Date(change.before.from),
    until: new Date(change.after.to),
  });
  return weeklyRates(change, sessions, signal.name, signalId(signal));
}
