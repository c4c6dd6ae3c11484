/**
 * How the analysis commands reach the store: through a running collector (POST /api/analysis/:action)
 * or, when none runs, by opening the DuckDB file read-write in this process (analysis actions append
 * rows) and running the same action. Redaction uses the configured rules (the config file of the
 * directory, as `unsilo serve` would load it).
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { AnalysisError } from '../analysis/analysis-context.js';
import { DB_FILE, REDACTION_KEY_FILE } from '../config/data-dir.js';
import { CliError } from './cli-error.js';
import { collectorClient } from './collector-client.js';
import { readerToken, runningCollector } from './backend.js';

export interface AnalysisFlags {
  server?: string;
  dataDir: string;
  token?: string;
  /** Who acts, when no token names a member (loopback, or the store opened directly). */
  author?: string;
}

export interface AnalysisBackend {
  run(action: string, args: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

const localUser = (flags: AnalysisFlags): string =>
  flags.author ?? process.env.UNSILO_AUTHOR ?? userInfo().username;

export async function openAnalysis(flags: AnalysisFlags): Promise<AnalysisBackend> {
  const server = flags.server ?? runningCollector(flags.dataDir);
  if (server) {
    const { call } = collectorClient(server, readerToken(flags));
    return {
      run: (action, args) => call('POST', `/api/analysis/${action}`, { args, author: localUser(flags) }),
      close: async () => undefined,
    };
  }
  const file = path.join(flags.dataDir, DB_FILE);
  if (!existsSync(file))
    throw new CliError(
      `no store at ${file} and no collector running for ${flags.dataDir}; pass --data-dir DIR or --server URL`,
    );
  const [{ DuckdbStore }, { runAction }, { textRedactor }, { loadServeConfig }, { redactionSettings }] =
    await Promise.all([
      import('../store/duckdb/duckdb-store.js'),
      import('../analysis/analysis-actions.js'),
      import('../analysis/analysis-redact.js'),
      import('../config/config.js'),
      import('../pipeline/redact/redaction-key.js'),
    ]);
  const cfg = loadServeConfig({ dataDir: flags.dataDir });
  const store = new DuckdbStore({ file });
  try {
    await store.start();
  } catch (err) {
    throw new CliError(`cannot open ${file} for writing: ${(err as Error).message}`);
  }
  const ctx = {
    store,
    author: localUser(flags),
    now: () => new Date(),
    redact: textRedactor(redactionSettings(cfg.redaction, path.join(flags.dataDir, REDACTION_KEY_FILE))),
  };
  return {
    async run(action, args) {
      try {
        return await runAction(ctx, action, args);
      } catch (err) {
        if (err instanceof AnalysisError) throw new CliError(err.message);
        throw err;
      }
    },
    close: () => store.close(),
  };
}
