/**
 * The monthly report as one self-contained HTML file: summary cards, Chart.js 4 charts (the UMD
 * build inlined, animations off) and every section as an HTML table, so it reads without JavaScript
 * and prints cleanly. No external URLs; the data travels as JSON in a <script type="application/json">
 * with `<` escaped, and all table text is HTML-escaped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { MonthlyReport, ReportSection } from './monthly-report.js';

const usd = (v: number): string => `$${v.toFixed(2)}`;
const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const int = (v: number): string => v.toLocaleString('en-US');
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

let chartJs: string | undefined;
/** Chart.js's UMD build, read once. Its package exports only the ESM/CJS entries, so go via their folder. */
function chartLibrary(): string {
  if (chartJs === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    const umd = readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
    chartJs = umd.replace(/<\/script/gi, '<\\/script'); // none today; keeps the <script> element intact
  }
  return chartJs;
}

type Cell = string | number | boolean | null;
const label = (v: Cell, column: string): string =>
  v === null ? (column === 'feature' || column === 'chapter' ? '(none)' : '') : String(v);

function cell(v: Cell, column: string): string {
  if (typeof v === 'number' && column === 'cost_usd') return usd(v);
  if (typeof v === 'number' && (column.endsWith('_rate') || column === 'share')) return pct(v);
  if (typeof v === 'number' && Number.isInteger(v)) return int(v);
  return label(v, column);
}

const DAILY = new Set(['by_day', 'daily_rates']);
/** A daily row where something happened (the report fills every day of the month with zeros). */
const active = (r: Cell[]): boolean => r.slice(1).some((v) => v !== 0 && v !== null);

