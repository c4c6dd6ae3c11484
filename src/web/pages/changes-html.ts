/**
 * GET /changes (every change, linking to its page) and GET /changes/:id: the change, its measurement
 * computed now by the function `changes measure ID` runs (not stored: the page reads only), the
 * verdict, per-arm rates, the difference and relative change with their intervals, the MDE, the
 * sessions per arm still needed, the warnings, a before/after chart drawn on the server (the two arms
 * with their intervals), the rate per ISO week with its Wilson band, the change's date and the target
 * level (`changes weekly ID`'s JSON, drawn by uPlot, with a table of the same numbers), the strata
 * with ?stratify=, and the stored snapshots.
 */
import type { Change } from '../../analysis/changes/change-store.js';
import type { Measurement } from '../../analysis/changes/change-measure.js';
import type { WeeklyRates } from '../../analysis/changes/weekly-rates.js';
import { chartAssets, chartFigure } from './chart-html.js';
import { esc, layout } from './page-html.js';
import { interval, pct } from './patterns-html.js';

const signedPct = (p: number): string => `${p > 0 ? '+' : ''}${pct(p)}`;
const signedInterval = (p: number, lo: number, hi: number): string =>
  `${signedPct(p)} (${signedPct(lo)} to ${signedPct(hi)})`;

export function renderChangesList(changes: Change[]): string {
  const rows = changes
    .map(
      (c) =>
        `<tr data-change="${esc(c.id)}"><td><a href="/changes/${encodeURIComponent(c.id)}">${esc(c.id)}</a></td><td>${esc(c.kind)}</td><td>${esc(c.ref)}</td><td>${esc(c.effective)}</td><td>${esc(c.metric)}</td><td>${c.target === null ? '' : esc(signedPct(c.target))}</td><td>${esc(c.patterns.join(', '))}</td><td class="sig">${esc(c.description)}</td></tr>`,
    )
    .join('\n');
  const body = `<h1>Changes</h1>
<table id="changes"><thead><tr><th>id</th><th>kind</th><th>ref</th><th>effective</th><th>metric</th><th>target</th><th>patterns</th><th>description</th></tr></thead><tbody>
${rows || '<tr class="empty"><td colspan="8" class="muted">no change recorded: <code>unsilo changes add</code></td></tr>'}
</tbody></table>`;
  return layout('Changes', '/changes', body);
}

/** Per-arm rate as a bar with its interval as an error bar. */
export function armsChart(m: Measurement): string {
  const r = m.result;
  if (!r) return '';
  const W = 420;
  const H = 240;
  const PAD = 32;
  const LEFT = 56;
  const arms = [
    ['before', r.before],
    ['after', r.after],
  ] as const;
  const top = Math.max(r.before.hi, r.after.hi, 0.01) * 1.15;
  const y = (v: number): number => H - PAD - (v / top) * (H - 2 * PAD);
  const bw = 90;
  const parts = arms.map(([name, a], i) => {
    const cx = LEFT + 80 + i * 170;
    const x = cx - bw / 2;
    return `<g class="arm" data-arm="${name}"><rect x="${x}" y="${y(a.p).toFixed(1)}" width="${bw}" height="${(H - PAD - y(a.p)).toFixed(1)}" fill="${i ? '#1a56db' : '#9ca3af'}"><title>${name}: ${esc(interval(a.p, a.lo, a.hi))}, ${a.x} of ${a.n}</title></rect>
<line class="ci" x1="${cx}" x2="${cx}" y1="${y(a.hi).toFixed(1)}" y2="${y(a.lo).toFixed(1)}" stroke="#111" stroke-width="1.5"/>
<line x1="${cx - 10}" x2="${cx + 10}" y1="${y(a.hi).toFixed(1)}" y2="${y(a.hi).toFixed(1)}" stroke="#111" stroke-width="1.5"/>
<line x1="${cx - 10}" x2="${cx + 10}" y1="${y(a.lo).toFixed(1)}" y2="${y(a.lo).toFixed(1)}" stroke="#111" stroke-width="1.5"/>
<text x="${cx}" y="${H - PAD + 16}" text-anchor="middle">${name} (n=${a.n})</text>
<text x="${cx + 14}" y="${(y(a.p) - 4).toFixed(1)}">${esc(pct(a.p))}</text></g>`;
  });
  const target =
    r.target !== null
      ? `<line class="target" x1="${LEFT}" x2="${W - 8}" y1="${y(r.before.p * (1 + r.target.rel)).toFixed(1)}" y2="${y(r.before.p * (1 + r.target.rel)).toFixed(1)}" stroke="#b00020" stroke-dasharray="4 3"/><text x="${W - 8}" y="${(y(r.before.p * (1 + r.target.rel)) - 4).toFixed(1)}" text-anchor="end">target ${esc(signedPct(r.target.rel))}</text>`
      : '';
  return `<svg id="arms-chart" role="img" aria-label="rate before and after, with 95 % intervals" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<line x1="${LEFT}" x2="${W - 8}" y1="${H - PAD}" y2="${H - PAD}" stroke="#999"/>
<text x="${LEFT - 4}" y="${y(0) + 4}" text-anchor="end">0</text><text x="${LEFT - 4}" y="${(y(top / 1.15) + 4).toFixed(1)}" text-anchor="end">${esc(pct(top / 1.15))}</text>
${parts.join('\n')}${target}</svg>`;
}

