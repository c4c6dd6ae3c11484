/**
 * `changes measure ID`: the change's metric (share of sessions a signal flags) before and after, over
 * the windows fixed when the change was recorded, with the current detector on both windows. Sessions
 * are assigned by their start; one that starts before the change and ends after it is excluded (and
 * counted). The result is an immutable snapshot: every measurement is a new row, and the verdict
 * moves the change's patterns to validated / not_validated / inconclusive.
 */
import { AnalysisError, insertRow, newId, nextSeq, type AnalysisContext } from '../analysis-context.js';
import { loadPatterns, patternBySlug, revisePattern } from '../patterns/pattern-store.js';
import { computeSessionSignals, type SessionSignals } from '../signals/session-signals.js';
import { signalByName, signalId } from '../signals/signal-catalog.js';
import { beforeAfter, type BeforeAfter } from '../stats/before-after.js';
import type { Stratum } from '../stats/mantel-haenszel.js';
import type { Arm } from '../stats/proportion-difference.js';
import { changeMeasurements, getChange, loadChanges, metricSignal } from './change-store.js';
import { measurementWarnings } from './measure-warnings.js';

export const STRATIFY = ['chapter', 'member', 'feature', 'cc_version', 'model'] as const;
type StratifyKey = (typeof STRATIFY)[number];

const arm = (sessions: readonly SessionSignals[], signal: string): Arm => ({
  x: sessions.filter((s) => s.flags[signal]).length,
  n: sessions.length,
});

export type Measurement = Awaited<ReturnType<typeof computeMeasurement>>['snapshot'];

/**
 * The measurement `changes measure` stores, computed without storing it or moving any pattern's
 * status: the /changes/:id page shows it live.
 */
export async function computeMeasurement(ctx: AnalysisContext, a: { id: string; stratify?: string[] }) {
  const change = await getChange(ctx, a.id);
  const dims = (a.stratify ?? []) as StratifyKey[];
  for (const d of dims)
    if (!STRATIFY.includes(d)) throw new AnalysisError(`--stratify takes ${STRATIFY.join(', ')}; got "${d}"`);
  const signal = signalByName(metricSignal(change.metric));
  const effective = new Date(change.effective);
  const all = await computeSessionSignals(ctx.store, {
    since: new Date(change.before.from),
    until: new Date(change.after.to),
  });
  const spans = (s: SessionSignals): boolean =>
    new Date(s.start_ts) < effective && new Date(s.end_ts) >= effective;
  const spanning = all.filter(spans);
  const kept = all.filter((s) => !spans(s));
  const before = kept.filter((s) => new Date(s.start_ts) < effective);
  const after = kept.filter((s) => new Date(s.start_ts) >= effective);
  const strata = dims.length > 0 ? stratify(before, after, dims, signal.name) : [];
  const b = arm(before, signal.name);
  const f = arm(after, signal.name);
  const result: BeforeAfter | null =
    b.n > 0 && f.n > 0 ? beforeAfter({ before: b, after: f, target: change.target, strata }) : null;
  const now = ctx.now();
  const previous = await changeMeasurements(ctx, change.id);
  const snapshot = {
    id: newId('m'),
    change_id: change.id,
    computed_at: now.toISOString(),
    computed_by: ctx.author,
    metric: change.metric,
    detector: signalId(signal),
    windows: { before: change.before, after: change.after, effective: change.effective },
    sessions: { before: b.n, after: f.n, excluded_spanning: spanning.length },
    stratify: dims,
    strata,
    verdict: result?.verdict ?? 'insufficient',
    result,
    warnings: measurementWarnings({
      change,
      others: (await loadChanges(ctx)).filter((c) => c.id !== change.id),
      before,
      after,
      signal: signal.name,
      detector: signalId(signal),
      result,
      previous,
      now,
    }),
  };
  // The sessions too: the change page draws its weekly rates from the same ones (weekly-rates.ts).
  return { change, snapshot, sessions: all, signal };
}

export async function measureChange(ctx: AnalysisContext, a: { id: string; stratify?: string[] }) {
  const { change, snapshot } = await computeMeasurement(ctx, a);
  const now = new Date(snapshot.computed_at);
  await insertRow(ctx, 'measurements', {
    id: snapshot.id,
    change_id: change.id,
    verdict: snapshot.verdict,
    snapshot: JSON.stringify(snapshot),
    computed_by: ctx.author,
    computed_at: now,
    seq: nextSeq(now),
  });
  if (snapshot.verdict !== 'insufficient') {
    const patterns = await loadPatterns(ctx);
    for (const slug of change.patterns) {
      const { id, history: _h, ...fields } = patternBySlug(patterns, slug);
      await revisePattern(
        ctx,
        id,
        { ...fields, status: snapshot.verdict },
        `measurement ${snapshot.id} of ${change.id}`,
      );
    }
  }
  return snapshot;
}

function stratify(
  before: SessionSignals[],
  after: SessionSignals[],
  dims: StratifyKey[],
  signal: string,
): Stratum[] {
  const keyOf = (s: SessionSignals): string => dims.map((d) => s[d] ?? '(none)').join(' | ');
  const strata = new Map<string, Stratum>();
  const add = (s: SessionSignals, side: 'before' | 'after'): void => {
    const key = keyOf(s);
    const st = strata.get(key) ?? { key, before: { x: 0, n: 0 }, after: { x: 0, n: 0 } };
    st[side].n++;
    if (s.flags[signal]) st[side].x++;
    strata.set(key, st);
  };
  for (const s of before) add(s, 'before');
  for (const s of after) add(s, 'after');
  return [...strata.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
