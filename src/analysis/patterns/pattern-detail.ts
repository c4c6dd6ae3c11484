/**
 * `patterns detail SLUG` (the /patterns/:slug page): the pattern (definition, recommendation, status
 * history, detector), the notes linked to it or to a pattern merged into it — confirmed ones and LLM
 * proposals, each with its evidence excerpt — the evidence sessions (labelled present in any queue,
 * or behind a confirmed note) and the detector's weekly rates as `patterns watch` computes them, without
 * ever flipping the status.
 */
import { selectRows, type AnalysisContext } from '../analysis-context.js';
import { annotationById } from '../review/review-store.js';
import { loadLinkRows, loadPatterns, patternBySlug, survivor } from './pattern-store.js';
import { watchPattern } from './pattern-watch.js';

export async function patternDetail(ctx: AnalysisContext, a: { pattern: string; since?: string }) {
  const patterns = await loadPatterns(ctx);
  const p = patterns.get(survivor(patterns, patternBySlug(patterns, a.pattern).id))!;
  const group = [...patterns.keys()].filter((id) => survivor(patterns, id) === p.id);
  const links = (await loadLinkRows(ctx)).filter((l) => l.linked && group.includes(l.pattern_id));
  const notes = [];
  for (const l of links) {
    const n = await annotationById(ctx, l.annotation_id);
    notes.push({
      id: n.id,
      session_id: n.session_id,
      author: n.author,
      verdict: n.verdict,
      first_event: n.first_event,
      body: n.body,
      evidence: n.evidence,
      via: patterns.get(l.pattern_id)!.slug,
      source: l.source,
      confirmed: l.confirmed,
    });
  }
  const labelRows = await selectRows(
    ctx,
    (q) =>
      `SELECT queue_id, session_id, pattern_id, present FROM session_labels WHERE pattern_id IN (${group.map(q).join(', ')}) ORDER BY seq`,
  );
  const labels = new Map<string, { session: string; present: boolean }>();
  for (const r of labelRows)
    labels.set(`${String(r.queue_id)}\u0000${String(r.session_id)}\u0000${String(r.pattern_id)}`, {
      session: String(r.session_id),
      present: r.present === true,
    });
  const sessions = new Set([
    ...[...labels.values()].filter((l) => l.present).map((l) => l.session),
    ...notes.filter((n) => n.confirmed).map((n) => n.session_id),
  ]);
  const { history, ...pattern } = p;
  return {
    ...pattern,
    merged_from: group.filter((id) => id !== p.id).map((id) => patterns.get(id)!.slug),
    history,
    sessions: [...sessions].sort(),
    notes,
    watch: p.detector ? await watchPattern(ctx, { pattern: p.slug, since: a.since, flip: false }) : null,
  };
}
