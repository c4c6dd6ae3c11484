/**
 * The SQL behind the signals, through the dialect. Per session over a window: the sessions with an
 * event in the window (`scope`), one GROUP BY over their events for the plain counts (`base`, which
 * keeps the sessions whose first event is in the window), and the window-function signals (re-runs,
 * retry loops) over their tool results only (`trc`). For one session's events: `ev`, every event
 * with the window columns.
 */
import { sqlTime, type Dialect, type ParamValue } from '../../store/dialect.js';
import { DOCTOR_EVENT } from '../../query/query-template.js';
import { TABLES } from '../../store/schema.js';
import { SIGNALS } from './signal-catalog.js';

export interface SignalScope {
  /** Sessions that started at or after this time. */
  since?: Date;
  /** … and before this one. */
  until?: Date;
  /** Only this session. */
  session?: string;
}

export interface Sql {
  sql: string;
  params: ParamValue[];
}

export function binder(d: Dialect): { params: ParamValue[]; p(v: ParamValue): string } {
  const params: ParamValue[] = [];
  return {
    params,
    p(v) {
      params.push(v);
      return d.param(params.length, v);
    },
  };
}

/**
 * The events as the signals read them: a tool call's `command` and `validation_kind` from the event
 * when Claude Code sent the command (OTEL_LOG_TOOL_DETAILS=1), else from what unsilo's tool hooks
 * reported for the same (session, tool_use_id) (`tool_outcomes`, POST /v1/tool-outcome).
 */
const SIGNAL_EVENTS = `(SELECT ${TABLES.events
  .map((c) =>
    c.name === 'command' || c.name === 'validation_kind'
      ? `coalesce(ev0.${c.name}, o.${c.name}) AS ${c.name}`
      : `ev0.${c.name} AS ${c.name}`,
  )
  .join(', ')}
  FROM events ev0 LEFT JOIN tool_outcomes o ON o.session_id = ev0.session_id AND o.tool_use_id = ev0.tool_use_id)`;

/** tool_input (the command, else the tool's input JSON) and the window columns over the events `e`. */
function windowColumns(d: Dialect): string {
  const input = `coalesce(e.command, ${d.jsonString('e.attributes', 'tool_input')}, ${d.jsonString('e.attributes', 'tool_parameters')})`;
  const sameCall = `PARTITION BY e.session_id, e.event_name, e.tool_name, ${input}`;
  return `${input} AS tool_input,
    coalesce(sum(CASE WHEN e.success = false THEN 1 ELSE 0 END) OVER (
      PARTITION BY e.session_id, e.event_name, e.prompt_id, e.command ORDER BY e.ts, e.event_sequence
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prior_failures,
    count(*) OVER (${sameCall}) AS same_calls,
    sum(CASE WHEN e.success = true THEN 1 ELSE 0 END) OVER (${sameCall}) AS same_successes`;
}

/** The WITH clause defining `scope` and `ev`. */
export function signalCtes(d: Dialect, scope: SignalScope, p: (v: ParamValue) => string): string {
  const having: string[] = [];
  if (scope.since) having.push(`min(ts) >= ${d.toTimestamp(p(sqlTime(scope.since)))}`);
  if (scope.until) having.push(`min(ts) < ${d.toTimestamp(p(sqlTime(scope.until)))}`);
  const only = scope.session === undefined ? '' : ` AND session_id = ${p(scope.session)}`;

  return `WITH scope AS (
  SELECT session_id FROM events WHERE event_name <> '${DOCTOR_EVENT}' AND session_id IS NOT NULL${only}
  GROUP BY session_id${having.length ? ` HAVING ${having.join(' AND ')}` : ''}
), ev AS (
  SELECT e.session_id, e.key, e.ts, e.event_sequence, e.event_name, e.prompt_id, e.tool_name, e.command,
    e.success, e.error, e.error_type, e.validation_kind, e.decision, e.source, e.status_code, e.attempt,
    e.cost_usd, e.member, e.chapter, e.feature, e.app_version, e.model, ${windowColumns(d)}
  FROM ${SIGNAL_EVENTS} e
  WHERE e.event_name <> '${DOCTOR_EVENT}' AND e.session_id IN (SELECT session_id FROM scope)
)`;
}

/** Columns of the per-session rows, besides one per count signal. */
export const SESSION_COLUMNS = [
  'session_id',
  'start_ts',
  'end_ts',
  'member',
  'chapter',
  'feature',
  'cc_version',
  'model',
  'prompts',
  'cost_usd',
] as const;

/**
 * One row per session of the scope. The columns of `base` are named one by one: ClickHouse names a
 * `base.*` column that a joined table also has `base.session_id`.
 */
export function sessionSignalsSql(d: Dialect, scope: SignalScope): Sql {
  const b = binder(d);
  return { sql: sessionSignalsQuery(d, scope, b), params: b.params };
}

/**
 * The query of `sessionSignalsSql` with parameters bound through `b`; `sessions` limits it to those
 * sessions (whole sessions, as `session` does for one).
 */
