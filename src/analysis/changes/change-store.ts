/**
 * Changes (a spec template, CLAUDE.md, a Claude Code version, …) and their measurement windows, fixed
 * when the change is recorded, before any after-data is seen: before = [effective − before, effective),
 * after = [effective, effective + after). A change is append-only: an edit is a new revision (and a
 * warning on later measurements). Recording a change marks its patterns `addressed`.
 */
import { parseTime } from '../../query/query-filters.js';
import {
  AnalysisError,
  AnalysisNotFoundError,
  insertRow,
  newId,
  nextSeq,
  selectRows,
  type AnalysisContext,
} from '../analysis-context.js';
import { loadPatterns, patternBySlug, revisePattern } from '../patterns/pattern-store.js';
import { signalByName } from '../signals/signal-catalog.js';

export const CHANGE_KINDS = ['spec_template', 'claude_md', 'cc_version', 'model', 'hook', 'other'] as const;

export interface Change {
  id: string;
  kind: string;
  ref: string | null;
  description: string | null;
  effective: string;
  patterns: string[];
  metric: string;
  target: number | null;
  before: { from: string; to: string; days: number };
  after: { from: string; to: string; days: number };
  recorded_at: string;
  recorded_by: string | null;
  revisions: number;
}

/** The signal a metric counts: `bad_validation_session_rate` is the share of sessions validation_failures flags. */
export function metricSignal(metric: string): string {
  if (metric === 'bad_validation_session_rate') return 'validation_failures';
  if (metric.startsWith('signal:')) return signalByName(metric.slice(7)).name;
  throw new AnalysisError(`--metric must be bad_validation_session_rate or signal:<name>, got "${metric}"`);
}

const days = (flag: string, v: string): number => {
  const m = /^(\d+)d$/.exec(v);
  if (!m || Number(m[1]) === 0) throw new AnalysisError(`${flag} is a number of days, e.g. 28d; got "${v}"`);
  return Number(m[1]);
};

export function parseTarget(v: string | undefined): number | null {
  if (v === undefined) return null;
  const m = /^([+-]?\d+(?:\.\d+)?)%$/.exec(v.trim());
  if (!m) throw new AnalysisError(`--target is a relative change like -20%; got "${v}"`);
  return Number(m[1]) / 100;
}

export interface AddChange {
  kind: string;
  ref?: string;
  description?: string;
  effective: string;
  patterns?: string[];
  metric?: string;
  target?: string;
  before?: string;
  after?: string;
}

/** The windows around `effective`: before = [effective − before, effective), after = [effective, effective + after). */
function windowsOf(effective: Date, beforeDays: number, afterDays: number): Pick<Change, 'before' | 'after'> {
  const at = (d: number): string => new Date(effective.getTime() + d * 86_400_000).toISOString();
  return {
    before: { from: at(-beforeDays), to: effective.toISOString(), days: beforeDays },
    after: { from: effective.toISOString(), to: at(afterDays), days: afterDays },
  };
}

/**
 * Moves a change's windows (a new revision; the old snapshots keep theirs). Measurements after an edit
 * carry the `windows_edited` warning.
 */
export async function editChange(
  ctx: AnalysisContext,
  a: { id: string; effective?: string; before?: string; after?: string; reason?: string },
): Promise<Change> {
  const c = await getChange(ctx, a.id);
  const now = ctx.now();
  const effective = a.effective ? parseTime('effective', a.effective, now) : new Date(c.effective);
  const edited: Change = {
    ...c,
    effective: effective.toISOString(),
    ...windowsOf(
      effective,
      a.before ? days('--before', a.before) : c.before.days,
      a.after ? days('--after', a.after) : c.after.days,
    ),
    revisions: c.revisions + 1,
  };
  await insertRow(ctx, 'changes', {
    id: c.id,
    spec: JSON.stringify({ ...edited, edit_reason: a.reason ?? null, edited_at: now.toISOString() }),
    revised_by: ctx.author,
    revised_at: now,
    seq: nextSeq(now),
  });
  return edited;
}

export async function addChange(ctx: AnalysisContext, a: AddChange): Promise<Change> {
  if (!CHANGE_KINDS.includes(a.kind as (typeof CHANGE_KINDS)[number]))
    throw new AnalysisError(`--kind must be one of ${CHANGE_KINDS.join(', ')}`);
  const now = ctx.now();
  const effective = parseTime('effective', a.effective, now);
  const metric = a.metric ?? 'bad_validation_session_rate';
  metricSignal(metric);
  const beforeDays = days('--before', a.before ?? '28d');
  const afterDays = days('--after', a.after ?? '28d');
  const patterns = await loadPatterns(ctx);
  const linked = (a.patterns ?? []).map((slug) => patternBySlug(patterns, slug));
  const change: Change = {
    id: newId('ch'),
    kind: a.kind,
    ref: a.ref ?? null,
    description: a.description === undefined ? null : ctx.redact(a.description),
    effective: effective.toISOString(),
    patterns: linked.map((p) => p.slug),
    metric,
    target: parseTarget(a.target),
    ...windowsOf(effective, beforeDays, afterDays),
    recorded_at: now.toISOString(),
    recorded_by: ctx.author,
    revisions: 1,
  };
  await insertRow(ctx, 'changes', {
    id: change.id,
    spec: JSON.stringify(change),
    revised_by: ctx.author,
    revised_at: now,
    seq: nextSeq(now),
  });
  for (const p of linked) {
    const { id: _id, history: _h, ...fields } = p;
    await revisePattern(ctx, p.id, { ...fields, status: 'addressed' }, `change ${change.id}`);
  }
  return change;
}

/** Every change, latest revision each, with its revision count. */
export async function loadChanges(ctx: AnalysisContext): Promise<Change[]> {
  const rows = await selectRows(ctx, () => 'SELECT id, spec FROM changes ORDER BY seq');
  const out = new Map<string, Change>();
  for (const r of rows) {
    const prev = out.get(String(r.id));
    const c = JSON.parse(String(r.spec)) as Change;
    out.set(c.id, { ...c, revisions: (prev?.revisions ?? 0) + 1 });
  }
  return [...out.values()];
}

export async function getChange(ctx: AnalysisContext, id: string): Promise<Change> {
  const c = (await loadChanges(ctx)).find((x) => x.id === id);
  if (!c) throw new AnalysisNotFoundError(`no change "${id}"; \`unsilo changes list\` shows them`);
  return c;
}

export async function changeMeasurements(
  ctx: AnalysisContext,
  id: string,
): Promise<Record<string, unknown>[]> {
  const rows = await selectRows(
    ctx,
    (p) => `SELECT snapshot FROM measurements WHERE change_id = ${p(id)} ORDER BY seq`,
  );
  return rows.map((r) => JSON.parse(String(r.snapshot)) as Record<string, unknown>);
}
