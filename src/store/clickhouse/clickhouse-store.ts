/**
 * The ClickHouse store, through `@clickhouse/client` (HTTP). Several collectors may write to one
 * database at once.
 *
 * Writes: a batch's keys already stored are looked up first (so a replay or a client's retry counts
 * duplicates and sends nothing again), then the new rows go in one large INSERT per table
 * (JSONEachRow, gzip). Two collectors racing on the same new row may both insert it; the table is a
 * ReplacingMergeTree on the row's key and every read uses FINAL (the `final` setting), so no query
 * ever counts it twice. The write-ahead log retries a failed write, so while ClickHouse is down the
 * log grows and drains when it returns.
 *
 * Reads: one statement per request, parameters bound by ClickHouse (`{pN:Type}`), `readonly=2` for
 * read-only queries, `max_execution_time` for timeouts, `max_result_rows` for row limits.
 */
import type { RowBatch, SessionContextRow } from '../../model/records.js';
import type { Dialect } from '../dialect.js';
import { TABLES, type Columns } from '../schema.js';
import {
  QueryError,
  type CellValue,
  type QueryOptions,
  type QueryResult,
  type Store,
  type WriteCounts,
  type WriteResult,
} from '../store.js';
import {
  ClickhouseServerError,
  READONLY,
  TIMEOUT_EXCEEDED,
  connectClickhouse,
  type ChClient,
  type ChConnection,
  type Settings,
} from './clickhouse-client.js';
import { applyContextSql } from './clickhouse-context.js';
import { clickhouseDialect, paramName } from './clickhouse-dialect.js';
import { migrate } from './clickhouse-migrations.js';
import { createDatabaseDdl, timeColumn, type Layout, type TableName } from './clickhouse-schema.js';
import { timeText, toJsonRow, toQueryResult } from './clickhouse-values.js';

export interface ClickhouseStoreConfig {
  /** HTTP(S) URL of the server, e.g. http://host:8123. */
  url: string;
  database: string;
  user: string;
  password: string;
  /** Run DDL ON CLUSTER with Replicated tables behind Distributed ones. */
  cluster?: string;
  /** Let the server batch small inserts (async_insert, waiting for the flush before answering). */
  asyncInsert?: boolean;
  /** Longest one HTTP request may take. */
  requestTimeoutMs?: number;
  /** Replaces the HTTP client (tests). */
  connect?(c: ChConnection): Promise<ChClient>;
}

/** Every read: FINAL on every table (exact before merges), SQL-standard NULLs for outer joins. */
const READ: Settings = {
  final: 1,
  join_use_nulls: 1,
  // A key never spans two monthly partitions (its time is part of it): FINAL may merge per partition.
  do_not_merge_across_partitions_select_final: 1,
};
/** Keys per duplicate lookup: the list stays under ClickHouse's 128 KiB per form field. */
const KEYS_PER_LOOKUP = 1500;

export class ClickhouseStore implements Store {
  readonly dialect: Dialect = clickhouseDialect;
  private client: ChClient | null = null;
  private readonly layout: Layout;

  constructor(private readonly cfg: ClickhouseStoreConfig) {
    this.layout = { database: cfg.database, cluster: cfg.cluster };
  }

  private get read(): Settings {
    // On a cluster, joins and IN over Distributed tables read the right side once, on the initiator.
    return this.cfg.cluster ? { ...READ, distributed_product_mode: 'global' } : READ;
  }

  private get insertSettings(): Settings {
    return {
      ...(this.cfg.cluster ? { insert_distributed_sync: 1 } : {}),
      ...(this.cfg.asyncInsert ? { async_insert: 1, wait_for_async_insert: 1 } : {}),
    };
  }

  async start(): Promise<void> {
    const connect = this.cfg.connect ?? connectClickhouse;
    const conn: ChConnection = {
      url: this.cfg.url,
      user: this.cfg.user,
      password: this.cfg.password,
      requestTimeoutMs: this.cfg.requestTimeoutMs ?? 300_000,
    };
    const bootstrap = await connect(conn);
    try {
      await bootstrap.run({ query: createDatabaseDdl(this.layout) });
    } finally {
      await bootstrap.close();
    }
    this.client = await connect({ ...conn, database: this.cfg.database });
    await migrate(this.client, this.layout, this.read);
  }

  private get ch(): ChClient {
    if (!this.client) throw new Error('ClickHouse store is not started');
    return this.client;
  }

