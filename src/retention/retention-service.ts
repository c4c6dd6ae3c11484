/**
 * Retention runs over a store's StoreRetention: plan (retention-policy.ts), then clear old content,
 * archive and delete each slice oldest first (a slice that fails stops the run; what was done before
 * it stays done, what comes after is left for the next run), then compact and measure. The plan's
 * size is an estimate; when the measured size is still over the limit, another round drops the next
 * oldest months, until it is under or only the current month is left. Content is cleared before
 * archiving, so an archive never keeps content the content limit removed. Runs are one at a time; a
 * second run finds nothing left to do (idempotent). Every run that is not a dry run is appended to the
 * run log (one JSON line). In the collector it also runs on a schedule: `start()` / `close()`.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { zeroCounts, type StoreRetention } from '../store/store-retention.js';
import { planRetention, type RetentionPlan } from './retention-policy.js';
import {
  RetentionRunError,
  type RetentionRunReport,
  type RetentionStatus,
  type SliceReport,
} from './retention-report.js';
import type { RetentionSettings } from './retention-settings.js';

export interface RetentionHooks {
  /** After every run (also failed ones, also dry runs). */
  onReport?(report: RetentionRunReport): void;
  /** A scheduled run failed. */
  onError?(err: unknown): void;
}

/** A run stops after this many rounds even if still over the size limit (each one drops months). */
const MAX_ROUNDS = 24;

/** The first scheduled run comes this long after start (at most one interval). */
export const FIRST_RUN_DELAY_MS = 5 * 60_000;

const runIdAt = (t: Date): string =>
  `${t
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;

export class RetentionService {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private nextRunAt: Date | null = null;
  private closed = false;
  private running = false;

  constructor(
    private readonly store: StoreRetention,
    private readonly settings: RetentionSettings,
    private readonly hooks: RetentionHooks = {},
    private readonly firstRunDelayMs = FIRST_RUN_DELAY_MS,
  ) {}

  /** Schedules runs (when the settings have an interval). */
  start(): void {
    const interval = this.settings.intervalMs;
    if (interval !== null) this.schedule(Math.min(this.firstRunDelayMs, interval));
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.settings.intervalMs === null) return;
    const interval = this.settings.intervalMs;
    this.nextRunAt = new Date(Date.now() + delayMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextRunAt = null;
      this.run()
        .catch((err: unknown) => this.hooks.onError?.(err))
        .finally(() => this.schedule(interval));
    }, delayMs);
    this.timer.unref();
  }

  /** Sizes, schedule, last run and what a run now would do; it does not wait for a run in progress. */
  async status(now = new Date()): Promise<RetentionStatus> {
    const wouldRun = await this.runNow(true, now);
    const usage = await this.store.usage();
    return {
      now: now.toISOString(),
      running: this.running,
      policy: this.settings.policy,
      archiveDir: this.settings.archiveDir,
      intervalMinutes: this.settings.intervalMs === null ? null : this.settings.intervalMs / 60_000,
      nextRunAt: this.nextRunAt?.toISOString() ?? null,
      usage,
      lastRun: await this.lastRun(),
      wouldRun,
    };
  }

  /** One run (after any run in progress). A dry run changes nothing and reports what a run would do. */
  run(opts: { dryRun?: boolean; now?: Date } = {}): Promise<RetentionRunReport> {
    const next = this.queue.then(async () => {
      this.running = true;
      try {
        return await this.runNow(opts.dryRun ?? false, opts.now ?? new Date());
      } finally {
        this.running = false;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(dryRun: boolean, now: Date): Promise<RetentionRunReport> {
    const startedAt = new Date();
    const runId = runIdAt(startedAt);
    const policy = this.settings.policy;
    const plan = planRetention(await this.store.usage(), policy, now);
    const report: RetentionRunReport = {
      runId,
      dryRun,
      startedAt: startedAt.toISOString(),
      finishedAt: startedAt.toISOString(),
      plan,
      rounds: 0,
      contentCleared: zeroCounts(),
      slices: this.sliceReports(plan, runId, 1),
      deleted: zeroCounts(),
      compacted: [],
      bytesAfter: null,
      overLimit: plan.overLimit,
      error: null,
    };
    const content = plan.contentCutoff === null ? null : { until: new Date(plan.contentCutoff) };
    try {
      if (dryRun) {
        if (content) report.contentCleared = await this.store.countContent(content);
        return report;
      }
      if (content) report.contentCleared = await this.store.clearContent(content);
      let round = { plan, slices: report.slices };
      for (;;) {
        report.rounds++;
        await this.execute(round.plan, round.slices, report);
        const after = await this.store.usage();
        report.bytesAfter = after.usedBytes;
        report.overLimit = policy.maxBytes > 0 && after.usedBytes > policy.maxBytes;
        // Past the size limit still (the estimate was low): the next oldest months go, measured again.
        if (!report.overLimit || report.rounds >= MAX_ROUNDS) break;
        const next = planRetention(after, policy, now);
        if (next.slices.length === 0 && next.compact.length === 0) break;
        round = { plan: next, slices: this.sliceReports(next, runId, report.rounds + 1) };
        report.slices.push(...round.slices);
      }
      return report;
    } catch (err) {
      report.error = (err as Error).message;
      throw new RetentionRunError(report.error, report);
    } finally {
      report.finishedAt = new Date().toISOString();
      if (!dryRun) await this.log(report);
      this.hooks.onReport?.(report);
    }
  }

  /** The slices of a plan with their archive files (a later round of the same run gets its own name). */
  private sliceReports(plan: RetentionPlan, runId: string, round: number): SliceReport[] {
    const archive = this.settings.archiveDir;
    const name = round === 1 ? runId : `${runId}-${round}`;
    return plan.slices.map((s) => ({
      ...s,
      file: archive === null ? null : path.join(archive, s.table, s.month, `${name}.parquet`),
      done: false,
    }));
  }

  /** Archives and deletes each slice, oldest first, then compacts; a failed slice stops the run. */
  private async execute(
    plan: RetentionPlan,
    slices: SliceReport[],
    report: RetentionRunReport,
  ): Promise<void> {
    for (const slice of slices) {
      const range = { table: slice.table, from: new Date(slice.from), until: new Date(slice.until) };
      try {
        slice.rows = await this.store.archiveAndDelete(range, slice.file);
      } catch (err) {
        throw new Error(
          `archiving ${slice.table} ${slice.month} failed, so none of its rows were deleted: ${(err as Error).message}`,
          { cause: err },
        );
      }
      slice.done = true;
      report.deleted[slice.table] += slice.rows;
    }
    const changed =
      Object.values(report.contentCleared).some((n) => n > 0) || slices.length > 0 || plan.compact.length > 0;
    if (!changed) return;
    await this.store.compact(plan.compact);
    report.compacted = [...new Set([...report.compacted, ...plan.compact])];
  }

  private async log(report: RetentionRunReport): Promise<void> {
    await mkdir(path.dirname(this.settings.runLog), { recursive: true });
    await appendFile(this.settings.runLog, `${JSON.stringify(report)}\n`);
  }

  /** The last run in the run log. */
  async lastRun(): Promise<RetentionRunReport | null> {
    let text: string;
    try {
      text = await readFile(this.settings.runLog, 'utf8');
    } catch {
      return null;
    }
    const last = text.trimEnd().split('\n').pop();
    return last ? (JSON.parse(last) as RetentionRunReport) : null;
  }

  /** Stops the schedule and waits for a run in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextRunAt = null;
    await this.queue;
  }
}
