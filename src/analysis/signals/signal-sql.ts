/**
 * The SQL behind the signals: `scope` (the sessions that started in a window, or one session) and
 * `ev` (their events with the window columns the signals need), then one row per session with every
 * count signal as a column. One scan of the scope's events, through the dialect.
 */
import { sqlTime, type Dialect, type ParamValue } from '../../store/dialect.js';
import { DOCTOR_EVENT } from '../../query/query-template.js';
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

/** The WITH clause defining `scope` and `ev`. */
export function signalCtes(d: Dialect, scope: SignalScope, p: (v: ParamValue) => string): string {
  const having: string[] = [];
  if (scope.since) having.push(`min(ts) >= ${d.toTimestamp(p(sqlTime(scope.since)))}`);
  if (scope.until) having.push(`min(ts) < ${d.toTimestamp(p(sqlTime(scope.until)))}`);
  const only = scope.session === undefined ? '' : ` AND session_id = ${p(scope.session)}`;
  const input = `coalesce(e.command, ${d.jsonString('e.attributes', 'tool_input')}, ${d.jsonString('e.attributes', 'tool_parameters')})`;
  const sameCall = `PARTITION BY e.session_id, e.event_name, e.tool_name, ${input}`;
  return `WITH scope AS (
  SELECT session_id FROM events WHERE event_name <> '${DOCTOR_EVENT}' AND session_id IS NOT NULL${only}
  GROUP BY session_id${having.length ? ` HAVING ${having.join(' AND ')}` : ''}
), ev AS (
  SELECT e.session_id, e.key, e.ts, e.event_sequence, e.event_name, e.prompt_id, e.tool_name, e.command,
    e.success, e.error, e.error_type, e.validation_kind, e.decision, e.source, e.status_code, e.attempt,
    e.cost_usd, e.member, e.chapter, e.feature, e.app_version, e.model, ${input} AS tool_input,
    coalesce(sum(CASE WHEN e.success = false THEN 1 ELSE 0 END) OVER (
      PARTITION BY e.session_id, e.event_name, e.prompt_id, e.command ORDER BY e.ts, e.event_sequence
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS prior_failures,
    count(*) OVER (${sameCall}) AS same_calls,
    sum(CASE WHEN e.success = true THEN 1 ELSE 0 END) OVER (${sameCall}) AS same_successes
  FROM events e
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

export function sessionSignalsSql(d: Dialect, scope: SignalScope): Sql {
  const b = binder(d);
  const counts = SIGNALS.filter((s) => s.kind === 'count').map(
    (s) => `sum(CASE WHEN ${s.where} THEN 1 ELSE 0 END) AS ${s.name}`,
  );
  const sql = `${signalCtes(d, scope, b.p)}
SELECT session_id, min(ts) AS start_ts, max(ts) AS end_ts, max(member) AS member, max(chapter) AS chapter,
  max(feature) AS feature, max(app_version) AS cc_version,
  max(CASE WHEN event_name = 'api_request' THEN model END) AS model,
  CASE WHEN sum(CASE WHEN event_name = 'user_prompt' THEN 1 ELSE 0 END) > 0
    THEN sum(CASE WHEN event_name = 'user_prompt' THEN 1 ELSE 0 END)
    ELSE count(DISTINCT prompt_id) END AS prompts,
  coalesce(sum(cost_usd), 0) AS cost_usd,
  ${counts.join(',\n  ')}
FROM ev GROUP BY session_id ORDER BY session_id`;
  return { sql, params: b.params };
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
