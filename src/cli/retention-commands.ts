/**
 * `unsilo retention status|run` and `unsilo export`: through the running collector when there is one,
 * else on the DuckDB file (retention-backend.ts). Export writes one file per table into a directory.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { RETAINED_TABLES, type RetainedTable } from '../store/store-retention.js';
import { CliError } from './cli-error.js';
import { EXPORT_FORMATS, writeExport, type ExportFormat } from './export-writer.js';
import { renderRun, renderStatus } from './render-retention.js';
import {
  exportRange,
  openRetentionBackend,
  type RetentionBackend,
  type RetentionFlags,
} from './retention-backend.js';

function withAccess(cmd: Command, token: string): Command {
  return cmd
    .option('--server <url>', 'ask a running collector, e.g. http://127.0.0.1:4318')
    .option('--data-dir <dir>', 'data directory: its running collector, else its DuckDB file', './data')
    .option('--token <token>', token)
    .option(
      '--config <file>',
      'config file for the retention settings when no collector runs (env UNSILO_CONFIG)',
    );
}

async function withBackend<T>(
  flags: RetentionFlags,
  write: boolean,
  f: (b: RetentionBackend) => Promise<T>,
): Promise<T> {
  const backend = await openRetentionBackend(flags, write);
  try {
    return await f(backend);
  } finally {
    await backend.close();
  }
}

const out = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};

const formatOption = (): Option =>
  new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

function tableList(value: string): RetainedTable[] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names)
    if (!RETAINED_TABLES.includes(n as RetainedTable))
      throw new CliError(`--table: no table "${n}"; tables: ${RETAINED_TABLES.join(', ')}`);
  return names as RetainedTable[];
}

export function registerRetentionCommands(program: Command): void {
  const retention = program
    .command('retention')
    .description('age and size limits: what the store holds, and archive-then-delete runs');
  const READER =
    'reader token (reviewer, coordinator or admin; env UNSILO_TOKEN) for a collector beyond loopback';

  withAccess(
    retention
      .command('status')
      .description(
        'sizes, oldest and newest data, next scheduled run, and what a run now would archive and delete',
      ),
    READER,
  )
    .addOption(formatOption())
    .action(async (opts: RetentionFlags & { format: 'table' | 'json' }) => {
      const status = await withBackend(opts, false, (b) => b.status());
      out(opts.format === 'json' ? JSON.stringify(status, null, 2) : renderStatus(status));
    });

  withAccess(
    retention
      .command('run')
      .description('archive to Parquet, then delete, what is past the limits; clear old content; compact'),
    'the admin token (env UNSILO_TOKEN), needed by a collector beyond loopback; on its machine it is read from the data directory',
  )
    .option('--dry-run', 'change nothing: say what a run would do')
    .addOption(formatOption())
    .action(async (opts: RetentionFlags & { dryRun?: boolean; format: 'table' | 'json' }) => {
      const report = await withBackend(opts, !opts.dryRun, (b) => b.run(opts.dryRun ?? false));
      out(opts.format === 'json' ? JSON.stringify(report, null, 2) : renderRun(report));
    });

  withAccess(
    program
      .command('export')
      .description(
        'write the data of a time range to files, one per table: <out>/events.parquet, spans.parquet, metric_points.parquet',
      ),
    READER,
  )
    .option(
      '--since <time>',
      'from this time on: 2026-11-01, 2026-11-01T09:00:00Z, or 30d / 2w / 12h / 3mo ago',
    )
    .option('--until <time>', 'before this time (a date includes that whole day)')
    .addOption(new Option('--format <format>', 'file format').choices(EXPORT_FORMATS).default('parquet'))
    .option(
      '--table <names>',
      `only these tables, comma-separated (${RETAINED_TABLES.join(', ')})`,
      tableList,
    )
    .option(
      '--out <dir>',
      'the directory to write into (created; existing files are not overwritten)',
      './unsilo-export',
    )
    .action(
      async (
        opts: RetentionFlags & {
          since?: string;
          until?: string;
          format: ExportFormat;
          table?: RetainedTable[];
          out: string;
        },
      ) => {
        const range = exportRange(opts.since, opts.until);
        const tables = opts.table ?? [...RETAINED_TABLES];
        const files = tables.map((t) => path.join(opts.out, `${t}.${opts.format}`));
        const taken = files.filter((f) => existsSync(f));
        if (taken.length > 0)
          throw new CliError(
            `${taken.join(', ')} ${taken.length === 1 ? 'exists' : 'exist'} already: pick another --out or remove ${taken.length === 1 ? 'it' : 'them'}`,
          );
        await mkdir(opts.out, { recursive: true });
        await withBackend(opts, false, async (b) => {
          for (const [i, table] of tables.entries()) {
            const file = files[i] as string;
            const rows = await writeExport(
              await b.exportRows(table, range.since, range.until),
              table,
              opts.format,
              file,
            );
            out(`${table}: ${rows.toLocaleString('en-US')} rows → ${file}`);
          }
        });
      },
    );
}
