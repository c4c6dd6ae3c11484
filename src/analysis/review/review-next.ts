/**
 * `review show QUEUE --next [--hold 30m]` and `review release QUEUE SESSION`: hand the caller the next
 * pending item nobody else holds and reserve it (the item the caller already holds comes first, and
 * its reservation is renewed), or release one. A claim is read back after it is written: when another
 * reviewer's claim of the same item came first (review-reservations.ts), the caller tries the next
 * item, so two reviewers asking at once get different items.
 */
import { AnalysisError, AnalysisNotFoundError, type AnalysisContext } from '../analysis-context.js';
import { itemView, type Shown } from './review-actions.js';
import { activeReservations, claim, release, type Reservation } from './review-reservations.js';
import { getQueue, itemState, latestVerdicts, queueAnnotations, queueItems } from './review-store.js';

export const DEFAULT_HOLD = '30m';
const MAX_HOLD_MS = 24 * 3_600_000;

/** '45s', '30m', '2h' → ms (at most 24 h). */
export function parseHold(v: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(v.trim());
  const msOf = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'] : 0;
  if (!m || msOf <= 0 || msOf > MAX_HOLD_MS)
    throw new AnalysisError(`--hold is a duration up to 24h, e.g. 30m, 2h or 90s; got "${v}"`);
  return msOf;
}

export type Reserved = Shown & { reservation?: Reservation };

export async function nextItem(
  ctx: AnalysisContext,
  req: { queue: string; hold?: string },
): Promise<Reserved> {
  const holdMs = parseHold(req.hold ?? DEFAULT_HOLD);
  const queue = await getQueue(ctx, req.queue);
  const items = await queueItems(ctx, queue.id);
  const annotations = await queueAnnotations(ctx, queue.id);
  const latest = latestVerdicts(annotations);
  const pending = items.filter((i) => itemState(latest.get(i.session_id)) === 'pending');
  for (let attempt = 0; attempt <= pending.length; attempt++) {
    const held = await activeReservations(ctx, queue.id);
    const item =
      pending.find((i) => held.get(i.session_id)?.reviewer === ctx.author) ??
      pending.find((i) => !held.has(i.session_id));
    if (!item)
      return {
        queue: queue.name,
        item: null,
        message:
          pending.length === 0
            ? 'every item has a verdict'
            : `every pending item is reserved by another reviewer (${pending.length} pending)`,
      };
    await claim(ctx, queue.id, item.session_id, holdMs);
    const won = (await activeReservations(ctx, queue.id, item.session_id)).get(item.session_id);
    if (won?.reviewer === ctx.author)
      return { ...(await itemView(ctx, queue.name, items.length, item, annotations)), reservation: won };
  }
  throw new AnalysisError(`queue "${queue.name}": other reviewers took every item tried; ask again`);
}

/**
 * Releases `session`'s reservation. Only its holder may, unless `force` (a coordinator freeing an
 * item whose reviewer left; it would expire anyway).
 */
export async function releaseItem(
  ctx: AnalysisContext,
  req: { queue: string; session: string; force?: boolean },
) {
  const queue = await getQueue(ctx, req.queue);
  if (!(await queueItems(ctx, queue.id)).some((i) => i.session_id === req.session))
    throw new AnalysisNotFoundError(`session ${req.session} is not in queue "${queue.name}"`);
  const held = (await activeReservations(ctx, queue.id, req.session)).get(req.session);
  if (!held) return { queue: queue.name, session: req.session, released: false, holder: null };
  if (held.reviewer !== ctx.author && !req.force)
    throw new AnalysisError(
      `${held.reviewer} holds ${req.session} until ${held.reserved_until}; pass --force to free it anyway`,
    );
  if (held.reviewer !== ctx.author && ctx.role !== undefined && !['coordinator', 'admin'].includes(ctx.role))
    throw new AnalysisError(
      `only a coordinator or the admin can free ${held.reviewer}'s hold on ${req.session}; it ends by itself at ${held.reserved_until}`,
    );
  await release(ctx, queue.id, req.session, held.reviewer);
  return { queue: queue.name, session: req.session, released: true, holder: held.reviewer };
}
