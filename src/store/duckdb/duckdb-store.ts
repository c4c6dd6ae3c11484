/**
 * The embedded DuckDB store: one file in the data directory. Writes go through one connection:
 * rows are appended to a staging table, then inserted into the table whose primary key is the
 * idempotency key. A plain INSERT first (half the cost of `INSERT OR IGNORE`, which checks every
 * row); when it fails, as a key already stored makes it (a client's retry, a replay), the whole
 * write is rolled back and done again with `INSERT OR IGNORE`, which skips and counts duplicates. Reads use a second connection (MVCC).
 * DuckDB allows one writing process per file: while the collector runs, other processes read through
 * its HTTP API; with `readOnly` the file is opened read-only (for `unsilo sql --data-dir`).
 *
 * Checkpoints: a checkpoint rewrites the primary-key index, so it costs a few hundred ms however few
 * rows it carries, and DuckDB's default (one every 16 MiB of its WAL) ran one about every second
 * write under load, doubling the cost of a row. Here DuckDB's own trigger is raised to 1 GB (a bound
 * under sustained load) and the store checkpoints when writes pause (`checkpointIdleMs`), once
 * `checkpointMaxAgeMs` has passed since the last one, and at close. Every commit is durable either way.
 * SQL reaches no file but the store's own and, for retention archives, `archiveDir` (duckdb-instance.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  DuckDBTimestampValue,
  type DuckDBInstance,
  StatementType,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { RowBatch, SessionContextRow, ToolOutcomeRow } from '../../model/records.js';
import { DEFAULT_VALIDATION_PATTERNS } from '../../pipeline/enrich/validation-patterns.js';
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
import { openDuckdb } from './duckdb-instance.js';
import { DuckdbRetention } from './duckdb-retention.js';
import { rekeySharedIds } from './duckdb-rekey.js';
import { ANALYSIS_DDL, markSessionsSql } from './duckdb-analysis-schema.js';
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
  /** Checkpoint once no write has come for this long (default 10 s). */
  checkpointIdleMs?: number;
  /** Checkpoint after a write when the last checkpoint is older than this (default 5 min). */
  checkpointMaxAgeMs?: number;
  /** The one directory SQL may write and read files in: the retention archive (absolute). */
  archiveDir?: string;
}

