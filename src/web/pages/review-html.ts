/**
 * The session page in review mode, rendered on the server as one HTML string: the header (queue
 * position and progress, member, chapter, Claude Code version, model, prompts, cost, flagged signals),
 * the events in order (failures red, signal-making events marked and reachable with ] and [), and the
 * sticky panel: verdict, first failure, note, complete-and-advance. Every value is escaped.
 */
import { MAX_ROWS, type ReviewPageData } from '../../analysis/review/review-page-data.js';
import { esc } from './page-html.js';

const KEYS: [string, string][] = [
  ['j / k', 'next / previous event'],
  ['] / [', 'next / previous flagged event'],
  ['f', 'mark the focused event as the first failure'],
  ['1 / 2 / 3', 'pass / fail / defer'],
  ['n', 'write the note (Esc leaves it)'],
  ['Ctrl+Enter', 'save, then go to the next item'],
  ['→ / ←', 'next / previous item without saving'],
  ['?', 'this help'],
];

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;display:grid;grid-template-columns:1fr 22rem;grid-template-rows:auto 1fr}
header{grid-column:1/3;padding:.6rem 1rem;background:#f4f4f4;border-bottom:1px solid #ddd}
header .badge{display:inline-block;background:#b00020;color:#fff;border-radius:.6rem;padding:0 .5rem;margin-right:.3rem;font-size:12px}
main{padding:0 1rem;overflow:auto}ol{list-style:none;padding:0;margin:0}
li{padding:.25rem .4rem;border-bottom:1px solid #eee;font-family:ui-monospace,monospace;font-size:13px}
li.fail{background:#fde8e8}li.flagged{border-left:4px solid #b00020}li.current{outline:2px solid #1a56db}
li.first{background:#fff3c4}li:focus{outline:3px solid #1a56db}
aside{position:sticky;top:0;align-self:start;padding:1rem;border-left:1px solid #ddd}
textarea{width:100%;min-height:8rem}textarea:focus,button:focus{outline:3px solid #1a56db}
.muted{color:#666}`;

export function renderReviewPage(d: ReviewPageData): string {
  const s = d.session;
  const base = `/review/${encodeURIComponent(d.queue)}`;
  const flagged = s ? Object.keys(s.flags).filter((k) => s.flags[k]) : [];
  const rows = d.events
    .map((e) => {
      const cls = [e.success === false || e.error ? 'fail' : '', e.signals.length ? 'flagged' : '']
        .filter(Boolean)
        .join(' ');
      const detail = [
        e.tool_name,
        e.command,
        e.decision && `${e.decision} (${e.source ?? ''})`,
        e.status_code,
        e.error,
      ]
        .filter((x) => x !== null && x !== undefined && x !== '')
        .map(esc)
        .join(' · ');
      const chips = e.signals.map((x) => `<span class="muted">[${esc(x)}]</span>`).join(' ');
      return `<li id="ev-${esc(e.key)}" data-key="${esc(e.key)}" data-flagged="${e.signals.length ? 1 : 0}" class="${cls}" tabindex="-1"><span class="muted">${esc(e.ts.slice(11, 19))}</span> <b>${esc(e.event_name)}</b> ${detail} ${chips}</li>`;
    })
    .join('\n');
  const here = `${base}/${d.position}`;
  const data = {
    queue: d.queue,
    session: d.session_id,
    position: d.position,
    next: d.position < d.total ? `${base}/${d.position + 1}` : '',
    prev: d.position > 1 ? `${base}/${d.position - 1}` : '',
    done: here,
    'next-flagged': d.nextFlagged
      ? `${here}?from=${d.nextFlagged.index}&focus=${encodeURIComponent(d.nextFlagged.key)}`
      : '',
    'prev-flagged': d.prevFlagged
      ? `${here}?from=${Math.max(0, d.prevFlagged.index - MAX_ROWS + 1)}&focus=${encodeURIComponent(d.prevFlagged.key)}`
      : '',
    verdict: d.latest?.verdict ?? '',
    first: d.latest?.first_event ?? '',
  };
  const attrs = Object.entries(data)
    .map(([k, v]) => `data-${k}="${esc(v)}"`)
    .join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(d.queue)} ${d.position}/${d.total} · ${esc(d.session_id)}</title><style>${STYLE}</style></head>
<body ${attrs}>
<header><b>${esc(d.queue)}</b> · item ${d.position} of ${d.total} · ${d.done} reviewed ·
session <code>${esc(d.session_id)}</code> · ${esc(s?.member)} · chapter ${esc(s?.chapter ?? '—')} · Claude Code ${esc(s?.cc_version ?? '—')} · ${esc(s?.model ?? '—')} · ${s?.prompts ?? 0} prompts · $${(s?.cost_usd ?? 0).toFixed(2)}
<div>${flagged.map((f) => `<span class="badge">${esc(f)}</span>`).join('') || '<span class="muted">no signal flags this session</span>'}</div></header>
<main><ol id="events">
${rows}
</ol>${pager(d, base)}</main>
<aside><p>verdict: <b id="verdict">none</b> <span class="muted">(1 pass · 2 fail · 3 defer)</span></p>
<p>first failure: <code id="first-event">—</code> <span class="muted">(f)</span></p>
<label for="note">note <span class="muted">(n)</span></label><textarea id="note">${esc(d.latest?.body ?? '')}</textarea>
<p id="save-state" aria-live="polite" class="muted"></p>
<p class="muted">Ctrl+Enter: save and next · ? keys</p></aside>
<dialog id="help"><h2>Keys</h2><table>${KEYS.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table></dialog>
<script src="/assets/review.js"></script>
</body></html>
`;
}

/** Which events this page shows, with links to the pages before and after (server-paged). */
function pager(d: ReviewPageData, base: string): string {
  if (d.totalEvents <= d.events.length) return '';
  const here = `${base}/${d.position}`;
  const last = d.from + d.events.length;
  const prev =
    d.from > 0 ? `<a href="${here}?from=${Math.max(0, d.from - MAX_ROWS)}">previous ${MAX_ROWS}</a> · ` : '';
  const next = last < d.totalEvents ? ` · <a href="${here}?from=${last}">next ${MAX_ROWS}</a>` : '';
  return `<p class="muted" id="pager">${prev}events ${d.from + 1}–${last} of ${d.totalEvents}${next}</p>`;
}
