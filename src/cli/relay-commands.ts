/**
 * `unsilo relay`: run the laptop relay (OTLP on loopback → disk buffer → the collector), and
 * `unsilo relay status`: upstream reachable or not since when, what is buffered, sent and dropped.
 * A relay that finds another one running for its data directory says so and exits 0 (the SessionStart
 * hook may start one per session; only the first stays).
 */
import { Command } from 'commander';
import { defaultRelayDir, loadRelayConfig } from '../config/relay-config.js';
import { logLevelOption } from './log-level-option.js';
import { wholeNumber } from './query-commands.js';

interface RunFlags {
  upstream?: string;
  token?: string;
  port?: number;
  grpcPort?: number;
  dataDir?: string;
  config?: string;
  logLevel?: 'info';
  watch?: boolean | string;
}

const out = (s: string): void => {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
};

export function registerRelayCommands(program: Command): void {
  const relay = program
    .command('relay')
    .description(
      "run the laptop relay: buffers Claude Code's telemetry on disk and forwards it to the collector",
    );

  relay
    .command('run', { isDefault: true })
    .description('run the relay (the default: `unsilo relay --upstream URL --token T`)')
    .option(
      '--upstream <url>',
      "the collector's URL, e.g. https://collector.example:4318 (env UNSILO_RELAY_UPSTREAM)",
    )
    .option('--token <token>', 'your ingest token, sent upstream (env UNSILO_RELAY_TOKEN)')
    .option('--port <port>', 'OTLP/HTTP port on 127.0.0.1 (default 4318)', wholeNumber('--port'))
    .option('--grpc-port <port>', 'OTLP/gRPC port on 127.0.0.1 (default 4317)', wholeNumber('--grpc-port'))
    .option(
      '--data-dir <dir>',
      `the disk buffer (default ${defaultRelayDir().replace(process.env.HOME ?? '\0', '~')})`,
    )
    .option(
      '--config <file>',
      'JSON config file (buffer bounds, backoff, redaction; env UNSILO_RELAY_CONFIG)',
    )
    .addOption(logLevelOption())
    .action(async (flags: RunFlags) => {
      const { watch, ...rest } = flags;
      const cfg = loadRelayConfig(rest);
      if (watch)
        Object.assign(cfg.watch, { enabled: true, ...(typeof watch === 'string' ? { path: watch } : {}) });
      const { startRelay, RelayRunningError } = await import('../relay/relay.js');
      let r;
      try {
        r = await startRelay(cfg);
      } catch (err) {
        if (err instanceof RelayRunningError) {
          out(`unsilo relay: ${err.message}; not starting a second one`);
          return;
        }
        throw err;
      }
      const running = r;
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`unsilo relay: ${signal}: stopping; unsent batches stay in the buffer\n`);
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`unsilo relay: shutdown failed: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });

  relay
    .command('status')
    .description('upstream reachable or not since when, buffered batches and bytes, oldest, sent, dropped')
    .option('--data-dir <dir>', 'the relay’s data directory', defaultRelayDir())
    .option('--json', 'print the status as JSON')
    .action(async (o: { dataDir: string; json?: boolean }) => {
      const { relayStatus, renderStatus } = await import('../relay/relay-status.js');
      const s = await relayStatus(o.dataDir);
      out(o.json ? JSON.stringify(s, null, 2) : renderStatus(s, o.dataDir));
    });
}
