/**
 * The session page, rendered on the server as one HTML string (every value escaped): the header
 * (member, chapter, feature, version, model, duration, prompts, cost, and signal badges linking to
 * the first event making each), the top strip (the span waterfall, or a strip of event times when the
 * session has no spans), the events as turns (session-events-html.ts), paged, and the session's notes
 * with their evidence. Review mode (review-html.ts) adds a sticky panel and its data attributes.
 * It reads fine without script; /assets/session.js adds the keys, htmx the lazy bodies.
 */
import type { SessionNote, SessionPageData } from '../../analysis/session/session-page-data.js';
import { MAX_ROWS, tsMs } from '../../analysis/session/session-page-data.js';
import { WATERFALL_ROWS } from '../../analysis/session/session-spans.js';
import { esc } from './page-html.js';
import { renderTurns } from './session-events-html.js';
import { SESSION_STYLE } from './session-style.js';
import { vendorAssets } from './vendor-assets.js';

export interface PageMode {
  /** The page's own path, which the pager and badges add ?from= to. */
  base: string;
  title: string;
  /** Extra header line (review mode: queue position). */
  lead?: string;
  /** data-* attributes of <body>. */
  data?: Record<string, string | number>;
  /** The sticky right panel (review mode) and whatever goes at the end of <body>. */
  panel?: string;
  tail?: string;
}

export const pageHref = (base: string, q: Record<string, string | number | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '' && v !== 0) p.set(k, String(v));
  const s = p.toString();
  return s ? `${base}?${s}` : base;
};

const pageStart = (index: number): number => Math.floor(index / MAX_ROWS) * MAX_ROWS;

const spanMs = (ms: number): string =>
  ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;

function duration(startTs: string, endTs: string): string {
  const s = Math.round((tsMs(endTs) - tsMs(startTs)) / 1000);
  if (!Number.isFinite(s)) return '—';
  return s >= 3600
    ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
    : s >= 60
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${s} s`;
}

function header(d: SessionPageData, m: PageMode): string {
  const s = d.session;
  const facts: [string, string][] = [
    ['member', s?.member ?? '—'],
    ['chapter', s?.chapter ?? '—'],
    ['feature', s?.feature ?? '—'],
    ['Claude Code', s?.cc_version ?? '—'],
    ['model', s?.model ?? '—'],
    ['duration', s ? duration(s.start_ts, s.end_ts) : '—'],
    ['prompts', String(s?.prompts ?? 0)],
    ['cost', `$${(s?.cost_usd ?? 0).toFixed(2)}`],
  ];
  const flagged = s ? Object.keys(s.flags).filter((k) => s.flags[k]) : [];
  const badges = flagged
    .map((f) => {
      const first = d.firstBySignal[f];
      const label = `${esc(f)} ${s!.values[f] ?? ''}`;
      if (!first) return `<span class="badge" title="no single event makes this signal">${label}</span>`;
      const href = `${pageHref(m.base, { from: pageStart(first.index), focus: first.key })}#ev-${first.key}`;
      return `<a class="badge" data-focus="${esc(first.key)}" href="${esc(href)}" title="first event making ${esc(f)}">${label}</a>`;
    })
    .join('');
  return `<header>${m.lead ? `<div class="lead">${m.lead}</div>` : ''}
<h1>Session <code>${esc(d.session_id)}</code> <a class="muted small" href="/sessions">all sessions (g s)</a></h1>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
<div class="badges">${badges || '<span class="muted">no signal flags this session</span>'}</div></header>`;
}

