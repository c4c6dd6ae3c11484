/**
 * Forwards one signal's buffer to the collector, oldest batch first, one at a time (so each signal
 * arrives in order). A batch leaves the buffer only after the collector acknowledged it (or refused it
 * for good, or a bound dropped it): at-least-once delivery of the same bytes, which the collector's
 * idempotent keys turn into exactly-once storage. Between failed sends it waits with exponential
 * backoff and jitter, or as long as `Retry-After` says (at most 5 minutes).
 */
import type { RelayConfig } from '../config/relay-config.js';
import type { BufferedBatch, SignalBuffer } from './signal-buffer.js';
import type { RelayStats } from './relay-stats.js';
import { sendBatch, type Upstream } from './upstream-client.js';

const MAX_RETRY_AFTER_MS = 5 * 60_000;
const IDLE_WAIT_MS = 1000;

/** What the forwarder needs from the buffer as a whole: dropping a batch counts it. */
export interface Evictor {
  evict(buffer: SignalBuffer, batch: BufferedBatch, reason: string): Promise<void>;
}

/** The wait after `failures` failed sends in a row: min·2ⁿ, capped, times a random 0.5–1. */
export function backoffMs(failures: number, min: number, max: number, random = Math.random()): number {
  const ceiling = Math.min(max, min * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random / 2));
}

export class RelayForwarder {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly buffer: SignalBuffer,
    private readonly evictor: Evictor,
    private readonly stats: RelayStats,
    private readonly upstream: Upstream,
    private readonly cfg: Pick<RelayConfig, 'forward' | 'buffer'>,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    const signal = this.buffer.signal;
    const maxAgeMs = this.cfg.buffer.maxAgeHours * 3_600_000;
    let failures = 0;
    while (this.running) {
      const batch = this.buffer.head();
      if (!batch) {
        await this.buffer.waitForData(IDLE_WAIT_MS);
        continue;
      }
      if (Date.now() - batch.appendedAt > maxAgeMs) {
        await this.evictor.evict(
          this.buffer,
          batch,
          `older than buffer.maxAgeHours (${this.cfg.buffer.maxAgeHours} h)`,
        );
        continue;
      }
      let request: Buffer;
      try {
        request = await this.buffer.request(batch);
      } catch (err) {
        if (this.buffer.head() === batch) {
          this.log(`cannot read a buffered ${signal} batch: ${(err as Error).message}`);
          await this.sleep(this.cfg.forward.minBackoffMs);
        }
        continue;
      }
      const outcome = await sendBatch(this.upstream, signal, request);
      if (outcome.kind === 'retry') {
        failures++;
        this.stats.down(outcome.reason);
        const wait =
          outcome.retryAfterMs !== null
            ? Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS)
            : backoffMs(failures, this.cfg.forward.minBackoffMs, this.cfg.forward.maxBackoffMs);
        if (failures === 1) this.log(`${signal}: ${outcome.reason}; buffering and retrying`);
        await this.sleep(wait);
        continue;
      }
      failures = 0;
      if (batch.evicted) this.stats.undropped(signal, batch.records);
      if (outcome.kind === 'ok') {
        this.stats.sent(signal, batch.records, outcome.rejected, outcome.message);
        if (!batch.evicted) await this.buffer.remove(batch);
      } else {
        this.stats.up();
        this.log(`${signal}: the collector refused a batch for good (${outcome.reason}); dropped`);
        batch.evicted = true;
        this.stats.dropped(signal, batch.records, outcome.reason);
        await this.buffer.remove(batch);
      }
    }
  }
}
