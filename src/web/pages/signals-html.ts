/**
 * GET /signals: each signal (detector) with its definition, version and flagged-session rate per ISO
 * week with Wilson's interval — `unsilo signals weekly --json`'s figures, carried unformatted in the
 * week rows' data-* attributes. `weekTable` is shared with /patterns/:slug.
 */
import type { signalsWeekly, WeekRate } from '../../analysis/signals/signal-weeks.js';
import { esc, layout } from './page-html.js';
import { pct } from './patterns-html.js';
import { vendorAssets } from './vendor-assets.js';
import { WEEKLY_CHART_URL } from './weekly-chart-script.js';

export type SignalWeekly = Awaited<ReturnType<typeof signalsWeekly>>[number];

/**
 * A uPlot chart of `weeks` (rate line, interval band), drawn by /assets/weekly-chart.js from the JSON
 * island; `chartAssets` are the tags a page using it puts after its body.
 */
export function weekChart(id: string, weeks: readonly WeekRate[]): string {
  const json = JSON.stringify(weeks.map((w) => ({ from: w.from, n: w.n, rate: w.rate, lo: w.lo, hi: w.hi })));
  return `<figure class="weekly-chart" id="${esc(id)}"><div class="chart"></div><script type="application/json">${json.replaceAll('<', '\\u003c')}</script></figure>`;
}

export const chartAssets = (): string => {
  const v = vendorAssets();
  return `<link rel="stylesheet" href="${esc(v.uplotCss.url)}"><script src="${esc(v.uplot.url)}"></script><script src="${WEEKLY_CHART_URL}"></script>`;
};

export function weekTable(id: string, weeks: readonly WeekRate[]): string {
  const rows = weeks
    .map(
      (w) =>
        `<tr data-week="${esc(w.week)}" data-n="${w.n}" data-x="${w.x}" data-rate="${w.rate}" data-lo="${w.lo}" data-hi="${w.hi}"><td>${esc(w.week)}${w.complete ? '' : ' <span class="muted">(so far)</span>'}</td><td class="n">${w.n}</td><td class="n">${w.x}</td><td class="n">${w.n ? esc(pct(w.rate)) : '—'}</td><td class="n">${w.n ? `${esc(pct(w.lo))}–${esc(pct(w.hi))}` : '—'}</td><td><span class="bar" style="width:${(w.rate * 100).toFixed(1)}px"></span></td></tr>`,
    )
    .join('\n');
  return `<table id="${esc(id)}" class="weeks"><thead><tr><th>week</th><th>sessions</th><th>flagged</th><th>rate</th><th>95 % CI</th><th></th></tr></thead><tbody>
${rows || '<tr class="empty"><td colspan="6" class="muted">no weeks in this range</td></tr>'}
</tbody></table>`;
}

export function renderSignalsPage(since: string, signals: readonly SignalWeekly[]): string {
  const sections = signals.map(
    (s) => `<section class="signal" data-signal="${esc(s.name)}" data-version="${s.version}">
<h2>${esc(s.name)} <span class="muted">${esc(s.id)}</span></h2>
<p>${esc(s.description)}. Flags a session ${esc(s.flag)}.${s.needs !== '—' ? ` <span class="muted">Needs ${esc(s.needs)}.</span>` : ''}</p>
<p class="muted">Matches events where <code>${esc(s.where)}</code>.</p>
${weekTable(`weeks-${s.name}`, s.weeks)}
</section>`,
  );
  const body = `<h1>Signals</h1>
<form method="get" action="/signals"><label>since <input name="since" value="${esc(since)}" placeholder="12w"></label><button>show</button></form>
<p class="muted">The share of sessions each signal flags, per ISO week (sessions count in the week they start), with Wilson's 95 % interval — <code>unsilo signals weekly --since ${esc(since)}</code>. Signals pick sessions to read; they are never the verdict.</p>
${sections.join('\n')}`;
  return layout('Signals', '/signals', body);
}
