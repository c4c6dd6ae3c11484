/**
 * Table design for ClickHouse, generated from store/schema.ts.
 *
 * - ReplacingMergeTree for telemetry and the roster: a row's sorting key ends with its idempotency
 *   key, so copies of a row written twice (two collectors racing, a replay) collapse in background
 *   merges, and reads see one row at once because the store reads with the `final` setting (FINAL on
 *   every table). The append-only error-analysis tables are plain MergeTree
 *   (clickhouse-analysis-schema.ts).
 * - Partitioned by month of the event time: retention drops whole partitions. A key never spans two
 *   partitions (the time is part of the row), so FINAL never has to merge across them.
 * - Sorted for the common filters: event name (nearly every template reads one), day, member, session.
 * - LowCardinality for short repeated strings, Delta+ZSTD for timestamps, ZSTD for JSON text.
 * - With a cluster: every table is `<name>_local` (Replicated*, DDL ON CLUSTER) behind a Distributed
 *   `<name>` sharded by a hash of its key, so copies of a row always meet on one shard.
 */
import { TABLES } from '../schema.js';
import { columnType, TABLE_NAMES, type TableName } from './clickhouse-types.js';

export { TABLE_NAMES, type TableName };

export interface Layout {
  database: string;
  /** The cluster for ON CLUSTER / Replicated / Distributed; none for a single server. */
  cluster?: string;
}

interface TableDesign {
  time: string;
  orderBy: string;
  indexes: string[];
}

const DESIGN: Record<TableName, TableDesign> = {
  events: {
    time: 'ts',
    orderBy: 'event_name, toDate(ts), member, session_id, key',
    indexes: ['session_id TYPE bloom_filter GRANULARITY 4', 'key TYPE bloom_filter GRANULARITY 4'],
  },
  spans: {
    time: 'start_ts',
    orderBy: 'toDate(start_ts), member, session_id, key',
    indexes: ['trace_id TYPE bloom_filter GRANULARITY 4', 'key TYPE bloom_filter GRANULARITY 4'],
  },
  metric_points: {
    time: 'ts',
    orderBy: 'name, toDate(ts), series_key, key',
    indexes: ['key TYPE bloom_filter GRANULARITY 4'],
  },
};

export const timeColumn = (table: TableName): string => DESIGN[table].time;

/** Where a table's rows live: the table itself, or `<name>_local` behind a Distributed table. */
export const storageName = (l: Layout, table: string): string => (l.cluster ? `${table}_local` : table);

export const onCluster = (l: Layout): string => (l.cluster ? ` ON CLUSTER \`${l.cluster}\`` : '');

/** ReplacingMergeTree (copies of a key collapse; the highest `version` wins) or plain MergeTree. */
export type Engine = { family: 'ReplacingMergeTree'; version?: string } | { family: 'MergeTree' };

/** The engine clause, replicated on a cluster. */
function engine(l: Layout, table: string, e: Engine): string {
  const ver = e.family === 'ReplacingMergeTree' && e.version ? [e.version] : [];
  if (!l.cluster) return `${e.family}(${ver.join(', ')})`;
  const path = `'/clickhouse/tables/{shard}/${l.database}/${table}_local'`;
  return `Replicated${e.family}(${[path, "'{replica}'", ...ver].join(', ')})`;
}

/**
 * One table: its storage (with `body` = columns, indexes) and, on a cluster, the Distributed table
 * in front of it, sharded by `shardBy`.
 */
export function tableDdl(
  l: Layout,
  table: string,
  body: string,
  tail: string,
  shardBy: string,
  e: Engine = { family: 'ReplacingMergeTree' },
): string[] {
  const db = `\`${l.database}\``;
  const local = `CREATE TABLE IF NOT EXISTS ${db}.${storageName(l, table)}${onCluster(l)} (${body})
    ENGINE = ${engine(l, table, e)} ${tail}`;
  if (!l.cluster) return [local];
  return [
    local,
    `CREATE TABLE IF NOT EXISTS ${db}.${table}${onCluster(l)} AS ${db}.${table}_local
    ENGINE = Distributed(\`${l.cluster}\`, ${db}, ${table}_local, ${shardBy})`,
  ];
}

