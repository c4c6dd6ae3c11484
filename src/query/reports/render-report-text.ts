/** The monthly report as Markdown (to paste into a document) and as CSV (one block per section). */
import { stringify } from 'csv-stringify/sync';
import type { MonthlyReport, ReportSection } from './monthly-report.js';

const usd = (v: number): string => `$${v.toFixed(2)}`;
const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)} %`);
const int = (v: number): string => v.toLocaleString('en-US');

function cell(v: unknown, column: string): string {
  if (v === null || v === undefined) return column === 'feature' || column === 'chapter' ? '(none)' : '';
  if (typeof v === 'number' && column === 'cost_usd') return usd(v);
  if (typeof v === 'number' && (column.endsWith('_rate') || column === 'share')) return pct(v);
  if (typeof v === 'number' && Number.isInteger(v)) return int(v);
  return String(v).replaceAll('|', '\\|');
}

function markdownTable(s: ReportSection): string {
  if (s.rows.length === 0) return '_No data._';
  const head = `| ${s.columns.join(' | ')} |`;
  const rule = `| ${s.columns.map(() => '---').join(' | ')} |`;
  const body = s.rows.map((r) => `| ${r.map((v, i) => cell(v, s.columns[i] ?? '')).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

export function renderMarkdown(r: MonthlyReport): string {
  const t = r.totals;
  const lines = [
    `# Claude Code usage report: ${r.month}`,
    '',
    `${r.from} to ${r.to} (exclusive), UTC. Generated ${r.generated_at}. Costs and tokens from api_request events.`,
    '',
    '## Summary',
    '',
    '| figure | value |',
    '| --- | --- |',
    `| total spend | ${usd(t.cost_usd)} |`,
    `| sessions | ${int(t.sessions)} |`,
    `| active members | ${int(t.members)} |`,
    `| API requests | ${int(t.api_requests)} |`,
    `| tokens (input / output / cache read / cache write) | ${int(t.input_tokens)} / ${int(t.output_tokens)} / ${int(t.cache_read_tokens)} / ${int(t.cache_creation_tokens)} |`,
    `| API error rate | ${pct(t.api_error_rate)} (${int(t.api_errors)} failed calls) |`,
    `| validation failure rate | ${pct(t.validation_failure_rate)} (${int(t.validation_failures)} of ${int(t.validations)} validations) |`,
  ];
  for (const s of r.sections) lines.push('', `## ${s.title}`, '', markdownTable(s));
  return lines.join('\n') + '\n';
}

export function renderCsv(r: MonthlyReport): string {
  const summary = stringify(
    Object.entries(r.totals).map(([k, v]) => [k, v ?? '']),
    { header: true, columns: ['figure', 'value'] },
  );
  const blocks = [`# ${r.month} summary\n${summary}`];
  for (const s of r.sections) {
    blocks.push(
      `# ${s.key}\n${stringify(
        s.rows.map((row) => row.map((v) => v ?? '')),
        { header: true, columns: s.columns },
      )}`,
    );
  }
  return blocks.join('\n');
}
