/**
 * Generates the template reference in docs/queries.md from the templates themselves: purpose,
 * parameters, the figures' source, an example command and its output on the fixed team data set of
 * the tests (test/fixtures/team-dataset.ts), and the SQL it runs with values written in (so it can be
 * pasted into `unsilo sql`). A test checks that the docs match what this generates.
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildQuery } from '../src/query/query-template.js';
import { QueryService } from '../src/query/query-service.js';
import { TEMPLATES } from '../src/query/templates/index.js';
import type { ParamValue } from '../src/store/dialect.js';
import { DuckdbStore } from '../src/store/duckdb/duckdb-store.js';
import { TEAM_EVENTS } from '../test/fixtures/team-dataset.js';

export const BEGIN = '<!-- BEGIN GENERATED TEMPLATES: npm run docs:queries -->';
export const END = '<!-- END GENERATED TEMPLATES -->';

const EXAMPLE_PARAMS: Record<string, Record<string, string>> = {
  'failing-sessions': { 'min-failures': '1' },
  'validation-failures': { 'min-failures': '0' },
  'active-members': { bucket: 'week' },
  'event-counts': { event: 'tool_result' },
};
const MAX_EXAMPLE_ROWS = 4;

const literal = (v: ParamValue): string =>
  v === null ? 'NULL' : typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v);

/** The SQL with its parameters written in as literals (documentation only; at run time values are bound). */
function inlined(sql: string, params: ParamValue[]): string {
  let out = sql;
  for (let i = params.length; i >= 1; i--)
    out = out.replaceAll(`$${i}`, literal(params[i - 1] as ParamValue));
  return out;
}

export async function generateTemplateDocs(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'unsilo-docs-'));
  const store = new DuckdbStore({ file: path.join(dir, 'docs.duckdb') });
  await store.start();
  try {
    await store.write({ events: TEAM_EVENTS, spans: [], metrics: [] });
    const svc = new QueryService(store, () => new Date('2026-11-11T00:00:00Z'));
    const parts = [
      BEGIN,
      '',
      '| template | what it answers |',
      '| --- | --- |',
      ...TEMPLATES.map((t) => `| [\`${t.name}\`](#${t.name}) | ${t.description} |`),
    ];
    for (const t of TEMPLATES) {
      const params = EXAMPLE_PARAMS[t.name] ?? {};
      const flags = Object.entries(params)
        .map(([k, v]) => ` --${k} ${v}`)
        .join('');
      const result = await svc.run(t.name, params);
      const rows = result.rows
        .slice(0, MAX_EXAMPLE_ROWS)
        .map((r) => Object.fromEntries(result.columns.map((c, i) => [c, r[i] ?? null])));
      const { filters, options } = svc.parse(t, params);
      const built = buildQuery(t, store.dialect, filters, options);
      const takes = [
        ...t.filters.map((f) => `\`--${f}\``),
        ...(t.options ?? []).map((o) => `\`--${o.name}\` (${o.description}; default ${o.default})`),
      ].join(', ');
      parts.push(
        '',
        `### ${t.name}`,
        '',
        `${t.description}. Source: ${t.source ?? 'events'}.`,
        '',
        `Takes: ${takes}.`,
        '',
        '```sh',
        `npx unsilo query ${t.name}${flags} --format json`,
        '```',
        '',
        `Output on the test data set${result.rows.length > MAX_EXAMPLE_ROWS ? ` (first ${MAX_EXAMPLE_ROWS} of ${result.rows.length} rows)` : ''}:`,
        '',
        '```json',
        JSON.stringify(rows, null, 2),
        '```',
        '',
        '<details><summary>SQL (DuckDB)</summary>',
        '',
        '```sql',
        inlined(built.sql, built.params),
        '```',
        '',
        '</details>',
      );
    }
    parts.push('', END);
    return parts.join('\n');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** docs/queries.md with its generated section replaced. */
export function withGenerated(doc: string, generated: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < 0) throw new Error(`docs/queries.md lacks the ${BEGIN} / ${END} markers`);
  return doc.slice(0, a) + generated + doc.slice(b + END.length);
}

/** Formats markdown as the repository's prettier config does. */
export async function formatMarkdown(text: string, filepath: string): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...options, filepath });
}