/** The three telemetry tables. `_version` (hidden from SELECT *) orders rewrites of an event. */
export function telemetryDdl(l: Layout): string[] {
  return TABLE_NAMES.flatMap((table) => {
    const d = DESIGN[table];
    const cols = TABLES[table].map((c) => `\`${c.name}\` ${columnType(table, c.name, c.type)}`);
    const version = table === 'events' ? ['`_version` UInt64 MATERIALIZED 0'] : [];
    const indexes = d.indexes.map((ix, i) => `INDEX ix_${i} ${ix}`);
    const tail = `PARTITION BY toYYYYMM(${d.time}) ORDER BY (${d.orderBy})
    SETTINGS allow_nullable_key = 1`;
    const body = [...cols, ...version, ...indexes].join(',\n      ');
    const e: Engine = { family: 'ReplacingMergeTree', version: table === 'events' ? '_version' : undefined };
    return tableDdl(l, table, body, tail, 'cityHash64(key)', e);
  });
}

/** The roster, its retired token hashes, the session contexts and the migration log. */
export function supportDdl(l: Layout): string[] {
  const ts = "DateTime64(6, 'UTC')";
  return [
    ...tableDdl(
      l,
      'members',
      `name String, role LowCardinality(String), email Nullable(String), token_hash String,
      created_at ${ts}, rotated_at Nullable(${ts}), revoked_at Nullable(${ts}),
      _version ${ts} MATERIALIZED now64(6)`,
      'ORDER BY name',
      'cityHash64(name)',
      { family: 'ReplacingMergeTree', version: '_version' },
    ),
    ...tableDdl(
      l,
      'member_token_history',
      `token_hash String, retired_at ${ts}`,
      'ORDER BY (token_hash, retired_at)',
      'cityHash64(token_hash)',
    ),
    ...tableDdl(
      l,
      'session_context',
      `key String, session_id String, ts ${ts}, member Nullable(String), hook_event Nullable(String),
      cwd Nullable(String), branch Nullable(String), repo Nullable(String), \`commit\` Nullable(String),
      feature Nullable(String), chapter Nullable(String)`,
      'ORDER BY (session_id, ts, key)',
      'cityHash64(session_id)',
    ),
  ];
}

/** What the tool hooks report (POST /v1/tool-outcome), as on DuckDB; one row per key. */
export function toolOutcomesDdl(l: Layout): string[] {
  return tableDdl(
    l,
    'tool_outcomes',
    `key String, session_id String, tool_use_id String, prompt_id Nullable(String), ts ${"DateTime64(6, 'UTC')"},
    member Nullable(String), tool_name LowCardinality(String), command Nullable(String), exit_code Nullable(Int32),
    success Bool, validation_kind LowCardinality(Nullable(String))`,
    'ORDER BY (session_id, key)',
    'cityHash64(session_id)',
  );
}

export function migrationLogDdl(l: Layout): string[] {
  return tableDdl(
    l,
    'schema_migrations',
    `version UInt32, name String, applied_at ${"DateTime64(6, 'UTC')"} DEFAULT now64(6)`,
    'ORDER BY version',
    'version',
  );
}

/** Per-point increments of sums, as on DuckDB (see duckdb-schema.ts). */
export function viewsDdl(l: Layout): string[] {
  return [
    `CREATE OR REPLACE VIEW \`${l.database}\`.metric_increments${onCluster(l)} AS
    SELECT *, if(temporality = 'cumulative',
      value - coalesce(lagInFrame(value, 1) OVER (PARTITION BY series_key, start_ts ORDER BY ts
        ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), 0),
      value) AS increment
    FROM \`${l.database}\`.metric_points`,
  ];
}

/** ALTERs adding the columns of schema.ts that `existing` (table → column names) lacks. */
export function addColumnsDdl(l: Layout, existing: Map<string, Set<string>>): string[] {
  return TABLE_NAMES.flatMap((table) => {
    const missing = TABLES[table].filter((c) => !existing.get(storageName(l, table))?.has(c.name));
    if (missing.length === 0) return [];
    const adds = missing
      .map((c) => `ADD COLUMN IF NOT EXISTS \`${c.name}\` ${columnType(table, c.name, c.type)}`)
      .join(', ');
    const names = l.cluster ? [`${table}_local`, table] : [table];
    return names.map((n) => `ALTER TABLE \`${l.database}\`.${n}${onCluster(l)} ${adds}`);
  });
}

export const createDatabaseDdl = (l: Layout): string =>
  `CREATE DATABASE IF NOT EXISTS \`${l.database}\`${onCluster(l)}`;
