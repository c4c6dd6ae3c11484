/**
 * `review status QUEUE` (and `review queues`, /review): progress (done / deferred / pending), each
 * reviewer's progress, who holds which item until when, and saturation: how many new codes (patterns
 * linked to notes by confirmed links) the last 20 reviewed sessions brought.
 */
import type { AnalysisContext } from '../analysis-context.js';
import { loadLinks, loadPatterns, survivor } from '../patterns/pattern-store.js';
import { activeReservations } from './review-reservations.js';
import {
  getQueue,
  itemState,
  latestVerdicts,
  queueAnnotations,
  queueItems,
  type Annotation,
} from './review-store.js';

export const SATURATION_WINDOW = 20;

export async function queueStatus(ctx: AnalysisContext, name: string) {
  const queue = await getQueue(ctx, name);
  const items = await queueItems(ctx, queue.id);
  const annotations = await queueAnnotations(ctx, queue.id);
  const latest = latestVerdicts(annotations);
  const count = (state: string): number =>
    items.filter((i) => itemState(latest.get(i.session_id)) === state).length;
  const byReviewer: Record<string, number> = {};
  for (const a of latest.values())
    if (a.verdict !== 'defer') byReviewer[a.author] = (byReviewer[a.author] ?? 0) + 1;
  // Codes: the patterns linked to a session's notes, in the order the sessions were first given a verdict.
  const [patterns, links] = await Promise.all([loadPatterns(ctx), loadLinks(ctx)]);
  const firstDone = new Map<string, string[]>();
  for (const a of annotations) {
    if (a.verdict !== 'pass' && a.verdict !== 'fail') continue;
    firstDone.set(a.session_id, firstDone.get(a.session_id) ?? []);
  }
  for (const a of annotations)
    for (const p of links.get(a.id) ?? []) firstDone.get(a.session_id)?.push(survivor(patterns, p));
  const seen = new Set<string>();
  const newPerItem = [...firstDone.values()].map((codes) => {
    const fresh = new Set(codes.filter((c) => !seen.has(c)));
    for (const c of fresh) seen.add(c);
    return fresh.size;
  });
  const last = newPerItem.slice(-SATURATION_WINDOW);
  const newInLast = last.reduce((s, n) => s + n, 0);
  const held = await activeReservations(ctx, queue.id);
  const position = new Map(items.map((i) => [i.session_id, i.position]));
  const reservations = [...held.values()]
    .map((r) => ({ position: position.get(r.session_id) ?? null, ...r }))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  return {
    queue: queue.name,
    total: items.length,
    done: count('done'),
    deferred: count('deferred'),
    pending: count('pending'),
    failed: [...latest.values()].filter((a) => a.verdict === 'fail').length,
    by_reviewer: byReviewer,
    reviewers: reviewerProgress(annotations, reservations),
    reservations,
    codes: seen.size,
    new_codes_last_20: newInLast,
    saturated: newPerItem.length >= SATURATION_WINDOW && newInLast === 0,
  };
}

/**
 * Each reviewer's progress: the items they gave a pass or fail (an item two reviewers judged counts
 * for both here, once in the queue's `done`), the items whose latest verdict of theirs is defer, their
 * notes with text, and the items they hold now.
 */
function reviewerProgress(annotations: readonly Annotation[], reservations: readonly { reviewer: string }[]) {
  const names = [...new Set([...annotations.map((a) => a.author), ...reservations.map((r) => r.reviewer)])];
  return names.sort().map((reviewer) => {
    const mine = annotations.filter((a) => a.author === reviewer);
    const last = latestVerdicts(mine);
    return {
      reviewer,
      reviewed: [...last.values()].filter((a) => a.verdict === 'pass' || a.verdict === 'fail').length,
      deferred: [...last.values()].filter((a) => a.verdict === 'defer').length,
      notes: mine.filter((a) => a.body).length,
      holding: reservations.filter((r) => r.reviewer === reviewer).length,
    };
  });
}
