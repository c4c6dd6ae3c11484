/**
 * Shared plumbing of the analysis commands (signals, review, patterns, changes): the access flags,
 * --format table|json, running one action and printing its JSON or a table of it.
 */
import { Command, Option } from 'commander';
import type { CellValue } from '../store/store.js';
import { openAnalysis, type AnalysisFlags } from './analysis-backend.js';
import { formatResult } from './format.js';

export type AnalysisOpts = AnalysisFlags & { format: 'table' | 'json' };

/** A subcommand with the access flags and --format. */
export function analysisCommand(
  parent: Command,
  name: string,
  description: string,
  formats: readonly string[] = ['table', 'json'],
): Command {
  return parent
    .command(name)
    .description(description)
    .option('--server <url>', 'ask a running collector, e.g. http://127.0.0.1:4318')
    .option('--data-dir <dir>', 'data directory: its running collector, else its DuckDB file', './data')
    .option('--token <token>', 'reviewer, coordinator or admin token (env UNSILO_TOKEN) beyond loopback')
    .option(
      '--author <name>',
      'who acts when no token names a member (default: env UNSILO_AUTHOR, else the OS user)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(formats).default(formats[0]));
}

/** Runs `action` and prints its JSON, or `render(result)` for a table. */
export async function runAndPrint(
  opts: AnalysisOpts,
  action: string,
  args: Record<string, unknown>,
  render: (result: unknown) => string = renderAny,
): Promise<void> {
  const backend = await openAnalysis(opts);
  try {
    const result = await backend.run(action, args);
    const text = opts.format === 'json' ? JSON.stringify(result, null, 2) : render(result);
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  } finally {
    await backend.close();
  }
}

const cell = (v: unknown): CellValue => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toFixed(4));
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
};

/** A table of a list of objects (their union of keys), or `key  value` lines for one object. */
export function renderTable(rows: readonly Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return formatResult({ columns: cols, rows: rows.map((r) => cols.map((c) => cell(r[c]))) }, 'table');
}

export function renderAny(result: unknown): string {
  if (Array.isArray(result)) return renderTable(result as Record<string, unknown>[]);
  if (result && typeof result === 'object')
    return Object.entries(result)
      .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
      .join('\n');
  return String(result);
}

export const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
