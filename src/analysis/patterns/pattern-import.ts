/**
 * `patterns import draft.json`, `patterns confirm`, `patterns reject`: an LLM's draft of the axial
 * coding (made from `review export --notes`) arrives as proposals. The draft names patterns (slug,
 * name, definition) and the note ids each groups; a missing pattern is created, and each note ↔
 * pattern pair becomes a link with source `llm`, unconfirmed. A proposal is never counted, labelled or
 * taken as a code until a person confirms it (which labels the note's session present, as `assign`
 * does) or rejects it (which unlinks it). Re-importing is idempotent: a pair that was ever linked —
 * proposed, confirmed, assigned or rejected — is left as it is, so a re-import never undoes a decision.
 */
import { z } from 'zod';
import { AnalysisError, newId, type AnalysisContext } from '../analysis-context.js';
import { annotationById } from '../review/review-store.js';
import {
  checkSlug,
  label,
  link,
  loadLinkRows,
  loadPatterns,
  patternBySlug,
  revisePattern,
  survivor,
  type LinkRow,
} from './pattern-store.js';

export const DRAFT_SCHEMA = z.object({
  patterns: z
    .array(
      z.object({
        slug: z.string().min(1),
        name: z.string().min(1).optional(),
        definition: z.string().min(1).optional(),
        notes: z.array(z.string().min(1)),
      }),
    )
    .min(1),
});
export type Draft = z.infer<typeof DRAFT_SCHEMA>;

export async function importDraft(ctx: AnalysisContext, a: { draft: Draft }) {
  let patterns = await loadPatterns(ctx);
  for (const d of a.draft.patterns)
    if (![...patterns.values()].some((p) => p.slug === d.slug)) checkSlug(patterns, d.slug);
  // Every note must exist before anything is written.
  for (const id of new Set(a.draft.patterns.flatMap((d) => d.notes))) await annotationById(ctx, id);
  const ever = new Set((await loadLinkRows(ctx)).map((l) => `${l.annotation_id}\u0000${l.pattern_id}`));
  const out: { pattern: string; created: boolean; proposed: number; kept: number }[] = [];
  for (const d of a.draft.patterns) {
    let p = [...patterns.values()].find((x) => x.slug === d.slug);
    const created = !p;
    if (!p) {
      const id = newId('p');
      await revisePattern(
        ctx,
        id,
        {
          slug: d.slug,
          name: d.name ?? d.slug,
          definition: d.definition === undefined ? null : ctx.redact(d.definition),
          status: 'identified',
          merged_into: null,
          recommendation: null,
          detector: null,
        },
        'imported from an LLM draft',
      );
      patterns = await loadPatterns(ctx);
      p = patterns.get(id)!;
    }
    let proposed = 0;
    for (const note of new Set(d.notes)) {
      const key = `${note}\u0000${p.id}`;
      if (ever.has(key)) continue;
      await link(ctx, note, p.id, true, { source: 'llm', confirmed: false });
      ever.add(key);
      proposed++;
    }
    out.push({ pattern: d.slug, created, proposed, kept: new Set(d.notes).size - proposed });
  }
  return {
    patterns: out,
    created: out.filter((o) => o.created).length,
    proposed: out.reduce((s, o) => s + o.proposed, 0),
    kept: out.reduce((s, o) => s + o.kept, 0),
  };
}

/** The pattern's (and the patterns merged into it) unconfirmed proposals, optionally of one note. */
async function proposals(ctx: AnalysisContext, a: { pattern: string; note?: string; all?: boolean }) {
  if (!a.note === !a.all) throw new AnalysisError('give either --note NOTE_ID or --all');
  const patterns = await loadPatterns(ctx);
  const p = patternBySlug(patterns, a.pattern);
  const open = (await loadLinkRows(ctx)).filter(
    (l) => l.linked && !l.confirmed && survivor(patterns, l.pattern_id) === survivor(patterns, p.id),
  );
  const chosen = a.note ? open.filter((l) => l.annotation_id === a.note) : open;
  if (a.note && chosen.length === 0)
    throw new AnalysisError(`note ${a.note} has no unconfirmed proposal for ${a.pattern}`);
  return { slug: p.slug, chosen };
}

export async function confirmProposals(
  ctx: AnalysisContext,
  a: { pattern: string; note?: string; all?: boolean },
) {
  const { slug, chosen } = await proposals(ctx, a);
  for (const l of chosen) {
    await link(ctx, l.annotation_id, l.pattern_id, true, { source: 'llm', confirmed: true });
    const note = await annotationById(ctx, l.annotation_id);
    if (note.queue_id) await label(ctx, note.queue_id, note.session_id, l.pattern_id, true);
  }
  return { pattern: slug, confirmed: notesOf(chosen) };
}

export async function rejectProposals(
  ctx: AnalysisContext,
  a: { pattern: string; note?: string; all?: boolean },
) {
  const { slug, chosen } = await proposals(ctx, a);
  for (const l of chosen)
    await link(ctx, l.annotation_id, l.pattern_id, false, { source: 'llm', confirmed: false });
  return { pattern: slug, rejected: notesOf(chosen) };
}

const notesOf = (links: readonly LinkRow[]): string[] => links.map((l) => l.annotation_id);
