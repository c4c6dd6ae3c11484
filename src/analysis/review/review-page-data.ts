/**
 * What the session page in review mode shows for one queue item: the session page's data
 * (session-page-data.ts) plus the queue position and progress, the latest verdict on the item, and
 * the patterns the picker offers (`patterns.list`, merged ones left out).
 */
import { activeReservations, type Reservation } from './review-reservations.js';
import { AnalysisNotFoundError, type AnalysisContext } from '../analysis-context.js';
import { listPatterns } from '../patterns/pattern-actions.js';
import { sessionPageData, type SessionPageData } from '../session/session-page-data.js';
import {
  getQueue,
  itemState,
  latestVerdicts,
  queueAnnotations,
  queueItems,
  type Annotation,
} from './review-store.js';

export { MAX_ROWS } from '../session/session-page-data.js';

export interface ReviewPageData extends SessionPageData {
  queue: string;
  position: number;
  total: number;
  done: number;
  latest: Annotation | null;
  patterns: { slug: string; name: string; definition: string | null }[];
  /** Who holds the item (`review show --next`), until when; null when no one does. */
  reservation: Reservation | null;
}

export async function reviewPageData(
  ctx: AnalysisContext,
  queueName: string,
  position: number,
  from = 0,
  spansFrom = 0,
): Promise<ReviewPageData> {
  const queue = await getQueue(ctx, queueName);
  const items = await queueItems(ctx, queue.id);
  const item = items.find((i) => i.position === position);
  if (!item)
    throw new AnalysisNotFoundError(`queue "${queueName}" has no item ${position} (it has ${items.length})`);
  const latest = latestVerdicts(await queueAnnotations(ctx, queue.id));
  const [page, patterns, held] = await Promise.all([
    sessionPageData(ctx, item.session_id, from, spansFrom).catch((err: unknown) => {
      if (err instanceof AnalysisNotFoundError) return null;
      throw err;
    }),
    listPatterns(ctx),
    activeReservations(ctx, queue.id, item.session_id),
  ]);
  return {
    ...(page ?? emptyPage(item.session_id)),
    queue: queue.name,
    position,
    total: items.length,
    done: items.filter((i) => itemState(latest.get(i.session_id)) !== 'pending').length,
    latest: latest.get(item.session_id) ?? null,
    reservation: held.get(item.session_id) ?? null,
    patterns: patterns
      .filter((p) => p.status !== 'merged')
      .map((p) => ({ slug: p.slug, name: p.name, definition: p.definition })),
  };
}

/** A queued session with no events, spans or notes left. */
const emptyPage = (session_id: string): SessionPageData => ({
  session_id,
  session: null,
  events: [],
  from: 0,
  totalEvents: 0,
  nextFlagged: null,
  prevFlagged: null,
  firstBySignal: {},
  waterfall: { rows: [], from: 0, total: 0 },
  strip: [],
  notes: [],
  archived: true,
});
