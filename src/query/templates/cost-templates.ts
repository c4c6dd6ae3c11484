/**
 * Spend. Costs and tokens come from `api_request` events only: one per successful model call, with
 * its cost and tokens, so sums are exact and traceable to request ids. Metrics count the same calls
 * again and are never added in. Costs are rounded to micro-dollars.
 */
import { FILTER_NAMES, type FilterName } from '../query-filters.js';
import type { Dialect, TimeUnit } from '../../store/dialect.js';
import type { QueryTemplate, TemplateContext } from '../query-template.js';

/** Every common filter but --event: these templates read api_request events only. */
const COST_FILTERS: readonly FilterName[] = FILTER_NAMES.filter((f) => f !== 'event');
export const COST_SOURCE = 'api_request events (cost_usd and the four token columns)';

const totals = (d: Dialect): string => `${d.round('sum(cost_usd)', 6)} AS cost_usd, count(*) AS api_requests,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens, sum(cache_creation_tokens) AS cache_creation_tokens`;

const TOTAL_COLUMNS =
  'cost_usd, api_requests, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens';

const api = (ctx: TemplateContext): string => `event_name = 'api_request' AND ${ctx.where()}`;

function costBy(
  name: string,
  description: string,
  key: (ctx: TemplateContext) => string,
  keyName: string,
  order: string,
): QueryTemplate {
  return {
    name,
    description,
    filters: COST_FILTERS,
    source: COST_SOURCE,
    sql: (ctx) => `SELECT ${key(ctx)} AS ${keyName}, ${totals(ctx.d)}
FROM events WHERE ${api(ctx)}
GROUP BY 1 ORDER BY ${order}`,
  };
}

/** Spend per time bucket: grouped on the bucket's timestamp, formatted only per group. */
function costByTime(
  name: string,
  description: string,
  unit: TimeUnit,
  keyName: string,
  format: string,
): QueryTemplate {
  return {
    name,
    description,
    filters: COST_FILTERS,
    source: COST_SOURCE,
    sql: (ctx) => `SELECT ${ctx.d.formatTime('k', format)} AS ${keyName}, ${TOTAL_COLUMNS}
FROM (SELECT ${ctx.d.timeBucket(unit, 'ts')} AS k, ${totals(ctx.d)} FROM events WHERE ${api(ctx)} GROUP BY 1) AS b
ORDER BY k`,
  };
}

export const COST_TEMPLATES: QueryTemplate[] = [
  costBy('cost-by-member', 'Spend and tokens per member', () => 'member', 'member', 'cost_usd DESC, member'),
  costByTime('cost-by-day', 'Spend and tokens per day (UTC)', 'day', 'day', '%Y-%m-%d'),
  costByTime(
    'cost-by-week',
    'Spend and tokens per week (weeks start on Monday, UTC)',
    'week',
    'week',
    '%Y-%m-%d',
  ),
  costByTime('cost-by-month', 'Spend and tokens per month (UTC)', 'month', 'month', '%Y-%m'),
  costBy('cost-by-model', 'Spend and tokens per model', () => 'model', 'model', 'cost_usd DESC, model'),
  costBy(
    'cost-by-feature',
    'Spend and tokens per feature (from the branch or a feature attribute)',
    () => 'feature',
    'feature',
    'cost_usd DESC, feature',
  ),
  costBy(
    'cost-by-chapter',
    'Spend and tokens per chapter (from the branch or a chapter attribute)',
    () => 'chapter',
    'chapter',
    'cost_usd DESC, chapter',
  ),
  {
    name: 'cost-total',
    description: 'Total spend: cost, requests, tokens, sessions and members in the range',
    filters: COST_FILTERS,
    source: COST_SOURCE,
    sql: (
      ctx,
    ) => `SELECT ${totals(ctx.d)}, count(DISTINCT session_id) AS sessions, count(DISTINCT member) AS members
FROM events WHERE ${api(ctx)}`,
  },
];