/** The rate per week with its Wilson band, the change's date and the target level, over `changes weekly`'s JSON. */
export function weeklyChart(w: WeeklyRates): string {
  const day = (iso: string): string => iso.slice(0, 10);
  const rows = w.weeks
    .map(
      (b) =>
        `<tr data-week="${esc(b.week)}" data-arm="${b.arm}"><td>${esc(b.week)}</td><td>${b.arm}</td><td>${esc(day(b.from))} – ${esc(day(new Date(Date.parse(b.to) - 1).toISOString()))}</td><td class="n">${b.x}</td><td class="n">${b.n}</td><td>${b.p === null ? '—' : esc(interval(b.p, b.lo!, b.hi!))}</td></tr>`,
    )
    .join('\n');
  const table = `<table id="weekly"><caption class="muted">Sessions flagged per ISO week (UTC), by start; the week of the change is split at it.</caption><thead><tr><th>week</th><th>arm</th><th>days</th><th>flagged</th><th>sessions</th><th>rate (95 % CI)</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  const levels = [{ at: 'before_rate', label: 'before', color: '#6b7280' }];
  if (w.target !== null) levels.push({ at: 'target_rate', label: 'target', color: '#b00020' });
  return chartFigure({
    id: 'weekly-chart',
    caption: `${w.metric} per week`,
    spec: {
      rows: 'weeks',
      x: 'mid',
      xLabel: 'week',
      xTicks: 'week',
      y: { label: 'share of sessions flagged', unit: 'share' },
      series: [
        { field: 'p', label: 'before', color: '#6b7280', when: ['arm', 'before'] },
        { field: 'p', label: 'after', color: '#1a56db', when: ['arm', 'after'] },
      ],
      band: { lo: 'lo', hi: 'hi', label: '95 % CI', color: '#93a5cf', fill: 'rgba(26,86,219,0.12)' },
      markers: [{ at: 'effective', label: `change ${day(w.effective)}`, split: true }],
      levels,
    },
    data: w,
    table,
    note: `Points: share of the sessions started that week that ${w.detector} flags; band: Wilson 95 % interval; dashed: the change, the before rate and the target level. The numbers: unsilo changes weekly ${w.change_id}.`,
  });
}

const row = (id: string, label: string, value: string, data = ''): string =>
  `<tr id="${id}"${data}><th>${esc(label)}</th><td>${esc(value)}</td></tr>`;

export interface ChangePage {
  change: Change;
  measurement: Measurement;
  weekly: WeeklyRates;
  stored: Record<string, unknown>[];
  stratify: string[];
}

export function renderChangePage(d: ChangePage): string {
  const c = d.change;
  const m = d.measurement;
  const r = m.result;
  const changeTable = `<table id="change">
${row('c-kind', 'kind', c.kind)}${row('c-ref', 'ref', c.ref ?? '')}${row('c-desc', 'description', c.description ?? '')}
${row('c-effective', 'effective', c.effective)}${row('c-before', 'before window', `${c.before.from} – ${c.before.to} (${c.before.days} days)`)}
${row('c-after', 'after window', `${c.after.from} – ${c.after.to} (${c.after.days} days)`)}${row('c-metric', 'metric', c.metric)}
${row('c-target', 'target', c.target === null ? 'none' : signedPct(c.target))}${row('c-patterns', 'patterns', c.patterns.join(', '))}
${row('c-recorded', 'recorded', `${c.recorded_at} by ${c.recorded_by ?? ''}${c.revisions > 1 ? ` · ${c.revisions - 1} revision(s)` : ''}`)}
</table>`;
  const arms = r
    ? `<table id="arms"><thead><tr><th>arm</th><th>flagged</th><th>sessions</th><th>rate (95 % CI)</th></tr></thead><tbody>
${(['before', 'after'] as const)
  .map(
    (k) =>
      `<tr data-arm="${k}" data-x="${r[k].x}" data-n="${r[k].n}" data-p="${r[k].p}" data-lo="${r[k].lo}" data-hi="${r[k].hi}"><td>${k}</td><td class="n">${r[k].x}</td><td class="n">${r[k].n}</td><td>${esc(interval(r[k].p, r[k].lo, r[k].hi))}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
    : `<p class="muted">One window has no session: nothing to compare.</p>`;
  const stats = r
    ? `<table id="effect">
${row('difference', 'difference (after − before)', signedInterval(r.difference.diff, r.difference.lo, r.difference.hi), ` data-diff="${r.difference.diff}" data-lo="${r.difference.lo}" data-hi="${r.difference.hi}"`)}
${r.relative ? row('relative', 'relative change', signedInterval(r.relative.rel, r.relative.relLo, r.relative.relHi), ` data-rel="${r.relative.rel}" data-lo="${r.relative.relLo}" data-hi="${r.relative.relHi}"`) : row('relative', 'relative change', 'undefined (the before rate is 0)')}
${r.adjusted ? row('adjusted', `adjusted for ${d.stratify.join(', ')} (Mantel–Haenszel)`, signedInterval(r.adjusted.diff, r.adjusted.lo, r.adjusted.hi), ` data-diff="${r.adjusted.diff}" data-lo="${r.adjusted.lo}" data-hi="${r.adjusted.hi}"`) : ''}
${row('basis', 'verdict basis', r.basis)}
${row('mde', 'minimum detectable change (80 % power)', `${pct(r.mde)}${r.mdeRelative === null ? '' : ` (±${pct(r.mdeRelative)} relative)`}`, ` data-mde="${r.mde}"`)}
${row('observed', 'to detect the observed change', `${r.observed.perArm} sessions per arm — ≈${r.observed.morePerArm} more sessions per arm`, ` data-more="${r.observed.morePerArm}"`)}
${r.target ? row('target', `to detect the target ${signedPct(r.target.rel)}`, `${r.target.perArm} sessions per arm — ≈${r.target.morePerArm} more sessions per arm; ${r.target.met ? 'met' : 'not met'}${r.target.confirmed ? ', confirmed' : ''}`, ` data-more="${r.target.morePerArm}"`) : ''}
</table>`
    : '';
  const warnings = m.warnings.length
    ? `<ul id="warnings">${m.warnings.map((w) => `<li data-code="${esc(w.code)}"><b>${esc(w.code)}</b>: ${esc(w.message)}</li>`).join('')}</ul>`
    : '<p id="warnings" class="muted">no warnings</p>';
  const strata =
    d.stratify.length > 0
      ? `<h2>Strata by ${esc(d.stratify.join(', '))}</h2><table id="strata"><thead><tr><th>stratum</th><th>before</th><th>before rate</th><th>after</th><th>after rate</th></tr></thead><tbody>
${m.strata
  .map(
    (s) =>
      `<tr data-stratum="${esc(s.key)}"><td>${esc(s.key)}</td><td class="n">${s.before.x}/${s.before.n}</td><td class="n">${s.before.n ? esc(pct(s.before.x / s.before.n)) : ''}</td><td class="n">${s.after.x}/${s.after.n}</td><td class="n">${s.after.n ? esc(pct(s.after.x / s.after.n)) : ''}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`
      : `<p class="muted">Stratify: <a href="?stratify=chapter">chapter</a> · <a href="?stratify=member">member</a> · <a href="?stratify=cc_version">cc_version</a> · <a href="?stratify=chapter,member,cc_version">chapter, member, cc_version</a></p>`;
  const stored = d.stored.length
    ? `<table id="stored"><thead><tr><th>snapshot</th><th>computed</th><th>by</th><th>verdict</th></tr></thead><tbody>
${d.stored
  .map(
    (s) =>
      `<tr><td>${esc(s.id)}</td><td>${esc(s.computed_at)}</td><td>${esc(s.computed_by)}</td><td>${esc(s.verdict)}</td></tr>`,
  )
  .join('\n')}</tbody></table>`
    : '<p class="muted">No stored measurement yet.</p>';
  const body = `<h1>Change ${esc(c.id)}</h1>
${changeTable}
<h2>Measurement</h2>
<p class="muted">Computed now by the function <code>unsilo changes measure ${esc(c.id)}${d.stratify.length ? ` --stratify ${esc(d.stratify.join(','))}` : ''}</code> runs, with the current detector (${esc(m.detector)}); not stored — the command stores a snapshot and moves the patterns' status.</p>
<p>Verdict: <strong id="verdict" class="verdict-${esc(m.verdict)}">${esc(m.verdict.replace('_', ' '))}</strong> · sessions before <b>${m.sessions.before}</b>, after <b>${m.sessions.after}</b>, excluded (spanning the change) ${m.sessions.excluded_spanning}</p>
<div class="grid"><div>${arms}${stats}</div><div>${armsChart(m)}<p class="muted">Bars: share of sessions flagged per window; whiskers: Wilson 95 % interval.</p></div></div>
<h2>Rate per week</h2>${weeklyChart(d.weekly)}
<h2>Warnings</h2>${warnings}
${strata}
<h2>Stored measurements</h2>${stored}
${chartAssets()}`;
  return layout(`Change ${c.id}`, '/changes', body);
}
