/**
 * The analyst's commands: sql, query, sessions, trace, report. Each parses its flags, asks the backend
 * (the running collector's API, else the DuckDB file) and prints a table, JSON or CSV.
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { FILTER_NAMES } from '../query/query-filters.js';
import { renderCsv, renderMarkdown } from '../query/reports/render-report-text.js';
import { openBackend, type Backend, type Params } from './backend.js';
import { FORMATS, formatResult, type Format } from './format.js';
import { renderTrace } from './render-trace.js';
import { SORTS } from '../analysis/signals/find-sessions.js';
import { runAndPrint, type AnalysisOpts } from './analysis-cli.js';
import { CliError } from './cli-error.js';
import { collect, findArgs, renderFound, type FindFlags } from './find-sessions-cli.js';
import { sqlCommand } from './sql-command.js';

export const wholeNumber =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a whole number, got "${v}"`);
    return n;
  };

interface AccessFlags {
  server?: string;
  dataDir: string;
  token?: string;
}

/** --server and --data-dir, shared by every command that reads data. */
function withAccess(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'ask a running collector, e.g. http://127.0.0.1:4318')
    .option('--data-dir <dir>', 'data directory: its running collector, else its DuckDB file', './data')
    .option(
      '--token <token>',
      'reader token (reviewer, coordinator or admin; env UNSILO_TOKEN) for a collector beyond loopback',
    );
}

async function withBackend<T>(flags: AccessFlags, f: (b: Backend) => Promise<T>): Promise<T> {
  const backend = await openBackend({ server: flags.server, dataDir: flags.dataDir, token: flags.token });
  try {
    return await f(backend);
  } finally {
    await backend.close();
  }
}

const FILTER_HELP: Record<(typeof FILTER_NAMES)[number], string> = {
  since: 'from this time on: 2026-11-01, 2026-11-01T09:00:00Z, or 30d / 2w / 12h / 3mo ago',
  until: 'before this time (a date includes that whole day)',
  member: 'one member',
  session: 'one session id',
  feature: 'one feature',
  chapter: 'one chapter',
  model: 'one model',
  event: 'one event name (api_request, tool_result, …)',
};

function withFilters(cmd: Command, names: readonly string[] = FILTER_NAMES): Command {
  for (const f of names) cmd.option(`--${f} <value>`, FILTER_HELP[f as keyof typeof FILTER_HELP]);
  return cmd;
}

const formatOption = (choices: readonly string[] = FORMATS, def = 'table'): Option =>
  new Option('--format <format>', 'output format').choices(choices).default(def);

/** The filter and option values given on the command line, as the API takes them. */
function paramsOf(opts: Record<string, unknown>): Params {
  const params: Params = {};
  for (const f of FILTER_NAMES) if (typeof opts[f] === 'string') params[f] = opts[f];
  if (opts.minFailures !== undefined) params['min-failures'] = String(opts.minFailures);
  if (typeof opts.bucket === 'string') params.bucket = opts.bucket;
  return params;
}

const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

