/**
 * The review commands: sample a queue (idempotent by name: the same request again is a no-op, a
 * different one under the same name is refused), show an item with its session's signals and notes,
 * and record a verdict with a redacted note and an evidence excerpt (a verdict by the item's holder
 * ends its reservation). The queue's status is review-status.ts.
 */
import { parseTime } from '../../query/query-filters.js';
import {
  AnalysisError,
  AnalysisNotFoundError,
  insertRow,
  newId,
  nextSeq,
  selectRows,
  type AnalysisContext,
} from '../analysis-context.js';
import { computeSessionSignals, type SessionSignals } from '../signals/session-signals.js';
import { SIGNALS, signalId } from '../signals/signal-catalog.js';
import { drawSample, parseMix, STRATA, type StratumKey } from './review-sample.js';
import {
  findQueue,
  getQueue,
  itemState,
  latestVerdicts,
  queueAnnotations,
  queueItems,
  type Annotation,
  type QueueItem,
} from './review-store.js';
import { activeReservations, release } from './review-reservations.js';

export interface SampleRequest {
  name: string;
  since: string;
  until?: string;
  n: number;
  mix?: string;
  strata?: string;
  seed: number;
}

export async function sampleQueue(ctx: AnalysisContext, req: SampleRequest) {
  const existing = await findQueue(ctx, req.name);
  const request = {
    ...req,
    until: req.until ?? null,
    mix: req.mix ?? 'random=100',
    strata: req.strata ?? null,
  };
  if (existing) {
    if (JSON.stringify(existing.spec.request) !== JSON.stringify(request))
      throw new AnalysisError(`a queue "${req.name}" exists with another sample spec; pick another --name`);
    return { queue: existing, created: false, items: await queueItems(ctx, existing.id) };
  }
  if (req.strata && !STRATA.includes(req.strata as StratumKey))
    throw new AnalysisError(`--strata must be one of ${STRATA.join(', ')}`);
  const now = ctx.now();
  const since = parseTime('since', req.since, now);
  const until = req.until ? parseTime('until', req.until, now, true) : now;
  const sessions = await computeSessionSignals(ctx.store, { since, until });
  const mix = parseMix(req.mix);
  const items = drawSample(sessions, {
    n: req.n,
    mix,
    strata: (req.strata ?? null) as StratumKey | null,
    seed: req.seed,
  });
  const id = newId('q');
  const spec = {
    request,
    since: since.toISOString(),
    until: until.toISOString(),
    population: sessions.length,
    signals: SIGNALS.map(signalId),
  };
  await insertRow(ctx, 'review_queues', {
    id,
    name: req.name,
    spec: JSON.stringify(spec),
    created_by: ctx.author,
    created_at: now,
  });
  for (const it of items) await insertRow(ctx, 'review_items', { queue_id: id, ...it });
  return {
    queue: { id, name: req.name, spec, created_by: ctx.author, created_at: now.toISOString() },
    created: true,
    items,
  };
}

export interface ShowRequest {
  queue: string;
  /** A session id, or `next` (the first pending item), or a 1-based position. */
  item?: string;
}

export type ItemView = Awaited<ReturnType<typeof itemView>>;
/** An item, or none with a message (every item has a verdict, or every pending one is held). */
export type Shown = ItemView | { queue: string; item: null; message: string; total?: never; notes?: never };

export async function showItem(ctx: AnalysisContext, req: ShowRequest): Promise<Shown> {
  const queue = await getQueue(ctx, req.queue);
  const items = await queueItems(ctx, queue.id);
  const annotations = await queueAnnotations(ctx, queue.id);
  const latest = latestVerdicts(annotations);
  const want = req.item ?? 'next';
  const item =
    want === 'next'
      ? items.find((i) => itemState(latest.get(i.session_id)) === 'pending')
      : /^\d+$/.test(want)
        ? items.find((i) => i.position === Number(want))
        : items.find((i) => i.session_id === want);
  if (!item) {
    if (want === 'next') return { queue: queue.name, item: null, message: 'every item has a verdict' };
    throw new AnalysisNotFoundError(`queue "${queue.name}" has no item "${want}"`);
  }
  return itemView(ctx, queue.name, items.length, item, annotations);
}

/** What `review show` prints for one item: its state, its session's signals, its notes. */
export async function itemView(
  ctx: AnalysisContext,
  queueName: string,
  total: number,
  item: QueueItem,
  annotations: readonly Annotation[],
) {
  const latest = latestVerdicts(annotations);
  const [signals] = await computeSessionSignals(ctx.store, { session: item.session_id });
  return {
    queue: queueName,
    total,
    item: { ...item, state: itemState(latest.get(item.session_id)) },
    session: signals ? sessionSummary(signals) : null,
    notes: annotations.filter((a) => a.session_id === item.session_id),
  };
}

function sessionSummary(s: SessionSignals) {
  const { values, flags, ...rest } = s;
  return { ...rest, signals: values, flagged: Object.keys(flags).filter((k) => flags[k]) };
}

export interface VerdictRequest {
  queue: string;
  session: string;
  verdict: 'pass' | 'fail' | 'defer';
  firstEvent?: string;
  note?: string;
}

const EVIDENCE_MAX = 2048;

export async function recordVerdict(ctx: AnalysisContext, req: VerdictRequest): Promise<Annotation> {
  const queue = await getQueue(ctx, req.queue);
  const items = await queueItems(ctx, queue.id);
  if (!items.some((i) => i.session_id === req.session))
    throw new AnalysisNotFoundError(`session ${req.session} is not in queue "${queue.name}"`);
  const [summary] = await computeSessionSignals(ctx.store, { session: req.session });
  const evidence: Record<string, unknown> = summary ? { session: sessionSummary(summary) } : {};
  if (req.firstEvent) {
    const [ev] = await selectRows(
      ctx,
      (
        p,
      ) => `SELECT key, ts, event_name, prompt_id, tool_name, command, success, error, error_type, status_code
FROM events WHERE key = ${p(req.firstEvent!)} AND session_id = ${p(req.session)}`,
    );
    if (!ev) throw new AnalysisNotFoundError(`session ${req.session} has no event "${req.firstEvent}"`);
    evidence.event = ev;
  }
  let text = ctx.redact(JSON.stringify(evidence));
  if (text.length > EVIDENCE_MAX)
    text = JSON.stringify({ truncated: true, excerpt: text.slice(0, EVIDENCE_MAX - 40) });
  const now = ctx.now();
  const row = {
    id: newId('n'),
    queue_id: queue.id,
    session_id: req.session,
    author: ctx.author,
    verdict: req.verdict,
    first_event: req.firstEvent ?? null,
    body: req.note === undefined ? null : ctx.redact(req.note),
    evidence: text,
    source: 'human',
    created_at: now,
    seq: nextSeq(now),
  };
  await insertRow(ctx, 'annotations', row);
  const held = (await activeReservations(ctx, queue.id, req.session)).get(req.session);
  if (held?.reviewer === ctx.author) await release(ctx, queue.id, req.session, ctx.author);
  return { ...row, evidence: JSON.parse(text) as unknown, created_at: now.toISOString() };
}
