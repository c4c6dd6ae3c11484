/**
 * The retention and export capability of a store (`Store.retention`): how big it is, which days hold
 * rows, archive-then-delete of a time slice, clearing content, giving back the space of deleted rows,
 * and reading rows out as JSON lines. The policy (what goes when) is not here: src/retention/ decides
 * and calls these. A store without this capability has no retention and no export.
 */

/** The tables retention applies to (the roster, session context and run state are kept). */
export const RETAINED_TABLES = ['events', 'spans', 'metric_points'] as const;
export type RetainedTable = (typeof RETAINED_TABLES)[number];

/** The column whose time decides a row's age and its month in the archive. */
export const TIME_COLUMNS: Record<RetainedTable, string> = {
  events: 'ts',
  spans: 'start_ts',
  metric_points: 'ts',
};

/** `table`'s rows in `range` as an SQL condition, times written by the engine's `literal`. */
export function rangeCondition(table: RetainedTable, range: TimeRange, literal: (d: Date) => string): string {
  const col = TIME_COLUMNS[table];
  const parts = [
    ...(range.since ? [`${col} >= ${literal(range.since)}`] : []),
    ...(range.until ? [`${col} < ${literal(range.until)}`] : []),
  ];
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

export type TableCounts = Record<RetainedTable, number>;

export const zeroCounts = (): TableCounts => ({ events: 0, spans: 0, metric_points: 0 });

export interface TableUsage {
  table: RetainedTable;
  /** Rows a query sees. */
  rows: number;
  /** Rows the storage holds: deleted rows whose space is not given back yet count too (≥ rows). */
  storedRows: number;
  /** Estimated bytes: the table's share of `StoreUsage.usedBytes`. */
  bytes: number;
  /** Time of the oldest and newest row (ISO), null when empty. */
  oldest: string | null;
  newest: string | null;
}

/** Rows of one table on one UTC day. */
export interface DayCount {
  table: RetainedTable;
  /** YYYY-MM-DD (UTC). */
  day: string;
  rows: number;
}

export interface StoreUsage {
  /** Bytes the store occupies, as the size limit counts them (how: `measure`). */
  usedBytes: number;
  /** Bytes of the store's files on disk (can be more than usedBytes: free space inside the file). */
  fileBytes: number;
  /** How usedBytes and the table bytes are measured, for people. */
  measure: string;
  tables: TableUsage[];
  days: DayCount[];
}

/** Rows with `since` ≤ time < `until` (an open end when absent). */
export interface TimeRange {
  since?: Date;
  until?: Date;
}

/** Rows of one table with from ≤ time < until. */
export interface TimeSlice {
  table: RetainedTable;
  from: Date;
  until: Date;
}

export interface StoreRetention {
  usage(): Promise<StoreUsage>;
  /** Rows in `range` that still hold content (src/store/content-fields.ts), per table. */
  countContent(range: TimeRange): Promise<TableCounts>;
  /** Clears the content of the rows in `range`; the rows and their numbers stay. Returns rows changed. */
  clearContent(range: TimeRange): Promise<TableCounts>;
  /**
   * Writes the rows of `slice` to the Parquet file `file` (none when null), then deletes exactly those
   * rows: both or neither. When the file cannot be written, or a row count differs, nothing is deleted
   * and no file is left. An existing file is never overwritten. Returns the rows archived and deleted.
   */
  archiveAndDelete(slice: TimeSlice, file: string | null): Promise<number>;
  /**
   * Ends a run that changed rows: gives back the space of deleted rows in `tables` (possibly none) and
   * makes the changes durable in the store's own files (DuckDB: rebuild, then CHECKPOINT).
   */
  compact(tables: readonly RetainedTable[]): Promise<void>;
  /**
   * The rows of `table` in `range`, oldest first, as JSON lines: one object per row with the schema's
   * columns (src/store/schema.ts), times as UTC text `YYYY-MM-DD HH:MM:SS.ffffff`, JSON columns nested.
   * Each chunk holds whole lines.
   */
  exportRows(table: RetainedTable, range: TimeRange): AsyncIterable<string>;
}