function table(s: ReportSection): string {
  const rows = DAILY.has(s.key) ? s.rows.filter(active) : s.rows;
  if (rows.length === 0) return '<p class="empty">No data.</p>';
  const quiet = s.rows.length - rows.length;
  const note =
    quiet > 0 ? `<p class="note">${quiet} day${quiet === 1 ? '' : 's'} with no activity not listed.</p>` : '';
  const head = s.columns.map((c) => `<th>${esc(c.replaceAll('_', ' '))}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((v, i) => `<td${typeof v === 'number' ? ' class="n"' : ''}>${esc(cell(v, s.columns[i] ?? ''))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table data-section="${esc(s.key)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${note}`;
}

/** What the in-page script needs to draw one chart. */
interface ChartSpec {
  id: string;
  kind: 'bar' | 'hbar' | 'doughnut' | 'line';
  unit: 'usd' | 'tokens' | 'pct';
  x: string;
  labels: string[];
  series: { label: string; data: (number | null)[] }[];
}

/** [column, legend, columns that must not all be 0 for the value to count (a rate with nothing to rate)]. */
type Series = [string, string, string[]?];
const SPEND: Series[] = [['cost_usd', 'Spend (USD)']];
const CHARTS: Record<string, Pick<ChartSpec, 'kind' | 'unit'> & { series: Series[] }> = {
  by_day: { kind: 'bar', unit: 'usd', series: SPEND },
  by_member: { kind: 'hbar', unit: 'usd', series: SPEND },
  by_chapter: { kind: 'bar', unit: 'usd', series: SPEND },
  by_feature: { kind: 'bar', unit: 'usd', series: SPEND },
  by_model: { kind: 'doughnut', unit: 'usd', series: SPEND },
  tokens_by_type: { kind: 'doughnut', unit: 'tokens', series: [['tokens', 'Tokens']] },
  daily_rates: {
    kind: 'line',
    unit: 'pct',
    series: [
      ['error_rate', 'API error rate', ['api_requests', 'api_errors']],
      ['validation_failure_rate', 'Validation failure rate', ['validations']],
    ],
  },
};

function chartSpec(s: ReportSection): ChartSpec | undefined {
  const how = CHARTS[s.key];
  if (!how || s.rows.length === 0) return undefined;
  const at = (r: Cell[], c: string): Cell => r[s.columns.indexOf(c)] ?? null;
  const day = s.columns[0] === 'day';
  const series = how.series.map(([c, legend, basis]) => ({
    label: legend,
    data: s.rows.map((r) => {
      const v = at(r, c);
      if (typeof v !== 'number' || (basis && basis.every((b) => !at(r, b)))) return null;
      return how.unit === 'pct' ? Math.round(v * 1e4) / 100 : v;
    }),
  }));
  const labels = s.rows.map((r) => label(r[0] ?? null, s.columns[0] ?? ''));
  return {
    id: s.key,
    kind: how.kind,
    unit: how.unit,
    x: day ? 'day (UTC)' : (s.columns[0] ?? ''),
    labels: day ? labels.map((d) => d.slice(5)) : labels,
    series,
  };
}

/** Panel order on the page: spend over time first, then who and what, then quality, then sessions. */
const ORDER = 'by_day daily_rates by_member by_model by_chapter by_feature tokens_by_type top_sessions'.split(
  ' ',
);
/** Full-width panels; `split` ones put the chart beside the table. */
const WIDE = new Set(['by_day', 'daily_rates', 'tokens_by_type', 'top_sessions']);
const SPLIT = new Set(['tokens_by_type']);

const CSS = `
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:16px;margin:0 0 10px}
.meta{color:var(--muted);margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-bottom:20px}
.card,.panel{background:#fff;border:1px solid var(--line);border-radius:8px}
.card{padding:12px 14px}.card .k{color:var(--muted);font-size:13px}
.card .v{font-size:26px;font-weight:600;margin-top:2px}.card .s{color:var(--muted);font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
.panel{padding:14px 16px;break-inside:avoid}.panel.wide{grid-column:1/-1}
.split .body{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px;align-items:center}
.chart{position:relative;height:260px;margin-bottom:10px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:12px;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{color:var(--muted);font-weight:600;white-space:normal;vertical-align:bottom}td.n{text-align:right}
.empty,.note{color:var(--muted);font-style:italic}.note{font-size:12px;margin:6px 0 0}
@media print{body{background:#fff}main{padding:0}.grid{display:block}.panel{margin-bottom:12px;border-color:#ccc}}
`;

/** Runs in the page: builds each Chart.js config from the JSON specs. Static text, no data in it. */
const SCRIPT = `
(function(){
var spec=JSON.parse(document.getElementById('report-data').textContent);
var P=['#2563eb','#f59e0b','#10b981','#ef4444','#8b5cf6','#06b6d4','#ec4899','#84cc16','#64748b','#f97316'];
var F={usd:function(v){return '$'+Number(v).toFixed(2)},tokens:function(v){return Number(v).toLocaleString('en-US')},pct:function(v){return v+' %'}};
var U={usd:'spend (USD)',tokens:'tokens',pct:'rate (%)'};
Chart.defaults.animation=false;Chart.defaults.color='#3e4c59';
Chart.defaults.font.family='system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif';
spec.charts.forEach(function(c){
  var f=F[c.unit],round=c.kind==='doughnut',line=c.kind==='line',h=c.kind==='hbar',labels=c.labels;
  if(round){var d=c.series[0].data,sum=d.reduce(function(a,b){return a+(b||0)},0);
    labels=labels.map(function(l,i){return l+'  '+f(d[i])+(sum>0?' ('+(100*(d[i]||0)/sum).toFixed(1)+' %)':'')})}
  var ds=c.series.map(function(s,i){return {label:s.label,data:s.data,
    backgroundColor:round?P:(line?P[i*3]:P[0]),borderColor:round?'#fff':P[i*3],borderWidth:round?2:(line?2:0),
    pointRadius:line?3:undefined,spanGaps:true,borderRadius:round?0:3,maxBarThickness:40}});
  var title=function(t){return {display:true,text:t}};
  var o={responsive:true,maintainAspectRatio:false,plugins:{legend:{display:round||line,position:round?'right':'top'},
    tooltip:{callbacks:{label:function(x){return round?x.label:x.dataset.label+': '+f(x.raw)}}}}};
  if(!round){var v={beginAtZero:true,title:title(U[c.unit]),ticks:{callback:function(t){return f(t)}}},
    k={title:title(c.x),grid:{display:false},ticks:{autoSkip:true,maxRotation:0}};
    if(line){v.max=100;v.min=0}
    o.scales=h?{x:v,y:k}:{x:k,y:v};if(h)o.indexAxis='y'}
  new Chart(document.getElementById('chart-'+c.id),{type:round?'doughnut':(line?'line':'bar'),data:{labels:labels,datasets:ds},options:o});
});
})();
`;

export function renderHtml(r: MonthlyReport): string {
  const t = r.totals;
  const card = (k: string, v: string, s = ''): string =>
    `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div><div class="s">${esc(s)}</div></div>`;
  const cards = [
    card('Total spend', usd(t.cost_usd), 'from api_request events'),
    card('Sessions', int(t.sessions)),
    card('Active members', int(t.members)),
    card('API requests', int(t.api_requests), `${int(t.input_tokens + t.output_tokens)} tokens in + out`),
    card('API error rate', pct(t.api_error_rate), `${int(t.api_errors)} failed calls`),
    card(
      'Validation failure rate',
      pct(t.validation_failure_rate),
      `${int(t.validation_failures)} of ${int(t.validations)} validations`,
    ),
  ];
  const charts: ChartSpec[] = [];
  const rank = (s: ReportSection): number => (ORDER.indexOf(s.key) + ORDER.length + 1) % (ORDER.length + 1);
  const panels = [...r.sections]
    .sort((a, b) => rank(a) - rank(b))
    .map((s) => {
      const spec = chartSpec(s);
      if (spec) charts.push(spec);
      const cls = `panel${WIDE.has(s.key) ? ' wide' : ''}${SPLIT.has(s.key) && spec ? ' split' : ''}`;
      const tall =
        spec?.kind === 'hbar' ? ` style="height:${Math.max(220, 60 + 30 * spec.labels.length)}px"` : '';
      const canvas = spec
        ? `<div class="chart"${tall}><canvas id="chart-${esc(s.key)}" role="img" aria-label="${esc(s.title)}"></canvas></div>`
        : '';
      return `<section class="${cls}" id="${esc(s.key)}"><h2>${esc(s.title)}</h2><div class="body">${canvas}\n${table(s)}</div></section>`;
    });
  const data = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  const title = `Claude Code usage report: ${r.month}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
<noscript><style>.chart{display:none}</style></noscript>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="meta">${esc(`${r.from} to ${r.to} (exclusive), UTC. Generated ${r.generated_at}. Costs and tokens from api_request events.`)}</p>
<section class="cards" id="summary">
${cards.join('\n')}
</section>
<div class="grid">
${panels.join('\n')}
</div>
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${chartLibrary()}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
