/**
 * What the server-rendered pages share: escaping (every value goes through `esc`), the layout with
 * the nav between the pages, and a plain table of a query result whose cells print each value as the
 * template's JSON does (null as empty). No script, no external asset: the pages work offline.
 */
import type { CellValue, QueryResult } from '../../store/store.js';

export const esc = (v: unknown): string =>
  String(v ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0}
nav{padding:.5rem 1rem;background:#f4f4f4;border-bottom:1px solid #ddd}nav a{margin-right:1rem}
nav a[aria-current]{font-weight:bold;text-decoration:none;color:#000}
main{padding:0 1rem 2rem}h2{font-size:16px;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;font-size:13px}th,td{padding:.15rem .5rem;border-bottom:1px solid #eee;text-align:left}
td{white-space:nowrap}td.sig{white-space:normal}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;background:#b00020;color:#fff;border-radius:.6rem;padding:0 .5rem;margin:0 .2rem .1rem 0;font-size:12px}
.muted{color:#666}form{margin:.8rem 0}form label{margin-right:.6rem}
.grid{display:flex;flex-wrap:wrap;gap:0 2rem}svg text{font:11px system-ui,sans-serif;fill:#444}
.board{display:flex;gap:.8rem;align-items:flex-start;overflow-x:auto}.col{flex:1 0 200px;background:#f7f7f9;border-radius:6px;padding:0 .5rem .5rem}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.3rem .6rem;margin:.4rem 0}.card h3{font-size:14px;margin:.2rem 0}.card p{margin:.25rem 0}
table#change th,table#effect th{font-weight:normal;color:#555}.verdict-validated{color:#0a7a2f}.verdict-not_validated{color:#b00020}
.bar{display:inline-block;height:.7em;background:#b00020;vertical-align:middle}`;

const NAV: [string, string][] = [
  ['/overview', 'Overview'],
  ['/sessions', 'Sessions'],
  ['/review', 'Review'],
  ['/patterns', 'Patterns'],
  ['/changes', 'Changes'],
  ['/signals', 'Signals'],
];

export function layout(title: string, current: string, body: string): string {
  const nav = NAV.map(
    ([href, label]) => `<a href="${href}"${href === current ? ' aria-current="page"' : ''}>${label}</a>`,
  ).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · unsilo</title><style>${STYLE}</style></head>
<body><nav>${nav}</nav>
<main>${body}</main></body></html>
`;
}

const cell = (v: CellValue | undefined): string => {
  const n = typeof v === 'number';
  return `<td${n ? ' class="n"' : ''}>${esc(v ?? '')}</td>`;
};

/** A query result as a table with `id`, one row per result row, every value as the JSON prints it. */
export function resultTable(id: string, r: QueryResult): string {
  const head = r.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const rows = r.rows.map((row) => `<tr>${r.columns.map((_c, i) => cell(row[i])).join('')}</tr>`).join('\n');
  return `<table id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>
${rows || `<tr class="empty"><td colspan="${r.columns.length}" class="muted">no data in this range</td></tr>`}
</tbody></table>`;
}
