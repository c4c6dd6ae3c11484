/**
 * The relay's disk buffer: one write-ahead log per channel under `<dataDir>/buffer/<channel>` (the
 * three OTLP signals, and `hooks` for the hooks' posts), so each is forwarded in order without waiting
 * on the others, bounded as a whole. When a new batch would pass `buffer.maxBytes`, the oldest
 * batches (of any channel) are dropped first to make room, and
 * each drop is counted; a batch larger than the whole bound is refused (413). A failing or nearly full
 * disk refuses the batch (503, Claude Code retries), so nothing is acknowledged that is not on disk.
 */
import path from 'node:path';
import type { RelayConfig } from '../config/relay-config.js';
import { WriteAheadLog } from '../wal/write-ahead-log.js';
import type { Evictor } from './relay-forwarder.js';
import { CHANNELS, type Channel, type RelayStats } from './relay-stats.js';
import { SignalBuffer, type BufferedBatch } from './signal-buffer.js';

export const BUFFER_DIR = 'buffer';

export class RelayBuffer implements Evictor {
  readonly signals: Record<Channel, SignalBuffer>;
  private making: Promise<unknown> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly cfg: RelayConfig['buffer'],
    private readonly stats: RelayStats,
  ) {
    const open = (signal: Channel): SignalBuffer =>
      new SignalBuffer(
        signal,
        new WriteAheadLog({
          dir: path.join(dataDir, BUFFER_DIR, signal),
          segmentBytes: cfg.segmentBytes,
          // The bound is kept here, across signals; the log itself only refuses what can never fit.
          maxPendingBytes: cfg.maxBytes,
          minFreeBytes: cfg.minFreeBytes,
        }),
      );
    this.signals = {
      logs: open('logs'),
      metrics: open('metrics'),
      traces: open('traces'),
      hooks: open('hooks'),
    };
  }

  /** Opens the four logs; returns the bytes of torn tails cut off. */
  async start(): Promise<number> {
    let cut = 0;
    for (const s of CHANNELS) cut += await this.signals[s].start();
    return cut;
  }

  pendingBytes(): number {
    return CHANNELS.reduce((n, s) => n + this.signals[s].pendingBytes(), 0);
  }

  batches(): number {
    return CHANNELS.reduce((n, s) => n + this.signals[s].batches(), 0);
  }

  /** When the oldest buffered batch was acknowledged, or null when the buffer is empty. */
  oldest(): number | null {
    const heads = CHANNELS.map((s) => this.signals[s].head()?.appendedAt).filter((t) => t !== undefined);
    return heads.length ? Math.min(...heads) : null;
  }

  /** Appends one OTLP request (resolves once it is on disk), dropping the oldest batches to make room. */
  append(signal: Channel, request: Buffer, records: number): Promise<void> {
    const size = request.length + 24;
    // One at a time, so two requests never drop the same batch twice; the log counts a queued batch at once.
    const queued = this.making.then(async () => {
      await this.makeRoom(size);
      return { written: this.signals[signal].append(request, records) };
    });
    this.making = queued.catch(() => undefined);
    return queued.then(({ written }) => written);
  }

  async evict(buffer: SignalBuffer, batch: BufferedBatch, reason: string): Promise<void> {
    if (batch.evicted) return;
    batch.evicted = true;
    this.stats.dropped(buffer.signal, batch.records, reason);
    await buffer.remove(batch);
  }

  private async makeRoom(size: number): Promise<void> {
    if (size > this.cfg.maxBytes) return; // the log refuses it (413)
    while (this.pendingBytes() + size > this.cfg.maxBytes) {
      let oldest: SignalBuffer | null = null;
      for (const s of CHANNELS) {
        const head = this.signals[s].head();
        if (head && (!oldest || head.appendedAt < (oldest.head() as BufferedBatch).appendedAt))
          oldest = this.signals[s];
      }
      if (!oldest) return;
      await this.evict(
        oldest,
        oldest.head() as BufferedBatch,
        `buffer full (buffer.maxBytes ${this.cfg.maxBytes})`,
      );
    }
  }

  async close(): Promise<void> {
    await this.making;
    for (const s of CHANNELS) await this.signals[s].close();
  }
}
