/**
 * Trends and activity. The error rate is failed API calls over all API calls (api_error over
 * api_request + api_error); the validation failure rate is failed validations over validations.
 */
import type { QueryTemplate } from '../query-template.js';
import { count } from './session-templates.js';

const FILTERS = ['since', 'until', 'member', 'session', 'feature', 'chapter'] as const;

export const TREND_TEMPLATES: QueryTemplate[] = [
  {
    name: 'trend-daily',
    description: 'Per day: cost, tokens, API error rate, validation failure rate',
    filters: FILTERS,
    source: 'api_request and api_error events; Bash tool_result events for validations',
    sql: (
      ctx,
    ) => `SELECT ${ctx.d.formatTime('k', '%Y-%m-%d')} AS day, cost_usd, tokens, api_requests, api_errors, error_rate,
       validations, validation_failures, validation_failure_rate
FROM (SELECT ${ctx.d.timeBucket('day', 'ts')} AS k,
       ${ctx.d.round(`coalesce(sum(CASE WHEN event_name = 'api_request' THEN cost_usd END), 0)`, 6)} AS cost_usd,
       coalesce(sum(CASE WHEN event_name = 'api_request'
         THEN input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens END), 0) AS tokens,
       ${count(`event_name = 'api_request'`)} AS api_requests,
       ${count(`event_name = 'api_error'`)} AS api_errors,
       ${ctx.d.round(
         `CAST(${count(`event_name = 'api_error'`)} AS DOUBLE)
         / nullif(${count(`event_name IN ('api_request', 'api_error')`)}, 0)`,
         4,
       )} AS error_rate,
       ${count('validation_kind IS NOT NULL')} AS validations,
       ${count('validation_kind IS NOT NULL AND success = false')} AS validation_failures,
       ${ctx.d.round(
         `CAST(${count('validation_kind IS NOT NULL AND success = false')} AS DOUBLE)
         / nullif(${count('validation_kind IS NOT NULL')}, 0)`,
         4,
       )} AS validation_failure_rate
FROM events WHERE ${ctx.where()}
  GROUP BY 1) AS b
ORDER BY k`,
  },
  {
    name: 'active-members',
    description: 'Members and sessions active per day or week (--bucket)',
    filters: ['since', 'until', 'member', 'feature', 'chapter'],
    options: [{ name: 'bucket', description: 'day or week', default: 'day', choices: ['day', 'week'] }],
    source: 'all events',
    sql: (ctx) => {
      const unit = ctx.option('bucket') === 'week' ? 'week' : 'day';
      return `SELECT ${ctx.d.formatTime('k', '%Y-%m-%d')} AS period, active_members, sessions
FROM (SELECT ${ctx.d.timeBucket(unit, 'ts')} AS k, count(DISTINCT member) AS active_members,
  count(DISTINCT session_id) AS sessions FROM events WHERE ${ctx.where()} GROUP BY 1) AS b
ORDER BY k`;
    },
  },
  {
    name: 'last-seen',
    description: 'Last event per member, oldest first: who stopped sending data?',
    filters: ['since', 'until', 'member'],
    source: 'all events',
    sql: (ctx) => `SELECT member, ${ctx.d.formatTime('max(ts)', '%Y-%m-%d %H:%M:%S')} AS last_event,
       count(DISTINCT session_id) AS sessions, count(*) AS events
FROM events WHERE member IS NOT NULL AND ${ctx.where()}
GROUP BY member ORDER BY max(ts), member`,
  },
];

export const EVENT_TEMPLATES: QueryTemplate[] = [
  {
    name: 'event-counts',
    description: 'Events by name: how many, in how many sessions, from how many members (takes --event too)',
    filters: ['since', 'until', 'member', 'session', 'feature', 'chapter', 'model', 'event'],
    source: 'all events',
    sql: (ctx) => `SELECT event_name, count(*) AS events, count(DISTINCT session_id) AS sessions,
       count(DISTINCT member) AS members
FROM events WHERE ${ctx.where()}
GROUP BY event_name ORDER BY events DESC, event_name`,
  },
];
