/**
 * The events of one page of a session as turns: one collapsible <details> per prompt (in the order
 * the page meets them; events outside any prompt form a group of their own), and in each turn each
 * tool call (tool_decision) beside its result (tool_result with the same tool_use_id). Every event is
 * a focusable `.ev` row with its key (j/k, ]/[ and f work on them); failing results are red. Short
 * bodies are inline; long ones (and any system prompt) are a closed <details> that htmx fills from
 * /sessions/:id/events/:key/body when opened, with a plain link for a browser without script.
 */
import type { PageEvent } from '../../analysis/session/session-page-data.js';
import type { BodyRef } from '../../analysis/session/session-bodies.js';
import { esc } from './page-html.js';

const time = (ts: string): string => ts.slice(11, 19);
const ms = (v: number | null): string => (v === null ? '' : `${Math.round(v).toLocaleString('en-US')} ms`);
const money = (v: number | null): string => (v === null ? '' : `$${v.toFixed(4)}`);

export const isFailure = (e: PageEvent): boolean =>
  e.success === false || e.event_name === 'api_error' || e.event_name === 'api_retries_exhausted';

function bodyHtml(session: string, e: PageEvent, b: BodyRef): string {
  if (b.text !== null)
    return `<div class="body-inline${b.part === 'error' ? ' err' : ''}"><span class="muted">${esc(b.label)}</span><pre>${esc(b.text)}</pre></div>`;
  const url = `/sessions/${encodeURIComponent(session)}/events/${encodeURIComponent(e.key)}/body?part=${b.part}`;
  return `<details class="body" data-part="${b.part}" hx-get="${esc(url)}" hx-trigger="toggle once" hx-target="find .lazy"><summary>${esc(b.label)} · ${b.length.toLocaleString('en-US')} chars</summary><div class="lazy"><a href="${esc(url)}">open the whole ${esc(b.label)}</a></div></details>`;
}

function what(e: PageEvent): string {
  const tool = e.tool_name ? `<b>${esc(e.tool_name)}</b>` : '';
  const cmd = e.command ? ` <code>${esc(e.command)}</code>` : '';
  switch (e.event_name) {
    case 'user_prompt':
      return '<b>prompt</b>';
    case 'tool_decision':
      return `${tool} call${cmd} · ${esc(e.decision ?? '?')} <span class="muted">(${esc(e.source ?? '?')})</span>`;
    case 'tool_result':
      return `${tool}${cmd} · ${
        e.success === false
          ? `<b class="bad">✗ failed</b>${e.error_type ? ` ${esc(e.error_type)}` : ''}`
          : e.success === true
            ? '<span class="ok">✓ ok</span>'
            : 'result'
      } <span class="muted">${ms(e.duration_ms)}</span>`;
    case 'api_request':
      return `<b>API request</b> ${esc(e.model ?? '')} <span class="muted">${money(e.cost_usd)} ${ms(e.duration_ms)}</span>`;
    case 'api_error':
      return `<b class="bad">API error</b> HTTP ${esc(e.status_code ?? '?')} · attempt ${esc(e.attempt ?? '?')}`;
    default:
      return `<b>${esc(e.event_name.replaceAll('_', ' '))}</b>${tool ? ` ${tool}` : ''}${cmd}`;
  }
}

function eventHtml(session: string, e: PageEvent, role = ''): string {
  const cls = ['ev', role, isFailure(e) ? 'fail' : '', e.signals.length ? 'flagged' : ''].filter(Boolean);
  const chips = e.signals.map((s) => `<span class="sig">${esc(s)}</span>`).join('');
  const bodies = e.bodies.map((b) => bodyHtml(session, e, b)).join('');
  return `<div id="ev-${esc(e.key)}" class="${cls.join(' ')}" data-key="${esc(e.key)}" data-index="${e.index}" data-flagged="${e.signals.length ? 1 : 0}" tabindex="-1"><div class="line"><span class="t">${esc(time(e.ts))}</span> ${what(e)} ${chips}</div>${bodies}</div>`;
}

interface Turn {
  prompt: string | null;
  items: (PageEvent | [PageEvent, PageEvent])[];
  events: PageEvent[];
}

/** Groups the page's events by prompt, each tool call paired with its result when both are on the page. */
export function turnsOf(events: readonly PageEvent[]): Turn[] {
  const turns = new Map<string, Turn>();
  const results = new Map<string, PageEvent>();
  for (const e of events) if (e.event_name === 'tool_result' && e.tool_use_id) results.set(e.tool_use_id, e);
  const paired = new Set<string>();
  for (const e of events) {
    const k = e.prompt_id ?? '';
    let t = turns.get(k);
    if (!t) turns.set(k, (t = { prompt: e.prompt_id, items: [], events: [] }));
    t.events.push(e);
    if (paired.has(e.key)) continue;
    const result = e.event_name === 'tool_decision' && e.tool_use_id ? results.get(e.tool_use_id) : undefined;
    if (result && result.index > e.index) {
      paired.add(result.key);
      t.items.push([e, result]);
    } else t.items.push(e);
  }
  return [...turns.values()];
}

function summary(t: Turn): string {
  const calls = t.events.filter((e) => e.event_name === 'tool_result').length;
  const failed = t.events.filter(isFailure).length;
  const cost = t.events.reduce((s, e) => s + (e.cost_usd ?? 0), 0);
  const prompt = t.events.find((e) => e.event_name === 'user_prompt');
  const text = prompt?.bodies.find((b) => b.part === 'prompt')?.text;
  const title = t.prompt
    ? `Prompt ${t.events[0]!.prompt_no ?? '?'}${text ? `: “${esc(text.length > 90 ? `${text.slice(0, 90)}…` : text)}”` : ` <code>${esc(t.prompt.slice(0, 8))}</code>`}`
    : 'Outside any prompt';
  const facts = [
    time(t.events[0]!.ts),
    `${t.events.length} events`,
    `${calls} tool calls`,
    failed ? `<b class="bad">${failed} failed</b>` : '',
    cost ? `$${cost.toFixed(4)}` : '',
  ].filter(Boolean);
  return `<summary tabindex="0">${title} <span class="muted">· ${facts.join(' · ')}</span></summary>`;
}

export function renderTurns(session: string, events: readonly PageEvent[]): string {
  return turnsOf(events)
    .map((t) => {
      const items = t.items
        .map((it) =>
          Array.isArray(it)
            ? `<li class="pair">${eventHtml(session, it[0], 'call')}${eventHtml(session, it[1], 'result')}</li>`
            : `<li>${eventHtml(session, it)}</li>`,
        )
        .join('\n');
      return `<details class="turn" open>${summary(t)}<ol class="steps">
${items}
</ol></details>`;
    })
    .join('\n');
}
