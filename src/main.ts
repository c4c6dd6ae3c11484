/**
 * The unsilo command line: wires config → components → start. The only place that exits the process.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadServeConfig } from './config/config.js';
import { startCollector } from './collector.js';
import { CliError } from './cli/cli-error.js';
import { FORMATS, type Format } from './cli/format.js';
import { sqlCommand } from './cli/sql-command.js';

const int =
  (name: string) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${name} must be a whole number, got "${v}"`);
    return n;
  };

const program = new Command('unsilo')
  .description("Gathers a team's Claude Code telemetry (OTLP) into one queryable store.")
  .showHelpAfterError();

program
  .command('serve')
  .description('run the collector: OTLP/HTTP (and the API) on --port, OTLP/gRPC on --grpc-port')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1; env UNSILO_HOST)')
  .option('--port <port>', 'OTLP/HTTP port (default 4318; env UNSILO_PORT)', int('--port'))
  .option('--grpc-port <port>', 'OTLP/gRPC port (default 4317; env UNSILO_GRPC_PORT)', int('--grpc-port'))
  .option(
    '--data-dir <dir>',
    'where the DuckDB file and write-ahead log live (default ./data; env UNSILO_DATA_DIR)',
  )
  .option('--config <file>', 'JSON config file (default ./unsilo.config.json if present; env UNSILO_CONFIG)')
  .addOption(
    new Option('--log-level <level>', 'log level (default info)').choices([
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'silent',
    ]),
  )
  .action(
    async (opts: {
      host?: string;
      port?: number;
      grpcPort?: number;
      dataDir?: string;
      config?: string;
      logLevel?: 'info';
    }) => {
      const cfg = loadServeConfig(opts);
      const collector = await startCollector(cfg);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`unsilo: ${signal}: draining the write-ahead log into the store…\n`);
        collector.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`unsilo: shutdown failed: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    },
  );

program
  .command('sql')
  .description('run a read-only SQL query (SELECT / WITH … SELECT / EXPLAIN) against the store')
  .argument('<query>', 'the SQL, e.g. "SELECT event_name, count(*) FROM events GROUP BY 1"')
  .option('--server <url>', 'ask a running collector, e.g. http://127.0.0.1:4318')
  .option(
    '--data-dir <dir>',
    'data directory: its running collector, else its DuckDB file (default ./data)',
    './data',
  )
  .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
  .option('--max-rows <n>', 'print at most this many rows', int('--max-rows'), 10_000)
  .action(
    async (query: string, opts: { server?: string; dataDir: string; format: Format; maxRows: number }) => {
      process.stdout.write((await sqlCommand(query, opts)) + '\n');
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CliError || err instanceof ConfigError) {
    process.stderr.write(`unsilo: ${err.message}\n`);
    process.exit(err instanceof CliError ? err.exitCode : 2);
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    process.stderr.write(
      `unsilo: ${e.message}: another process uses this port; stop it or pick another with --port / --grpc-port\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`unsilo: ${e.stack ?? String(err)}\n`);
  process.exit(1);
});
