/**
 * The span waterfall of one session: every span's offset and length as percentages of the session's
 * duration (computed in SQL over the session's start and end), ordered as a tree (each span under its
 * parent, siblings by start) with its depth from one O(n) pass over a parent map, and paged
 * (WATERFALL_ROWS a page). A span whose parent is not in the session is a root.
 */
import { sqlTime } from '../../store/dialect.js';
import type { AnalysisContext } from '../analysis-context.js';
import { binder } from '../signals/signal-sql.js';

export const WATERFALL_ROWS = 200;
/** Spans of one session read at most. */
export const MAX_SPANS = 20_000;

export interface WaterfallRow {
  span_id: string;
  name: string;
  tool_name: string | null;
  start_ts: string;
  duration_ms: number;
  /** 2 = error (OTLP status). */
  status_code: number;
  left_pct: number;
  width_pct: number;
  depth: number;
}

export interface Waterfall {
  rows: WaterfallRow[];
  from: number;
  total: number;
}

interface SpanRow extends Omit<WaterfallRow, 'depth'> {
  parent: string | null;
}

/** `range` is the session's first and last event, when it has events (the bars then share its clock). */
export async function sessionWaterfall(
  ctx: AnalysisContext,
  session: string,
  range: { start: Date; end: Date } | null,
  from: number,
): Promise<Waterfall> {
  const d = ctx.store.dialect;
  const b = binder(d);
  const s = b.p(session);
  const t0 = range ? `least(min(start_ts), ${d.toTimestamp(b.p(sqlTime(range.start)))})` : 'min(start_ts)';
  const t1 = range ? `greatest(max(end_ts), ${d.toTimestamp(b.p(sqlTime(range.end)))})` : 'max(end_ts)';
  const total = `greatest(${d.msBetween('r.t0', 'r.t1')}, 1)`;
  const sql = `WITH r AS (SELECT ${t0} AS t0, ${t1} AS t1 FROM spans WHERE session_id = ${s})
SELECT sp.span_id AS span_id, sp.parent_span_id AS parent, sp.name AS name,
  ${d.jsonString('sp.attributes', 'tool_name')} AS tool_name, sp.start_ts AS start_ts,
  sp.duration_ms AS duration_ms, sp.status_code AS status_code,
  ${d.round(`100.0 * ${d.msBetween('r.t0', 'sp.start_ts')} / ${total}`, 2)} AS left_pct,
  ${d.round(`100.0 * ${d.msBetween('sp.start_ts', 'sp.end_ts')} / ${total}`, 2)} AS width_pct
FROM spans sp CROSS JOIN r WHERE sp.session_id = ${b.p(session)}
ORDER BY sp.start_ts, sp.span_id LIMIT ${MAX_SPANS}`;
  const r = await ctx.store.query(sql, b.params);
  const spans = r.rows.map((row): SpanRow => {
    const o = Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]));
    return {
      span_id: String(o.span_id),
      parent: (o.parent as string | null) || null,
      name: String(o.name).replace(/^claude_code\./, ''),
      tool_name: o.tool_name as string | null,
      start_ts: String(o.start_ts),
      duration_ms: Number(o.duration_ms ?? 0),
      status_code: Number(o.status_code ?? 0),
      left_pct: Math.max(0, Math.min(100, Number(o.left_pct ?? 0))),
      width_pct: Math.max(0, Math.min(100, Number(o.width_pct ?? 0))),
    };
  });
  const ordered = treeOrder(spans);
  const start = Math.max(0, Math.min(Math.floor(from), Math.max(0, ordered.length - 1)));
  return { rows: ordered.slice(start, start + WATERFALL_ROWS), from: start, total: ordered.length };
}

/** Pre-order over the span tree (spans already sorted by start), each with its depth: O(n). */
export function treeOrder(spans: readonly SpanRow[]): WaterfallRow[] {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, SpanRow[]>();
  const roots: SpanRow[] = [];
  for (const s of spans) {
    if (s.parent === null || !ids.has(s.parent) || s.parent === s.span_id) {
      roots.push(s);
      continue;
    }
    const list = children.get(s.parent);
    if (list) list.push(s);
    else children.set(s.parent, [s]);
  }
  const out: WaterfallRow[] = [];
  const seen = new Set<string>();
  const stack: [SpanRow, number][] = roots.map((s): [SpanRow, number] => [s, 0]).reverse();
  while (stack.length > 0) {
    const [s, depth] = stack.pop()!;
    if (seen.has(s.span_id)) continue;
    seen.add(s.span_id);
    const { parent: _p, ...row } = s;
    out.push({ ...row, depth });
    const kids = children.get(s.span_id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1]);
  }
  // Spans in a parent cycle reach no root: shown at the end, flat.
  for (const { parent: _p, ...row } of spans) if (!seen.has(row.span_id)) out.push({ ...row, depth: 0 });
  return out;
}
