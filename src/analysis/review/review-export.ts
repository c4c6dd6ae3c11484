/**
 * `review export QUEUE [--notes]`: the queue's annotations, oldest first, one object each — the input
 * of an LLM draft of the axial coding (`patterns import`). Bodies and evidence are stored redacted, so
 * they leave as stored. `notes` keeps only annotations with a note text. Each carries the patterns
 * it is linked to, with the link's source and whether it is confirmed.
 */
import type { AnalysisContext } from '../analysis-context.js';
import { loadLinkRows, loadPatterns } from '../patterns/pattern-store.js';
import { getQueue, queueAnnotations } from './review-store.js';

export interface ExportedNote {
  id: string;
  queue: string;
  session_id: string;
  author: string;
  verdict: string | null;
  first_event: string | null;
  body: string | null;
  evidence: unknown;
  created_at: string;
  patterns: { pattern: string; source: string; confirmed: boolean }[];
}

export async function exportNotes(
  ctx: AnalysisContext,
  a: { queue: string; notes?: boolean },
): Promise<ExportedNote[]> {
  const queue = await getQueue(ctx, a.queue);
  const [annotations, links, patterns] = await Promise.all([
    queueAnnotations(ctx, queue.id),
    loadLinkRows(ctx),
    loadPatterns(ctx),
  ]);
  return annotations
    .filter((n) => !a.notes || (n.body ?? '').trim() !== '')
    .map((n) => ({
      id: n.id,
      queue: queue.name,
      session_id: n.session_id,
      author: n.author,
      verdict: n.verdict,
      first_event: n.first_event,
      body: n.body,
      evidence: n.evidence,
      created_at: n.created_at,
      patterns: links
        .filter((l) => l.annotation_id === n.id && l.linked)
        .map((l) => ({
          pattern: patterns.get(l.pattern_id)?.slug ?? l.pattern_id,
          source: l.source,
          confirmed: l.confirmed,
        })),
    }));
}