  async write(batch: RowBatch): Promise<WriteResult> {
    const result: WriteResult = {
      events: await this.writeTable('events', TABLES.events, batch.events),
      spans: await this.writeTable('spans', TABLES.spans, batch.spans),
      metrics: await this.writeTable('metric_points', TABLES.metric_points, batch.metrics),
    };
    if (result.events.inserted > 0) await this.applyContexts(batch.events, true);
    return result;
  }

  private async writeTable<Row extends { key: string }>(
    table: TableName,
    columns: Columns<Row>,
    rows: readonly Row[],
  ): Promise<WriteCounts> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const unique = [...new Map(rows.map((r) => [r.key, r])).values()];
    const stored = await this.storedKeys(table, unique);
    const fresh = unique.filter((r) => !stored.has(r.key));
    await this.ch.insert(
      table,
      fresh.map((r) => toJsonRow(columns, r)),
      this.insertSettings,
    );
    return { inserted: fresh.length, duplicates: rows.length - fresh.length };
  }

  /** The keys of `rows` already in `table`, looked up within the rows' time range (partition pruning). */
  private async storedKeys<Row extends { key: string }>(table: TableName, rows: Row[]): Promise<Set<string>> {
    const time = timeColumn(table);
    const stored = new Set<string>();
    for (let i = 0; i < rows.length; i += KEYS_PER_LOOKUP) {
      const chunk = rows.slice(i, i + KEYS_PER_LOOKUP);
      const times = chunk.map((r) => (r as unknown as Record<string, number>)[time] as number);
      const r = await this.ch.select({
        query: `SELECT DISTINCT key FROM ${table}
          WHERE ${time} >= toDateTime64({from:String}, 6, 'UTC') AND ${time} <= toDateTime64({to:String}, 6, 'UTC')
            AND key IN {keys:Array(String)}`,
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

  /** Applies the stored contexts to `events` of sessions that have any (within the events' time when `window`). */
  private async applyContexts(
    events: readonly { session_id: string | null; ts: number }[],
    window: boolean,
  ): Promise<void> {
    const sessions = [...new Set(events.map((e) => e.session_id).filter((s): s is string => s !== null))];
    if (sessions.length === 0) return;
    const known = await this.ch.select({
      query:
        'SELECT DISTINCT session_id FROM session_context WHERE has({sessions:Array(String)}, session_id)',
      params: { sessions },
      settings: { final: 0 },
    });
    const withContext = (known.data as [string][]).map(([s]) => s);
    if (withContext.length === 0) return;
    const times = events
      .filter((e) => e.session_id !== null && withContext.includes(e.session_id))
      .map((e) => e.ts);
    await this.ch.run({
      query: applyContextSql(window),
      params: {
        sessions: withContext,
        ...(window ? { from: timeText(Math.min(...times)), to: timeText(Math.max(...times)) } : {}),
      },
      settings: { ...this.read, ...this.insertSettings, insert_allow_materialized_columns: 1 },
    });
  }

  async writeContexts(rows: SessionContextRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ch.insert(
      'session_context',
      rows.map((r) => ({ ...r, ts: timeText(r.ts) })),
      this.insertSettings,
    );
    await this.applyContexts(
      rows.map((r) => ({ session_id: r.session_id, ts: r.ts })),
      false,
    );
  }

  async query(sql: string, params: CellValue[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    const settings: Settings = { ...this.read };
    if (opts.readOnly) settings.readonly = 2;
    if (opts.maxRows !== undefined) {
      settings.max_result_rows = opts.maxRows;
      settings.result_overflow_mode = 'break';
    }
    if (opts.timeoutMs !== undefined) settings.max_execution_time = opts.timeoutMs / 1000;
    const bound = Object.fromEntries(params.map((v, i) => [paramName(i + 1), v]));
    try {
      return toQueryResult(await this.ch.run({ query: sql, params: bound, settings }), opts.maxRows);
    } catch (err) {
      if (!(err instanceof ClickhouseServerError)) throw err;
      if (err.code === READONLY)
        throw new QueryError(
          `only read-only queries are allowed (SELECT, WITH … SELECT, EXPLAIN); ClickHouse refused: ${err.message}`,
        );
      if (err.code === TIMEOUT_EXCEEDED)
        throw new QueryError(
          `the query was stopped after ${opts.timeoutMs} ms (sql.timeoutMs); narrow it or raise the limit`,
        );
      throw new QueryError(err.message);
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.close();
  }
}
