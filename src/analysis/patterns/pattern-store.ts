/**
 * Patterns (failure modes) as append-only revisions: the latest revision of a pattern id is the
 * pattern; the sequence of its statuses is its history. A merged pattern keeps its id and its links
 * and points at the survivor (`merged_into`); everything counted follows that pointer. Note ↔ pattern
 * links and session labels are append-only too: the latest row per key wins. A link has a source
 * (`human`, or `llm` for an imported draft) and is confirmed or not: an unconfirmed link is a proposal,
 * shown but never counted, labelled or taken as a code until `patterns confirm`.
 */
import {
  AnalysisError,
  AnalysisNotFoundError,
  insertRow,
  nextSeq,
  selectRows,
  type AnalysisContext,
} from '../analysis-context.js';

export const PATTERN_STATUSES = [
  'identified',
  'addressed',
  'validated',
  'not_validated',
  'inconclusive',
  'regressed',
  'wont_fix',
  'merged',
] as const;
export type PatternStatus = (typeof PATTERN_STATUSES)[number];

export interface Pattern {
  id: string;
  slug: string;
  name: string;
  definition: string | null;
  status: PatternStatus;
  merged_into: string | null;
  recommendation: string | null;
  /** The signal (name) whose flag detects the pattern, for `patterns watch`. */
  detector: string | null;
  history: { status: string; at: string; by: string | null; reason: string | null }[];
}

type Fields = Omit<Pattern, 'id' | 'history'>;

export async function loadPatterns(ctx: AnalysisContext): Promise<Map<string, Pattern>> {
  const rows = await selectRows(ctx, () => 'SELECT * FROM pattern_revisions ORDER BY seq');
  const out = new Map<string, Pattern>();
  for (const r of rows) {
    const id = String(r.pattern_id);
    const prev = out.get(id);
    const status = String(r.status) as PatternStatus;
    const history = prev?.history ?? [];
    if (prev?.status !== status)
      history.push({
        status,
        at: String(r.revised_at),
        by: r.revised_by as string | null,
        reason: r.reason as string | null,
      });
    out.set(id, {
      id,
      slug: String(r.slug),
      name: String(r.name),
      definition: r.definition as string | null,
      status,
      merged_into: r.merged_into as string | null,
      recommendation: r.recommendation as string | null,
      detector: (r.detector as string | null) ?? null,
      history,
    });
  }
  return out;
}

/** The surviving pattern id of `id` (itself unless merged). */
export function survivor(patterns: Map<string, Pattern>, id: string): string {
  let cur = id;
  for (let hops = 0; hops < 100; hops++) {
    const next = patterns.get(cur)?.merged_into;
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

export function patternBySlug(patterns: Map<string, Pattern>, slug: string): Pattern {
  const p = [...patterns.values()].find((x) => x.slug === slug);
  if (!p) throw new AnalysisNotFoundError(`no pattern "${slug}"; \`unsilo patterns list\` shows them`);
  return p;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function checkSlug(patterns: Map<string, Pattern>, slug: string): void {
  if (!SLUG.test(slug))
    throw new AnalysisError(`a pattern slug is lowercase letters, digits and dashes: "${slug}"`);
  if ([...patterns.values()].some((p) => p.slug === slug))
    throw new AnalysisError(`a pattern "${slug}" exists already`);
}

/** Appends a revision: the pattern's current fields with `changes` applied. */
export async function revisePattern(
  ctx: AnalysisContext,
  id: string,
  fields: Fields,
  reason: string | null,
): Promise<void> {
  const now = ctx.now();
  await insertRow(ctx, 'pattern_revisions', {
    pattern_id: id,
    slug: fields.slug,
    name: fields.name,
    definition: fields.definition,
    status: fields.status,
    merged_into: fields.merged_into,
    recommendation: fields.recommendation,
    detector: fields.detector,
    reason,
    revised_by: ctx.author,
    revised_at: now,
    seq: nextSeq(now),
  });
}

export type LinkSource = 'human' | 'llm';

/** The latest state of one note ↔ pattern pair that has ever been linked. */
export interface LinkRow {
  annotation_id: string;
  pattern_id: string;
  linked: boolean;
  source: LinkSource;
  confirmed: boolean;
  linked_by: string | null;
  linked_at: string;
}

/** Every note ↔ pattern pair with its latest row, in the order the pairs were first linked. */
export async function loadLinkRows(ctx: AnalysisContext): Promise<LinkRow[]> {
  const rows = await selectRows(
    ctx,
    () =>
      'SELECT annotation_id, pattern_id, linked, source, confirmed, linked_by, linked_at FROM note_patterns ORDER BY seq',
  );
  const out = new Map<string, LinkRow>();
  for (const r of rows)
    out.set(`${String(r.annotation_id)}\u0000${String(r.pattern_id)}`, {
      annotation_id: String(r.annotation_id),
      pattern_id: String(r.pattern_id),
      linked: r.linked === true,
      source: r.source === 'llm' ? 'llm' : 'human',
      confirmed: r.confirmed !== false,
      linked_by: r.linked_by as string | null,
      linked_at: String(r.linked_at),
    });
  return [...out.values()];
}

/** annotation id → pattern ids it is linked to and confirmed (proposals are left out). */
export async function loadLinks(ctx: AnalysisContext): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const l of await loadLinkRows(ctx)) {
    const set = out.get(l.annotation_id) ?? new Set<string>();
    if (l.linked && l.confirmed) set.add(l.pattern_id);
    out.set(l.annotation_id, set);
  }
  return out;
}

export async function link(
  ctx: AnalysisContext,
  annotationId: string,
  patternId: string,
  linked: boolean,
  proposal: { source: LinkSource; confirmed: boolean } = { source: 'human', confirmed: true },
): Promise<void> {
  const now = ctx.now();
  await insertRow(ctx, 'note_patterns', {
    annotation_id: annotationId,
    pattern_id: patternId,
    linked,
    linked_by: ctx.author,
    linked_at: now,
    seq: nextSeq(now),
    source: proposal.source,
    confirmed: proposal.confirmed,
  });
}

/** `${session}\u0000${pattern}` → present, for one queue (latest label wins). */
export async function loadLabels(ctx: AnalysisContext, queueId: string): Promise<Map<string, boolean>> {
  const rows = await selectRows(
    ctx,
    (p) =>
      `SELECT session_id, pattern_id, present FROM session_labels WHERE queue_id = ${p(queueId)} ORDER BY seq`,
  );
  return new Map(rows.map((r) => [labelKey(String(r.session_id), String(r.pattern_id)), r.present === true]));
}

export const labelKey = (session: string, pattern: string): string => `${session}\u0000${pattern}`;

export async function label(
  ctx: AnalysisContext,
  queueId: string,
  session: string,
  patternId: string,
  present: boolean,
): Promise<void> {
  const now = ctx.now();
  await insertRow(ctx, 'session_labels', {
    queue_id: queueId,
    session_id: session,
    pattern_id: patternId,
    present,
    author: ctx.author,
    labeled_at: now,
    seq: nextSeq(now),
  });
}
