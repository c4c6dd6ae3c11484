/**
 * Sessions and failures. A session's figures count its events in the range: prompts (user_prompt),
 * API requests (api_request), tool calls (tool_result), failures (tool_result with success = false),
 * validations (Bash tool results whose command matches the validation patterns; needs
 * OTEL_LOG_TOOL_DETAILS=1 so that the command is sent).
 */
import type { OptionSpec, QueryTemplate } from '../query-template.js';

const FILTERS = ['since', 'until', 'member', 'session', 'feature', 'chapter'] as const;
const MIN_FAILURES: OptionSpec = {
  name: 'min-failures',
  description: 'list sessions with more than this many failures',
  default: 3,
};

/** How many rows of the group meet `cond` (plain SQL both engines speak). */
export const count = (cond: string): string => `sum(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
/**
 * The same count as a 64-bit integer: DuckDB sums integers into a 128-bit one, which costs more to
 * read out (≈13 % of the `sessions` template at 10 M events); the value is the same.
 */
const count64 = (cond: string): string => `CAST(${count(cond)} AS BIGINT)`;
const failedTool = `event_name = 'tool_result' AND success = false`;
const failedValidation = `validation_kind IS NOT NULL AND success = false`;
const sessionCost = `coalesce(sum(CASE WHEN event_name = 'api_request' THEN cost_usd END), 0)`;

export const SESSION_TEMPLATES: QueryTemplate[] = [
  {
    name: 'sessions',
    description:
      'Sessions, newest first: member, start, end, duration, prompts, API requests, tool calls, failures, cost, feature, chapter, branch, repo',
    filters: FILTERS,
    source: 'all events of each session in the range; cost from api_request events',
    sql: (ctx) => `SELECT session_id, ${ctx.d.anyValue('member')} AS member,
       ${ctx.d.formatTime('min(ts)', '%Y-%m-%d %H:%M:%S')} AS started,
       ${ctx.d.formatTime('max(ts)', '%Y-%m-%d %H:%M:%S')} AS ended,
       ${ctx.d.round(`${ctx.d.msBetween('min(ts)', 'max(ts)')} / 1000.0`, 1)} AS duration_s,
       ${count64(`event_name = 'user_prompt'`)} AS prompts,
       ${count64(`event_name = 'api_request'`)} AS api_requests,
       ${count64(`event_name = 'tool_result'`)} AS tool_calls,
       ${count64(failedTool)} AS tool_failures,
       ${count64(failedValidation)} AS validation_failures,
       ${count64(`event_name = 'api_error'`)} AS api_errors,
       ${ctx.d.round(sessionCost, 6)} AS cost_usd,
       ${ctx.d.lastValue('feature', 'ts')} AS feature, ${ctx.d.lastValue('chapter', 'ts')} AS chapter,
       ${ctx.d.lastValue('git_branch', 'ts')} AS git_branch, ${ctx.d.lastValue('repo', 'ts')} AS repo
FROM events
WHERE session_id IS NOT NULL AND ${ctx.where()}
GROUP BY session_id ORDER BY min(ts) DESC, session_id`,
  },
  {
    name: 'failing-sessions',
    description: 'Sessions with more than --min-failures failed tool results',
    filters: FILTERS,
    options: [MIN_FAILURES],
    source: 'tool_result events with success = false',
    sql: (
      ctx,
    ) => `SELECT session_id, ${ctx.d.anyValue('member')} AS member, ${count(failedTool)} AS tool_failures,
       ${count(`event_name = 'tool_result'`)} AS tool_calls,
       ${ctx.d.formatTime('min(ts)', '%Y-%m-%d %H:%M:%S')} AS started,
       ${ctx.d.round(sessionCost, 6)} AS cost_usd
FROM events WHERE session_id IS NOT NULL AND ${ctx.where()}
GROUP BY session_id HAVING ${count(failedTool)} > ${ctx.p(Number(ctx.option('min-failures')))}
ORDER BY tool_failures DESC, started DESC, session_id`,
  },
  {
    name: 'validation-failures',
    description:
      'Sessions with more than --min-failures failed validations (tests, linters, type checks, builds)',
    filters: FILTERS,
    options: [MIN_FAILURES],
    source: 'Bash tool_result events whose command matches the validation patterns, success = false',
    sql: (ctx) => `SELECT session_id, ${ctx.d.anyValue('member')} AS member,
       ${count(failedValidation)} AS validation_failures,
       ${count('validation_kind IS NOT NULL')} AS validations,
       ${count(`${failedValidation} AND validation_kind = 'test'`)} AS test_failures,
       ${count(`${failedValidation} AND validation_kind = 'lint'`)} AS lint_failures,
       ${count(`${failedValidation} AND validation_kind = 'typecheck'`)} AS typecheck_failures,
       ${count(`${failedValidation} AND validation_kind = 'build'`)} AS build_failures,
       ${ctx.d.formatTime('min(ts)', '%Y-%m-%d %H:%M:%S')} AS started
FROM events
WHERE session_id IS NOT NULL AND ${ctx.where()}
GROUP BY session_id HAVING ${count(failedValidation)} > ${ctx.p(Number(ctx.option('min-failures')))}
ORDER BY validation_failures DESC, started DESC, session_id`,
  },
];
