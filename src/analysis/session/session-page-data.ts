/**
 * What the session page shows: the header (member, chapter, feature, version, model, duration,
 * prompts, cost, flagged signals with the first event making each), one page of events in order
 * (MAX_ROWS from `from`, each with the signals it makes, its tool-use id and its bodies), where the
 * nearest flagged events outside the page are (so `]` and `[` page through), the span waterfall or,
 * without spans, a strip of event times, and the session's notes with their evidence excerpts, which
 * outlive the raw events (retention): a session whose events are gone but has notes is still shown.
 */
import { AnalysisNotFoundError, selectRows, tsMs, type AnalysisContext } from '../analysis-context.js';
import { loadLinks, loadPatterns, survivor } from '../patterns/pattern-store.js';
import { computeSessionSignals, type SessionSignals } from '../signals/session-signals.js';
import { binder, sessionEventsSql } from '../signals/signal-sql.js';
import { bodiesOf, parseAttributes, type BodyRef } from './session-bodies.js';
import { sessionWaterfall, type Waterfall } from './session-spans.js';

export const MAX_ROWS = 350;
/** Events of one session read at most (a session beyond this is shown up to it). */
export const MAX_EVENTS = 50_000;
/** Buckets of the event-time strip shown when the session has no spans. */
export const STRIP_BUCKETS = 60;

export interface PageEvent {
  key: string;
  /** Position in the session (0-based). */
  index: number;
  ts: string;
  event_name: string;
  prompt_id: string | null;
  /** The prompt's number in the session (1-based, in the order prompts first appear). */
  prompt_no: number | null;
  tool_name: string | null;
  tool_use_id: string | null;
  command: string | null;
  success: boolean | null;
  error_type: string | null;
  status_code: number | null;
  attempt: number | null;
  duration_ms: number | null;
  cost_usd: number | null;
  model: string | null;
  decision: string | null;
  source: string | null;
  /** Signals this event counts towards. */
  signals: string[];
  bodies: BodyRef[];
}

export interface StripBucket {
  /** Index and key of the bucket's first event, and how many events it holds. */
  first: number;
  key: string;
  count: number;
  failures: number;
  flagged: number;
}

export interface SessionNote {
  id: string;
  queue_id: string | null;
  author: string;
  verdict: string | null;
  first_event: string | null;
  body: string | null;
  evidence: unknown;
  created_at: string;
  patterns: string[];
}

export interface SessionPageData {
  session_id: string;
  session: SessionSignals | null;
  events: PageEvent[];
  from: number;
  totalEvents: number;
  nextFlagged: { index: number; key: string } | null;
  prevFlagged: { index: number; key: string } | null;
  /** Flagged signal → the first event making it (absent for signals no single event makes). */
  firstBySignal: Record<string, { index: number; key: string }>;
  waterfall: Waterfall;
  /** Event-time strip (when there are no spans). */
  strip: StripBucket[];
  notes: SessionNote[];
  /** The session has notes but no raw events any more (retention deleted them). */
  archived: boolean;
}

export { tsMs };

