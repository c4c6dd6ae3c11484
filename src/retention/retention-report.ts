/** What a retention run reports (also over HTTP and in the run log), and what status shows. */
import type { RetainedTable, StoreUsage, TableCounts } from '../store/store-retention.js';
import type { PlannedSlice, RetentionPlan, RetentionPolicy } from './retention-policy.js';

export interface SliceReport extends PlannedSlice {
  /** The Parquet file (dry run: the file it would be); null without an archive. */
  file: string | null;
  /** Archived and deleted (a dry run does neither). */
  done: boolean;
}

export interface RetentionRunReport {
  runId: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  plan: RetentionPlan;
  /** Rows whose content was cleared (dry run: would be). */
  contentCleared: TableCounts;
  slices: SliceReport[];
  /** Rows archived and deleted. */
  deleted: TableCounts;
  compacted: RetainedTable[];
  /** Rounds of archive, delete, compact, measure: another comes while still over the size limit. */
  rounds: number;
  /** Measured after the run; null for a dry run or a failed one. */
  bytesAfter: number | null;
  /** Over the size limit after the run (a dry run: estimated) with only the current month left. */
  overLimit: boolean;
  error: string | null;
}

export interface RetentionStatus {
  now: string;
  /** A run is in progress (what it will have done shows in lastRun once it ends). */
  running: boolean;
  policy: RetentionPolicy;
  archiveDir: string | null;
  /** Minutes between scheduled runs; null: no schedule here. */
  intervalMinutes: number | null;
  nextRunAt: string | null;
  usage: StoreUsage;
  lastRun: RetentionRunReport | null;
  /** What a run now would do. */
  wouldRun: RetentionRunReport;
}

export class RetentionRunError extends Error {
  override readonly name = 'RetentionRunError';
  constructor(
    message: string,
    readonly report: RetentionRunReport,
  ) {
    super(message);
  }
}
