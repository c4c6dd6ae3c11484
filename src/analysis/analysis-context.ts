/**
 * What every analysis action gets besides its arguments: the store, who acts, the clock, and the
 * redaction of free text (the configured rules, compiled once), plus the small helpers the
 * append-only tables share: ids, the `seq` that orders revisions (latest wins), timestamps.
 */
import { randomBytes } from 'node:crypto';
import { sqlTime, type ParamValue } from '../store/dialect.js';
import type { Store } from '../store/store.js';

export interface AnalysisContext {
  store: Store;
  /** The member acting (from the token), or the local user. */
  author: string;
  /** The acting member's role when a token named one; absent for the store's own user (CLI on the file, loopback without tokens). */
  role?: string;
  now(): Date;
  /** The configured secret redaction, applied to notes and evidence before they are stored. */
  redact(text: string): string;
}

/** An expected failure of an analysis action (bad argument, unknown queue, conflict): a 400 / CLI error. */
export class AnalysisError extends Error {
  override readonly name: string = 'AnalysisError';
}
/** The thing named does not exist: a 404. */
export class AnalysisNotFoundError extends AnalysisError {
  override readonly name = 'AnalysisNotFoundError';
}

/** A short random id with a prefix: `q-3f9a1c2b`. */
export const newId = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

let last = 0;
/** Strictly increasing within a process, and across processes by the clock (µs). */
export function nextSeq(now: Date): number {
  last = Math.max(last + 1, now.getTime() * 1000);
  return last;
}

/**
 * INSERT one row (Dates become timestamps). `INSERT … SELECT` rather than VALUES: ClickHouse binds
 * `{pN:Type}` parameters in a SELECT, while its VALUES parser reads literals.
 */
export async function insertRow(
  ctx: AnalysisContext,
  table: string,
  row: Record<string, ParamValue | Date>,
): Promise<void> {
  const d = ctx.store.dialect;
  const cols = Object.keys(row);
  const params: ParamValue[] = [];
  const values = cols.map((c) => {
    const v = row[c]!;
    if (v instanceof Date) {
      params.push(sqlTime(v));
      return d.toTimestamp(d.param(params.length, params[params.length - 1]!));
    }
    params.push(v);
    return d.param(params.length, v);
  });
  await ctx.store.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT ${values.join(', ')}`, params);
}

/** Rows of a SELECT with bound parameters, as objects. */
export async function selectRows(
  ctx: AnalysisContext,
  sql: (p: (v: ParamValue) => string) => string,
): Promise<Record<string, ParamValue>[]> {
  const params: ParamValue[] = [];
  const p = (v: ParamValue): string => {
    params.push(v);
    return ctx.store.dialect.param(params.length, v);
  };
  const text = sql(p);
  const r = await ctx.store.query(text, params);
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null])));
}

/** Milliseconds of a store timestamp: ISO with a zone (DuckDB), or `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC (ClickHouse). */
export const tsMs = (ts: unknown): number => {
  const s = String(ts);
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
};