function waterfall(d: SessionPageData, m: PageMode): string {
  const w = d.waterfall;
  if (w.total === 0) return strip(d, m);
  const rows = w.rows
    .map(
      (r) =>
        `<li class="wf-row${r.status_code === 2 ? ' fail' : ''}"><span class="wf-name" style="padding-left:${(r.depth * 0.9).toFixed(1)}rem">${esc(r.name)}${r.tool_name ? ` <b>${esc(r.tool_name)}</b>` : ''}</span><span class="wf-track"><span class="wf-bar" style="left:${r.left_pct}%;width:${r.width_pct}%"></span></span><span class="wf-ms">${spanMs(r.duration_ms)}</span></li>`,
    )
    .join('\n');
  const last = w.from + w.rows.length;
  const prev =
    w.from > 0
      ? `<a href="${esc(pageHref(m.base, { from: d.from, spans: Math.max(0, w.from - WATERFALL_ROWS) }))}">previous ${WATERFALL_ROWS}</a> · `
      : '';
  const next =
    last < w.total
      ? ` · <a href="${esc(pageHref(m.base, { from: d.from, spans: last }))}">next ${WATERFALL_ROWS}</a>`
      : '';
  return `<section id="waterfall" aria-label="span waterfall"><h2>Spans <span class="muted">${prev}${w.from + 1}–${last} of ${w.total}${next}</span></h2>
<ol class="wf">
${rows}
</ol></section>`;
}

function strip(d: SessionPageData, m: PageMode): string {
  if (d.strip.length === 0) return '';
  const max = Math.max(...d.strip.map((b) => b.count));
  const ticks = d.strip
    .map((b) => {
      if (b.count === 0) return '<span class="tick empty"></span>';
      const cls = b.failures ? ' fail' : b.flagged ? ' flagged' : '';
      const h = Math.max(12, Math.round((b.count / max) * 100));
      return `<a class="tick${cls}" style="height:${h}%" href="${esc(pageHref(m.base, { from: pageStart(b.first) }))}#ev-${esc(b.key)}" title="${b.count} events, ${b.failures} failed"></a>`;
    })
    .join('');
  return `<section id="strip" aria-label="event times"><h2>Event times <span class="muted">(this session sent no spans) · bar height: events · <span class="bad">red</span>: a failure · orange: makes a signal</span></h2><div class="ticks">${ticks}</div></section>`;
}

function pager(d: SessionPageData, m: PageMode): string {
  if (d.totalEvents <= d.events.length) return '';
  const last = d.from + d.events.length;
  const prev =
    d.from > 0
      ? `<a href="${esc(pageHref(m.base, { from: Math.max(0, d.from - MAX_ROWS) }))}">previous ${MAX_ROWS}</a> · `
      : '';
  const next =
    last < d.totalEvents ? ` · <a href="${esc(pageHref(m.base, { from: last }))}">next ${MAX_ROWS}</a>` : '';
  return `<p class="muted" id="pager">${prev}events ${d.from + 1}–${last} of ${d.totalEvents}${next}</p>`;
}

function archiveMonth(notes: readonly SessionNote[]): string {
  for (const n of notes) {
    const ev = n.evidence as { session?: { start_ts?: string }; event?: { ts?: string } } | null;
    const ts = ev?.session?.start_ts ?? ev?.event?.ts;
    if (typeof ts === 'string' && /^\d{4}-\d\d/.test(ts)) return ts.slice(0, 7);
  }
  return '<YYYY-MM>';
}

/** A note's first-failure event: a link to it, or where it went when retention deleted the events. */
const firstLink = (d: SessionPageData, key: string): string =>
  d.archived
    ? `<code>${esc(key)}</code> <span class="muted">(in the retention archive, see above)</span>`
    : `<a href="#ev-${esc(key)}"><code>${esc(key)}</code></a>`;

