/**
 * The embedded DuckDB store: one file in the data directory. Writes go through one connection:
 * rows are appended to a staging table, then `INSERT OR IGNORE` into the table whose primary key is
 * the idempotency key, so duplicates are skipped and counted. Reads use a second connection (MVCC).
 * DuckDB allows one writing process per file: while the collector runs, other processes read through
 * its HTTP API; with `readOnly` the file is opened read-only (for `unsilo sql --data-dir`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  DuckDBInstance,
  DuckDBTimestampValue,
  StatementType,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { RowBatch } from '../../model/records.js';
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
import { duckdbDialect } from './duckdb-dialect.js';
import {
  columnList,
  duckdbDdl,
  duckdbMigrations,
  duckdbViews,
  stagingDdl,
  stagingName,
  type TableName,
} from './duckdb-schema.js';

export interface DuckdbStoreConfig {
  /** Path of the database file. */
  file: string;
  /** Open the file read-only (another process may be writing through the collector). */
  readOnly?: boolean;
}

const READERS = 2;
const READ_ONLY_TYPES = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

export class DuckdbStore implements Store {
  readonly dialect: Dialect = duckdbDialect;
  private instance: DuckDBInstance | null = null;
  private writer: DuckDBConnection | null = null;
  /** Read connections; one query at a time on each (a new query invalidates a connection's pending result). */
  private readers: { conn: DuckDBConnection; queue: Promise<unknown> }[] = [];
  private nextReader = 0;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly cfg: DuckdbStoreConfig) {}

  async start(): Promise<void> {
    if (!this.cfg.readOnly) await mkdir(path.dirname(this.cfg.file), { recursive: true });
    this.instance = await DuckDBInstance.create(
      this.cfg.file,
      this.cfg.readOnly ? { access_mode: 'READ_ONLY' } : {},
    );
    for (let i = 0; i < READERS; i++)
      this.readers.push({ conn: await this.instance.connect(), queue: Promise.resolve() });
    if (this.cfg.readOnly) return;
    this.writer = await this.instance.connect();
    for (const sql of duckdbDdl()) await this.writer.run(sql);
    const existing = new Map<string, Set<string>>();
    const cols = await this.writer.runAndReadAll(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'",
    );
    for (const [table, column] of cols.getRows() as [string, string][]) {
      existing.set(table, (existing.get(table) ?? new Set()).add(column));
    }
    for (const sql of [...duckdbMigrations(existing), ...duckdbViews(), ...stagingDdl()])
      await this.writer.run(sql);
  }

  write(batch: RowBatch): Promise<WriteResult> {
    const next = this.writing.then(() => this.writeNow(batch));
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeNow(batch: RowBatch): Promise<WriteResult> {
    const conn = this.writer;
    if (!conn) throw new Error('DuckDB store is not started for writing');
    await conn.run('BEGIN TRANSACTION');
    try {
      const result: WriteResult = {
        events: await this.writeTable(conn, 'events', TABLES.events, batch.events),
        spans: await this.writeTable(conn, 'spans', TABLES.spans, batch.spans),
        metrics: await this.writeTable(conn, 'metric_points', TABLES.metric_points, batch.metrics),
      };
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async writeTable<Row extends { key: string }>(
    conn: DuckDBConnection,
    table: TableName,
    columns: Columns<Row>,
    rows: readonly Row[],
  ): Promise<WriteCounts> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const stage = stagingName(table);
    await conn.run(`DELETE FROM ${stage}`);
    const appender = await conn.createAppender(stage, 'main', 'temp');
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.key)) continue;
      seen.add(row.key);
      appendRow(appender, columns, row);
    }
    appender.closeSync();
    const cols = columnList(table);
    const res = await conn.run(`INSERT OR IGNORE INTO ${table} (${cols}) SELECT ${cols} FROM ${stage}`);
    const inserted = res.rowsChanged;
    return { inserted, duplicates: rows.length - inserted };
  }

  query(sql: string, params: CellValue[] = [], opts: QueryOptions = {}): Promise<QueryResult> {
    const reader = this.readers[this.nextReader++ % Math.max(1, this.readers.length)];
    if (!reader) return Promise.reject(new Error('DuckDB store is not started'));
    const next = reader.queue.then(() => this.queryOn(reader.conn, sql, params, opts));
    reader.queue = next.catch(() => undefined);
    return next;
  }

  private async queryOn(
    conn: DuckDBConnection,
    sql: string,
    params: CellValue[],
    opts: QueryOptions,
  ): Promise<QueryResult> {
    let reader;
    try {
      const statements = await conn.extractStatements(sql);
      if (statements.count !== 1)
        throw new QueryError(`expected exactly one SQL statement, got ${statements.count}`);
      const prepared = await statements.prepare(0);
      if (opts.readOnly && !READ_ONLY_TYPES.has(prepared.statementType)) {
        throw new QueryError(
          `only read-only queries are allowed (SELECT, WITH … SELECT, EXPLAIN); this is a ${StatementType[prepared.statementType]} statement`,
        );
      }
      if (params.length > 0) prepared.bind(params);
      reader = await prepared.streamAndReadUntil(opts.maxRows ?? Number.MAX_SAFE_INTEGER);
    } catch (err) {
      if (err instanceof QueryError) throw err;
      throw new QueryError((err as Error).message);
    }
    const rows = reader.getRowsJS().map((r) => r.map(toCell));
    return {
      columns: reader.columnNames(),
      rows: opts.maxRows === undefined ? rows : rows.slice(0, opts.maxRows),
    };
  }

  async close(): Promise<void> {
    await this.writing;
    this.writer?.closeSync();
    await Promise.all(this.readers.map((r) => r.queue));
    for (const r of this.readers) r.conn.closeSync();
    this.readers = [];
    this.instance?.closeSync();
    this.writer = null;
    this.instance = null;
  }
}

function appendRow<Row>(appender: DuckDBAppender, columns: Columns<Row>, row: Row): void {
  for (const col of columns) {
    const v = row[col.name] as unknown;
    if (v === null || v === undefined) {
      appender.appendNull();
      continue;
    }
    switch (col.type) {
      case 'string':
      case 'json':
        appender.appendVarchar(v as string);
        break;
      case 'int':
        appender.appendBigInt(BigInt(v as number));
        break;
      case 'double':
        appender.appendDouble(v as number);
        break;
      case 'bool':
        appender.appendBoolean(v as boolean);
        break;
      case 'timestamp':
        appender.appendTimestamp(new DuckDBTimestampValue(BigInt(v as number)));
        break;
      default:
        col.type satisfies never;
    }
  }
  appender.endRow();
}

/** DuckDB JS values → plain cells: big integers become numbers when safe, times ISO strings. */
function toCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}
