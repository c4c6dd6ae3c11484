/**
 * `patterns count QUEUE`: per pattern (merged ones counted with their survivor), the sessions of the
 * queue labelled present, out of the sessions reviewed (a pass/fail verdict) or labelled, with Wilson's
 * interval; and the rate reweighted to the sampled window by each item's inclusion probability (it
 * differs from the raw rate when a stratum or a signal was oversampled). A reviewed session without a
 * label for a pattern counts as absent, and is reported as unlabelled.
 */
import { weightedWilson, wilsonInterval } from '../stats/proportion-interval.js';
import type { AnalysisContext } from '../analysis-context.js';
import { getQueue, latestVerdicts, queueAnnotations, queueItems } from '../review/review-store.js';
import { labelKey, loadLabels, loadPatterns, survivor } from './pattern-store.js';

export async function countPatterns(ctx: AnalysisContext, a: { queue: string }) {
  const queue = await getQueue(ctx, a.queue);
  const [items, annotations, labels, patterns] = await Promise.all([
    queueItems(ctx, queue.id),
    queueAnnotations(ctx, queue.id),
    loadLabels(ctx, queue.id),
    loadPatterns(ctx),
  ]);
  const reviewed = new Set(
    [...latestVerdicts(annotations).values()].filter((v) => v.verdict !== 'defer').map((v) => v.session_id),
  );
  for (const key of labels.keys()) reviewed.add(key.split('\u0000')[0]!);
  const units = items.filter((i) => reviewed.has(i.session_id));
  const rows = [...patterns.values()]
    .filter((p) => p.status !== 'merged')
    .map((p) => {
      const group = [...patterns.keys()].filter((id) => survivor(patterns, id) === p.id);
      const state = (session: string): boolean | null => {
        const seen = group.map((id) => labels.get(labelKey(session, id))).filter((v) => v !== undefined);
        return seen.length === 0 ? null : seen.some((v) => v);
      };
      const present = units.filter((u) => state(u.session_id) === true);
      const raw = wilsonInterval(present.length, units.length);
      const weighted = weightedWilson(
        units.map((u) => ({ present: state(u.session_id) === true, inclusionProb: u.inclusion_prob })),
      );
      return {
        pattern: p.slug,
        status: p.status,
        sessions: present.length,
        reviewed: units.length,
        unlabelled: units.filter((u) => state(u.session_id) === null).length,
        rate: raw.p,
        lo: raw.lo,
        hi: raw.hi,
        weighted_rate: weighted.p,
        weighted_lo: weighted.lo,
        weighted_hi: weighted.hi,
        examples: present.slice(0, 3).map((u) => u.session_id),
        recommendation: p.recommendation,
      };
    });
  return rows.sort((x, y) => y.sessions - x.sessions || x.pattern.localeCompare(y.pattern));
}