export async function sessionPageData(
  ctx: AnalysisContext,
  sessionId: string,
  from = 0,
  spansFrom = 0,
): Promise<SessionPageData> {
  // Independent reads run together (the DuckDB store has several read connections).
  const q = sessionEventsSql(ctx.store.dialect, sessionId, MAX_EVENTS);
  const [[session], r, notes] = await Promise.all([
    computeSessionSignals(ctx.store, { session: sessionId }),
    ctx.store.query(q.sql, q.params),
    sessionNotes(ctx, sessionId),
  ]);
  const all = r.rows.map((row) => {
    const e = Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]));
    return {
      e,
      signals: Object.keys(e)
        .filter((k) => k.startsWith('sig_') && Number(e[k]) === 1)
        .map((k) => k.slice(4)),
    };
  });
  const promptNo = new Map<string, number>();
  for (const { e } of all)
    if (typeof e.prompt_id === 'string' && !promptNo.has(e.prompt_id))
      promptNo.set(e.prompt_id, promptNo.size + 1);
  const start = Math.max(0, Math.min(Math.floor(from), Math.max(0, all.length - 1)));
  const page = all.slice(start, start + MAX_ROWS);
  const times = all.map((x) => tsMs(String(x.e.ts)));
  const range = all.length ? { start: new Date(times[0]!), end: new Date(times.at(-1)!) } : null;
  const [details, waterfall] = await Promise.all([
    eventDetails(
      ctx,
      sessionId,
      page.map((x) => String(x.e.key)),
    ),
    sessionWaterfall(ctx, sessionId, range, spansFrom),
  ]);
  const events = page.map(({ e, signals }, i): PageEvent => {
    const d = details.get(String(e.key));
    return {
      key: String(e.key),
      index: start + i,
      ts: String(e.ts),
      event_name: String(e.event_name),
      prompt_id: e.prompt_id as string | null,
      prompt_no: promptNo.get(e.prompt_id as string) ?? null,
      tool_name: e.tool_name as string | null,
      tool_use_id: (d?.tool_use_id as string | null) ?? null,
      command: e.command as string | null,
      success: e.success as boolean | null,
      error_type: e.error_type as string | null,
      status_code: e.status_code as number | null,
      attempt: e.attempt as number | null,
      duration_ms: (d?.duration_ms as number | null) ?? null,
      cost_usd: e.cost_usd as number | null,
      model: e.model as string | null,
      decision: e.decision as string | null,
      source: e.source as string | null,
      signals,
      bodies: bodiesOf(parseAttributes(d?.attributes)),
    };
  });
  const flaggedAt = (i: number): boolean => (all[i]?.signals.length ?? 0) > 0;
  let next: number | null = null;
  for (let i = start + MAX_ROWS; i < all.length && next === null; i++) if (flaggedAt(i)) next = i;
  let prev: number | null = null;
  for (let i = start - 1; i >= 0 && prev === null; i--) if (flaggedAt(i)) prev = i;
  const at = (i: number | null) => (i === null ? null : { index: i, key: String(all[i]!.e.key) });
  const firstBySignal: Record<string, { index: number; key: string }> = {};
  all.forEach((x, i) => {
    for (const s of x.signals) firstBySignal[s] ??= { index: i, key: String(x.e.key) };
  });
  if (!session && all.length === 0 && waterfall.total === 0 && notes.length === 0)
    throw new AnalysisNotFoundError(`no session "${sessionId}"`);
  return {
    session_id: sessionId,
    session: session ?? null,
    events,
    from: start,
    totalEvents: all.length,
    nextFlagged: at(next),
    prevFlagged: at(prev),
    firstBySignal,
    waterfall,
    strip:
      waterfall.total > 0
        ? []
        : timeStrip(
            times,
            all.map((x) => x.e),
          ),
    notes,
    archived: all.length === 0 && notes.length > 0,
  };
}

/** The columns sessionEventsSql leaves out, for the page's events only. */
async function eventDetails(
  ctx: AnalysisContext,
  session: string,
  keys: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  if (keys.length === 0) return new Map();
  const b = binder(ctx.store.dialect);
  const sql = `SELECT key, tool_use_id, duration_ms, attributes FROM events
WHERE session_id = ${b.p(session)} AND key IN (${keys.map((k) => b.p(k)).join(', ')})`;
  const r = await ctx.store.query(sql, b.params);
  return new Map(
    r.rows.map((row) => {
      const o = Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]));
      return [String(o.key), o];
    }),
  );
}

/** The session's events in STRIP_BUCKETS equal slices of its duration. */
function timeStrip(times: readonly number[], events: readonly Record<string, unknown>[]): StripBucket[] {
  if (times.length === 0) return [];
  const t0 = times[0]!;
  const span = Math.max(1, times.at(-1)! - t0);
  const buckets: StripBucket[] = Array.from({ length: STRIP_BUCKETS }, () => ({
    first: -1,
    key: '',
    count: 0,
    failures: 0,
    flagged: 0,
  }));
  times.forEach((t, i) => {
    const b = buckets[Math.min(STRIP_BUCKETS - 1, Math.floor(((t - t0) / span) * STRIP_BUCKETS))]!;
    if (b.first < 0) {
      b.first = i;
      b.key = String(events[i]!.key);
    }
    b.count++;
    if (events[i]!.success === false) b.failures++;
    if (Object.keys(events[i]!).some((k) => k.startsWith('sig_') && Number(events[i]![k]) === 1)) b.flagged++;
  });
  return buckets;
}

/** Every note on the session (any queue), oldest first, with the patterns linked to it. */
async function sessionNotes(ctx: AnalysisContext, session: string): Promise<SessionNote[]> {
  const rows = await selectRows(
    ctx,
    (p) =>
      `SELECT id, queue_id, author, verdict, first_event, body, evidence, created_at FROM annotations WHERE session_id = ${p(session)} ORDER BY seq`,
  );
  if (rows.length === 0) return [];
  const [patterns, links] = await Promise.all([loadPatterns(ctx), loadLinks(ctx)]);
  return rows.map((r) => ({
    id: String(r.id),
    queue_id: r.queue_id as string | null,
    author: String(r.author),
    verdict: r.verdict as string | null,
    first_event: r.first_event as string | null,
    body: r.body as string | null,
    evidence: r.evidence === null ? null : (JSON.parse(String(r.evidence)) as unknown),
    created_at: String(r.created_at),
    patterns: [...(links.get(String(r.id)) ?? [])].map(
      (id) => patterns.get(survivor(patterns, id))?.slug ?? id,
    ),
  }));
}
