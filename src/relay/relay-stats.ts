/**
 * What the relay counts, kept across restarts in `relay-state.json` (written at most twice a second
 * and at close; a kill -9 may lose the last half second of counts, never data): batches and records
 * sent, dropped (with the last drop's reason) and rejected by the collector one by one (OTLP partial
 * success), per channel (the OTLP signals and the hooks' posts); and, in memory, whether the collector answered and since when.
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { Signal } from '../model/otlp.js';

export const SIGNALS: readonly Signal[] = ['logs', 'metrics', 'traces'];
/** What the relay buffers and forwards: the three OTLP signals, and the hooks' posts (context, tool outcomes). */
export type Channel = Signal | 'hooks';
export const CHANNELS: readonly Channel[] = [...SIGNALS, 'hooks'];

export interface SignalCounts {
  sentBatches: number;
  sentRecords: number;
  droppedBatches: number;
  droppedRecords: number;
  /** Records the collector refused one by one (partial success); their batch counts as sent. */
  rejectedRecords: number;
}

export interface Incident {
  at: string;
  signal: Channel;
  reason: string;
}

export interface RelayCounts {
  signals: Record<Channel, SignalCounts>;
  lastDrop: Incident | null;
  lastRejection: Incident | null;
}

export interface UpstreamHealth {
  /** null until the first send. */
  reachable: boolean | null;
  /** Since when it is (un)reachable. */
  since: string | null;
  lastError: string | null;
  lastSentAt: string | null;
}

const zero = (): SignalCounts => ({
  sentBatches: 0,
  sentRecords: 0,
  droppedBatches: 0,
  droppedRecords: 0,
  rejectedRecords: 0,
});

export const emptyCounts = (): RelayCounts => ({
  signals: { logs: zero(), metrics: zero(), traces: zero(), hooks: zero() },
  lastDrop: null,
  lastRejection: null,
});

/** The counts in `file`, or zeros when it is missing or unreadable. */
export function readCounts(file: string): RelayCounts {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Partial<RelayCounts>;
    const base = emptyCounts();
    for (const s of CHANNELS) base.signals[s] = { ...zero(), ...c.signals?.[s] };
    return { ...base, lastDrop: c.lastDrop ?? null, lastRejection: c.lastRejection ?? null };
  } catch {
    return emptyCounts();
  }
}

const SAVE_DELAY_MS = 500;

export class RelayStats {
  readonly counts: RelayCounts;
  readonly health: UpstreamHealth = { reachable: null, since: null, lastError: null, lastSentAt: null };
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {
    this.counts = readCounts(file);
  }

  sent(signal: Channel, records: number, rejected: number, message: string): void {
    const c = this.counts.signals[signal];
    c.sentBatches++;
    c.sentRecords += records - rejected;
    if (rejected > 0) {
      c.rejectedRecords += rejected;
      this.counts.lastRejection = { at: new Date().toISOString(), signal, reason: message };
    }
    this.up();
    this.changed();
  }

  dropped(signal: Channel, records: number, reason: string): void {
    const c = this.counts.signals[signal];
    c.droppedBatches++;
    c.droppedRecords += records;
    this.counts.lastDrop = { at: new Date().toISOString(), signal, reason };
    this.changed();
  }

  /** A batch counted as dropped was delivered after all (it was in flight when a bound dropped it). */
  undropped(signal: Channel, records: number): void {
    const c = this.counts.signals[signal];
    c.droppedBatches--;
    c.droppedRecords -= records;
    this.changed();
  }

  up(): void {
    const now = new Date().toISOString();
    if (this.health.reachable !== true) Object.assign(this.health, { reachable: true, since: now });
    this.health.lastError = null;
    this.health.lastSentAt = now;
  }

  down(reason: string): void {
    if (this.health.reachable !== false) {
      Object.assign(this.health, { reachable: false, since: new Date().toISOString() });
    }
    this.health.lastError = reason;
  }

  private changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.save();
    }, SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes the counts now (whole, then renamed). */
  save(): Promise<void> {
    const text = `${JSON.stringify(this.counts, null, 2)}\n`;
    this.saving = this.saving.then(async () => {
      try {
        await writeFile(`${this.file}.tmp`, text);
        await rename(`${this.file}.tmp`, this.file);
      } catch {
        // Counts are a report, not data: the next change writes them again.
      }
    });
    return this.saving;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.save();
  }
}
