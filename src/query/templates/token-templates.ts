/**
 * Tokens, from `api_request` events. Claude Code's input_tokens excludes cache reads and cache writes:
 * the four types add up to the total. The cache hit ratio is cache reads over all input-side tokens.
 */
import type { Dialect } from '../../store/dialect.js';
import type { QueryTemplate } from '../query-template.js';
import { COST_SOURCE } from './cost-templates.js';

const FILTERS = ['since', 'until', 'member', 'session', 'feature', 'chapter', 'model'] as const;

// A column aliased like the column it sums is referred to as `events.<column>` everywhere else in the
// SELECT: ClickHouse lets an alias shadow a column in the whole query, and `sum(input_tokens)` would
// otherwise be read as the sum of the alias.
const sums = `sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens, sum(cache_creation_tokens) AS cache_creation_tokens,
  sum(events.input_tokens) + sum(events.output_tokens) + sum(events.cache_read_tokens)
    + sum(events.cache_creation_tokens) AS total_tokens`;

const ratio = (d: Dialect): string =>
  `${d.round(
    `CAST(sum(events.cache_read_tokens) AS DOUBLE)
    / nullif(sum(events.input_tokens) + sum(events.cache_read_tokens) + sum(events.cache_creation_tokens), 0)`,
    4,
  )} AS cache_hit_ratio`;

export const TOKEN_TEMPLATES: QueryTemplate[] = [
  {
    name: 'tokens-by-type',
    description: 'Tokens by type: input, output, cache read, cache creation, with each share of the total',
    filters: FILTERS,
    source: COST_SOURCE,
    sql: (ctx) => `WITH t AS (
  SELECT sum(input_tokens) AS input, sum(output_tokens) AS output,
         sum(cache_read_tokens) AS cache_read, sum(cache_creation_tokens) AS cache_creation
  FROM events WHERE event_name = 'api_request' AND ${ctx.where()}
), long AS (
  SELECT 'input' AS type, 1 AS ord, input AS tokens FROM t
  UNION ALL SELECT 'output', 2, output FROM t
  UNION ALL SELECT 'cache_read', 3, cache_read FROM t
  UNION ALL SELECT 'cache_creation', 4, cache_creation FROM t
)
SELECT type, coalesce(tokens, 0) AS tokens,
       ${ctx.d.round('CAST(coalesce(tokens, 0) AS DOUBLE) / nullif(sum(tokens) OVER (), 0)', 4)} AS share
FROM long ORDER BY ord`,
  },
  {
    name: 'tokens-by-session',
    description: 'Tokens by type per session, largest first, with cost',
    filters: FILTERS,
    source: COST_SOURCE,
    sql: (
      ctx,
    ) => `SELECT session_id, ${ctx.d.anyValue('member')} AS member, ${sums}, ${ctx.d.round('sum(cost_usd)', 6)} AS cost_usd
FROM events WHERE event_name = 'api_request' AND ${ctx.where()}
GROUP BY session_id ORDER BY total_tokens DESC, session_id`,
  },
  {
    name: 'tokens-by-member',
    description: 'Tokens by type per member, with the cache hit ratio',
    filters: FILTERS,
    source: COST_SOURCE,
    sql: (ctx) => `SELECT member, ${sums}, ${ratio(ctx.d)}
FROM events WHERE event_name = 'api_request' AND ${ctx.where()}
GROUP BY member ORDER BY total_tokens DESC, member`,
  },
  {
    name: 'cache-hit-ratio',
    description: 'Share of input-side tokens served from the prompt cache, per model and overall',
    filters: FILTERS,
    source: COST_SOURCE,
    sql: (ctx) => {
      const cols = `sum(cache_read_tokens) AS cache_read_tokens,
       sum(events.input_tokens) + sum(events.cache_read_tokens) + sum(events.cache_creation_tokens) AS input_side_tokens,
       ${ratio(ctx.d)}`;
      const where = `event_name = 'api_request' AND ${ctx.where()}`;
      return `SELECT model, cache_read_tokens, input_side_tokens, cache_hit_ratio FROM (
  SELECT model, ${cols}, 0 AS ord FROM events WHERE ${where} GROUP BY model
  UNION ALL
  SELECT '(all)' AS model, ${cols}, 1 AS ord FROM events WHERE ${where}
) ORDER BY ord, model`;
    },
  },
];
