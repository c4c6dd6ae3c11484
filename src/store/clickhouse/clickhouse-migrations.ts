/**
 * Versioned migrations, safe to run from several collectors at once: ClickHouse has no DDL
 * transactions or locks, so every statement is idempotent (CREATE … IF NOT EXISTS, ADD COLUMN IF NOT
 * EXISTS, CREATE OR REPLACE VIEW) and a migration two collectors run together simply runs twice.
 * `schema_migrations` records what ran (one row per version; ReplacingMergeTree collapses doubles).
 * After the versioned steps, columns that schema.ts has and a table lacks are added, as on DuckDB.
 */
import { analysisDdl, reservationsDdl, sessionSignalsDdl } from './clickhouse-analysis-schema.js';
import type { ChClient } from './clickhouse-client.js';
import {
  addColumnsDdl,
  migrationLogDdl,
  supportDdl,
  telemetryDdl,
  toolOutcomesDdl,
  viewsDdl,
  type Layout,
} from './clickhouse-schema.js';

interface Migration {
  version: number;
  name: string;
  statements(l: Layout): string[];
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'events, spans, metric_points', statements: telemetryDdl },
  { version: 2, name: 'members, member_token_history, session_context', statements: supportDdl },
  { version: 3, name: 'metric_increments view', statements: viewsDdl },
  {
    version: 4,
    name: 'error analysis: review_queues, review_items, annotations, pattern_revisions, note_patterns, session_labels, changes, measurements',
    statements: analysisDdl,
  },
  {
    version: 5,
    name: 'review_reservations; note_patterns.source, .confirmed; pattern_revisions.detector',
    statements: reservationsDdl,
  },
  {
    version: 6,
    name: 'stored session signals: session_signals, session_changes',
    statements: sessionSignalsDdl,
  },
  { version: 7, name: 'tool_outcomes', statements: toolOutcomesDdl },
];

/** Applies what is missing; returns the versions it applied. */
export async function migrate(
  client: ChClient,
  l: Layout,
  settings: Record<string, string | number>,
): Promise<number[]> {
  const run = (query: string, params?: Record<string, unknown>): ReturnType<ChClient['run']> =>
    client.run({ query, params, settings });
  for (const sql of migrationLogDdl(l)) await run(sql);
  const done = await run('SELECT DISTINCT version FROM schema_migrations');
  const applied = new Set((done?.data ?? []).map((r) => Number(r[0])));
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    for (const sql of m.statements(l)) await run(sql);
    await run('INSERT INTO schema_migrations (version, name) SELECT {v:UInt32}, {n:String}', {
      v: m.version,
      n: m.name,
    });
    ran.push(m.version);
  }
  const cols = await run('SELECT table, name FROM system.columns WHERE database = {db:String}', {
    db: l.database,
  });
  const existing = new Map<string, Set<string>>();
  for (const [table, column] of (cols?.data ?? []) as [string, string][]) {
    existing.set(table, (existing.get(table) ?? new Set()).add(column));
  }
  for (const sql of addColumnsDdl(l, existing)) await run(sql);
  return ran;
}
