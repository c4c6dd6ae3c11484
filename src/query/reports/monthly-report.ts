/**
 * The coordinator's monthly report, as data: every figure comes from the query templates over the
 * month's range, so the report and `unsilo query` always agree. Renderers (markdown, HTML, CSV) only
 * shape it.
 */
import type { QueryResult } from '../../store/store.js';
import { QueryParamError } from '../query-filters.js';
import type { QueryService } from '../query-service.js';

export interface ReportSection {
  /** Stable key, e.g. by_member. */
  key: string;
  title: string;
  /** The template the rows come from. */
  template: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

export interface MonthlyReport {
  month: string;
  /** First day of the month (inclusive) and of the next (exclusive), UTC. */
  from: string;
  to: string;
  generated_at: string;
  totals: {
    cost_usd: number;
    api_requests: number;
    sessions: number;
    members: number;
    input_tokens: number;
    output_tokens: number;
    cache_read_tokens: number;
    cache_creation_tokens: number;
    api_errors: number;
    api_error_rate: number | null;
    validations: number;
    validation_failures: number;
    validation_failure_rate: number | null;
  };
  sections: ReportSection[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const TOP_SESSIONS = 10;

export function monthRange(month: string): { from: string; to: string } {
  const m = MONTH.exec(month);
  if (!m) throw new QueryParamError(`--month "${month}" must look like 2026-11`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: `${month}-01`, to: `${next}-01` };
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function column(r: QueryResult, name: string): number {
  const i = r.columns.indexOf(name);
  return r.rows.reduce((acc, row) => acc + num(row[i]), 0);
}

/** Every day of the month, with zero where nothing happened (charts read better). */
function fillDays(r: QueryResult, from: string, to: string): QueryResult {
  const byDay = new Map(r.rows.map((row) => [String(row[0]), row]));
  const rows: QueryResult['rows'] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    rows.push(byDay.get(day) ?? r.columns.map((_c, i) => (i === 0 ? day : 0)));
  }
  return { columns: r.columns, rows };
}

export async function monthlyReport(
  svc: QueryService,
  month: string,
  now = new Date(),
): Promise<MonthlyReport> {
  const { from, to } = monthRange(month);
  // --until with a date-only value includes that day: the last day of the month.
  const last = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const range = { since: from, until: last };
  const run = (name: string, extra: Record<string, string> = {}): Promise<QueryResult> =>
    svc.run(name, { ...range, ...extra });

  const [total, byMember, byChapter, byFeature, byModel, byDay, sessions, tokens, trend] = await Promise.all([
    run('cost-total'),
    run('cost-by-member'),
    run('cost-by-chapter'),
    run('cost-by-feature'),
    run('cost-by-model'),
    run('cost-by-day'),
    run('sessions'),
    run('tokens-by-type'),
    run('trend-daily'),
  ]);
  const costIdx = sessions.columns.indexOf('cost_usd');
  const top = [...sessions.rows].sort((a, b) => num(b[costIdx]) - num(a[costIdx])).slice(0, TOP_SESSIONS);
  const apiErrors = column(trend, 'api_errors');
  const apiRequests = column(total, 'api_requests');
  const validations = column(trend, 'validations');
  const validationFailures = column(trend, 'validation_failures');
  const section = (key: string, title: string, template: string, r: QueryResult): ReportSection => ({
    key,
    title,
    template,
    columns: r.columns,
    rows: r.rows,
  });
  return {
    month,
    from,
    to,
    generated_at: now.toISOString(),
    totals: {
      cost_usd: column(total, 'cost_usd'),
      api_requests: apiRequests,
      sessions: column(total, 'sessions'),
      members: column(total, 'members'),
      input_tokens: column(total, 'input_tokens'),
      output_tokens: column(total, 'output_tokens'),
      cache_read_tokens: column(total, 'cache_read_tokens'),
      cache_creation_tokens: column(total, 'cache_creation_tokens'),
      api_errors: apiErrors,
      api_error_rate:
        apiRequests + apiErrors > 0 ? Math.round((apiErrors / (apiRequests + apiErrors)) * 1e4) / 1e4 : null,
      validations,
      validation_failures: validationFailures,
      validation_failure_rate:
        validations > 0 ? Math.round((validationFailures / validations) * 1e4) / 1e4 : null,
    },
    sections: [
      section('by_member', 'Spend by member', 'cost-by-member', byMember),
      section('by_chapter', 'Spend by chapter', 'cost-by-chapter', byChapter),
      section('by_feature', 'Spend by feature', 'cost-by-feature', byFeature),
      section('by_model', 'Spend by model', 'cost-by-model', byModel),
      section('by_day', 'Spend by day', 'cost-by-day', fillDays(byDay, from, to)),
      section('top_sessions', `Top ${TOP_SESSIONS} sessions by cost`, 'sessions', {
        columns: sessions.columns,
        rows: top,
      }),
      section('tokens_by_type', 'Tokens by type', 'tokens-by-type', tokens),
      section(
        'daily_rates',
        'Daily error and validation-failure rates',
        'trend-daily',
        fillDays(trend, from, to),
      ),
    ],
  };
}
