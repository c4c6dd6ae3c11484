/** Tools: calls, failures and durations from tool_result events; permission decisions from tool_decision. */
import type { QueryTemplate } from '../query-template.js';

const FILTERS = ['since', 'until', 'member', 'session', 'feature', 'chapter'] as const;

export const TOOL_TEMPLATES: QueryTemplate[] = [
  {
    name: 'tool-usage',
    description: 'Per tool: calls, failures, failure rate, mean and p95 duration',
    filters: FILTERS,
    source: 'tool_result events',
    sql: (ctx) => `SELECT tool_name, count(*) AS calls,
       sum(CASE WHEN success = false THEN 1 ELSE 0 END) AS failures,
       ${ctx.d.round('CAST(sum(CASE WHEN success = false THEN 1 ELSE 0 END) AS DOUBLE) / count(*)', 4)} AS failure_rate,
       ${ctx.d.round('avg(duration_ms)', 1)} AS mean_duration_ms,
       ${ctx.d.round(ctx.d.quantile('duration_ms', 0.95), 1)} AS p95_duration_ms
FROM events WHERE event_name = 'tool_result' AND ${ctx.where()}
GROUP BY tool_name ORDER BY calls DESC, tool_name`,
  },
  {
    name: 'tool-decisions',
    description: 'Permission decisions (accept / reject) by tool and source',
    filters: FILTERS,
    source: 'tool_decision events',
    sql: (ctx) => `SELECT tool_name, source, decision, count(*) AS decisions
FROM events WHERE event_name = 'tool_decision' AND ${ctx.where()}
GROUP BY tool_name, source, decision ORDER BY decisions DESC, tool_name, source, decision`,
  },
];
