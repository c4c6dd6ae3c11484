/**
 * Axial coding: add a pattern, link notes to it (which labels their sessions present), merge,
 * rename, split (moves the chosen notes only), label a session present/absent, recommend a fix, set
 * a status. Every edit is a new row, so no link is ever lost; a merge keeps the merged pattern's links
 * and counts follow it to the survivor.
 */
import { AnalysisError, newId, type AnalysisContext } from '../analysis-context.js';
import { annotationById, getQueue, queueAnnotations, queueItems } from '../review/review-store.js';
import {
  checkSlug,
  label,
  link,
  loadLinks,
  loadPatterns,
  patternBySlug,
  PATTERN_STATUSES,
  revisePattern,
  survivor,
  type Pattern,
  type PatternStatus,
} from './pattern-store.js';

export async function addPattern(
  ctx: AnalysisContext,
  a: { slug: string; name?: string; definition?: string },
) {
  const patterns = await loadPatterns(ctx);
  checkSlug(patterns, a.slug);
  const id = newId('p');
  const fields = {
    slug: a.slug,
    name: a.name ?? a.slug,
    definition: a.definition === undefined ? null : ctx.redact(a.definition),
    status: 'identified' as const,
    merged_into: null,
    recommendation: null,
    detector: null,
  };
  await revisePattern(ctx, id, fields, 'added');
  return { id, ...fields };
}

const fieldsOf = ({ id: _id, history: _h, ...f }: Pattern) => f;

export async function assignNote(ctx: AnalysisContext, a: { note: string; pattern: string }) {
  const note = await annotationById(ctx, a.note);
  const p = patternBySlug(await loadPatterns(ctx), a.pattern);
  await link(ctx, note.id, p.id, true);
  if (note.queue_id) await label(ctx, note.queue_id, note.session_id, p.id, true);
  return { note: note.id, pattern: p.slug, session: note.session_id };
}

export async function mergePatterns(ctx: AnalysisContext, a: { from: string; into: string }) {
  const patterns = await loadPatterns(ctx);
  const from = patternBySlug(patterns, a.from);
  const into = patternBySlug(patterns, a.into);
  if (survivor(patterns, into.id) === from.id || from.id === into.id)
    throw new AnalysisError(`cannot merge ${a.from} into ${a.into}: that would make a cycle`);
  await revisePattern(
    ctx,
    from.id,
    { ...fieldsOf(from), status: 'merged', merged_into: into.id },
    `merged into ${into.slug}`,
  );
  return { merged: from.slug, into: into.slug };
}

export async function renamePattern(ctx: AnalysisContext, a: { from: string; to: string; name?: string }) {
  const patterns = await loadPatterns(ctx);
  const p = patternBySlug(patterns, a.from);
  checkSlug(patterns, a.to);
  const name = a.name ?? (p.name === p.slug ? a.to : p.name);
  await revisePattern(ctx, p.id, { ...fieldsOf(p), slug: a.to, name }, `renamed from ${p.slug}`);
  return { id: p.id, from: a.from, to: a.to };
}

/**
 * Moves `notes` from pattern `from` (or a pattern merged into it) to a new pattern `to`; the sessions'
 * labels move with them (a session keeps `from` while another of its notes is still linked to it).
 */
export async function splitPattern(
  ctx: AnalysisContext,
  a: { from: string; to: string; notes: string[]; definition?: string },
) {
  const patterns = await loadPatterns(ctx);
  const from = patternBySlug(patterns, a.from);
  const group = [...patterns.keys()].filter((id) => survivor(patterns, id) === from.id);
  const links = await loadLinks(ctx);
  const inGroup = (note: string): string[] => group.filter((id) => links.get(note)?.has(id));
  for (const n of a.notes)
    if (inGroup(n).length === 0) throw new AnalysisError(`note ${n} is not linked to ${a.from}`);
  const created = await addPattern(ctx, { slug: a.to, definition: a.definition });
  const notes = await Promise.all(a.notes.map((n) => annotationById(ctx, n)));
  for (const n of notes) {
    for (const id of inGroup(n.id)) {
      await link(ctx, n.id, id, false);
      links.get(n.id)?.delete(id);
    }
    await link(ctx, n.id, created.id, true);
  }
  for (const n of notes) {
    if (!n.queue_id) continue;
    await label(ctx, n.queue_id, n.session_id, created.id, true);
    const others = (await queueAnnotations(ctx, n.queue_id)).filter(
      (o) => o.session_id === n.session_id && inGroup(o.id).length > 0,
    );
    if (others.length === 0) for (const id of group) await label(ctx, n.queue_id, n.session_id, id, false);
  }
  return { from: a.from, to: a.to, moved: a.notes };
}

export async function labelSession(
  ctx: AnalysisContext,
  a: { queue: string; session: string; pattern: string; present: boolean },
) {
  const queue = await getQueue(ctx, a.queue);
  if (!(await queueItems(ctx, queue.id)).some((i) => i.session_id === a.session))
    throw new AnalysisError(`session ${a.session} is not in queue "${a.queue}"`);
  const p = patternBySlug(await loadPatterns(ctx), a.pattern);
  await label(ctx, queue.id, a.session, p.id, a.present);
  return { queue: a.queue, session: a.session, pattern: p.slug, present: a.present };
}

export async function recommend(ctx: AnalysisContext, a: { pattern: string; text: string }) {
  const p = patternBySlug(await loadPatterns(ctx), a.pattern);
  await revisePattern(ctx, p.id, { ...fieldsOf(p), recommendation: ctx.redact(a.text) }, 'recommendation');
  return { pattern: p.slug, recommendation: ctx.redact(a.text) };
}

export async function setPatternStatus(
  ctx: AnalysisContext,
  a: { pattern: string; status: string; reason?: string },
) {
  if (!PATTERN_STATUSES.includes(a.status as PatternStatus) || a.status === 'merged')
    throw new AnalysisError(
      `status must be one of ${PATTERN_STATUSES.filter((s) => s !== 'merged').join(', ')}`,
    );
  const patterns = await loadPatterns(ctx);
  const p = patterns.get(survivor(patterns, patternBySlug(patterns, a.pattern).id))!;
  await revisePattern(ctx, p.id, { ...fieldsOf(p), status: a.status as PatternStatus }, a.reason ?? null);
  return { pattern: p.slug, from: p.status, to: a.status };
}

export async function showPattern(ctx: AnalysisContext, a: { pattern: string }) {
  const patterns = await loadPatterns(ctx);
  const p = patternBySlug(patterns, a.pattern);
  const links = await loadLinks(ctx);
  const ids = new Set([...patterns.keys()].filter((id) => survivor(patterns, id) === p.id));
  const notes = [...links].filter(([, set]) => [...set].some((id) => ids.has(id))).map(([note]) => note);
  return {
    ...p,
    merged_from: [...ids].filter((id) => id !== p.id).map((id) => patterns.get(id)!.slug),
    notes,
  };
}

export async function listPatterns(ctx: AnalysisContext) {
  return [...(await loadPatterns(ctx)).values()].map(({ history: _h, ...p }) => p);
}
