/**
 * GET /patterns: the failure modes as a board, one column per status (identified → addressed →
 * validated | not_validated | inconclusive → regressed, and won't fix), each card with its count of
 * labelled sessions in ?queue= and Wilson's interval (raw, and reweighted when the queue oversampled
 * strata), its recommendation and the changes that address it. The figures are `patterns count
 * QUEUE --json`'s; each card carries them unformatted in data-* attributes.
 */
import type { countPatterns } from '../../analysis/patterns/pattern-counts.js';
import type { listPatterns } from '../../analysis/patterns/pattern-actions.js';
import type { Change } from '../../analysis/changes/change-store.js';
import { esc, layout } from './page-html.js';

export type PatternCount = Awaited<ReturnType<typeof countPatterns>>[number];
export type PatternRow = Awaited<ReturnType<typeof listPatterns>>[number];

export const BOARD_COLUMNS = [
  'identified',
  'addressed',
  'validated',
  'not_validated',
  'inconclusive',
  'regressed',
  'wont_fix',
] as const;

/** A share as a percentage with one decimal, as the error-analysis report prints it. */
export const pct = (p: number): string => `${(p * 100).toFixed(1)} %`;
export const interval = (p: number, lo: number, hi: number): string => `${pct(p)} (${pct(lo)}–${pct(hi)})`;

/** Whether the reweighted figures differ from the raw ones (the queue oversampled a stratum). */
const reweighted = (c: PatternCount): boolean =>
  Math.abs(c.weighted_rate - c.rate) > 1e-9 ||
  Math.abs(c.weighted_lo - c.lo) > 1e-9 ||
  Math.abs(c.weighted_hi - c.hi) > 1e-9;

export interface PatternsBoard {
  queue: string;
  patterns: PatternRow[];
  /** Per slug, when a queue is given. */
  counts: Map<string, PatternCount> | null;
  changes: Change[];
}

function card(p: PatternRow, c: PatternCount | undefined, changes: Change[]): string {
  const data = c
    ? ` data-sessions="${c.sessions}" data-reviewed="${c.reviewed}" data-unlabelled="${c.unlabelled}" data-rate="${c.rate}" data-lo="${c.lo}" data-hi="${c.hi}" data-weighted-rate="${c.weighted_rate}" data-weighted-lo="${c.weighted_lo}" data-weighted-hi="${c.weighted_hi}"`
    : '';
  const count = c
    ? `<p class="count"><b>${c.sessions}</b> of ${c.reviewed} reviewed sessions · <span class="raw">${esc(interval(c.rate, c.lo, c.hi))}</span>${
        reweighted(c)
          ? `<br>reweighted to the window: <span class="weighted">${esc(interval(c.weighted_rate, c.weighted_lo, c.weighted_hi))}</span>`
          : ''
      }${c.unlabelled ? `<br><span class="muted">${c.unlabelled} reviewed without a label (counted absent)</span>` : ''}</p>`
    : '';
  const addressed = changes.filter((ch) => ch.patterns.includes(p.slug));
  return `<article class="card" data-pattern="${esc(p.slug)}"${data}>
<h3><a href="/patterns/${encodeURIComponent(p.slug)}">${esc(p.slug)}</a></h3>${p.name !== p.slug ? `<p>${esc(p.name)}</p>` : ''}${p.definition ? `<p class="muted">${esc(p.definition)}</p>` : ''}
${count}${p.recommendation ? `<p class="rec">Recommendation: ${esc(p.recommendation)}</p>` : ''}
${
  addressed.length
    ? `<p class="changes">Changes: ${addressed.map((ch) => `<a href="/changes/${encodeURIComponent(ch.id)}">${esc(ch.id)}</a> <span class="muted">${esc(ch.kind)}${ch.ref ? ` ${esc(ch.ref)}` : ''}</span>`).join(', ')}</p>`
    : ''
}</article>`;
}

export function renderPatternsBoard(b: PatternsBoard): string {
  const live = b.patterns.filter((p) => p.status !== 'merged');
  const columns = BOARD_COLUMNS.filter(
    (s) => s !== 'wont_fix' || live.some((p) => p.status === 'wont_fix'),
  ).map((status) => {
    const here = live
      .filter((p) => p.status === status)
      .sort(
        (x, y) =>
          (b.counts?.get(y.slug)?.sessions ?? 0) - (b.counts?.get(x.slug)?.sessions ?? 0) ||
          x.slug.localeCompare(y.slug),
      );
    return `<section class="col" id="col-${status}"><h2>${esc(status.replace('_', ' '))} <span class="muted">${here.length}</span></h2>
${here.map((p) => card(p, b.counts?.get(p.slug), b.changes)).join('\n') || '<p class="muted">none</p>'}</section>`;
  });
  const body = `<h1>Patterns</h1>
<form method="get" action="/patterns"><label>queue <input name="queue" value="${esc(b.queue)}" placeholder="w48"></label><button>count</button></form>
<p class="muted">${
    b.counts
      ? `Sessions of queue <b>${esc(b.queue)}</b> labelled with each pattern, out of those reviewed, with Wilson's 95 % interval — <code>unsilo patterns count ${esc(b.queue)}</code>.`
      : 'Give a review queue to count the sessions labelled with each pattern.'
  }</p>
<div class="board">${columns.join('\n')}</div>`;
  return layout('Patterns', '/patterns', body);
}
