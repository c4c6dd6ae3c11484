/**
 * Drains the write-ahead log into the store: reads durable records from the checkpoint on, writes
 * them in batches, and only then advances the checkpoint. The same loop replays the log at start.
 * While the store writes one batch, the next is read and decoded (the store's insert and commit run
 * on DuckDB's threads, so the two overlap). A failing store, or a record that cannot be decoded, is
 * retried with backoff and reported; records are never skipped.
 */
import type { RowBatch } from '../model/records.js';
import type { Store, WriteResult } from '../store/store.js';
import { decodeRows } from './wal-payload.js';
import type { WriteAheadLog } from './write-ahead-log.js';

export interface StoreWriterConfig {
  /** Read about this many log bytes per store write. */
  batchBytes: number;
  /** Wait this long after a store failure before trying again. */
  retryMs: number;
}

export interface StoreWriterHooks {
  onWritten?(result: WriteResult, records: number): void;
  onError?(err: Error): void;
}

interface Batch {
  rows: RowBatch;
  records: number;
  /** Log offset just past the batch's last record. */
  end: number;
}

export class StoreWriter {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lastError: Error | null = null;

  constructor(
    private readonly wal: WriteAheadLog,
    private readonly store: Store,
    private readonly cfg: StoreWriterConfig,
    private readonly hooks: StoreWriterHooks = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Bytes in the log not yet in the store. */
  lagBytes(): number {
    return this.wal.end() - this.wal.checkpoint();
  }

  healthy(): boolean {
    return this.lastError === null;
  }

  /** Resolves once everything durable now is in the store (or the writer stopped, or time ran out). */
  async drained(timeoutMs = Infinity): Promise<void> {
    const target = this.wal.end();
    const deadline = Date.now() + timeoutMs;
    while (this.running && this.wal.checkpoint() < target && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Drains what is durable (what is left after `timeoutMs` stays in the log for the next start), then stops. */
  async close(timeoutMs = 30_000): Promise<void> {
    if (!this.running) return;
    await this.drained(timeoutMs);
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Durable records from `from` on, about `batchBytes`, as rows; null when there are none yet. */
  private async readBatch(from: number): Promise<Batch | null> {
    const records = await this.wal.read(from, this.cfg.batchBytes);
    if (records.length === 0) return null;
    const rows: RowBatch = { events: [], spans: [], metrics: [] };
    for (const r of records) {
      const b = decodeRows(r.payload);
      for (const e of b.events) rows.events.push(e);
      for (const s of b.spans) rows.spans.push(s);
      for (const m of b.metrics) rows.metrics.push(m);
    }
    return { rows, records: records.length, end: (records.at(-1) as { end: number }).end };
  }

  private async run(): Promise<void> {
    /** The batch after the one being written, read meanwhile; valid only once that one is confirmed. */
    let ahead: Promise<Batch | null> | null = null;
    while (this.running) {
      const from = this.wal.checkpoint();
      if (ahead === null && this.wal.end() <= from) {
        await this.wal.waitBeyond(from, 200);
        continue;
      }
      try {
        const batch = await (ahead ?? this.readBatch(from));
        ahead = null;
        if (batch === null) {
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        if (this.wal.end() > batch.end) {
          ahead = this.readBatch(batch.end);
          ahead.catch(() => undefined); // dropped when the write fails; an error shows where it is used
        }
        const result = await this.store.write(batch.rows);
        this.hooks.onWritten?.(result, batch.records);
        await this.wal.confirm(batch.end);
        this.lastError = null;
      } catch (err) {
        ahead = null;
        this.lastError = err as Error;
        this.hooks.onError?.(err as Error);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.cfg.retryMs);
        });
        this.wake = null;
      }
    }
  }
}
