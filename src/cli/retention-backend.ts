/**
 * How `unsilo retention` and `unsilo export` reach the store: through the running collector's HTTP API
 * (--server, or the collector of --data-dir), else by opening the DuckDB file: read-only for status and
 * export, writable for a run (DuckDB allows one writing process per file, so a run goes through the
 * collector whenever one runs). The local way uses the retention config of --config / unsilo.config.json.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadServeConfig } from '../config/config.js';
import { DB_FILE } from '../config/data-dir.js';
import { parseFilters, QueryParamError } from '../query/query-filters.js';
import {
  RetentionRunError,
  type RetentionRunReport,
  type RetentionStatus,
} from '../retention/retention-report.js';
import { RetentionService } from '../retention/retention-service.js';
import { retentionSettings } from '../retention/retention-settings.js';
import type { RetainedTable } from '../store/store-retention.js';
import { readerToken, runningCollector } from './backend.js';
import { CliError } from './cli-error.js';
import { collectorClient } from './collector-client.js';

export interface RetentionFlags {
  server?: string;
  dataDir: string;
  token?: string;
  config?: string;
}

export interface RetentionBackend {
  /** The collector URL or the database file. */
  where: string;
  status(): Promise<RetentionStatus>;
  run(dryRun: boolean): Promise<RetentionRunReport>;
  exportRows(table: RetainedTable, since?: Date, until?: Date): Promise<AsyncIterable<string | Uint8Array>>;
  close(): Promise<void>;
}

/** --since / --until as the query filters take them (a date-only --until includes that day). */
export function exportRange(since?: string, until?: string): { since?: Date; until?: Date } {
  try {
    const f = parseFilters({ since, until });
    return { since: f.since, until: f.until };
  } catch (err) {
    if (err instanceof QueryParamError) throw new CliError(err.message);
    throw err;
  }
}

function httpBackend(server: string, token: string | undefined): RetentionBackend {
  const client = collectorClient(server, token);
  return {
    where: client.base,
    status: () => client.call('GET', '/api/retention'),
    run: (dryRun) => client.call('POST', '/api/retention/run', { dryRun }),
    exportRows: (table, since, until) => {
      const qs = new URLSearchParams({
        ...(since ? { since: since.toISOString() } : {}),
        ...(until ? { until: until.toISOString() } : {}),
      }).toString();
      return client.stream(`/api/export/${table}${qs ? `?${qs}` : ''}`);
    },
    close: async () => undefined,
  };
}

async function localBackend(flags: RetentionFlags, write: boolean): Promise<RetentionBackend> {
  const file = path.join(flags.dataDir, DB_FILE);
  if (!existsSync(file)) {
    throw new CliError(
      `no store at ${file} and no collector running for ${flags.dataDir}; pass --data-dir DIR (where the collector keeps its data) or --server URL`,
    );
  }
  let settings;
  try {
    settings = retentionSettings(loadServeConfig({ dataDir: flags.dataDir, config: flags.config }));
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
  const { DuckdbStore } = await import('../store/duckdb/duckdb-store.js');
  const store = new DuckdbStore({ file, readOnly: !write, archiveDir: settings.archiveDir ?? undefined });
  try {
    await store.start();
  } catch (err) {
    throw new CliError(
      `cannot open ${file}: ${(err as Error).message}\nIf a collector is using it, ask it instead: --server http://HOST:4318`,
    );
  }
  const service = new RetentionService(store.retention, settings);
  return {
    where: file,
    status: () => service.status(),
    run: async (dryRun) => {
      try {
        return await service.run({ dryRun });
      } catch (err) {
        if (err instanceof RetentionRunError) throw new CliError(err.message);
        throw err;
      }
    },
    exportRows: async (table, since, until) => store.retention.exportRows(table, { since, until }),
    close: () => store.close(),
  };
}

/** `write`: the command changes data (a run that is not a dry run). */
export async function openRetentionBackend(flags: RetentionFlags, write: boolean): Promise<RetentionBackend> {
  const server = flags.server ?? runningCollector(flags.dataDir);
  const token = readerToken({ token: flags.token, dataDir: flags.dataDir });
  return server ? httpBackend(server, token) : localBackend(flags, write);
}
