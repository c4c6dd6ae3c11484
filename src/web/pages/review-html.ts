/**
 * The session page in review mode: the session page (session-html.ts) plus the queue position in the
 * header and the sticky panel: queue progress, verdict, first failure, the note, the pattern chips and
 * the picker (the existing patterns are embedded as JSON for its fuzzy filter). The data attributes
 * on <body> tell /assets/session.js where complete-and-advance and the arrows go.
 */
import type { ReviewPageData } from '../../analysis/review/review-page-data.js';
import { scriptJson } from './chart-html.js';
import { esc } from './page-html.js';
import { renderSessionPage } from './session-html.js';

export function renderReviewPage(d: ReviewPageData): string {
  const base = `/review/${encodeURIComponent(d.queue)}`;
  const here = `${base}/${d.position}`;
  const panel = `<aside aria-label="review">
<p><b>${esc(d.queue)}</b> · item ${d.position} of ${d.total}<br><progress max="${d.total}" value="${d.done}"></progress><br><span class="muted small">${d.done} of ${d.total} reviewed</span></p>
${d.reservation ? `<p id="reservation" class="small">held by <b>${esc(d.reservation.reviewer)}</b> until ${esc(d.reservation.reserved_until)} <span class="muted">(review show --next gives it to no one else)</span></p>\n` : ''}<p>verdict: <b id="verdict">none</b> <span class="muted small">(1 pass · 2 fail · 3 defer)</span></p>
<p>first failure: <a id="first-link" href="#"><code id="first-event">—</code></a> <span class="muted small">(f)</span></p>
<label for="note">note <span class="muted small">(n; Esc leaves it)</span></label><textarea id="note">${esc(d.latest?.body ?? '')}</textarea>
<p>patterns <span class="muted small">(t)</span>: <span id="chips"></span></p>
<p id="save-state" aria-live="polite" class="muted"></p>
<p class="muted small">Ctrl+Enter: save and next · →/← move without saving · ? keys</p></aside>`;
  const picker = `<dialog id="picker" aria-label="pattern picker"><label for="picker-input">pattern: type to filter, ↑/↓, Enter picks, Esc closes</label>
<input id="picker-input" autocomplete="off" spellcheck="false"><ul id="picker-list" role="listbox"></ul></dialog>
<script type="application/json" id="patterns-data">${scriptJson(d.patterns)}</script>`;
  return renderSessionPage(d, {
    base: here,
    title: `${d.queue} ${d.position}/${d.total} · ${d.session_id}`,
    lead: `review queue <b>${esc(d.queue)}</b> · item ${d.position} of ${d.total} · ${d.done} reviewed`,
    data: {
      queue: d.queue,
      position: d.position,
      next: d.position < d.total ? `${base}/${d.position + 1}` : '',
      prev: d.position > 1 ? `${base}/${d.position - 1}` : '',
      done: here,
      verdict: d.latest?.verdict ?? '',
      first: d.latest?.first_event ?? '',
    },
    panel,
    tail: picker,
  });
}
