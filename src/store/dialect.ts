/**
 * The SQL differences between stores, kept small: query templates are written once against this.
 * Everything else in a template is SQL both engines speak (CASE, COALESCE, sum, count, …).
 */
export type TimeUnit = 'hour' | 'day' | 'week' | 'month';

export type ParamValue = string | number | boolean | null;

/** A UTC time as a text parameter both engines cast to a timestamp (`Dialect.toTimestamp`). */
export const sqlTime = (t: Date): string => t.toISOString().replace('T', ' ').replace('Z', '');

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** The start of the `unit` containing timestamp expression `expr` (UTC), as a timestamp. */
  timeBucket(unit: TimeUnit, expr: string): string;
  /** A timestamp expression formatted as text with strftime-style `format` (%Y-%m-%d …). */
  formatTime(expr: string, format: string): string;
  /** A string member of a JSON column, by top-level key (keys may contain dots). */
  jsonString(column: string, key: string): string;
  /** The q-quantile (0..1) of `expr` over a group. */
  quantile(expr: string, q: number): string;
  /** Whether `expr` matches the regular expression `pattern` (an SQL expression, e.g. a parameter). */
  regexMatch(expr: string, pattern: string): string;
  /** Whether text `expr` starts with text `prefix` (an SQL expression). */
  startsWith(expr: string, prefix: string): string;
  /** The value of `expr` at the largest `by` in the group. */
  lastValue(expr: string, by: string): string;
  /** Any value of `expr` in the group. */
  anyValue(expr: string): string;
  /** Milliseconds from timestamp `from` to timestamp `to`. */
  msBetween(from: string, to: string): string;
  /** A text parameter holding an ISO-8601 time, as a timestamp. */
  toTimestamp(expr: string): string;
  /** Placeholder for positional parameter `index` (1-based) holding `value`. */
  param(index: number, value: ParamValue): string;
  /** `expr` rounded to `digits` decimals, halves away from zero (ClickHouse's own round() is half-even). */
  round(expr: string, digits: number): string;
  /** The values of text `expr` in the group, sorted and joined with a space. */
  sortedList(expr: string): string;
  /** The start of an INSERT whose rows replace stored rows with the same key (`… INTO table`). */
  replaceInto(table: string): string;
}
