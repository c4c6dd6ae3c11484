/**
 * The unsilo command line: wires config → components → start. The only place that exits the process.
 * Heavy modules (the collector, DuckDB, gRPC) load inside the commands that need them, so light
 * commands — above all the session-context hook, which runs on every prompt — start fast.
 */
import { Command, Option } from 'commander';
import { ConfigError, loadServeConfig } from './config/config.js';
import { CliError } from './cli/cli-error.js';
import { logLevelOption } from './cli/log-level-option.js';
import {
  ClickhouseConnectionError,
  ClickhouseServerError,
  clickhouseFix,
} from './store/clickhouse/clickhouse-client.js';
import { runningCollector } from './cli/backend.js';
import { registerMembersCommands } from './cli/members-commands.js';
import { registerQueryCommands, wholeNumber } from './cli/query-commands.js';
import { registerRedactCommand } from './cli/redact-command.js';
import { registerRetentionCommands } from './cli/retention-commands.js';
import { registerRelayCommands } from './cli/relay-commands.js';
import { registerImportCommands } from './cli/import-commands.js';
import { registerSetupCommands } from './cli/setup-commands.js';
import { registerReviewCommands } from './cli/review-commands.js';
import { registerPatternCommands } from './cli/pattern-commands.js';

const program = new Command('unsilo')
  .description("Gathers a team's Claude Code telemetry (OTLP) into one queryable store.")
  .showHelpAfterError();

program
  .command('serve')
  .description('run the collector: OTLP/HTTP (and the API) on --port, OTLP/gRPC on --grpc-port')
  .option('--host <host>', 'interface to listen on (default 127.0.0.1; env UNSILO_HOST)')
  .option('--port <port>', 'OTLP/HTTP port (default 4318; env UNSILO_PORT)', wholeNumber('--port'))
  .option(
    '--grpc-port <port>',
    'OTLP/gRPC port (default 4317; env UNSILO_GRPC_PORT)',
    wholeNumber('--grpc-port'),
  )
  .option(
    '--data-dir <dir>',
    'where the DuckDB file and write-ahead log live (default ./data; env UNSILO_DATA_DIR)',
  )
  .option('--config <file>', 'JSON config file (default ./unsilo.config.json if present; env UNSILO_CONFIG)')
  .addOption(
    new Option('--store <kind>', 'where rows are stored (default duckdb; env UNSILO_STORE)').choices([
      'duckdb',
      'clickhouse',
    ]),
  )
  .option(
    '--clickhouse-url <url>',
    'ClickHouse HTTP(S) URL, e.g. http://host:8123 (env UNSILO_CLICKHOUSE_URL)',
  )
  .option(
    '--clickhouse-database <name>',
    'ClickHouse database, created if missing (default unsilo; env UNSILO_CLICKHOUSE_DATABASE)',
  )
  .option('--clickhouse-user <user>', 'ClickHouse user (default default; env UNSILO_CLICKHOUSE_USER)')
  .option(
    '--clickhouse-password <password>',
    'ClickHouse password (prefer env UNSILO_CLICKHOUSE_PASSWORD: flags show in `ps`)',
  )
  .option(
    '--clickhouse-cluster <name>',
    'ClickHouse cluster: DDL ON CLUSTER, Replicated + Distributed tables (env UNSILO_CLICKHOUSE_CLUSTER)',
  )
  .option('--clickhouse-async-insert', 'let ClickHouse batch inserts (async_insert, waiting for the flush)')
  .option(
    '--tls-cert <file>',
    'serve HTTPS and gRPC over TLS with this PEM certificate chain (env UNSILO_TLS_CERT)',
  )
  .option('--tls-key <file>', 'the PEM private key of --tls-cert (env UNSILO_TLS_KEY)')
  .addOption(logLevelOption())
  .action(
    async (opts: {
      host?: string;
      port?: number;
      grpcPort?: number;
      dataDir?: string;
      config?: string;
      logLevel?: 'info';
      tlsCert?: string;
      tlsKey?: string;
      store?: 'duckdb' | 'clickhouse';
      clickhouseUrl?: string;
      clickhouseDatabase?: string;
      clickhouseUser?: string;
      clickhousePassword?: string;
      clickhouseCluster?: string;
      clickhouseAsyncInsert?: boolean;
    }) => {
      const { store, clickhouseUrl, clickhouseDatabase, clickhouseUser, clickhousePassword, ...rest } = opts;
      const { clickhouseCluster, clickhouseAsyncInsert, tlsCert, tlsKey, ...flags } = rest;
      const cfg = loadServeConfig({
        ...flags,
        tls: { certFile: tlsCert, keyFile: tlsKey },
        store: {
          kind: store,
          clickhouse: {
            url: clickhouseUrl,
            database: clickhouseDatabase,
            user: clickhouseUser,
            password: clickhousePassword,
            cluster: clickhouseCluster,
            asyncInsert: clickhouseAsyncInsert,
          },
        },
      });
      const { startCollector } = await import('./collector.js');
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

registerQueryCommands(program);
registerMembersCommands(program);
registerSetupCommands(program);
registerRedactCommand(program);
registerRetentionCommands(program);
registerRelayCommands(program);
registerImportCommands(program);
registerReviewCommands(program);
registerPatternCommands(program);

program
  .command('demo')
  .description(
    'fill a store with a realistic team: 5 members, 30 days, features, chapters, failures (sent over OTLP)',
  )
  .option('--server <url>', 'send to this collector instead of the one for --data-dir')
  .option('--data-dir <dir>', "the collector's data directory (one is started there if none runs)", './data')
  .option('--members <n>', 'team size', wholeNumber('--members'), 5)
  .option('--days <n>', 'days of history, ending now', wholeNumber('--days'), 30)
  .option('--seed <n>', 'random seed (the same seed gives the same team)', wholeNumber('--seed'), 1)
  .action(async (opts: { server?: string; dataDir: string; members: number; days: number; seed: number }) => {
    const { startCollector } = await import('./collector.js');
    const { runDemo } = await import('./demo/run-demo.js');
    const server = opts.server ?? runningCollector(opts.dataDir);
    // No collector running: start one in this process on free ports, send, drain, stop.
    const own = server
      ? null
      : await startCollector(
          loadServeConfig({ dataDir: opts.dataDir, port: 0, grpcPort: 0, logLevel: 'warn' }),
        );
    const target = server ?? (own as { httpUrl: string }).httpUrl;
    process.stderr.write(`unsilo: sending the demo team to ${target}…\n`);
    let shown = 0;
    const summary = await runDemo({
      server: target,
      members: opts.members,
      days: opts.days,
      seed: opts.seed,
      onProgress: (sent, total) => {
        const pct = total ? Math.floor((sent / total) * 10) : 0;
        if (pct > shown) {
          shown = pct;
          process.stderr.write(`  ${pct * 10} %\n`);
        }
      },
    });
    if (own) {
      await own.drained();
      await own.close();
    }
    process.stdout.write(
      `sent ${summary.events.toLocaleString('en-US')} events, ${summary.spans.toLocaleString('en-US')} spans and ` +
        `${summary.points.toLocaleString('en-US')} metric points (${summary.sessions} sessions).\n` +
        'Try: npx unsilo query cost-by-member · npx unsilo sessions · npx unsilo query validation-failures --min-failures 3\n',
    );
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ClickhouseServerError || err instanceof ClickhouseConnectionError) {
    process.stderr.write(
      `unsilo: the ClickHouse store failed: ${err.message}\n  fix: ${clickhouseFix(err)}\n`,
    );
    process.exit(2);
  }
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