function notes(d: SessionPageData): string {
  const archived = d.archived
    ? `<p id="archived" class="notice">The raw events of this session are no longer in the store: retention archived them
to <code>&lt;archiveDir&gt;/events/${esc(archiveMonth(d.notes))}/*.parquet</code> (<code>retention.archiveDir</code>, by default
<code>&lt;dataDir&gt;/archive</code>) and deleted them; docs/architecture.md, “Retention”, says how to read an archived
month. The notes below keep their evidence excerpts.</p>`
    : '';
  if (d.notes.length === 0) return archived;
  const items = d.notes
    .map((n) => {
      const chips = n.patterns.map((p) => `<span class="chip">${esc(p)}</span>`).join('');
      const ev = JSON.stringify(n.evidence, null, 1);
      return `<li class="note" data-note="${esc(n.id)}"><b class="verdict-${esc(n.verdict ?? 'note')}">${esc(n.verdict ?? 'note')}</b> by ${esc(n.author)} · ${esc(n.created_at.slice(0, 16))}${n.first_event ? ` · first failure ${firstLink(d, n.first_event)}` : ''} ${chips}
${n.body ? `<p>${esc(n.body)}</p>` : ''}<details class="evidence"${d.archived ? ' open' : ''}><summary>evidence excerpt</summary><pre>${esc(ev)}</pre></details></li>`;
    })
    .join('\n');
  return `${archived}<section id="notes"><h2>Notes (${d.notes.length})</h2><ol class="notes">
${items}
</ol></section>`;
}

const KEYS: [string, string, boolean][] = [
  ['j / k', 'next / previous event', false],
  ['] / [', 'next / previous flagged event (pages in as needed)', false],
  ['o', 'open / close the focused event’s bodies, or its turn', false],
  ['f', 'mark the focused event as the first failure', true],
  ['1 / 2 / 3', 'pass / fail / defer', true],
  ['n', 'write the note (autosaved as a draft)', true],
  ['t', 'pattern picker: type to filter, ↑/↓, Enter picks or creates', true],
  ['Ctrl+Enter', 'save, then go to the next item (Cmd+Enter on a Mac)', true],
  ['→ / ←', 'next / previous item without saving', true],
  ['Esc', 'leave the text field, close a dialog', false],
  ['?', 'this help', false],
  ['g s', 'go to the sessions list', false],
];

const KEYS_NOTE = '<p class="muted small">Keys: j/k event · ]/[ flagged · o open/close · ? all keys</p>';

function help(review: boolean): string {
  const rows = KEYS.filter(([, , r]) => review || !r)
    .map(([k, v]) => `<tr><th><kbd>${esc(k)}</kbd></th><td>${esc(v)}</td></tr>`)
    .join('');
  return `<dialog id="help" aria-label="keys"><h2>Keys</h2><table>${rows}</table>${review ? '' : '<p class="muted small">Review mode (/review/&lt;queue&gt;/&lt;n&gt;) adds f, 1/2/3, n, t, Ctrl+Enter and →/←.</p>'}<p class="muted small">Keys are ignored while typing, except Esc and Ctrl/Cmd+Enter.</p></dialog>`;
}

export function renderSessionPage(d: SessionPageData, m: PageMode): string {
  const attrs = Object.entries({ session: d.session_id, from: d.from, ...m.data })
    .map(([k, v]) => `data-${k}="${esc(v)}"`)
    .join(' ');
  const events = d.events.length
    ? `<section id="events" aria-label="events">
${renderTurns(d.session_id, d.events)}
</section>${pager(d, m)}`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(m.title)} · unsilo</title><style>${SESSION_STYLE}</style></head>
<body class="${m.panel ? 'review' : 'session'}" ${attrs} data-next-flagged="${esc(d.nextFlagged ? `${pageHref(m.base, { from: d.nextFlagged.index, focus: d.nextFlagged.key })}` : '')}" data-prev-flagged="${esc(d.prevFlagged ? pageHref(m.base, { from: Math.max(0, d.prevFlagged.index - MAX_ROWS + 1), focus: d.prevFlagged.key }) : '')}">
${header(d, m)}
${waterfall(d, m)}
<main>${KEYS_NOTE}${notes(d)}${events}</main>
${m.panel ?? ''}
${help(Boolean(m.panel))}
${m.tail ?? ''}
<script src="${vendorAssets().htmx.url}"></script>
<script src="/assets/session.js"></script>
</body></html>
`;
}
