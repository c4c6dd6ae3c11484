/**
 * Per-session signal values and flags for the sessions in a scope. The counts come from SQL
 * (signal-sql.ts), for a window through the stored table (signal-table.ts); the two chapter-relative flags are computed here over the same rows, so every
 * store flags alike: long_session above the chapter's 90th percentile of prompts (linear
 * interpolation), cost_per_prompt above 3× the chapter's median. Sessions without a chapter form
 * their own group.
 */
import type { CellValue, QueryResult, Store } from '../../store/store.js';
import { SIGNALS, type SignalDef } from './signal-catalog.js';
import { sessionSignalsSql, type SignalScope } from './signal-sql.js';
import { readSessionSignals } from './signal-table.js';

export interface SessionSignals {
  session_id: string;
  start_ts: string;
  end_ts: string;
  member: string | null;
  chapter: string | null;
  feature: string | null;
  cc_version: string | null;
  model: string | null;
  prompts: number;
  cost_usd: number;
  /** Signal name → value. */
  values: Record<string, number>;
  /** Signal name → flagged. */
  flags: Record<string, boolean>;
}

const text = (v: CellValue | undefined): string | null => (v === null || v === undefined ? null : String(v));

/**
 * One session (`scope.session`) is computed from its events; a window or the whole store is read
 * from the stored signals, refreshed first (signal-table.ts): the same rows either way.
 */
export async function computeSessionSignals(store: Store, scope: SignalScope): Promise<SessionSignals[]> {
  let r: QueryResult;
  if (scope.session === undefined) r = await readSessionSignals(store, scope);
  else {
    const q = sessionSignalsSql(store.dialect, scope);
    r = await store.query(q.sql, q.params);
  }
  const sessions = toSessionSignals(r);
  flagRelative(sessions, chapterReferences(sessions));
  return sessions;
}

/**
 * The signals flagging each session that started in a window, as `computeSessionSignals` flags
 * them; for only `sessions` when given (a page of a list): the chapter references still come from
 * every session of the window, but only their chapter, prompts and cost are read.
 */
export async function sessionFlags(
  store: Store,
  scope: Omit<SignalScope, 'session'>,
  sessions?: readonly string[],
): Promise<Map<string, string[]>> {
  const mine = toSessionSignals(await readSessionSignals(store, scope, undefined, sessions));
  const population =
    sessions === undefined
      ? mine
      : toSessionSignals(
          await readSessionSignals(store, scope, ['session_id', 'chapter', 'prompts', 'cost_usd']),
        );
  flagRelative(mine, chapterReferences(population));
  return new Map(mine.map((s) => [s.session_id, SIGNALS.map((x) => x.name).filter((n) => s.flags[n])]));
}

/** Rows of `sessionSignalsSql`'s columns (missing ones read as null / 0) as sessions, without the relative flags. */
function toSessionSignals(r: QueryResult): SessionSignals[] {
  const col = new Map(r.columns.map((c, i) => [c, i]));
  const get = (row: CellValue[], c: string): CellValue | undefined => row[col.get(c) ?? -1];
  return r.rows.map((row): SessionSignals => {
    const prompts = Number(get(row, 'prompts') ?? 0);
    const cost = Number(get(row, 'cost_usd') ?? 0);
    const values: Record<string, number> = {};
    const flags: Record<string, boolean> = {};
    for (const s of SIGNALS) {
      if (s.kind !== 'count') continue;
      values[s.name] = Number(get(row, s.name) ?? 0);
      flags[s.name] = values[s.name]! > s.above;
    }
    values.long_session = prompts;
    values.cost_per_prompt = cost / Math.max(1, prompts);
    return {
      session_id: String(get(row, 'session_id')),
      start_ts: String(get(row, 'start_ts')),
      end_ts: String(get(row, 'end_ts')),
      member: text(get(row, 'member')),
      chapter: text(get(row, 'chapter')),
      feature: text(get(row, 'feature')),
      cc_version: text(get(row, 'cc_version')),
      model: text(get(row, 'model')),
      prompts,
      cost_usd: cost,
      values,
      flags,
    };
  });
}

/** The q-quantile of sorted values, interpolating linearly (R type 7, DuckDB's quantile_cont). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The chapter reference values the relative signals compare against. */
export function chapterReferences(
  sessions: readonly SessionSignals[],
): Map<string, { p90Prompts: number; medianCost: number }> {
  const groups = new Map<string, SessionSignals[]>();
  for (const s of sessions) {
    const k = s.chapter ?? '';
    const group = groups.get(k);
    if (group) group.push(s);
    else groups.set(k, [s]);
  }
  const refs = new Map<string, { p90Prompts: number; medianCost: number }>();
  for (const [k, g] of groups) {
    const prompts = g.map((s) => s.values.long_session!).sort((a, b) => a - b);
    const costs = g.map((s) => s.values.cost_per_prompt!).sort((a, b) => a - b);
    refs.set(k, { p90Prompts: quantile(prompts, 0.9), medianCost: quantile(costs, 0.5) });
  }
  return refs;
}

function flagRelative(
  sessions: SessionSignals[],
  refs: ReadonlyMap<string, { p90Prompts: number; medianCost: number }>,
): void {
  for (const s of sessions) {
    const ref = refs.get(s.chapter ?? '')!;
    s.flags.long_session = s.values.long_session! > ref.p90Prompts;
    s.flags.cost_per_prompt = ref.medianCost > 0 && s.values.cost_per_prompt! > 3 * ref.medianCost;
  }
}

export const isFlagged = (s: SessionSignals, signal: SignalDef): boolean => s.flags[signal.name] === true;
