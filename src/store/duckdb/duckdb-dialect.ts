/** DuckDB's SQL for the dialect layer. Timestamps are naive UTC TIMESTAMPs. */
import type { Dialect, TimeUnit } from '../dialect.js';

const quoteKey = (key: string): string => `'$."${key.replaceAll("'", "''").replaceAll('"', '\\"')}"'`;

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  timeBucket: (unit: TimeUnit, expr: string) => `date_trunc('${unit}', ${expr})`,
  jsonString: (column: string, key: string) => `json_extract_string(${column}, ${quoteKey(key)})`,
  quantile: (expr: string, q: number) => `quantile_cont(${expr}, ${q})`,
  param: (index: number) => `$${index}`,
};
