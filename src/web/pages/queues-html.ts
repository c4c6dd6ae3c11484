/**
 * GET /review: every review queue with its progress (done of total, deferred, pending), each
 * reviewer's progress, who holds which item until when, and saturation (new codes in the last 20
 * reviewed sessions) — `unsilo review queues --json`'s figures, also in data-* attributes.
 */
import type { queueStatus } from '../../analysis/review/review-status.js';
import { esc, layout } from './page-html.js';

export type QueueStatus = Awaited<ReturnType<typeof queueStatus>>;

const at = (iso: string): string => iso.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');

function queue(q: QueueStatus): string {
  const link = (pos: number | null): string =>
    pos === null ? '' : `<a href="/review/${encodeURIComponent(q.queue)}/${pos}">${pos}</a>`;
  const reviewers = q.reviewers
    .map(
      (r) =>
        `<tr data-reviewer="${esc(r.reviewer)}" data-reviewed="${r.reviewed}" data-deferred="${r.deferred}" data-notes="${r.notes}" data-holding="${r.holding}"><td>${esc(r.reviewer)}</td><td class="n">${r.reviewed}</td><td class="n">${r.deferred}</td><td class="n">${r.notes}</td><td class="n">${r.holding}</td></tr>`,
    )
    .join('\n');
  const held = q.reservations
    .map(
      (r) =>
        `<tr data-position="${r.position ?? ''}" data-reviewer="${esc(r.reviewer)}" data-until="${esc(r.reserved_until)}"><td class="n">${link(r.position)}</td><td><code>${esc(r.session_id)}</code></td><td>${esc(r.reviewer)}</td><td>${esc(at(r.reserved_until))}</td></tr>`,
    )
    .join('\n');
  return `<section class="queue" data-queue="${esc(q.queue)}" data-total="${q.total}" data-done="${q.done}" data-deferred="${q.deferred}" data-pending="${q.pending}" data-failed="${q.failed}" data-codes="${q.codes}" data-new-codes="${q.new_codes_last_20}" data-saturated="${q.saturated}">
<h2><a href="/review/${encodeURIComponent(q.queue)}/1">${esc(q.queue)}</a> <span class="muted">${q.done} of ${q.total} done</span></h2>
<p><progress max="${q.total}" value="${q.done}"></progress> ${q.done} done · ${q.deferred} deferred · ${q.pending} pending · ${q.failed} failed</p>
<p>${q.codes} codes · <b>${q.new_codes_last_20}</b> new in the last 20 reviewed${q.saturated ? ' — <b>saturated</b>: the last 20 brought no new failure mode' : ''}</p>
<div class="grid">${
    reviewers
      ? `<table class="reviewers"><thead><tr><th>reviewer</th><th>reviewed</th><th>deferred</th><th>notes</th><th>holding</th></tr></thead><tbody>
${reviewers}
</tbody></table>`
      : '<p class="muted">nobody has reviewed yet</p>'
  }
${
  held
    ? `<table class="reservations"><thead><tr><th>item</th><th>session</th><th>reserved by</th><th>until</th></tr></thead><tbody>
${held}
</tbody></table>`
    : '<p class="muted">no item is reserved</p>'
}</div>
</section>`;
}

export function renderQueuesPage(queues: readonly QueueStatus[]): string {
  const body = `<h1>Review queues</h1>
<p class="muted">Progress, reviewers and reservations per queue — <code>unsilo review queues</code>. Take the next item nobody holds with <code>unsilo review show QUEUE --next</code>.</p>
${queues.map(queue).join('\n') || '<p class="muted">No queue yet: <code>unsilo review sample --name w48 --since 14d --n 100</code>.</p>'}`;
  return layout('Review', '/review', body);
}
