/**
 * Each signal's flagged-session rate per ISO week (Monday 00:00 UTC to the next Monday), with Wilson's
 * 95 % interval: `/signals`, `signals weekly` and `patterns watch`. Sessions count in the week they
 * start in; the window opens on the Monday of `since`'s week, so the first week is whole. The chapter-
 * relative signals (long_session, cost_per_prompt) compare each session with the window's sessions.
 * A week that ends after `now` is reported with `complete: false`.
 */
import type { Store } from '../../store/store.js';
import { isoWeekLabel, isoWeekStart, WEEK } from '../stats/iso-week.js';
import { wilsonInterval } from '../stats/proportion-interval.js';
import { computeSessionSignals, type SessionSignals } from './session-signals.js';
import { SIGNALS, signalId } from './signal-catalog.js';

export interface WeekRate {
  /** ISO week, e.g. 2026-W48. */
  week: string;
  /** Its Monday, 00:00 UTC. */
  from: string;
  n: number;
  x: number;
  rate: number;
  lo: number;
  hi: number;
  complete: boolean;
}

/** The Monday 00:00 UTC of `d`'s ISO week. */
export const weekStart = (d: Date): Date => new Date(isoWeekStart(d.getTime()));

/** Per signal name, its weekly rates over [weekStart(since), now). */
export function weeklyRates(
  sessions: readonly SessionSignals[],
  signals: readonly string[],
  since: Date,
  now: Date,
): Map<string, WeekRate[]> {
  const first = weekStart(since).getTime();
  const count = Math.max(0, Math.ceil((now.getTime() - first) / WEEK));
  const buckets = Array.from({ length: count }, () => [] as SessionSignals[]);
  for (const s of sessions) {
    const i = Math.floor((Date.parse(s.start_ts) - first) / WEEK);
    if (i >= 0 && i < count) buckets[i]!.push(s);
  }
  return new Map(
    signals.map((name) => [
      name,
      buckets.map((b, i): WeekRate => {
        const from = new Date(first + i * WEEK);
        const x = b.filter((s) => s.flags[name]).length;
        const w = wilsonInterval(x, b.length);
        return {
          week: isoWeekLabel(from.getTime()),
          from: from.toISOString(),
          n: b.length,
          x,
          rate: w.p,
          lo: w.lo,
          hi: w.hi,
          complete: from.getTime() + WEEK <= now.getTime(),
        };
      }),
    ]),
  );
}

/** The sessions of the window, then `weeklyRates`. */
export async function signalWeeks(
  store: Store,
  signals: readonly string[],
  since: Date,
  now: Date,
): Promise<Map<string, WeekRate[]>> {
  const sessions = await computeSessionSignals(store, { since: weekStart(since), until: now });
  return weeklyRates(sessions, signals, since, now);
}

/** `/signals` and `signals weekly`: every signal's definition, version and weekly rates. */
export async function signalsWeekly(store: Store, since: Date, now: Date) {
  const rates = await signalWeeks(
    store,
    SIGNALS.map((s) => s.name),
    since,
    now,
  );
  return SIGNALS.map((s) => ({
    name: s.name,
    id: signalId(s),
    version: s.version,
    description: s.description,
    flag: s.kind === 'count' ? `more than ${s.above}` : s.flagRule,
    where: s.where,
    needs: s.needs,
    weeks: rates.get(s.name)!,
  }));
}
