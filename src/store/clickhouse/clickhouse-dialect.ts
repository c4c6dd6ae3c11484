/**
 * ClickHouse's SQL for the dialect layer. Timestamps are DateTime64(6, 'UTC'). Parameters are
 * ClickHouse's typed placeholders `{pN:Type}`, the type taken from the value; the store sends value N
 * as `param_pN`.
 */
import type { Dialect, ParamValue, TimeUnit } from '../dialect.js';

const BUCKET: Record<TimeUnit, (e: string) => string> = {
  hour: (e) => `toStartOfHour(${e})`,
  day: (e) => `toStartOfDay(${e})`,
  // Mode 1: weeks start on Monday, as DuckDB's date_trunc('week', …).
  week: (e) => `toStartOfWeek(${e}, 1)`,
  month: (e) => `toStartOfMonth(${e})`,
};

/** strftime → formatDateTime: only the minutes differ (%M is the month name in ClickHouse). */
const formatOf = (strftime: string): string => strftime.replaceAll('%M', '%i');

const quote = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** The placeholder type for a value: what the store binds it as. */
export function paramType(value: ParamValue): string {
  if (value === null) return 'Nullable(String)';
  if (typeof value === 'boolean') return 'Bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Int64' : 'Float64';
  return 'String';
}

export const paramName = (index: number): string => `p${index}`;

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  timeBucket: (unit, expr) => BUCKET[unit](expr),
  formatTime: (expr, format) => `formatDateTime(${expr}, ${quote(formatOf(format))})`,
  // JSONExtractString gives '' for a missing key; NULL keeps coalesce() working as on DuckDB.
  jsonString: (column, key) =>
    `if(JSONHas(${column}, ${quote(key)}), JSONExtractString(${column}, ${quote(key)}), NULL)`,
  // Linear interpolation between the closest ranks, as DuckDB's quantile_cont.
  quantile: (expr, q) => `quantileExactInclusive(${q})(${expr})`,
  regexMatch: (expr, pattern) => `match(${expr}, ${pattern})`,
  startsWith: (expr, prefix) => `startsWith(${expr}, ${prefix})`,
  lastValue: (expr, by) => `argMax(${expr}, ${by})`,
  anyValue: (expr) => `any(${expr})`,
  msBetween: (from, to) => `dateDiff('millisecond', ${from}, ${to})`,
  toTimestamp: (expr) => `toDateTime64(${expr}, 6, 'UTC')`,
  param: (index, value) => `{${paramName(index)}:${paramType(value)}}`,
  // round() on a Float64 rounds halves to even; DuckDB (and people) round them away from zero.
  round: (expr, digits) => {
    const scale = 10 ** digits;
    return `(floor(abs(${expr}) * ${scale} + 0.5) * sign(${expr}) / ${scale})`;
  },
  sortedList: (expr) => `arrayStringConcat(arraySort(groupArray(${expr})), ' ')`,
  // ReplacingMergeTree keeps the newest version of a key; reads see it through FINAL.
  replaceInto: (table) => `INSERT INTO ${table}`,
};