/** DuckDB's own checkpoint trigger (size of its WAL); see the header. */
export const WAL_AUTOCHECKPOINT = '1GB';
/** Appended rows between yields to the event loop, so acks are not held up by a large write. */
const ROWS_PER_SLICE = 1024;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A plain INSERT fails on a stored key; INSERT OR IGNORE skips it. */
type Insert = 'INSERT' | 'INSERT OR IGNORE';

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
  /** Whether any session context is stored (events are then matched against it as they are written). */
  private hasContexts = false;
  /** Rows committed since the last checkpoint. */
  private uncheckpointed = 0;
  private lastCheckpointAt = Date.now();
  private idleTimer: NodeJS.Timeout | null = null;
  readonly retention: DuckdbRetention;

  constructor(private readonly cfg: DuckdbStoreConfig) {
    this.retention = new DuckdbRetention({
      file: cfg.file,
      exclusive: (fn) =>
        this.serialized(() => {
          if (!this.writer) throw new Error('DuckDB store is not started for writing');
          return fn(this.writer);
        }),
      connect: () => {
        if (!this.instance) throw new Error('DuckDB store is not started');
        return this.instance.connect();
      },
      writable: () => this.writer !== null,
    });
  }

  async start(): Promise<void> {
    if (!this.cfg.readOnly) await mkdir(path.dirname(this.cfg.file), { recursive: true });
    this.instance = await openDuckdb(this.cfg.file, {
      readOnly: this.cfg.readOnly,
      walAutocheckpoint: WAL_AUTOCHECKPOINT,
      archiveDir: this.cfg.archiveDir,
    });
    for (let i = 0; i < READERS; i++)
      this.readers.push({ conn: await this.instance.connect(), queue: Promise.resolve() });
    if (this.cfg.readOnly) return;
    this.writer = await this.instance.connect();
    for (const sql of [...duckdbDdl(), ...ANALYSIS_DDL]) await this.writer.run(sql);
    const contexts = await this.writer.runAndReadAll('SELECT count(*) FROM session_context');
    this.hasContexts = Number(contexts.getRows()[0]?.[0] ?? 0) > 0;
    const existing = new Map<string, Set<string>>();
    const cols = await this.writer.runAndReadAll(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'",
    );
    for (const [table, column] of cols.getRows() as [string, string][]) {
      existing.set(table, (existing.get(table) ?? new Set()).add(column));
    }
    for (const sql of [...duckdbMigrations(existing), ...duckdbViews(), ...stagingDdl()])
      await this.writer.run(sql);
    await rekeySharedIds(this.writer);
    // Before 0.1's git_branch column the branch lived in `branch`: carry it over once.
    if (existing.get('events')?.has('branch') && !existing.get('events')?.has('git_branch')) {
      await this.writer.run('UPDATE events SET git_branch = branch');
    }
    // Rows written before validation_kind existed: classify them once, with the default patterns.
    if (existing.has('events') && !existing.get('events')?.has('validation_kind')) {
      const kinds = Object.entries(DEFAULT_VALIDATION_PATTERNS);
      const cases = kinds
        .map(([kind], i) => `WHEN regexp_matches(command, $${i + 1}) THEN '${kind}'`)
        .join(' ');
      await this.writer.run(
        `UPDATE events SET validation_kind = CASE ${cases} END WHERE event_name = 'tool_result' AND command IS NOT NULL`,
        kinds.map(([, pattern]) => pattern),
      );
    }
  }

  write(batch: RowBatch): Promise<WriteResult> {
    const next = this.serialized(() => this.writeNow(batch));
    void next.then(
      (r) => this.afterWrite(r),
      () => undefined,
    );
    return next;
  }

  /** Runs `fn` after every write and checkpoint queued before it (one writer connection). */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.writing.then(fn);
    this.writing = next.catch(() => undefined);
    return next;
  }

  private afterWrite(r: WriteResult): void {
    this.uncheckpointed += r.events.inserted + r.spans.inserted + r.metrics.inserted;
    if (this.uncheckpointed === 0) return;
    if (Date.now() - this.lastCheckpointAt >= (this.cfg.checkpointMaxAgeMs ?? 300_000)) {
      void this.checkpoint();
      return;
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.checkpoint(), this.cfg.checkpointIdleMs ?? 10_000);
    this.idleTimer.unref();
  }

  /** Writes what DuckDB holds in its WAL into the database file. A failure is left to the next try. */
  private checkpoint(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return this.serialized(async () => {
      const conn = this.writer;
      if (!conn || this.uncheckpointed === 0) return;
      const rows = this.uncheckpointed;
      try {
        await conn.run('CHECKPOINT');
        this.uncheckpointed -= rows;
        this.lastCheckpointAt = Date.now();
      } catch {
        // Another transaction may hold it off; the rows are committed, and the next trigger retries.
      }
    });
  }

  private async writeNow(batch: RowBatch): Promise<WriteResult> {
    try {
      return await this.transaction(batch, 'INSERT');
    } catch {
      // Most likely a key that is already stored: the safe path skips those (and fails as well when
      // the cause was something else, which then is reported).
      return await this.transaction(batch, 'INSERT OR IGNORE');
    }
  }

  private async transaction(batch: RowBatch, insert: Insert): Promise<WriteResult> {
    const conn = this.writer;
    if (!conn) throw new Error('DuckDB store is not started for writing');
    await conn.run('BEGIN TRANSACTION');
    try {
      const result: WriteResult = {
        events: await this.writeTable(conn, insert, 'events', TABLES.events, batch.events),
        spans: await this.writeTable(conn, insert, 'spans', TABLES.spans, batch.spans),
        metrics: await this.writeTable(conn, insert, 'metric_points', TABLES.metric_points, batch.metrics),
      };
      if (this.hasContexts && batch.events.length > 0) {
        await conn.run(applyContextSql(`SELECT key, session_id, ts FROM ${stagingName('events')}`));
      }
      if (result.events.inserted > 0) await conn.run(markSessionsSql(stagingName('events'), 1), [Date.now()]);
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async writeTable<Row extends { key: string }>(
    conn: DuckDBConnection,
    insert: Insert,
    table: TableName,
    columns: Columns<Row>,
    rows: readonly Row[],
  ): Promise<WriteCounts> {
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    const stage = stagingName(table);
    await conn.run(`DELETE FROM ${stage}`);
    const appender = await conn.createAppender(stage, 'main', 'temp');
    const seen = new Set<string>();
    let slice = 0;
    for (const row of rows) {
      if (seen.has(row.key)) continue;
      seen.add(row.key);
      appendRow(appender, columns, row);
      if (++slice === ROWS_PER_SLICE) {
        // The appender's calls are synchronous: let waiting requests run in between. (Not flushing
        // here: a flush per slice costs more than the one at close, ~10 ms per 10,000 rows.)
        await yieldToEventLoop();
        slice = 0;
      }
    }
    appender.closeSync();
    const cols = columnList(table);
    const res = await conn.run(`${insert} INTO ${table} (${cols}) SELECT ${cols} FROM ${stage}`);
    const inserted = res.rowsChanged;
    return { inserted, duplicates: rows.length - inserted };
  }

  writeToolOutcomes(rows: ToolOutcomeRow[]): Promise<void> {
    return this.inWriteTransaction(async (conn) => {
      for (const r of rows) {
        await conn.run(
          `INSERT OR IGNORE INTO tool_outcomes (key, session_id, tool_use_id, prompt_id, ts, member, tool_name,
             command, exit_code, success, validation_kind)
           VALUES ($1, $2, $3, $4, make_timestamp($5::BIGINT), $6, $7, $8, $9, $10, $11)`,
          [
            r.key,
            r.session_id,
            r.tool_use_id,
            r.prompt_id,
            r.ts,
            r.member,
            r.tool_name,
            r.command,
            r.exit_code,
            r.success,
            r.validation_kind,
          ],
        );
      }
      // The signals read commands from here: these sessions' stored signals are stale.
      await markSessionIds(
        conn,
        rows.map((r) => r.session_id),
      );
    });
  }

  writeContexts(rows: SessionContextRow[]): Promise<void> {
    return this.inWriteTransaction(async (conn) => {
      for (const r of rows) {
        await conn.run(
          `INSERT OR IGNORE INTO session_context (key, session_id, ts, member, hook_event, cwd, branch, repo, "commit", feature, chapter)
           VALUES ($1, $2, make_timestamp($3::BIGINT), $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            r.key,
            r.session_id,
            r.ts,
            r.member,
            r.hook_event,
            r.cwd,
            r.branch,
            r.repo,
            r.commit,
            r.feature,
            r.chapter,
          ],
        );
      }
      const sessions = [...new Set(rows.map((r) => r.session_id))];
      const list = sessions.map((_s, i) => `$${i + 1}`).join(', ');
      await conn.run(
        applyContextSql(`SELECT key, session_id, ts FROM events WHERE session_id IN (${list})`),
        sessions,
      );
      await markSessionIds(conn, sessions);
      this.hasContexts = true;
    });
  }

  /** Runs `f` on the writer inside one transaction, after the writes queued before it. */
  private inWriteTransaction(f: (conn: DuckDBConnection) => Promise<void>): Promise<void> {
    return this.serialized(async () => {
      const conn = this.writer;
      if (!conn) throw new Error('DuckDB store is not started for writing');
      await conn.run('BEGIN TRANSACTION');
      try {
        await f(conn);
        await conn.run('COMMIT');
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
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
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? null
        : setTimeout(() => {
            timedOut = true;
            conn.interrupt();
          }, opts.timeoutMs);
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
      if (timedOut)
        throw new QueryError(
          `the query was stopped after ${opts.timeoutMs} ms (sql.timeoutMs); narrow it or raise the limit`,
        );
      throw new QueryError((err as Error).message);
    } finally {
      if (timer) clearTimeout(timer);
    }
    const rows = reader.getRowsJS().map((r) => r.map(toCell));
    return {
      columns: reader.columnNames(),
      rows: opts.maxRows === undefined ? rows : rows.slice(0, opts.maxRows),
    };
  }

  async close(): Promise<void> {
    await this.writing;
    await this.checkpoint();
    this.writer?.closeSync();
    await Promise.all(this.readers.map((r) => r.queue));
    for (const r of this.readers) r.conn.closeSync();
    this.readers = [];
    this.instance?.closeSync();
    this.writer = null;
    this.instance = null;
  }
}

/** Appends one row, column by column in schema order (exported for the store benchmark). */
export function appendRow<Row>(appender: DuckDBAppender, columns: Columns<Row>, row: Row): void {
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
        // DuckDB widens an INTEGER to the BIGINT column; only larger values need a BigInt.
        if (((v as number) | 0) === v) appender.appendInteger(v as number);
        else appender.appendBigInt(BigInt(v as number));
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

/**
 * Gives the events selected by `targets` (key, session_id, ts) the session context in force at their
 * time (the latest context at or before it; for events before the first context, the first one).
 * An explicit feature / chapter attribute (OTEL_RESOURCE_ATTRIBUTES) still wins.
 */
function applyContextSql(targets: string): string {
  return `UPDATE events SET
    git_branch = coalesce(x.branch, events.git_branch),
    repo = coalesce(x.repo, events.repo),
    feature = coalesce(json_extract_string(events.attributes, '$.feature'), json_extract_string(events.resource, '$.feature'), x.feature, events.feature),
    chapter = coalesce(json_extract_string(events.attributes, '$.chapter'), json_extract_string(events.resource, '$.chapter'), x.chapter, events.chapter)
  FROM (
    SELECT t.key, coalesce(a.branch, f.branch) AS branch, coalesce(a.repo, f.repo) AS repo,
           coalesce(a.feature, f.feature) AS feature, coalesce(a.chapter, f.chapter) AS chapter
    FROM (${targets}) t
    JOIN (SELECT DISTINCT session_id FROM session_context) s ON s.session_id = t.session_id
    ASOF LEFT JOIN session_context a ON a.session_id = t.session_id AND t.ts >= a.ts
    LEFT JOIN (
      SELECT session_id, arg_min(branch, ts) AS branch, arg_min(repo, ts) AS repo,
             arg_min(feature, ts) AS feature, arg_min(chapter, ts) AS chapter
      FROM session_context GROUP BY session_id
    ) f ON f.session_id = t.session_id
  ) x
  WHERE events.key = x.key`;
}

/** Marks these sessions as changed now (session_changes), within the caller's transaction. */
async function markSessionIds(conn: DuckDBConnection, ids: readonly string[]): Promise<void> {
  const sessions = [...new Set(ids)];
  const list = sessions.map((_s, i) => `$${i + 1}`).join(', ');
  await conn.run(markSessionsSql(`(SELECT unnest([${list}]) AS session_id)`, sessions.length + 1), [
    ...sessions,
    Date.now(),
  ]);
}
