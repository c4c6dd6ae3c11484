/**
 * The sessions list: the `sessions` template's rows, newest first, each with the signals that flag
 * it (as `unsilo signals list` counts them over the same range) and a link to its session page; a plain GET
 * form filters by signal, member, chapter and range; the list is paged (PAGE_SIZE rows a page).
 */
import type { CellValue, QueryResult } from '../../store/store.js';
import { esc, layout } from './page-html.js';

export const PAGE_SIZE = 100;

export interface SessionsFilter {
  since: string;
  until: string;
  member: string;
  chapter: string;
  signal: string;
}

export interface SessionsData {
  filter: SessionsFilter;
  signals: readonly string[];
  /** The `sessions` template's result, already filtered by signal, all pages. */
  result: QueryResult;
  /** Session id → the signals flagging it. */
  flags: ReadonlyMap<string, readonly string[]>;
  page: number;
}

const SHOWN = [
  'started',
  'member',
  'chapter',
  'feature',
  'prompts',
  'tool_calls',
  'tool_failures',
  'validation_failures',
  'api_errors',
  'cost_usd',
] as const;

const query = (f: SessionsFilter, page: number): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  if (page > 1) q.set('page', String(page));
  return `/sessions?${q.toString()}`;
};

export function renderSessionsPage(d: SessionsData): string {
  const f = d.filter;
  const col = new Map(d.result.columns.map((c, i) => [c, i]));
  const get = (row: CellValue[], c: string): CellValue => row[col.get(c) ?? -1] ?? null;
  const total = d.result.rows.length;
  const from = (d.page - 1) * PAGE_SIZE;
  const rows = d.result.rows
    .slice(from, from + PAGE_SIZE)
    .map((row) => {
      const id = String(get(row, 'session_id'));
      const badges = (d.flags.get(id) ?? []).map((s) => `<span class="badge">${esc(s)}</span>`).join('');
      const cells = SHOWN.map((c) => {
        const v = get(row, c);
        return `<td${typeof v === 'number' ? ' class="n"' : ''}>${esc(v)}</td>`;
      }).join('');
      return `<tr data-session="${esc(id)}"><td><a href="/sessions/${encodeURIComponent(id)}"><code>${esc(id)}</code></a></td>${cells}<td class="sig">${badges}</td></tr>`;
    })
    .join('\n');
  const options = ['', ...d.signals]
    .map((s) => `<option${s === f.signal ? ' selected' : ''} value="${esc(s)}">${esc(s || 'any')}</option>`)
    .join('');
  const input = (name: keyof SessionsFilter): string =>
    `<label>${name} <input name="${name}" value="${esc(f[name])}" size="12"></label>`;
  const form = `<form method="get" action="/sessions">${input('since')}${input('until')}${input('member')}${input('chapter')}<label>signal <select name="signal">${options}</select></label><button>filter</button></form>`;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const prev = d.page > 1 ? `<a href="${esc(query(f, d.page - 1))}">previous</a> · ` : '';
  const next = d.page < pages ? ` · <a href="${esc(query(f, d.page + 1))}">next</a>` : '';
  const pager = `<p id="pager" class="muted">${prev}sessions ${total ? from + 1 : 0}–${Math.min(total, from + PAGE_SIZE)} of ${total} (page ${d.page} of ${pages})${next}</p>`;
  const head = ['session', ...SHOWN, 'signals'].map((c) => `<th>${esc(c)}</th>`).join('');
  return layout(
    'Sessions',
    '/sessions',
    `${form}${pager}<table id="sessions"><thead><tr>${head}</tr></thead><tbody>
${rows || `<tr class="empty"><td colspan="${SHOWN.length + 2}" class="muted">no session matches</td></tr>`}
</tbody></table>`,
  );
}
