/**
 * The overview page: spend and tokens over a range, per day (cost as bars and tokens by type as
 * lines, drawn by uPlot from the cost-by-day template's JSON embedded in the page, and as a table)
 * and by member, chapter and feature, plus tokens by type. Every figure is a cell of a query
 * template's result, printed as `unsilo query <template> --format json` prints it.
 */
import type { QueryResult } from '../../store/store.js';
import { chartAssets, chartFigure } from './chart-html.js';
import { esc, layout, resultTable } from './page-html.js';

/** The templates the page shows, in order, with their headings. */
export const OVERVIEW_TEMPLATES = [
  ['cost-total', 'Total'],
  ['cost-by-day', 'Per day (UTC)'],
  ['cost-by-member', 'By member'],
  ['cost-by-chapter', 'By chapter'],
  ['cost-by-feature', 'By feature'],
  ['tokens-by-type', 'Tokens by type'],
] as const;

export type OverviewTemplate = (typeof OVERVIEW_TEMPLATES)[number][0];

export interface OverviewData {
  since: string;
  until: string;
  results: Record<OverviewTemplate, QueryResult>;
}

/** Cost per day as bars and tokens per day by type as lines, both over the cost-by-day template's JSON. */
export function overviewCharts(byDay: QueryResult): string {
  if (byDay.rows.length === 0) return '';
  const note = 'Days without spend are not drawn. The numbers: the table below, or unsilo query cost-by-day.';
  return (
    chartFigure({
      id: 'cost-chart',
      caption: 'Cost per day (UTC)',
      spec: {
        rows: 'query',
        x: 'day',
        xLabel: 'day',
        y: { label: 'cost (USD)', unit: 'usd' },
        series: [{ field: 'cost_usd', label: 'cost', color: '#1a56db', bars: true }],
      },
      data: byDay,
      table: '<p class="muted">The cost per day is in the table below.</p>',
      note,
    }) +
    chartFigure({
      id: 'tokens-chart',
      caption: 'Tokens per day (UTC), by type',
      spec: {
        rows: 'query',
        x: 'day',
        xLabel: 'day',
        y: { label: 'tokens (log scale)', unit: 'count', log: true },
        series: [
          { field: 'input_tokens', label: 'input', color: '#1a56db' },
          { field: 'output_tokens', label: 'output', color: '#b45309' },
          { field: 'cache_read_tokens', label: 'cache read', color: '#059669' },
          { field: 'cache_creation_tokens', label: 'cache write', color: '#7c3aed' },
        ],
      },
      data: byDay,
      table: '<p class="muted">The tokens per day are in the table below.</p>',
      note,
    })
  );
}

export function renderOverviewPage(d: OverviewData): string {
  const sections = OVERVIEW_TEMPLATES.map(
    ([name, heading]) =>
      `<section><h2>${esc(heading)} <span class="muted">(${esc(name)})</span></h2>${resultTable(name, d.results[name])}</section>`,
  );
  const form = `<form method="get" action="/overview"><label>since <input name="since" value="${esc(d.since)}"></label><label>until <input name="until" value="${esc(d.until)}"></label><button>show</button> <span class="muted">a date (2026-11-01) or a span (30d, 2w, 3mo)</span></form>`;
  const [total, byDay, ...rest] = sections;
  return layout(
    'Overview',
    '/overview',
    `${form}${total}<h2>Over time</h2>${overviewCharts(d.results['cost-by-day'])}${byDay}<div class="grid">${rest.join('')}</div>${chartAssets()}`,
  );
}
