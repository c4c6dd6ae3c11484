/**
 * `patterns detector SLUG SIGNAL` and `patterns watch SLUG [--since 12w]` (step 10, monitor): the
 * detector's flagged-session rate per ISO week with Wilson intervals, and the regression rule.
 *
 * Regressed rule. The validating measurement is the latest snapshot with verdict `validated` of a
 * change that lists the pattern (under any slug it or a pattern merged into it has had) and whose
 * detector is the pattern's detector. Its before-arm rate p0 is the level before the fix. Pool the
 * latest 4 complete ISO weeks, all starting at or after the change took effect: x/n sessions flagged.
 * The pattern has regressed when n > 0 and Wilson's 95 % lower bound of x/n is ≥ p0 — the rate is
 * back at (or above) the old level beyond reasonable doubt. A `validated` pattern then flips to
 * `regressed`, with a status-history row giving the figures. `flip: false` (the /patterns/:slug page)
 * computes the same without writing.
 */
import { parseTime } from '../../query/query-filters.js';
import { AnalysisError, selectRows, type AnalysisContext } from '../analysis-context.js';
import { changeMeasurements, loadChanges } from '../changes/change-store.js';
import { signalByName, signalId } from '../signals/signal-catalog.js';
import { signalWeeks, type WeekRate } from '../signals/signal-weeks.js';
import { wilsonInterval } from '../stats/proportion-interval.js';
import { loadPatterns, patternBySlug, revisePattern, survivor } from './pattern-store.js';

export const WATCH_WEEKS = 4;
export const DEFAULT_WATCH_SINCE = '12w';

export async function setDetector(ctx: AnalysisContext, a: { pattern: string; signal: string }) {
  const signal = signalByName(a.signal);
  const patterns = await loadPatterns(ctx);
  const {
    id,
    history: _h,
    ...fields
  } = patterns.get(survivor(patterns, patternBySlug(patterns, a.pattern).id))!;
  await revisePattern(ctx, id, { ...fields, detector: signal.name }, `detector ${signalId(signal)}`);
  return { pattern: fields.slug, detector: signalId(signal) };
}

const pct = (p: number): string => `${(p * 100).toFixed(1)} %`;

interface Validating {
  measurement: string;
  change: string;
  effective: string;
  before_rate: number;
}

/** The latest `validated` snapshot of a change listing one of `slugs`, measured with `detector`. */
async function validatingMeasurement(
  ctx: AnalysisContext,
  slugs: Set<string>,
  detector: string,
): Promise<Validating | null> {
  let best: (Validating & { at: string }) | null = null;
  for (const change of await loadChanges(ctx)) {
    if (!change.patterns.some((s) => slugs.has(s))) continue;
    for (const m of await changeMeasurements(ctx, change.id)) {
      const result = m.result as { before: { p: number } } | null;
      if (m.verdict !== 'validated' || !result || String(m.detector).split('@')[0] !== detector) continue;
      const at = String(m.computed_at);
      if (!best || at > best.at)
        best = {
          measurement: String(m.id),
          change: change.id,
          effective: change.effective,
          before_rate: result.before.p,
          at,
        };
    }
  }
  if (!best) return null;
  const { at: _at, ...v } = best;
  return v;
}

export async function watchPattern(
  ctx: AnalysisContext,
  a: { pattern: string; since?: string; flip?: boolean },
) {
  const patterns = await loadPatterns(ctx);
  const p = patterns.get(survivor(patterns, patternBySlug(patterns, a.pattern).id))!;
  if (!p.detector)
    throw new AnalysisError(
      `pattern ${p.slug} has no detector; give it one: unsilo patterns detector ${p.slug} SIGNAL`,
    );
  const signal = signalByName(p.detector);
  const now = ctx.now();
  const since = parseTime('since', a.since ?? DEFAULT_WATCH_SINCE, now);
  const weeks = (await signalWeeks(ctx.store, [signal.name], since, now)).get(signal.name)!;
  const group = [...patterns.keys()].filter((id) => survivor(patterns, id) === p.id);
  const slugRows = await selectRows(
    ctx,
    (q) => `SELECT DISTINCT slug FROM pattern_revisions WHERE pattern_id IN (${group.map(q).join(', ')})`,
  );
  const validating = await validatingMeasurement(
    ctx,
    new Set(slugRows.map((r) => String(r.slug))),
    signal.name,
  );
  const rule = validating ? regressionRule(weeks, validating) : null;
  let flipped = false;
  if (rule?.regressed && p.status === 'validated' && a.flip !== false) {
    const { id, history: _h, ...fields } = p;
    await revisePattern(ctx, id, { ...fields, status: 'regressed' }, rule.reason);
    flipped = true;
  }
  return {
    pattern: p.slug,
    detector: signalId(signal),
    since: weeks[0]?.from ?? since.toISOString(),
    weeks,
    validating,
    rule,
    status: flipped ? ('regressed' as const) : p.status,
    flipped,
  };
}

/** The rule of the module header, over `weeks` (oldest first). */
export function regressionRule(weeks: readonly WeekRate[], v: Validating) {
  const after = weeks.filter((w) => w.complete && Date.parse(w.from) >= Date.parse(v.effective));
  const last = after.slice(-WATCH_WEEKS);
  if (last.length < WATCH_WEEKS)
    return {
      weeks: last.map((w) => w.week),
      x: 0,
      n: 0,
      rate: 0,
      lo: 0,
      hi: 1,
      before_rate: v.before_rate,
      regressed: false,
      reason: `${last.length} complete week(s) since ${v.change} took effect; the rule needs ${WATCH_WEEKS}`,
    };
  const x = last.reduce((s, w) => s + w.x, 0);
  const n = last.reduce((s, w) => s + w.n, 0);
  const ci = wilsonInterval(x, n);
  const regressed = n > 0 && ci.lo >= v.before_rate;
  const span = `${last[0]!.week}–${last[last.length - 1]!.week}`;
  return {
    weeks: last.map((w) => w.week),
    x,
    n,
    rate: ci.p,
    lo: ci.lo,
    hi: ci.hi,
    before_rate: v.before_rate,
    regressed,
    reason: `watch: ${span} flagged ${x}/${n} = ${pct(ci.p)} (95 % CI ${pct(ci.lo)}–${pct(ci.hi)}); the lower bound is ${
      regressed ? 'at or above' : 'below'
    } the before-arm rate ${pct(v.before_rate)} of measurement ${v.measurement} (${v.change})`,
  };
}