export function registerQueryCommands(program: Command): void {
  withAccess(
    program
      .command('sql')
      .description('run a read-only SQL query (SELECT / WITH … SELECT / EXPLAIN) against the store')
      .argument('<query>', 'the SQL, e.g. "SELECT event_name, count(*) FROM events GROUP BY 1"'),
  )
    .addOption(formatOption())
    .option('--max-rows <n>', 'print at most this many rows', wholeNumber('--max-rows'), 10_000)
    .action(async (query: string, opts: AccessFlags & { format: Format; maxRows: number }) => {
      out(await withBackend(opts, (b) => sqlCommand(b, query, opts.format, opts.maxRows)));
    });

  withFilters(
    withAccess(
      program
        .command('query')
        .description('run a named query template (`unsilo query --list` shows them)')
        .argument('[name]', 'template name, e.g. cost-by-member'),
    ),
  )
    .option('--list', 'list the templates with what they take')
    .option(
      '--min-failures <n>',
      'failing-sessions / validation-failures: more than this many failures',
      wholeNumber('--min-failures'),
    )
    .addOption(new Option('--bucket <unit>', 'active-members: day or week').choices(['day', 'week']))
    .addOption(formatOption())
    .action(
      async (
        name: string | undefined,
        opts: AccessFlags & { list?: boolean; format: Format } & Record<string, unknown>,
      ) => {
        await withBackend(opts, async (b) => {
          if (opts.list || !name) {
            const list = await b.list();
            const rows = list.map((t) => [
              t.name,
              t.description,
              [...t.filters.map((f) => `--${f}`), ...t.options.map((o) => `--${o.name}`)].join(' '),
            ]);
            out(formatResult({ columns: ['name', 'description', 'takes'], rows }, opts.format));
            return;
          }
          out(formatResult(await b.run(name, paramsOf(opts)), opts.format));
        });
      },
    );

  withFilters(
    withAccess(program.command('sessions').description('the session list, newest first')),
    FILTER_NAMES.filter((f) => f !== 'model' && f !== 'event'),
  )
    .addOption(formatOption())
    .option(
      '--where <condition>',
      'only sessions whose signals meet it: SIGNAL (flagged) or SIGNAL>N (>, >=, <, <=, =); repeatable',
      collect,
      [],
    )
    .option('--sort <order>', `with --where: ${SORTS.join(', ')}`)
    .action(
      async (
        opts: AccessFlags & { format: Format; where: string[]; sort?: string } & Record<string, unknown>,
      ) => {
        if (opts.where.length > 0 || opts.sort) {
          // The signals' view of the sessions: the same action as `unsilo signals sessions`.
          if (opts.format === 'csv') throw new CliError('--where and --sort print a table or json');
          for (const f of ['session', 'feature'] as const)
            if (opts[f] !== undefined)
              throw new CliError(
                `--${f} does not combine with --where/--sort; use --member, --chapter, --since, --until`,
              );
          const flags = { ...opts, where: opts.where } as FindFlags & AnalysisOpts;
          await runAndPrint(
            { ...flags, format: opts.format },
            'signals.sessions',
            findArgs(flags),
            renderFound,
          );
          return;
        }
        out(
          await withBackend(opts, async (b) =>
            formatResult(await b.run('sessions', paramsOf(opts)), opts.format),
          ),
        );
      },
    );

  withAccess(
    program
      .command('trace')
      .description('the complete workflow trace of one session, in order, grouped by prompt')
      .argument('<session-id>', 'a session id, or a prefix of one that is unique'),
  )
    .addOption(formatOption(['table', 'json']))
    .action(async (session: string, opts: AccessFlags & { format: 'table' | 'json' }) => {
      const trace = await withBackend(opts, (b) => b.trace(session));
      out(opts.format === 'json' ? JSON.stringify(trace, null, 2) : renderTrace(trace));
    });

  const report = program.command('report').description('reports for coordinators');
  withAccess(
    report
      .command('monthly')
      .description('the monthly report: spend, tokens, sessions, error and validation-failure rates'),
  )
    .requiredOption('--month <yyyy-mm>', 'the month, e.g. 2026-11')
    .addOption(formatOption(['md', 'html', 'csv', 'json'], 'md'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      async (opts: AccessFlags & { month: string; format: 'md' | 'html' | 'csv' | 'json'; out?: string }) => {
        const data = await withBackend(opts, (b) => b.monthly(opts.month));
        let text: string;
        if (opts.format === 'json') text = JSON.stringify(data, null, 2);
        else if (opts.format === 'csv') text = renderCsv(data);
        else if (opts.format === 'html')
          text = (await import('../query/reports/render-report-html.js')).renderHtml(data);
        else text = renderMarkdown(data);
        if (opts.out) {
          writeFileSync(opts.out, text);
          process.stderr.write(`unsilo: wrote ${opts.out}\n`);
        } else out(text);
      },
    );
}
