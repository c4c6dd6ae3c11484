/**
 * Drains the write-ahead log into the store: reads durable records from the checkpoint on, writes
 * them in batches, and only then advances the checkpoint. The same loop replays the log at start.
 * A failing store is retried with backoff; records are never skipped.
 */
import type { RowBatch } from '../model/records.js';
import type { Store, WriteResult } from '../store/store.js';
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

export const encodeRows = (rows: RowBatch): Buffer => Buffer.from(JSON.stringify(rows));
const decodeRows = (payload: Buffer): RowBatch => JSON.parse(payload.toString('utf8')) as RowBatch;

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

  private async run(): Promise<void> {
    while (this.running) {
      const from = this.wal.checkpoint();
      if (this.wal.end() <= from) {
        await this.wal.waitBeyond(from, 200);
        continue;
      }
      const records = await this.wal.read(from, this.cfg.batchBytes);
      if (records.length === 0) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const rows: RowBatch = { events: [], spans: [], metrics: [] };
      for (const r of records) {
        const b = decodeRows(r.payload);
        for (const e of b.events) rows.events.push(e);
        for (const s of b.spans) rows.spans.push(s);
        for (const m of b.metrics) rows.metrics.push(m);
      }
      try {
        const result = await this.store.write(rows);
        this.hooks.onWritten?.(result, records.length);
        await this.wal.confirm((records.at(-1) as { end: number }).end);
        this.lastError = null;
      } catch (err) {
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