export function sessionSignalsQuery(
  d: Dialect,
  scope: SignalScope,
  b: ReturnType<typeof binder>,
  sessions?: readonly string[],
): string {
  const count = (s: { name: string; where: string }): string =>
    `sum(CASE WHEN ${s.where} THEN 1 ELSE 0 END) AS ${s.name}`;
  const plain = SIGNALS.filter((s) => s.kind === 'count' && !s.windowed);
  const inWindow: string[] = [];
  const started: string[] = [];
  if (scope.since) {
    const t = d.toTimestamp(b.p(sqlTime(scope.since)));
    inWindow.push(`ts >= ${t}`);
    started.push(`min(ts) >= ${t}`);
  }
  if (scope.until) {
    const t = d.toTimestamp(b.p(sqlTime(scope.until)));
    inWindow.push(`ts < ${t}`);
    started.push(`min(ts) < ${t}`);
  }
  if (scope.session !== undefined) inWindow.push(`session_id = ${b.p(scope.session)}`);
  if (sessions) inWindow.push(`session_id IN (${sessions.map((x) => b.p(x)).join(', ')})`);
  const notDoctor = `event_name <> '${DOCTOR_EVENT}'`;
  return `WITH scope AS (
  SELECT DISTINCT session_id FROM events
  WHERE ${[notDoctor, 'session_id IS NOT NULL', ...inWindow].join(' AND ')}
), base AS (
  SELECT session_id, min(ts) AS start_ts, max(ts) AS end_ts, max(member) AS member, max(chapter) AS chapter,
    max(feature) AS feature, max(app_version) AS cc_version,
    max(CASE WHEN event_name = 'api_request' THEN model END) AS model,
    CASE WHEN sum(CASE WHEN event_name = 'user_prompt' THEN 1 ELSE 0 END) > 0
      THEN sum(CASE WHEN event_name = 'user_prompt' THEN 1 ELSE 0 END)
      ELSE count(DISTINCT prompt_id) END AS prompts,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    ${plain.map(count).join(',\n    ')}
  FROM ${SIGNAL_EVENTS} se WHERE ${notDoctor} AND session_id IN (SELECT session_id FROM scope)
  GROUP BY session_id${started.length ? ` HAVING ${started.join(' AND ')}` : ''}
)${windowedCtes(d)}
SELECT ${[...SESSION_COLUMNS, ...plain.map((s) => s.name)].map((c) => `base.${c} AS ${c}`).join(', ')},
  coalesce(loops.tool_retry_loop, 0) AS tool_retry_loop,
  coalesce(reruns.validation_reruns, 0) AS validation_reruns
FROM base LEFT JOIN loops ON loops.session_id = base.session_id
  LEFT JOIN reruns ON reruns.session_id = base.session_id
ORDER BY base.session_id`;
}

/**
 * The two signals that compare a tool result with others of its session, per session of `base`, as
 * aggregates rather than windows over every event (several times faster): retry loops group the tool
 * results by (tool, input); re-runs number only the validation runs. The catalog's `where` on `ev`
 * says the same per event (the detector truth test holds both to the same counts).
 */
function windowedCtes(d: Dialect): string {
  const input = `coalesce(e.command, ${d.jsonString('e.attributes', 'tool_input')}, ${d.jsonString('e.attributes', 'tool_parameters')})`;
  return `, calls AS (
  SELECT e.session_id, e.tool_name, ${input} AS tool_input, e.success
  FROM ${SIGNAL_EVENTS} e WHERE e.event_name = 'tool_result' AND e.session_id IN (SELECT session_id FROM base)
), loops AS (
  SELECT session_id, sum(n) AS tool_retry_loop FROM (
    SELECT session_id, count(*) AS n FROM calls WHERE tool_input IS NOT NULL
    GROUP BY session_id, tool_name, tool_input
    HAVING count(*) >= 3 AND sum(CASE WHEN success = true THEN 1 ELSE 0 END) = 0
  ) l GROUP BY session_id
), reruns AS (
  SELECT session_id, sum(CASE WHEN prior_failures > 0 THEN 1 ELSE 0 END) AS validation_reruns FROM (
    SELECT e.session_id, coalesce(sum(CASE WHEN e.success = false THEN 1 ELSE 0 END) OVER (
      PARTITION BY e.session_id, e.prompt_id, e.command ORDER BY e.ts, e.event_sequence
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prior_failures
    FROM ${SIGNAL_EVENTS} e WHERE e.event_name = 'tool_result' AND e.validation_kind IS NOT NULL
      AND e.session_id IN (SELECT session_id FROM base)
  ) r GROUP BY session_id
)`;
}

/** The events of one session that make a signal's value, in order. */
export function signalEventsSql(d: Dialect, session: string, where: string): Sql {
  const b = binder(d);
  const sql = `${signalCtes(d, { session }, b.p)}
SELECT key, ts, event_name, prompt_id, tool_name, command, success, error, error_type, validation_kind,
  decision, source, status_code, attempt, cost_usd
FROM ev WHERE ${where} ORDER BY ts, event_sequence, key`;
  return { sql, params: b.params };
}

/** Every event of one session in order, each with the count signals it makes (`sig_<name>` 1/0). */
export function sessionEventsSql(d: Dialect, session: string, limit: number): Sql {
  const b = binder(d);
  const marks = SIGNALS.filter((s) => s.kind === 'count').map(
    (s) => `CASE WHEN ${s.where} THEN 1 ELSE 0 END AS sig_${s.name}`,
  );
  const sql = `${signalCtes(d, { session }, b.p)}
SELECT key, ts, event_name, prompt_id, tool_name, command, success, error, error_type, status_code, attempt,
  cost_usd, model, decision, source, ${marks.join(', ')}
FROM ev ORDER BY ts, event_sequence, key LIMIT ${Math.max(1, Math.floor(limit))}`;
  return { sql, params: b.params };
}
