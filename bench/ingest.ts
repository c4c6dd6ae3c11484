/**
 * Load against a running collector over loopback: OTLP/HTTP POST /v1/logs, application/x-protobuf,
 * one unique 200-event batch per request, through an undici Pool (keep-alive connections).
 *
 * - closedLoop: N clients, each sends its next request as soon as the previous one is answered.
 * - openLoop: requests start on a fixed schedule whether or not earlier ones were answered (no
 *   coordinated omission); latency is reported from the send and from the scheduled start.
 *
 * A request is acked when the collector answers 200, which it does only after the batch is fsynced
 * in the write-ahead log (durable ack). 429/503 (backpressure) are counted and the client backs off
 * 50 ms; other failures are counted as errors.
 */
import { Pool } from 'undici';
import type { PayloadFactory } from './payloads.js';
import { nowMs, sleep, summarize, type LatencySummary } from './stats.js';

export interface LoadResult {
  seconds: number;
  requests: number;
  ackedRequests: number;
  ackedEvents: number;
  ackedEventsPerSec: number;
  latencyMs: LatencySummary;
  /** Responses by HTTP status ("200", "429", …) or "network". */
  statuses: Record<string, number>;
  backpressure: number;
  errors: number;
  firstError: string;
}

const HEADERS = { 'content-type': 'application/x-protobuf' };
const BACKOFF_MS = 50;

class Tally {
  requests = 0;
  ackedRequests = 0;
  ackedEvents = 0;
  latencies: number[] = [];
  statuses: Record<string, number> = {};
  firstError = '';

  record(status: string, events: number, latencyMs: number, error = ''): void {
    this.requests++;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    if (status === '200') {
      this.ackedRequests++;
      this.ackedEvents += events;
      this.latencies.push(latencyMs);
    } else if (this.firstError === '' && status !== '429' && status !== '503') {
      this.firstError = `${status}: ${error}`.slice(0, 300);
    }
  }

  result(seconds: number): LoadResult {
    const backpressure = (this.statuses['429'] ?? 0) + (this.statuses['503'] ?? 0);
    return {
      seconds,
      requests: this.requests,
      ackedRequests: this.ackedRequests,
      ackedEvents: this.ackedEvents,
      ackedEventsPerSec: Math.round(this.ackedEvents / seconds),
      latencyMs: summarize(this.latencies),
      statuses: this.statuses,
      backpressure,
      errors: this.requests - this.ackedRequests - backpressure,
      firstError: this.firstError,
    };
  }
}

/** One POST; returns the status ("network" on a connection failure) and the reply text when not 200. */
async function post(pool: Pool, body: Buffer): Promise<{ status: string; error: string }> {
  try {
    const res = await pool.request({ path: '/v1/logs', method: 'POST', headers: HEADERS, body });
    if (res.statusCode === 200) {
      await res.body.dump();
      return { status: '200', error: '' };
    }
    const text = Buffer.from(await res.body.arrayBuffer()).toString('latin1');
    return { status: String(res.statusCode), error: text };
  } catch (err) {
    return { status: 'network', error: (err as Error).message };
  }
}

export function newPool(url: string, connections: number): Pool {
  return new Pool(url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    bodyTimeout: 30_000,
    headersTimeout: 30_000,
  });
}

/** `clients` concurrent senders, each as fast as the collector acks, for `durationMs`. */
export async function closedLoop(
  pool: Pool,
  factory: PayloadFactory,
  opts: { clients: number; durationMs: number },
): Promise<LoadResult> {
  const tally = new Tally();
  const start = nowMs();
  const end = start + opts.durationMs;
  const client = async (): Promise<void> => {
    while (nowMs() < end) {
      const { body, events } = factory.next();
      const t = nowMs();
      const { status, error } = await post(pool, body);
      tally.record(status, events, nowMs() - t, error);
      if (status !== '200') await sleep(BACKOFF_MS);
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, client));
  return tally.result((nowMs() - start) / 1000);
}

export interface OpenLoopResult extends LoadResult {
  scheduled: number;
  /** How late the sender started a request at worst (its own event loop, or a starved core). */
  maxLagMs: number;
  /** Ack latency counted from the scheduled start, so sender lateness is included (latencyMs is from the send). */
  latencyFromScheduleMs: LatencySummary;
}

/**
 * `requestsPerSec` requests started on a fixed schedule for `durationMs`, however slow the answers
 * (at most `maxInFlight` outstanding; beyond that a scheduled request is counted as "skipped").
 */
export async function openLoop(
  pool: Pool,
  factory: PayloadFactory,
  opts: { requestsPerSec: number; durationMs: number; maxInFlight?: number },
): Promise<OpenLoopResult> {
  const tally = new Tally();
  const interval = 1000 / opts.requestsPerSec;
  const total = Math.floor(opts.durationMs / interval);
  const maxInFlight = opts.maxInFlight ?? 1000;
  const inFlight = new Set<Promise<void>>();
  const fromSchedule: number[] = [];
  let maxLagMs = 0;
  const start = nowMs();
  for (let k = 0; k < total; k++) {
    const due = start + k * interval;
    // setTimeout may fire a fraction of a millisecond early by this clock: sleep until really due.
    while (nowMs() < due) await sleep(due - nowMs());
    maxLagMs = Math.max(maxLagMs, nowMs() - due);
    if (inFlight.size >= maxInFlight) {
      tally.record('skipped', 0, 0, 'too many requests in flight');
      continue;
    }
    const { body, events } = factory.next();
    const sent = nowMs();
    const p = post(pool, body).then(({ status, error }) => {
      const done = nowMs();
      tally.record(status, events, done - sent, error);
      if (status === '200') fromSchedule.push(done - due);
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const seconds = (total * interval) / 1000;
  return {
    ...tally.result(seconds),
    scheduled: total,
    maxLagMs: Math.round(maxLagMs * 100) / 100,
    latencyFromScheduleMs: summarize(fromSchedule),
  };
}
