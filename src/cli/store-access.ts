/**
 * How the CLI reaches the store: through a running collector's HTTP API (--server, or the collector
 * found in the data directory's collector.json), else by opening the DuckDB file read-only. DuckDB
 * allows one writing process per file, so while a collector runs the CLI must go through it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DB_FILE, DISCOVERY_FILE } from '../config/data-dir.js';
import { DuckdbStore } from '../store/duckdb/duckdb-store.js';
import type { CellValue, QueryResult } from '../store/store.js';
import { CliError } from './cli-error.js';

export interface StoreAccessOptions {
  server?: string;
  dataDir: string;
}

export interface SqlRunner {
  where: string;
  sql(sql: string, params?: CellValue[], maxRows?: number): Promise<QueryResult>;
  close(): Promise<void>;
}

function runningCollector(dataDir: string): string | null {
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

function httpRunner(server: string): SqlRunner {
  const base = server.replace(/\/+$/, '');
  return {
    where: base,
    async sql(sql, params = [], maxRows) {
      let res: Response;
      try {
        res = await fetch(`${base}/api/sql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sql, params, maxRows }),
        });
      } catch (err) {
        throw new CliError(
          `cannot reach the collector at ${base} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}); ` +
            'start it with `npx unsilo serve`, or pass --server URL / --data-dir DIR',
        );
      }
      const body = (await res.json().catch(() => ({}))) as QueryResult & { error?: string };
      if (!res.ok) throw new CliError(body.error ?? `the collector answered HTTP ${res.status}`);
      return body;
    },
    close: async () => undefined,
  };
}

async function fileRunner(dataDir: string): Promise<SqlRunner> {
  const file = path.join(dataDir, DB_FILE);
  if (!existsSync(file)) {
    throw new CliError(
      `no store at ${file} and no collector running for ${dataDir}; start one with \`npx unsilo serve\`, ` +
        'or pass --data-dir DIR (where the collector keeps its data) or --server URL',
    );
  }
  const store = new DuckdbStore({ file, readOnly: true });
  try {
    await store.start();
  } catch (err) {
    throw new CliError(
      `cannot open ${file}: ${(err as Error).message}\nIf a collector is using it, query through it: --server http://HOST:4318`,
    );
  }
  return {
    where: file,
    sql: (sql, params = [], maxRows) => store.query(sql, params, { readOnly: true, maxRows }),
    close: () => store.close(),
  };
}

export async function openSqlRunner(opts: StoreAccessOptions): Promise<SqlRunner> {
  if (opts.server) return httpRunner(opts.server);
  const url = runningCollector(opts.dataDir);
  if (url) return httpRunner(url);
  return fileRunner(opts.dataDir);
}
