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
 *   and of those the latest `seq` per session. Superseded rows are deleted on DuckDB; ClickHouse's
 *   ReplacingMergeTree keeps the latest per session and detectors. A changed session without events
 *   gets an empty row, so it is not recomputed on every read.
 *
 * Events written around the store (raw SQL into the events table) are not recorded as changes.
 * The chapter-relative flags are computed over the read rows (session-signals.ts), as before.
 */
import { sqlTime, type ParamValue } from '../../store/dialect.js';
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
    // Older generations are never read again (reads start at the latest marker).
    await prune(store, `computed_at < ${store.dialect.param(1, computedAt)}`, [computedAt]);
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
  for (let i = 0; i < sessions.length; i += CHUNK) {
    const chunk = sessions.slice(i, i + CHUNK);
    const seq = await insertComputed(store, computedAt, chunk);
    await markEmpty(store, computedAt, seq, chunk);
    const p = binder(store.dialect);
    await prune(
      store,
      `seq < ${p.p(seq)} AND session_id IN (${chunk.map((x) => p.p(x)).join(', ')})`,
      p.params,
    );
  }
}

/**
 * A changed session that has no events (any more: a context or a tool outcome without telemetry,
 * only doctor events) gets an empty row, so it is not found stale again on every read; reads skip it
 * (no start).
 */
async function markEmpty(
  store: Store,
  computedAt: number,
  seq: number,
  chunk: readonly string[],
): Promise<void> {
  const b = binder(store.dialect);
  const got = await store.query(
    `SELECT DISTINCT session_id FROM session_signals WHERE computed_at = ${b.p(computedAt)} AND seq = ${b.p(seq)}
     AND session_id IN (${chunk.map((x) => b.p(x)).join(', ')})`,
    b.params,
  );
  const computed = new Set(got.rows.map((r) => String(r[0])));
  for (const session of chunk.filter((x) => !computed.has(x))) {
    const e = binder(store.dialect);
    await store.query(
      `INSERT INTO session_signals (session_id, detectors, computed_at, seq) SELECT ${e.p(session)}, ${e.p(DETECTORS)}, ${e.p(computedAt)}, ${e.p(seq)}`,
      e.params,
    );
  }
}

/**
 * Removes superseded rows on DuckDB; on ClickHouse the table is a ReplacingMergeTree keyed by session
 * and detectors, so merges keep only the latest row (and reads use FINAL).
 */
async function prune(store: Store, where: string, params: ParamValue[]): Promise<void> {
  if (store.dialect.name !== 'duckdb') return;
  await store.query(`DELETE FROM session_signals WHERE ${where}`, params);
}

/**
 * Computes and appends rows: every session (`sessions` undefined), these sessions, or (an empty
 * list) the rebuild's `*` marker.
 */
async function insertComputed(
  store: Store,
  computedAt: number,
  sessions?: readonly string[],
): Promise<number> {
  const b = binder(store.dialect);
  const seq = nextSeq(new Date());
  const head = `${b.p(DETECTORS)}, ${b.p(computedAt)}, ${b.p(seq)}`;
  const sql =
    sessions?.length === 0
      ? `INSERT INTO session_signals (session_id, detectors, computed_at, seq) SELECT '*', ${head}`
      : `INSERT INTO session_signals (session_id, detectors, computed_at, seq, ${STORED.slice(1).join(', ')})
SELECT session_id, ${head}, ${STORED.slice(1).join(', ')}
FROM (${sessionSignalsQuery(store.dialect, {}, b, sessions)}) AS computed`;
  await store.query(sql, b.params);
  return seq;
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
  // An empty row (a changed session without events) has no start.
  const where = [`s.detectors = ${fp()}`, 's.start_ts IS NOT NULL'];
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
