/**
 * The store contract. A store writes row batches idempotently (a row whose key is already stored is
 * a duplicate and is skipped) and answers SQL written against its dialect. DuckDB is the embedded
 * default; ClickHouse implements the same contract. Retention and export are an optional capability
 * (`retention`, store-retention.ts).
 */
import type { RowBatch, SessionContextRow, ToolOutcomeRow } from '../model/records.js';
import type { Dialect } from './dialect.js';
import type { StoreRetention } from './store-retention.js';

export interface WriteCounts {
  inserted: number;
  duplicates: number;
}

export interface WriteResult {
  events: WriteCounts;
  spans: WriteCounts;
  metrics: WriteCounts;
}

export type CellValue = string | number | boolean | null;

export interface QueryResult {
  columns: string[];
  rows: CellValue[][];
}

export interface QueryOptions {
  /** Refuse anything but a read-only statement. */
  readOnly?: boolean;
  /** At most this many rows are returned (the rest are not read). */
  maxRows?: number;
  /** Stop the query after this long (a QueryError saying so). */
  timeoutMs?: number;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
}

/** The store's server cannot be reached (ClickHouse down): the query may work later (HTTP 503). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

export interface Store {
  readonly dialect: Dialect;
  /** Retention and export (store-retention.ts); a store without it has neither. */
  readonly retention?: StoreRetention;
  start(): Promise<void>;
  write(batch: RowBatch): Promise<WriteResult>;
  /**
   * Stores session contexts (idempotent by key) and applies them to the events of their sessions:
   * each event gets the context in force at its timestamp (the first one for events before it).
   */
  writeContexts(rows: SessionContextRow[]): Promise<void>;
  /** Stores what the tool hooks reported (idempotent by key). */
  writeToolOutcomes(rows: ToolOutcomeRow[]): Promise<void>;
  query(sql: string, params?: CellValue[], opts?: QueryOptions): Promise<QueryResult>;
  close(): Promise<void>;
}
