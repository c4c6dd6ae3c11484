/**
 * Times as stored: within [`limits.minTimestamp`, receive time + `limits.maxFutureSkewMs`]. A time
 * outside (a client clock years off, 0, a 64-bit overflow) is clamped and counted: an event's to its
 * observed time when that one is sane, else to the receive time. Durations are never negative: a
 * span or metric point that ends before it starts ends when it starts, counted.
 *
 * Only the stored times change: normalize keys a row by the times as sent, so a retried request that
 * is clamped again still maps to the same row.
 */
import type { InputLimits } from '../sanitize/input-limits.js';
import type { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { nanosToMicros } from './coerce.js';

export interface TimeBounds {
  /** The receive time, µs since the epoch. */
  nowUs: number;
  minUs: number;
  maxUs: number;
}

export function timeBounds(
  nowMs: number,
  limits: Pick<InputLimits, 'maxFutureSkewMs' | 'minTimestamp'>,
): TimeBounds {
  return {
    nowUs: nowMs * 1000,
    minUs: Date.parse(limits.minTimestamp) * 1000,
    maxUs: (nowMs + limits.maxFutureSkewMs) * 1000,
  };
}

export class TimeClamp {
  constructor(
    private readonly bounds: TimeBounds,
    private readonly tally: SanitizeTally,
  ) {}

  private sane(us: number): boolean {
    return us >= this.bounds.minUs && us <= this.bounds.maxUs;
  }

  /** Counts why `us` is not sane. */
  private count(us: number): void {
    this.tally.add(us > this.bounds.maxUs ? 'timestamp_in_future' : 'timestamp_too_old');
  }

  /** An event's time (ns, as sent) in µs; out of bounds: `fallbackNs` when sane, else the receive time. */
  at(ns: string, fallbackNs = '0'): number {
    return this.micros(nanosToMicros(ns), nanosToMicros(fallbackNs));
  }

  /** A time in µs, bounded like `at`. */
  micros(us: number, fallbackUs = 0): number {
    if (this.sane(us)) return us;
    this.count(us);
    return this.sane(fallbackUs) ? fallbackUs : this.bounds.nowUs;
  }

  /** A span's start and end in µs: an insane one takes the other's time, both insane the receive time. */
  span(startNs: string, endNs: string): { start: number; end: number } {
    let start = nanosToMicros(startNs);
    let end = nanosToMicros(endNs);
    const startOk = this.sane(start);
    const endOk = this.sane(end);
    if (!startOk) this.count(start);
    if (!endOk) this.count(end);
    if (!startOk) start = endOk ? end : this.bounds.nowUs;
    if (!endOk) end = start;
    if (end < start) {
      this.tally.add('negative_duration');
      end = start;
    }
    return { start, end };
  }

  /** A metric point's start (null when unset: '0') and time in µs. */
  point(startNs: string, timeNs: string): { start: number | null; ts: number } {
    const ts = this.at(timeNs);
    if (startNs === '0') return { start: null, ts };
    const start = nanosToMicros(startNs);
    if (!this.sane(start)) {
      this.count(start);
      return { start: null, ts };
    }
    if (ts < start) {
      this.tally.add('negative_duration');
      return { start: ts, ts };
    }
    return { start, ts };
  }

  /** A duration in ms, 0 when negative (counted). */
  duration(ms: number | null): number | null {
    if (ms === null || ms >= 0) return ms;
    this.tally.add('negative_duration');
    return 0;
  }
}

/** What normalize needs beyond the batch: the time bounds of this request and the tally. */
export interface NormalizeContext {
  times: TimeClamp;
  tally: SanitizeTally;
}

export function normalizeContext(nowMs: number, limits: InputLimits, tally: SanitizeTally): NormalizeContext {
  return { times: new TimeClamp(timeBounds(nowMs, limits), tally), tally };
}
