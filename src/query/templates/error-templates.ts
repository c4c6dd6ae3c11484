/**
 * API errors: api_error events, one per model call that finally failed (attempts that later
 * succeeded produce none). `attempt` > 1 means the call had been retried before it failed.
 */
import type { QueryTemplate } from '../query-template.js';

const FILTERS = ['since', 'until', 'member', 'session', 'feature', 'chapter', 'model'] as const;

export const ERROR_TEMPLATES: QueryTemplate[] = [
  {
    name: 'api-errors',
    description:
      'API errors by status code and error message, with sessions affected and the highest attempt',
    filters: FILTERS,
    source: 'api_error events',
    sql: (ctx) => `SELECT status_code, error, count(*) AS errors, count(DISTINCT session_id) AS sessions,
       max(attempt) AS max_attempt
FROM events WHERE event_name = 'api_error' AND ${ctx.where()}
GROUP BY status_code, error ORDER BY errors DESC, status_code, error`,
  },
  {
    name: 'api-retries',
    description: 'Failed API calls by model and status code: how many had been retried (attempt > 1)',
    filters: FILTERS,
    source: 'api_error events (attempt)',
    sql: (ctx) => `SELECT model, status_code, count(*) AS failed_calls,
       sum(CASE WHEN attempt > 1 THEN 1 ELSE 0 END) AS retried, max(attempt) AS max_attempt,
       ${ctx.d.round('avg(attempt)', 2)} AS mean_attempt
FROM events WHERE event_name = 'api_error' AND ${ctx.where()}
GROUP BY model, status_code ORDER BY failed_calls DESC, model, status_code`,
  },
];
