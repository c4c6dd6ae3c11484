/**
 * What the analysis and session-page benchmarks share: `--name N` flags, a tagged log on stderr, and
 * a DuckDB file with the project's schema holding the query benchmark's generated events (ending
 * 2026-11-28) plus each benchmark's own rows.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckdbStore } from '../src/store/duckdb/duckdb-store.js';
import { DUCKDB, generateSql } from './query-bench-data.js';
import { nowMs, round } from './stats.js';

/** The number after `--name` on the command line, else `def`. */
export function benchArg(name: string, def: number): number {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
}

export const benchLog =
  (tag: string) =>
  (msg: string): void => {
    process.stderr.write(`[${tag}] ${msg}\n`);
  };

/** Creates `file` with the schema, `events` generated events and the statements of `extra`. */
export async function buildBenchDuckdb(
  file: string,
  events: number,
  extra: readonly string[],
  log: (msg: string) => void,
): Promise<void> {
  const store = new DuckdbStore({ file });
  await store.start();
  await store.close();
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  const t0 = nowMs();
  await conn.run(generateSql(DUCKDB, events, new Date('2026-11-28T00:00:00Z')));
  for (const sql of extra) await conn.run(sql);
  await conn.run('CHECKPOINT');
  log(`generated ${events.toLocaleString('en-US')} events in ${round((nowMs() - t0) / 1000, 1)} s`);
  conn.closeSync();
  db.closeSync();
}
