/**
 * The SQL differences between stores, kept small: query templates are written once against this.
 */
export type TimeUnit = 'hour' | 'day' | 'week' | 'month';

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** The start of the `unit` containing timestamp expression `expr` (UTC). */
  timeBucket(unit: TimeUnit, expr: string): string;
  /** A string member of a JSON column, by top-level key (keys may contain dots). */
  jsonString(column: string, key: string): string;
  /** The q-quantile (0..1) of `expr` over a group. */
  quantile(expr: string, q: number): string;
  /** A positional query parameter (1-based). */
  param(index: number): string;
}
