/**
 * What the session page in review mode shows for one queue item: the queue position and progress,
 * the session's header (member, chapter, version, cost, flagged signals), one page of its events in
 * order (MAX_ROWS from `from`, each marked with the signals it makes), where the nearest flagged events
 * outside the page are (so `]` and `[` page through), and the latest verdict on the item.
 */
import { AnalysisNotFoundError, type AnalysisContext } from '../analysis-context.js';
import { computeSessionSignals, type SessionSignals } from '../signals/session-signals.js';
import { sessionEventsSql } from '../signals/signal-sql.js';
import {
  getQueue,
  itemState,
  latestVerdicts,
  queueAnnotations,
  queueItems,
  type Annotation,
} from './review-store.js';

export const MAX_ROWS = 350;
/** Events of one session read at most (a session beyond this is shown up to it). */
export const MAX_EVENTS = 50_000;

export interface PageEvent {
  key: string;
  ts: string;
  event_name: string;
  prompt_id: string | null;
  tool_name: string | null;
  command: string | null;
  success: boolean | null;
  error: string | null;
  status_code: number | null;
  cost_usd: number | null;
  decision: string | null;
  source: string | null;
  /** Signals this event counts towards. */
  signals: string[];
}

export interface ReviewPageData {
  queue: string;
  position: number;
  total: number;
  done: number;
  session: SessionSignals | null;
  session_id: string;
  events: PageEvent[];
  /** Index of the page's first event, and how many events the session has. */
  from: number;
  totalEvents: number;
  /** The nearest flagged event after / before this page: its index and key. */
  nextFlagged: { index: number; key: string } | null;
  prevFlagged: { index: number; key: string } | null;
  latest: Annotation | null;
}

export async function reviewPageData(
  ctx: AnalysisContext,
  queueName: string,
  position: number,
  from = 0,
): Promise<ReviewPageData> {
  const queue = await getQueue(ctx, queueName);
  const items = await queueItems(ctx, queue.id);
  const item = items.find((i) => i.position === position);
  if (!item)
    throw new AnalysisNotFoundError(`queue "${queueName}" has no item ${position} (it has ${items.length})`);
  const latest = latestVerdicts(await queueAnnotations(ctx, queue.id));
  const [session] = await computeSessionSignals(ctx.store, { session: item.session_id });
  const q = sessionEventsSql(ctx.store.dialect, item.session_id, MAX_EVENTS);
  const r = await ctx.store.query(q.sql, q.params);
  const rows = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null])));
  const all = rows.map((e): PageEvent => ({
    key: String(e.key),
    ts: String(e.ts),
    event_name: String(e.event_name),
    prompt_id: e.prompt_id as string | null,
    tool_name: e.tool_name as string | null,
    command: e.command as string | null,
    success: e.success as boolean | null,
    error: e.error as string | null,
    status_code: e.status_code as number | null,
    cost_usd: e.cost_usd as number | null,
    decision: e.decision as string | null,
    source: e.source as string | null,
    signals: Object.keys(e)
      .filter((k) => k.startsWith('sig_') && Number(e[k]) === 1)
      .map((k) => k.slice(4)),
  }));
  const start = Math.max(0, Math.min(Math.floor(from), Math.max(0, all.length - 1)));
  const flaggedAt = (i: number): boolean => (all[i]?.signals.length ?? 0) > 0;
  let next: number | null = null;
  for (let i = start + MAX_ROWS; i < all.length && next === null; i++) if (flaggedAt(i)) next = i;
  let prev: number | null = null;
  for (let i = start - 1; i >= 0 && prev === null; i--) if (flaggedAt(i)) prev = i;
  const at = (i: number | null) => (i === null ? null : { index: i, key: all[i]!.key });
  return {
    queue: queue.name,
    position,
    total: items.length,
    done: items.filter((i) => itemState(latest.get(i.session_id)) !== 'pending').length,
    session: session ?? null,
    session_id: item.session_id,
    events: all.slice(start, start + MAX_ROWS),
    from: start,
    totalEvents: all.length,
    nextFlagged: at(next),
    prevFlagged: at(prev),
    latest: latest.get(item.session_id) ?? null,
  };
}
