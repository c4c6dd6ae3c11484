/**
 * `unsilo redact --test [--config FILE]`: the canary self-test. A realistic fake secret per built-in
 * detector, each in a Bash command, a JSON tool input and a prompt, goes through the pipeline with the
 * configured redaction rules; one line per detector, exit 1 if any secret would be stored.
 */
import type { Command } from 'commander';
import { loadServeConfig } from '../config/config.js';
import type { CanaryReport } from '../pipeline/redact/run-canary.js';
import { CliError } from './cli-error.js';

export function renderCanary(report: CanaryReport): string {
  const width = Math.max(...report.results.map((r) => r.kind.length));
  const lines = report.results.map((r) =>
    r.ok
      ? `ok    ${r.kind.padEnd(width)}  redacted in the Bash command, the JSON tool input and the prompt`
      : `FAIL  ${r.kind.padEnd(width)}  stored in: ${r.survivedIn.join(', ')}`,
  );
  const failed = report.results.filter((r) => !r.ok).length;
  lines.push(
    '',
    failed === 0
      ? `All ${report.results.length} detectors redact their canary with the configured rules.`
      : `${failed} of ${report.results.length} canaries would be stored: check the redaction.fields rules that keep them.`,
  );
  return `${lines.join('\n')}\n`;
}

export function registerRedactCommand(program: Command): void {
  program
    .command('redact')
    .description('check redaction: --test runs a fake secret per detector through the configured rules')
    .option('--test', 'run the canary self-test (exit 1 if any secret survives)')
    .option(
      '--config <file>',
      'JSON config file (default ./unsilo.config.json if present; env UNSILO_CONFIG)',
    )
    .action(async (opts: { test?: boolean; config?: string }) => {
      if (!opts.test)
        throw new CliError('nothing to do: `unsilo redact --test` runs the canary self-test', 2);
      // Loaded here: the pipeline (protobufjs, …) would slow every other command's start.
      const { runCanary } = await import('../pipeline/redact/run-canary.js');
      const report = runCanary(loadServeConfig({ config: opts.config }));
      process.stdout.write(renderCanary(report));
      if (!report.ok) throw new CliError('redaction canary failed', 1);
    });
}
