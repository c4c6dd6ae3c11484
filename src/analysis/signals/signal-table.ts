/**
 * The stored per-session signals (`session_signals`): each session's counts and summary as
 * `sessionSignalsSql` computes them, so a scope of thousands of sessions is read from a small table
 * instead of aggregated from millions of events. Exact, not a cache that may lag:
 *
 * - The store's own writes (events, session contexts, retention) record in the same step which
 *   sessions changed and when (`session_changes`, ms; `*` = every session). Before every read, a
 *   session whose latest change is not older than its stored row by `MARGIN_MS` is recomputed.
 *   The margin covers a write in flight while a refresh reads (a write transaction, a second
 *   collector's clock); a session that changed within it is simply recomputed once more.
 * - Rows carry `detectors`, the catalog's signal ids (`validation_failures@1 …`) and this table's
 *   format: a changed detector finds no row of its own and rebuilds every session, so a measurement
 *   never mixes versions (stored measurement snapshots are not touched).
 * - A rebuild of every session (first use, a new detector, retention) writes a row for every
 *   session and then a marker row `*`; reads take only rows computed at or after the latest marker,
 *   and of those the latest `seq` per session.
 *
 * Events written around the store (raw SQL into the events table) are not recorded as changes.
 * The chapter-relative flags are computed over the read rows (session-signals.ts), as before.
 */
import { sqlTime } from '../../store/dialect.js';
import type { QueryResult, Store } from '../../store/store.js';
import { nextSeq } from '../analysis-context.js';
import { SIGNALS, signalId } from './signal-catalog.js';
import { binder, SESSION_COLUMNS, sessionSignalsQuery, type SignalScope } from './signal-sql.js';

/** Bump when the SQL of the stored columns changes without a detector version changing. */
const FORMAT = 1;
export const DETECTORS = [`format@${FORMAT}`, ...SIGNALS.map(signalId)].join(' ');
export const MARGIN_MS = 60_000;
/** Sessions per recompute statement (bound parameters). */
const CHUNK = 500;

const COUNTS = SIGNALS.filter((s) => s.kind === 'count').map((s) => s.name);
const STORED = [...SESSION_COLUMNS, ...COUNTS];

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Refreshes in flight per store: one at a time, so two readers do not recompute the same sessions. */
const running = new WeakMap<Store, Promise<void>>();

/** Brings `session_signals` up to date with the events (see the header). */
function refreshSessionSignals(store: Store): Promise<void> {
  const next = (running.get(store) ?? Promise.resolve()).then(() => refresh(store));
  running.set(
    store,
    next.catch(() => undefined),
  );
  return next;
}

async function refresh(store: Store): Promise<void> {
  const computedAt = Date.now();
  const state = await store.query(
    `SELECT (SELECT max(computed_at) FROM session_signals WHERE session_id = '*' AND detectors = ${store.dialect.param(1, DETECTORS)}) AS built,
      (SELECT max(changed_at) FROM session_changes WHERE session_id = '*') AS reset`,
    [DETECTORS],
  );
  const [built, reset] = (state.rows[0] ?? []).map(num) as [number, number];
  if (built === 0 || (reset > 0 && reset >= built - MARGIN_MS)) {
    await insertComputed(store, computedAt);
    await insertComputed(store, computedAt, []);
    return;
  }
  const b = binder(store.dialect);
  const stale = await store.query(
    `SELECT c.session_id FROM (
  SELECT session_id, max(changed_at) AS changed FROM session_changes WHERE session_id <> '*' GROUP BY session_id
) c LEFT JOIN (
  SELECT session_id, max(computed_at) AS computed FROM session_signals WHERE detectors = ${b.p(DETECTORS)}
    AND computed_at >= ${b.p(built)} GROUP BY session_id
) s ON s.session_id = c.session_id
WHERE c.changed >= coalesce(s.computed, 0) - ${b.p(MARGIN_MS)}
ORDER BY c.session_id`,
    b.params,
  );
  const sessions = stale.rows.map((r) => String(r[0]));
  for (let i = 0; i < sessions.length; i += CHUNK)
    await insertComputed(store, computedAt, sessions.slice(i, i + CHUNK));
}

/**
 * Computes and appends rows: every session (`sessions` undefined), these sessions, or (an empty
 * list) the rebuild's `*` marker.
 */
async function insertComputed(store: Store, computedAt: number, sessions?: readonly string[]): Promise<void> {
  const b = binder(store.dialect);
  const head = `${b.p(DETECTORS)}, ${b.p(computedAt)}, ${b.p(nextSeq(new Date()))}`;
  const sql =
    sessions?.length === 0
      ? `INSERT INTO session_signals (session_id, detectors, computed_at, seq) SELECT '*', ${head}`
      : `INSERT INTO session_signals (session_id, detectors, computed_at, seq, ${STORED.slice(1).join(', ')})
SELECT session_id, ${head}, ${STORED.slice(1).join(', ')}
FROM (${sessionSignalsQuery(store.dialect, {}, b, sessions)}) AS computed`;
  await store.query(sql, b.params);
}

/**
 * The stored rows of the sessions that started in the scope (`since`, `until`), by session id:
 * `columns` of them (default: every stored column), of only `sessions` when given.
 */
export async function readSessionSignals(
  store: Store,
  scope: SignalScope,
  columns: readonly string[] = STORED,
  sessions?: readonly string[],
): Promise<QueryResult> {
  await refreshSessionSignals(store);
  const d = store.dialect;
  const b = binder(d);
  const fp = (): string => b.p(DETECTORS);
  const where = [`s.detectors = ${fp()}`];
  if (scope.since) where.push(`s.start_ts >= ${d.toTimestamp(b.p(sqlTime(scope.since)))}`);
  if (scope.until) where.push(`s.start_ts < ${d.toTimestamp(b.p(sqlTime(scope.until)))}`);
  if (sessions?.length === 0) return { columns: [...columns], rows: [] };
  if (sessions) where.push(`s.session_id IN (${sessions.map((x) => b.p(x)).join(', ')})`);
  const sql = `WITH latest AS (
  SELECT session_id, max(seq) AS seq FROM session_signals
  WHERE detectors = ${fp()} AND session_id <> '*' AND computed_at >= (
    SELECT max(computed_at) FROM session_signals WHERE session_id = '*' AND detectors = ${fp()})
  GROUP BY session_id
)
SELECT ${columns.map((c) => `s.${c} AS ${c}`).join(', ')}
FROM session_signals s INNER JOIN latest l ON l.session_id = s.session_id AND l.seq = s.seq
WHERE ${where.join(' AND ')}
ORDER BY s.session_id`;
  return store.query(sql, b.params);
}
