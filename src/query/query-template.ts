/**
 * What a query template is: a name, which common filters and options it takes, and a function that
 * writes its SQL against the dialect, binding every value as a parameter (never spliced into SQL).
 */
import { sqlTime, type Dialect, type ParamValue } from '../store/dialect.js';
import type { FilterName, QueryFilters } from './query-filters.js';

export interface OptionSpec {
  /** kebab-case, as on the command line and in the URL: `min-failures`. */
  name: string;
  description: string;
  default: number | string;
  /** Allowed values for a text option. */
  choices?: readonly string[];
}

export interface TemplateContext {
  readonly d: Dialect;
  /** Binds a value; returns its placeholder. */
  p(value: ParamValue): string;
  /**
   * The filter conditions on events, AND-joined; doctor records are always excluded. Columns are
   * qualified (`events.member`, or `e.member` for alias `e`): ClickHouse lets a SELECT alias such as
   * `any(member) AS member` shadow the column everywhere in the query, WHERE included.
   */
  where(alias?: string): string;
  option(name: string): number | string;
}

export interface QueryTemplate {
  name: string;
  description: string;
  filters: readonly FilterName[];
  options?: readonly OptionSpec[];
  /** Where the figures come from, and why (for docs/queries.md). */
  source?: string;
  sql(ctx: TemplateContext): string;
}

export interface BuiltQuery {
  sql: string;
  params: ParamValue[];
}

/** The event name of `unsilo doctor`'s test records (scope `unsilo.doctor`), excluded from every report. */
export const DOCTOR_EVENT = 'unsilo.doctor';

const COLUMN: Record<FilterName, string> = {
  since: 'ts',
  until: 'ts',
  member: 'member',
  session: 'session_id',
  feature: 'feature',
  chapter: 'chapter',
  model: 'model',
  event: 'event_name',
};

export function buildQuery(
  template: QueryTemplate,
  dialect: Dialect,
  filters: QueryFilters,
  options: Record<string, number | string>,
): BuiltQuery {
  const params: ParamValue[] = [];
  const p = (value: ParamValue): string => {
    params.push(value);
    return dialect.param(params.length, value);
  };
  const ctx: TemplateContext = {
    d: dialect,
    p,
    where(alias) {
      const table = alias ?? 'events';
      const col = (f: FilterName): string => `${table}.${COLUMN[f]}`;
      // `unsilo doctor` round-trip records are marked and never counted.
      const conds: string[] = [`${table}.event_name <> '${DOCTOR_EVENT}'`];
      for (const f of template.filters) {
        const v = filters[f];
        if (v === undefined) continue;
        if (f === 'since') conds.push(`${col(f)} >= ${dialect.toTimestamp(p(sqlTime(v as Date)))}`);
        else if (f === 'until') conds.push(`${col(f)} < ${dialect.toTimestamp(p(sqlTime(v as Date)))}`);
        else conds.push(`${col(f)} = ${p(v as string)}`);
      }
      return conds.join(' AND ');
    },
    option(name) {
      const v = options[name];
      if (v === undefined) throw new Error(`template ${template.name} has no option ${name}`);
      return v;
    },
  };
  return { sql: template.sql(ctx), params };
}
