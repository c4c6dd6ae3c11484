/**
 * The overview page: spend and tokens over a range, per day (as a bar chart drawn here as inline
 * SVG, and as a table) and by member, chapter and feature, plus tokens by type. Every figure is a
 * cell of a query template's result, printed as `unsilo query <template> --format json` prints it.
 */
import type { QueryResult } from '../../store/store.js';
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

const W = 720;
const H = 180;
const PAD = 30;

/** Cost per day as bars, the largest day's cost on the axis; days without spend are not drawn. */
export function costChart(byDay: QueryResult): string {
  const day = byDay.columns.indexOf('day');
  const cost = byDay.columns.indexOf('cost_usd');
  const points = byDay.rows.map((r) => ({ day: String(r[day]), cost: Number(r[cost] ?? 0) }));
  if (points.length === 0) return '';
  const max = Math.max(...points.map((p) => p.cost), 1e-9);
  const step = (W - PAD) / points.length;
  const bw = Math.max(1, step * 0.8);
  const bars = points
    .map((p, i) => {
      const h = ((H - 2 * PAD) * p.cost) / max;
      const x = PAD + i * step;
      return `<rect x="${x.toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="#1a56db"><title>${esc(p.day)}: $${p.cost.toFixed(2)}</title></rect>`;
    })
    .join('');
  const first = points[0]!.day;
  const last = points[points.length - 1]!.day;
  return `<svg id="cost-chart" role="img" aria-label="cost per day" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<line x1="${PAD}" y1="${H - PAD}" x2="${W}" y2="${H - PAD}" stroke="#999"/>
<text x="${PAD}" y="${PAD - 8}">$${max.toFixed(2)} max per day</text>${bars}
<text x="${PAD}" y="${H - PAD + 16}">${esc(first)}</text><text x="${W}" y="${H - PAD + 16}" text-anchor="end">${esc(last)}</text></svg>`;
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
    `${form}${total}<h2>Cost per day</h2>${costChart(d.results['cost-by-day'])}${byDay}<div class="grid">${rest.join('')}</div>`,
  );
}
