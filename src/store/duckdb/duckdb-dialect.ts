/** DuckDB's SQL for the dialect layer. Timestamps are naive UTC TIMESTAMPs. */
import type { Dialect, TimeUnit } from '../dialect.js';

const quoteKey = (key: string): string => `'$."${key.replaceAll("'", "''").replaceAll('"', '\\"')}"'`;

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  timeBucket: (unit: TimeUnit, expr: string) => `date_trunc('${unit}', ${expr})`,
  formatTime: (expr: string, format: string) => `strftime(${expr}, '${format}')`,
  jsonString: (column: string, key: string) => `json_extract_string(${column}, ${quoteKey(key)})`,
  quantile: (expr: string, q: number) => `quantile_cont(${expr}, ${q})`,
  regexMatch: (expr: string, pattern: string) => `regexp_matches(${expr}, ${pattern})`,
  startsWith: (expr: string, prefix: string) => `starts_with(${expr}, ${prefix})`,
  lastValue: (expr: string, by: string) => `arg_max(${expr}, ${by})`,
  anyValue: (expr: string) => `any_value(${expr})`,
  msBetween: (from: string, to: string) => `date_diff('millisecond', ${from}, ${to})`,
  toTimestamp: (expr: string) => `CAST(${expr} AS TIMESTAMP)`,
  param: (index: number) => `$${index}`,
  round: (expr: string, digits: number) => `round(${expr}, ${digits})`,
  sortedList: (expr: string) => `string_agg(${expr}, ' ' ORDER BY ${expr})`,
  replaceInto: (table: string) => `INSERT OR REPLACE INTO ${table}`,
};
