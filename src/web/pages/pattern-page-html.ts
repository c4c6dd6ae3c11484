/**
 * GET /patterns/:slug: one failure mode — definition, detector, recommendation, the evidence sessions
 * (links to /sessions/:id), the notes linked to it with their evidence excerpts (LLM proposals marked
 * unconfirmed), the status history, and the detector's weekly rates as `patterns watch --dry-run`
 * computes them (the page never flips a status). `unsilo patterns detail SLUG --json`'s figures.
 */
import type { patternDetail } from '../../analysis/patterns/pattern-detail.js';
import { esc, layout } from './page-html.js';
import { chartAssets } from './chart-html.js';
import { weekChart } from './signals-html.js';

export type PatternDetail = Awaited<ReturnType<typeof patternDetail>>;

const EXCERPT = 300;
const excerpt = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : JSON.stringify(v);
  return s.length > EXCERPT ? `${s.slice(0, EXCERPT)}…` : s;
};
const sessionLink = (id: string): string =>
  `<a href="/sessions/${encodeURIComponent(id)}"><code>${esc(id)}</code></a>`;

export function renderPatternPage(p: PatternDetail): string {
  const notes = p.notes
    .map(
      (n) =>
        `<tr data-note="${esc(n.id)}" data-source="${esc(n.source)}" data-confirmed="${n.confirmed}"><td><code>${esc(n.id)}</code></td><td>${sessionLink(n.session_id)}</td><td>${esc(n.author)}</td><td>${esc(n.verdict ?? '')}</td><td class="sig">${esc(n.body ?? '')}</td><td class="sig muted">${esc(excerpt(n.evidence))}</td><td>${esc(n.source)}${n.confirmed ? '' : ' <b>unconfirmed</b>'}${n.via !== p.slug ? ` <span class="muted">via ${esc(n.via)}</span>` : ''}</td></tr>`,
    )
    .join('\n');
  const history = p.history
    .map(
      (h) =>
        `<tr data-status="${esc(h.status)}"><td>${esc(h.status)}</td><td>${esc(h.at)}</td><td>${esc(h.by ?? '')}</td><td class="sig">${esc(h.reason ?? '')}</td></tr>`,
    )
    .join('\n');
  const w = p.watch;
  const watch = w
    ? `<h2>Detector rate per week <span class="muted">${esc(w.detector)}</span></h2>
${weekChart('rate-chart', 'weeks', `${w.detector} per week`, w.weeks)}
${
  w.rule
    ? `<p id="rule" data-x="${w.rule.x}" data-n="${w.rule.n}" data-lo="${w.rule.lo}" data-before-rate="${w.rule.before_rate}" data-regressed="${w.rule.regressed}">${esc(w.rule.reason)}${w.rule.regressed && p.status === 'validated' ? ` — <b>run <code>unsilo patterns watch ${esc(p.slug)}</code> to mark it regressed</b>` : ''}</p>`
    : `<p class="muted">No validated measurement of a change for this pattern with this detector: nothing to regress from.</p>`
}`
    : `<p class="muted">No detector: <code>unsilo patterns detector ${esc(p.slug)} SIGNAL</code> lets <code>patterns watch</code> follow it.</p>`;
  const body = `<h1>${esc(p.slug)} <span class="muted">${esc(p.status.replace('_', ' '))}</span></h1>
${p.name !== p.slug ? `<p>${esc(p.name)}</p>` : ''}<p id="definition">${p.definition ? esc(p.definition) : '<span class="muted">no definition</span>'}</p>
${p.merged_from.length ? `<p class="muted">Merged into it: ${p.merged_from.map(esc).join(', ')}</p>` : ''}
<p id="recommendation">Recommendation: ${p.recommendation ? esc(p.recommendation) : '<span class="muted">none yet</span>'}</p>
<h2>Evidence sessions <span class="muted">${p.sessions.length}</span></h2>
<p id="sessions">${p.sessions.map(sessionLink).join(' ') || '<span class="muted">none labelled yet</span>'}</p>
<h2>Notes <span class="muted">${p.notes.length}</span></h2>
<table id="notes"><thead><tr><th>note</th><th>session</th><th>author</th><th>verdict</th><th>note</th><th>evidence</th><th>link</th></tr></thead><tbody>
${notes || '<tr class="empty"><td colspan="7" class="muted">no notes linked</td></tr>'}
</tbody></table>
<h2>Status history</h2>
<table id="history"><thead><tr><th>status</th><th>at</th><th>by</th><th>reason</th></tr></thead><tbody>
${history}
</tbody></table>
${watch}${w ? chartAssets() : ''}`;
  return layout(p.slug, '/patterns', body);
}
