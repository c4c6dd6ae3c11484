/**
 * Who holds which queue item, so two reviewers never read the same session at once. Reservations
 * are append-only rows (queue, session, reviewer, reserved_at, reserved_until, seq) folded in `seq`
 * order per item:
 * - a claim (reserved_until > reserved_at) takes the item when it is free, its holder's reservation
 *   has expired by the claim's time, or the claimer already holds it (a renewal); otherwise the claim
 *   lost a race and is ignored. So two collectors that claim one item at once agree on the winner
 *   (the lower seq) once both rows are written, whatever order they read them in;
 * - a release (reserved_until = reserved_at) by the holder frees the item. A verdict by the holder
 *   writes one; `review release` writes one.
 * An expired reservation blocks nobody.
 */
import { insertRow, nextSeq, selectRows, tsMs, type AnalysisContext } from '../analysis-context.js';
import { getQueue } from './review-store.js';

export interface Reservation {
  session_id: string;
  reviewer: string;
  reserved_at: string;
  reserved_until: string;
}

interface Row extends Reservation {
  at: number;
  until: number;
}

/** The reservation standing after `rows` (one item's rows in seq order), active or expired. */
export function foldReservation(rows: readonly Row[]): Row | null {
  let holder: Row | null = null;
  for (const r of rows) {
    const release = r.until <= r.at;
    if (release) {
      if (holder && holder.reviewer === r.reviewer) holder = null;
      continue;
    }
    if (!holder || holder.until <= r.at || holder.reviewer === r.reviewer) holder = r;
  }
  return holder;
}

/** session → its active reservation (expired ones dropped) in the queue with id `queueId`. */
export async function activeReservations(
  ctx: AnalysisContext,
  queueId: string,
  session?: string,
): Promise<Map<string, Reservation>> {
  const rows = await selectRows(
    ctx,
    (p) =>
      `SELECT session_id, reviewer, reserved_at, reserved_until FROM review_reservations
WHERE queue_id = ${p(queueId)}${session === undefined ? '' : ` AND session_id = ${p(session)}`} ORDER BY seq, reviewer, actor`,
  );
  const bySession = new Map<string, Row[]>();
  for (const r of rows) {
    const row: Row = {
      session_id: String(r.session_id),
      reviewer: String(r.reviewer),
      reserved_at: iso(r.reserved_at),
      reserved_until: iso(r.reserved_until),
      at: tsMs(r.reserved_at),
      until: tsMs(r.reserved_until),
    };
    bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row]);
  }
  const now = ctx.now().getTime();
  const out = new Map<string, Reservation>();
  for (const [s, list] of bySession) {
    const held = foldReservation(list);
    if (held && held.until > now)
      out.set(s, {
        session_id: s,
        reviewer: held.reviewer,
        reserved_at: held.reserved_at,
        reserved_until: held.reserved_until,
      });
  }
  return out;
}

const iso = (v: unknown): string => new Date(tsMs(v)).toISOString();

/** Appends a claim of `session` for the acting reviewer until now + holdMs. */
export async function claim(ctx: AnalysisContext, queueId: string, session: string, holdMs: number) {
  const now = ctx.now();
  await insertRow(ctx, 'review_reservations', {
    queue_id: queueId,
    session_id: session,
    reviewer: ctx.author,
    actor: ctx.author,
    reserved_at: now,
    reserved_until: new Date(now.getTime() + holdMs),
    seq: nextSeq(now),
  });
}

/** Appends a release of `holder`'s reservation of `session`, made by the acting member. */
export async function release(
  ctx: AnalysisContext,
  queueId: string,
  session: string,
  holder: string,
): Promise<void> {
  const now = ctx.now();
  await insertRow(ctx, 'review_reservations', {
    queue_id: queueId,
    session_id: session,
    reviewer: holder,
    actor: ctx.author,
    reserved_at: now,
    reserved_until: now,
    seq: nextSeq(now),
  });
}

/**
 * For a page: who holds queue `queueName`'s item `session` and until when, or null when nobody does
 * (or the reservation has expired). "reserved by X until Y".
 */
export async function itemReservation(
  ctx: AnalysisContext,
  queueName: string,
  session: string,
): Promise<Reservation | null> {
  const queue = await getQueue(ctx, queueName);
  return (await activeReservations(ctx, queue.id, session)).get(session) ?? null;
}
