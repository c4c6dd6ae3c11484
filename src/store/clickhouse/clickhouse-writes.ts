/**
 * The ClickHouse store's writes. A batch's keys already stored are looked up first (within the
 * batch's time range, by the `key` skip index), so a replay or a client's retry counts duplicates and
 * sends nothing again; the new rows go in one large INSERT per table (JSONEachRow, gzip). Session
 * contexts are applied by writing the session's events again (clickhouse-context.ts).
 */
import type {
  EventRow,
  MetricPointRow,
  RowBatch,
  SessionContextRow,
  SpanRow,
  ToolOutcomeRow,
} from '../../model/records.js';
import { TABLES, type Columns } from '../schema.js';
import type { WriteCounts, WriteResult } from '../store.js';
import type { ChClient, Settings } from './clickhouse-client.js';
import { applyContextSql } from './clickhouse-context.js';
import { timeColumn, type TableName } from './clickhouse-schema.js';
import { timeText, toJsonRow } from './clickhouse-values.js';

export interface WriteTarget {
  ch: ChClient;
  /** Settings of reads (FINAL, …), for the context rewrite's SELECT. */
  read: Settings;
  insert: Settings;
}

/** Keys per duplicate lookup: the list stays under ClickHouse's 128 KiB per form field. */
const KEYS_PER_LOOKUP = 1500;

interface TableWrite<Row> {
  table: TableName;
  columns: Columns<Row>;
  /** A row's value of the table's time column (its partition key). */
  time(row: Row): number;
}

const EVENTS: TableWrite<EventRow> = {
  table: 'events',
  columns: TABLES.events,
  time: (r) => r.ts,
};
const SPANS: TableWrite<SpanRow> = {
  table: 'spans',
  columns: TABLES.spans,
  time: (r) => r.start_ts,
};
const METRICS: TableWrite<MetricPointRow> = {
  table: 'metric_points',
  columns: TABLES.metric_points,
  time: (r) => r.ts,
};

export async function writeBatch(t: WriteTarget, batch: RowBatch): Promise<WriteResult> {
  const result: WriteResult = {
    events: await writeTable(t, EVENTS, batch.events),
    spans: await writeTable(t, SPANS, batch.spans),
    metrics: await writeTable(t, METRICS, batch.metrics),
  };
  if (result.events.inserted > 0) await applyContexts(t, batch.events, true);
  // Marked even when nothing was new: a replay of a batch whose first attempt stored its events and
  // then failed must still mark them (ClickHouse has no transaction around the two).
  if (batch.events.length > 0) await markSessions(t, batch.events);
  return result;
}

/**
 * Records that these sessions' events changed (session_changes), after the events are stored: a
 * signal refresh that started before this time recomputes them (src/analysis/signals/signal-table.ts).
 */
export async function markSessions(
  t: WriteTarget,
  events: readonly { session_id: string | null }[],
): Promise<void> {
  const sessions = new Set(events.map((e) => e.session_id).filter((s): s is string => s !== null));
  if (sessions.size === 0) return;
  const changed_at = Date.now();
  await t.ch.insert(
    'session_changes',
    [...sessions].map((session_id) => ({ session_id, changed_at })),
    t.insert,
  );
}

async function writeTable<Row extends { key: string }>(
  t: WriteTarget,
  w: TableWrite<Row>,
  rows: readonly Row[],
): Promise<WriteCounts> {
  if (rows.length === 0) return { inserted: 0, duplicates: 0 };
  const unique = [...new Map(rows.map((r) => [r.key, r])).values()];
  const stored = await storedKeys(t, w, unique);
  const fresh = unique.filter((r) => !stored.has(r.key));
  await t.ch.insert(
    w.table,
    fresh.map((r) => toJsonRow(w.columns, r)),
    t.insert,
  );
  return { inserted: fresh.length, duplicates: rows.length - fresh.length };
}

/** The keys of `rows` already stored, looked up within the rows' time range (partition pruning). */
async function storedKeys<Row extends { key: string }>(
  t: WriteTarget,
  w: TableWrite<Row>,
  rows: Row[],
): Promise<Set<string>> {
  const stored = new Set<string>();
  const time = timeColumn(w.table);
  for (let i = 0; i < rows.length; i += KEYS_PER_LOOKUP) {
    const chunk = rows.slice(i, i + KEYS_PER_LOOKUP);
    const times = chunk.map(w.time);
    const r = await t.ch.select({
      query: `SELECT DISTINCT key FROM ${w.table}
        WHERE ${time} >= toDateTime64({from:String}, 6, 'UTC')
          AND ${time} <= toDateTime64({to:String}, 6, 'UTC') AND key IN {keys:Array(String)}`,
      params: {
        from: timeText(Math.min(...times)),
        to: timeText(Math.max(...times)),
        keys: chunk.map((x) => x.key),
      },
      // A lookup, not a read of rows: any copy of a key means it is stored.
      settings: { final: 0 },
    });
    for (const [key] of r.data as [string][]) stored.add(key);
  }
  return stored;
}

/** Applies the stored contexts to the events of `events`' sessions that have any (within their time when `window`). */
async function applyContexts(
  t: WriteTarget,
  events: readonly { session_id: string | null; ts: number }[],
  window: boolean,
): Promise<void> {
  const sessions = [...new Set(events.map((e) => e.session_id).filter((s): s is string => s !== null))];
  if (sessions.length === 0) return;
  const known = await t.ch.select({
    query: 'SELECT DISTINCT session_id FROM session_context WHERE has({sessions:Array(String)}, session_id)',
    params: { sessions },
    settings: { final: 0 },
  });
  const withContext = new Set((known.data as [string][]).map(([s]) => s));
  if (withContext.size === 0) return;
  const times = events.filter((e) => e.session_id !== null && withContext.has(e.session_id)).map((e) => e.ts);
  await t.ch.run({
    query: applyContextSql(window),
    params: {
      sessions: [...withContext],
      ...(window ? { from: timeText(Math.min(...times)), to: timeText(Math.max(...times)) } : {}),
    },
    settings: { ...t.read, ...t.insert, insert_allow_materialized_columns: 1 },
  });
}

export async function writeToolOutcomeRows(t: WriteTarget, rows: ToolOutcomeRow[]): Promise<void> {
  if (rows.length === 0) return;
  await t.ch.insert(
    'tool_outcomes',
    rows.map((r) => ({ ...r, ts: timeText(r.ts) })),
    t.insert,
  );
  // The signals read commands from here: these sessions' stored signals are stale.
  await markSessions(t, rows);
}

export async function writeContextRows(t: WriteTarget, rows: SessionContextRow[]): Promise<void> {
  if (rows.length === 0) return;
  await t.ch.insert(
    'session_context',
    rows.map((r) => ({ ...r, ts: timeText(r.ts) })),
    t.insert,
  );
  await applyContexts(
    t,
    rows.map((r) => ({ session_id: r.session_id, ts: r.ts })),
    false,
  );
  await markSessions(t, rows);
}
