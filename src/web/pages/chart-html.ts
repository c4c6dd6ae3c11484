/**
 * Time-series charts on the server-rendered pages: `chartFigure` emits a `<figure data-chart>` that
 * holds the chart's source JSON verbatim (an action's or a query template's result, the very JSON the
 * CLI prints), a spec saying which fields to plot, and a `<table>` of the same numbers — what a
 * reader without JavaScript, or with a screen reader, gets. /assets/charts.js (chart-script.ts) draws
 * each figure with uPlot and then hides the table visually (it stays in the accessibility tree).
 * `chartAssets` is the stylesheet and scripts a page with figures adds once.
 */
import { esc } from './page-html.js';
import { vendorAssets } from './vendor-assets.js';
import { CHART_SCRIPT_URL } from './chart-script.js';

export interface ChartSeries {
  /** The row field plotted. */
  field: string;
  label: string;
  color: string;
  /** Bars instead of a line with points. */
  bars?: boolean;
  /** Plot only the rows whose field equals the value (the others are gaps): ['arm', 'before']. */
  when?: [string, string];
}

export interface ChartSpec {
  /** Where the rows are: a dot path to an array of objects in the data, or 'query' for a query result ({columns, rows}). */
  rows: string;
  /** The row field on the x axis: an ISO time, or a date (UTC). */
  x: string;
  /** The row field the legend shows for the x value (default: the date). */
  xLabel?: string;
  /** Ticks on whole days (default) or on Mondays (ISO weeks). */
  xTicks?: 'day' | 'week';
  /** The y axis: its label, the unit its values print in, and a log scale for values across magnitudes. */
  y: { label: string; unit: 'share' | 'usd' | 'count'; log?: boolean };
  series: ChartSeries[];
  /** A shaded band between two row fields (an interval). */
  band?: { lo: string; hi: string; label: string; color: string; fill: string };
  /** Vertical lines at the ISO time found at a dot path of the data; `split` breaks the lines and band there. */
  markers?: { at: string; label: string; split?: boolean }[];
  /** Horizontal lines at the number found at a dot path of the data (skipped when null). */
  levels?: { at: string; label: string; color: string }[];
}

/** JSON that can sit inside a <script> element: `<` never appears raw, so no `</script>` ends it early. */
export const scriptJson = (v: unknown): string =>
  JSON.stringify(v)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');

export interface ChartFigure {
  id: string;
  caption: string;
  spec: ChartSpec;
  /** The source JSON, embedded as is. */
  data: unknown;
  /** The same numbers as an HTML table (the fallback). */
  table: string;
  /** A line under the chart saying how to read it. */
  note?: string;
}

export function chartFigure(f: ChartFigure): string {
  return `<figure class="chart" data-chart id="${esc(f.id)}"><figcaption>${esc(f.caption)}</figcaption>
<script type="application/json">${scriptJson({ chart: f.spec, data: f.data })}</script>
<div class="chart-plot" aria-hidden="true"></div>
${f.note ? `<p class="muted chart-note">${esc(f.note)}</p>` : ''}<div class="chart-table">${f.table}</div></figure>`;
}

const CHART_STYLE = `figure.chart{margin:.6rem 0 1.2rem;max-width:960px}figure.chart figcaption{font-weight:600;margin:.2rem 0 .3rem}
figure.chart .chart-plot{display:none}figure.chart.drawn .chart-plot{display:block}
figure.chart.drawn .chart-table{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
figure.chart .chart-note{margin:.2rem 0;font-size:12px}.uplot .u-legend{font-size:12px;text-align:left}.uplot .u-legend th{font-weight:normal}`;

/** The uPlot stylesheet, the charts' own style, uPlot and charts.js: once per page with figures. */
export function chartAssets(): string {
  const v = vendorAssets();
  return `<link rel="stylesheet" href="${v.uplotCss.url}"><style>${CHART_STYLE}</style>
<script src="${v.uplot.url}" defer></script><script src="${CHART_SCRIPT_URL}" defer></script>`;
}
