/**
 * GET /signals: each signal (detector) with its definition, version and flagged-session rate per ISO
 * week with Wilson's interval — `unsilo signals weekly --json`'s figures, carried unformatted in the
 * week rows' data-* attributes. `weekTable` is shared with /patterns/:slug.
 */
import type { signalsWeekly, WeekRate } from '../../analysis/signals/signal-weeks.js';
import { esc, layout } from './page-html.js';
import { pct } from './patterns-html.js';
import { chartAssets, chartFigure } from './chart-html.js';

export type SignalWeekly = Awaited<ReturnType<typeof signalsWeekly>>[number];

/**
 * The rate per week as a uPlot chart with its Wilson band (chart-html.ts; /assets/charts.js draws it),
 * holding `weekTable`'s table as its fallback; a week without sessions is a gap.
 */
export function weekChart(id: string, tableId: string, caption: string, weeks: readonly WeekRate[]): string {
  return chartFigure({
    id,
    caption,
    spec: {
      rows: 'weeks',
      x: 'from',
      xLabel: 'week',
      xTicks: 'week',
      y: { label: 'share of sessions flagged', unit: 'share' },
      series: [{ field: 'rate', label: 'rate', color: '#b00020' }],
      band: { lo: 'lo', hi: 'hi', label: '95 % CI', color: '#e7a3ae', fill: 'rgba(176,0,32,0.12)' },
    },
    data: { weeks: weeks.map((w) => (w.n === 0 ? { ...w, rate: null, lo: null, hi: null } : w)) },
    table: weekTable(tableId, weeks),
    note: 'Share of the sessions started that week that the signal flags; band: Wilson 95 % interval.',
  });
}

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
${weekChart(`chart-${s.name}`, `weeks-${s.name}`, `${s.name} per week`, s.weeks)}
</section>`,
  );
  const body = `<h1>Signals</h1>
<form method="get" action="/signals"><label>since <input name="since" value="${esc(since)}" placeholder="12w"></label><button>show</button></form>
<p class="muted">The share of sessions each signal flags, per ISO week (sessions count in the week they start), with Wilson's 95 % interval — <code>unsilo signals weekly --since ${esc(since)}</code>. Signals pick sessions to read; they are never the verdict.</p>
${sections.join('\n')}${chartAssets()}`;
  return layout('Signals', '/signals', body);
}
