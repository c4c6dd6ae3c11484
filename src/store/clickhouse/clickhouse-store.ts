/**
 * The ClickHouse store, through `@clickhouse/client` (HTTP). Several collectors may write to one
 * database at once.
 *
 * Writes (clickhouse-writes.ts) look up stored keys, then insert the new rows in large INSERTs; two
 * collectors racing on the same new row may both insert it, and every read uses FINAL (the `final`
 * setting), so no query ever counts it twice. The write-ahead log retries a failed write, so while
 * ClickHouse is down the log grows and drains when it returns.
 *
 * Reads: one statement per request, parameters bound by ClickHouse (`{pN:Type}`), `readonly=2` for
 * read-only queries, `max_execution_time` for timeouts, `max_result_rows` for row limits. `query()`
 * also runs the error-analysis code's `INSERT … SELECT` (synchronous into Distributed tables).
 */
import type { RowBatch, SessionContextRow, ToolOutcomeRow } from '../../model/records.js';
import type { Dialect } from '../dialect.js';
import { forbiddenFunction } from './clickhouse-sql-guard.js';
import {
  QueryError,
  StoreUnavailableError,
  type CellValue,
  type QueryOptions,
  type QueryResult,
  type Store,
  type WriteResult,
} from '../store.js';
import {
  ClickhouseConnectionError,
  ClickhouseServerError,
  READONLY,
  TIMEOUT_EXCEEDED,
  connectClickhouse,
  type ChClient,
  type ChConnection,
  type Settings,
} from './clickhouse-client.js';
import { clickhouseDialect, paramName } from './clickhouse-dialect.js';
import { migrate } from './clickhouse-migrations.js';
import { ClickhouseRetention } from './clickhouse-retention.js';
import { createDatabaseDdl, type Layout } from './clickhouse-schema.js';
import { toQueryResult } from './clickhouse-values.js';
import { writeBatch, writeContextRows, writeToolOutcomeRows, type WriteTarget } from './clickhouse-writes.js';

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
  // The skip indexes (session_id, trace_id, key) index values every version of a row shares, so they
  // stay exact under FINAL (older servers turn them off with FINAL by default).
  use_skip_indexes_if_final: 1,
};

export class ClickhouseStore implements Store {
  readonly dialect: Dialect = clickhouseDialect;
  private client: ChClient | null = null;
  private readonly layout: Layout;
  readonly retention: ClickhouseRetention;

  constructor(private readonly cfg: ClickhouseStoreConfig) {
    this.layout = { database: cfg.database, cluster: cfg.cluster };
    this.retention = new ClickhouseRetention({
      ch: () => this.ch,
      layout: this.layout,
      read: this.read,
      insert: this.insertSettings,
    });
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

  write(batch: RowBatch): Promise<WriteResult> {
    return writeBatch(this.target, batch);
  }

  writeContexts(rows: SessionContextRow[]): Promise<void> {
    return writeContextRows(this.target, rows);
  }

  writeToolOutcomes(rows: ToolOutcomeRow[]): Promise<void> {
    return writeToolOutcomeRows(this.target, rows);
  }

  private get target(): WriteTarget {
    return { ch: this.ch, read: this.read, insert: this.insertSettings };
  }

  async query(sql: string, params: CellValue[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    const settings: Settings = { ...this.read };
    if (opts.readOnly) settings.readonly = 2;
    // The analysis tables are written through query() (INSERT … SELECT) and read back at once.
    else if (this.cfg.cluster) settings.insert_distributed_sync = 1;
    if (opts.maxRows !== undefined) {
      settings.max_result_rows = opts.maxRows;
      settings.result_overflow_mode = 'break';
    }
    if (opts.timeoutMs !== undefined) settings.max_execution_time = opts.timeoutMs / 1000;
    const bound = Object.fromEntries(params.map((v, i) => [paramName(i + 1), v]));
    try {
      if (opts.readOnly) {
        const ast = await this.ch.run({ query: `EXPLAIN AST ${sql}`, params: bound, settings });
        const fn = forbiddenFunction(toQueryResult(ast).rows.map((r) => String(r[0])));
        if (fn)
          throw new QueryError(
            `${fn}() reaches files, the network, other servers or programs: SQL here reads the store's own tables only`,
          );
      }
      return toQueryResult(await this.ch.run({ query: sql, params: bound, settings }), opts.maxRows);
    } catch (err) {
      if (err instanceof ClickhouseConnectionError)
        throw new StoreUnavailableError(
          `the store is unreachable: ${err.message}; try again once ClickHouse is back`,
        );
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
