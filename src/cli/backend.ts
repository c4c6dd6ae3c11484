/**
 * How the CLI reaches the data: through a running collector's HTTP API (--server, or the collector
 * found in the data directory's collector.json), else by opening the store itself and asking the same
 * QueryService the API uses: the DuckDB file read-only (DuckDB allows one writing process per file, so
 * while a collector runs the CLI must go through it), or the ClickHouse server that the config
 * (UNSILO_STORE, UNSILO_CLICKHOUSE_*, unsilo.config.json) names. Both ways answer alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { QueryService, type TemplateInfo } from '../query/query-service.js';
import { monthlyReport, type MonthlyReport } from '../query/reports/monthly-report.js';
import type { SessionTrace } from '../query/session-trace.js';
import { ADMIN_TOKEN_FILE, DB_FILE, DISCOVERY_FILE } from '../config/data-dir.js';
import { QueryError, type CellValue, type QueryResult } from '../store/store.js';
import { QueryParamError } from '../query/query-filters.js';
import { loadServeConfig } from '../config/config.js';
import { openStore, storeLabel } from '../store/open-store.js';
import { CliError } from './cli-error.js';
import { collectorClient } from './collector-client.js';

export interface BackendOptions {
  server?: string;
  dataDir: string;
  /** A reader token (reviewer, coordinator or admin), needed when the collector listens beyond loopback. */
  token?: string;
}

export type Params = Record<string, string>;

export interface Backend {
  /** The collector URL or the database file. */
  where: string;
  sql(sql: string, params?: CellValue[], maxRows?: number): Promise<QueryResult & { truncated?: boolean }>;
  list(): Promise<TemplateInfo[]>;
  run(name: string, params: Params): Promise<QueryResult>;
  trace(session: string): Promise<SessionTrace>;
  monthly(month: string): Promise<MonthlyReport>;
  close(): Promise<void>;
}

/** The URL of the collector running for `dataDir`, if its process is alive. */
export function runningCollector(dataDir: string): string | null {
  const file = path.join(dataDir, DISCOVERY_FILE);
  if (!existsSync(file)) return null;
  try {
    const { pid, httpUrl } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; httpUrl: string };
    process.kill(pid, 0);
    return httpUrl;
  } catch {
    return null;
  }
}

function httpBackend(server: string, token: string | undefined): Backend {
  const { base, call } = collectorClient(server, token);
  const qs = (params: Params): string => {
    const s = new URLSearchParams(
      Object.entries(params).filter(([, v]) => v !== undefined && v !== ''),
    ).toString();
    return s ? `?${s}` : '';
  };
  return {
    where: base,
    sql: (sql, params = [], maxRows) => call('POST', '/api/sql', { sql, params, maxRows }),
    list: () => call('GET', '/api/queries'),
    run: (name, params) => call('GET', `/api/queries/${encodeURIComponent(name)}${qs(params)}`),
    trace: (session) => call('GET', `/api/sessions/${encodeURIComponent(session)}/trace`),
    monthly: (month) => call('GET', `/api/reports/monthly${qs({ month })}`),
    close: async () => undefined,
  };
}

async function localBackend(dataDir: string): Promise<Backend> {
  const { store: choice } = loadServeConfig({ dataDir });
  const file = path.join(dataDir, DB_FILE);
  if (choice.kind === 'duckdb' && !existsSync(file)) {
    throw new CliError(
      `no store at ${file} and no collector running for ${dataDir}; start one with \`npx unsilo serve\` ` +
        '(or fill one with `npx unsilo demo`), or pass --data-dir DIR (where the collector keeps its data) or --server URL',
    );
  }
  const store = await openStore(choice, { file, readOnly: true });
  try {
    await store.start();
  } catch (err) {
    throw new CliError(
      `cannot open ${storeLabel(choice, file)}: ${(err as Error).message}\nIf a collector is using it, ask it instead: --server http://HOST:4318`,
    );
  }
  const svc = new QueryService(store);
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof QueryParamError || err instanceof QueryError) {
        throw new CliError(err.message);
      }
      throw err;
    }
  };
  return {
    where: storeLabel(choice, file),
    sql: (sql, params = [], maxRows) => wrap(() => store.query(sql, params, { readOnly: true, maxRows })),
    list: async () => svc.list(),
    run: (name, params) => wrap(() => svc.run(name, params)),
    trace: (session) => wrap(() => svc.trace(session)),
    monthly: (month) => wrap(() => monthlyReport(svc, month)),
    close: () => store.close(),
  };
}

/** The token to read with: given, else UNSILO_TOKEN, else the admin token when this is the collector's machine. */
export function readerToken(opts: BackendOptions): string | undefined {
  if (opts.token) return opts.token;
  if (process.env.UNSILO_TOKEN) return process.env.UNSILO_TOKEN;
  const admin = path.join(opts.dataDir, ADMIN_TOKEN_FILE);
  return existsSync(admin) ? readFileSync(admin, 'utf8').trim() : undefined;
}

export async function openBackend(opts: BackendOptions): Promise<Backend> {
  if (opts.server) return httpBackend(opts.server, readerToken(opts));
  const url = runningCollector(opts.dataDir);
  if (url) return httpBackend(url, readerToken(opts));
  return localBackend(opts.dataDir);
}
