/**
 * `unsilo import transcripts`: backfill and gap fill from Claude Code's session transcripts. The
 * collector and token come from `unsilo setup` (client.json) unless given; so do the privacy switches
 * (prompt text and tool details are sent only when setup was told to send them). A progress bar on a
 * terminal; `--dry-run` sends nothing and shows what would be sent.
 */
import path from 'node:path';
import { Command } from 'commander';
import { readClientConfig } from '../setup/client-config.js';
import { setupPaths } from '../setup/setup-paths.js';
import { CliError } from './cli-error.js';

interface ImportFlags {
  path?: string;
  since?: string;
  server?: string;
  token?: string;
  dryRun?: boolean;
  json?: boolean;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `90m`, or a date / date-time (UTC when it names no zone). */
export function parseSince(v: string, now = Date.now()): number {
  const rel = /^(\d+)([mhd])$/.exec(v.trim());
  if (rel) return now - Number(rel[1]) * (UNITS[rel[2] as string] as number);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t)) throw new CliError(`--since must be like 30d, 12h or 2026-11-01 (got "${v}")`);
  return t;
}

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description('import data from elsewhere into the collector')
    .command('transcripts')
    .description(
      "send the API requests, tool results and prompts in Claude Code's transcripts that the collector lacks",
    )
    .option(
      '--path <dir>',
      'the transcripts folder (default ~/.claude/projects, or $CLAUDE_CONFIG_DIR/projects)',
    )
    .option('--since <when>', 'only sessions since then: 30d, 12h, 2026-11-01')
    .option('--server <url>', "the collector's URL (default: the one `unsilo setup` configured)")
    .option('--token <token>', 'your ingest token (default: the one `unsilo setup` configured)')
    .option('--dry-run', 'send nothing; show what would be sent')
    .option('--json', 'print the summary as JSON')
    .action(async (o: ImportFlags) => {
      const paths = setupPaths();
      const client = readClientConfig(paths);
      const server = (o.server ?? client?.server)?.replace(/\/+$/, '');
      if (!server) {
        throw new CliError(
          'import needs a collector: run `unsilo setup` first, or pass --server URL --token T',
        );
      }
      const { importTranscripts, ImportError } = await import('../import/run-import.js');
      const { progressBar } = await import('./progress-bar.js');
      const bar = o.json ? null : progressBar('importing transcripts');
      try {
        const s = await importTranscripts({
          root: path.resolve(o.path ?? path.join(paths.claudeDir, 'projects')),
          since: o.since ? parseSince(o.since) : null,
          server,
          token: o.token ?? client?.token ?? null,
          logPrompts: client?.logPrompts === true,
          logToolDetails: client?.logToolDetails === true,
          dryRun: o.dryRun === true,
          stateFile: path.join(paths.configDir, 'import-state.json'),
          onProgress: bar?.update,
        });
        bar?.stop();
        const kinds = Object.entries(s.byName)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ');
        const lines = [
          `${o.dryRun ? 'would send' : 'sent'} ${s.events} events (${kinds || 'none'}) from ${s.files} transcripts, ` +
            `${s.sessions} sessions, to ${server}` +
            (s.skipped ? `; ${s.skipped} transcripts unchanged since the last import` : ''),
          client?.logPrompts
            ? 'Prompt and response text is sent (setup --log-prompts).'
            : 'Prompt and response text is not sent (setup --log-prompts sends it).',
          'Events the collector already has (from telemetry or an earlier import) are not added again.',
        ];
        if (o.dryRun) {
          for (const [name, sample] of Object.entries(s.samples))
            lines.push(`${name}, e.g.: ${JSON.stringify(sample)}`);
        }
        process.stdout.write(`${o.json ? JSON.stringify(s, null, 2) : lines.join('\n')}\n`);
      } catch (err) {
        bar?.stop();
        if (err instanceof ImportError) throw new CliError(err.message);
        throw err;
      }
    });
}
