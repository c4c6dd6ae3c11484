/**
 * demo: sends the generated demo through a collector's own OTLP/HTTP endpoint, as Claude Code would:
 * protobuf bodies (`application/x-protobuf`) to /v1/logs, /v1/metrics and /v1/traces, a few requests
 * in flight, retrying 429 and 503 after their Retry-After. Everything is encoded before the first
 * request so progress has a total. Fails with a plain message when the collector cannot be reached,
 * answers another error, or rejects records (partial_success).
 */
import type { Signal } from '../model/otlp.js';
import { requestType, responseType, statusType } from '../pipeline/decode/otlp-proto.js';
import {
  countRecords,
  eventSessionIds,
  generateDemo,
  type DemoOptions,
  type DemoRequest,
} from './demo-generator.js';

export interface RunDemoOptions extends DemoOptions {
  /** The collector's base URL, e.g. http://127.0.0.1:4318. */
  server: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  onProgress?(sent: number, total?: number): void;
}

export interface DemoSummary {
  requests: number;
  events: number;
  spans: number;
  points: number;
  /** Distinct session.id values among the events. */
  sessions: number;
}

interface Encoded {
  signal: Signal;
  body: Uint8Array;
}

const MAX_ATTEMPTS = 30;
const MAX_WAIT_MS = 30_000;

const bytesOf = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** protobufjs wants bytes fields (trace and span ids) as bytes or base64, not OTLP/JSON's hex. */
function protoObject(r: DemoRequest): object {
  switch (r.signal) {
    case 'logs':
      return {
        resourceLogs: r.request.resourceLogs.map((rl) => ({
          ...rl,
          scopeLogs: rl.scopeLogs.map((sl) => ({
            ...sl,
            logRecords: sl.logRecords.map((rec) =>
              rec.traceId && rec.spanId
                ? { ...rec, traceId: bytesOf(rec.traceId), spanId: bytesOf(rec.spanId) }
                : rec,
            ),
          })),
        })),
      };
    case 'traces':
      return {
        resourceSpans: r.request.resourceSpans.map((rs) => ({
          ...rs,
          scopeSpans: rs.scopeSpans.map((ss) => ({
            ...ss,
            spans: ss.spans.map((s) => ({
              ...s,
              traceId: bytesOf(s.traceId),
              spanId: bytesOf(s.spanId),
              ...(s.parentSpanId ? { parentSpanId: bytesOf(s.parentSpanId) } : {}),
            })),
          })),
        })),
      };
    case 'metrics':
      return r.request;
  }
}

/** An export request as the protobuf body Claude Code's http/protobuf exporter sends. */
export function encodeDemoRequest(r: DemoRequest): Uint8Array {
  const type = requestType(r.signal);
  return type.encode(type.fromObject(protoObject(r))).finish();
}

export async function runDemo(opts: RunDemoOptions): Promise<DemoSummary> {
  const base = opts.server.replace(/\/+$/, '');
  const summary: DemoSummary = { requests: 0, events: 0, spans: 0, points: 0, sessions: 0 };
  const sessions = new Set<string>();
  const encoded: Encoded[] = [];
  for (const r of generateDemo(opts)) {
    const c = countRecords(r);
    summary.events += c.events;
    summary.spans += c.spans;
    summary.points += c.points;
    for (const id of eventSessionIds(r)) sessions.add(id);
    encoded.push({ signal: r.signal, body: encodeDemoRequest(r) });
  }
  summary.requests = encoded.length;
  summary.sessions = sessions.size;

  let next = 0;
  let sent = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < encoded.length) {
      const item = encoded[next++];
      if (!item) break;
      try {
        await send(base, item);
      } catch (err) {
        failed = true;
        throw err;
      }
      sent++;
      opts.onProgress?.(sent, encoded.length);
    }
  };
  const workers = Math.max(1, Math.floor(opts.concurrency ?? 4));
  await Promise.all(Array.from({ length: workers }, worker));
  return summary;
}

async function send(base: string, { signal, body }: Encoded): Promise<void> {
  const url = `${base}/v1/${signal}`;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    } catch (err) {
      throw new Error(
        `cannot reach the collector at ${base} (${reasonOf(err)}); is it running? Start it with: npx unsilo serve`,
      );
    }
    const answer = new Uint8Array(await res.arrayBuffer());
    if (res.ok) return checkPartialSuccess(signal, answer, url);
    if ((res.status === 429 || res.status === 503) && attempt < MAX_ATTEMPTS) {
      await sleep(retryDelayMs(res.headers.get('retry-after'), attempt));
      continue;
    }
    const detail = statusMessage(answer, res.headers.get('content-type') ?? '');
    throw new Error(`the collector answered ${res.status} to POST ${url}${detail ? `: ${detail}` : ''}`);
  }
}

function checkPartialSuccess(signal: Signal, answer: Uint8Array, url: string): void {
  if (answer.length === 0) return;
  const decoded = responseType(signal).toObject(responseType(signal).decode(answer), { longs: Number }) as {
    partialSuccess?: Record<string, unknown>;
  };
  const partial = decoded.partialSuccess ?? {};
  const rejected = Object.entries(partial).find(([k, v]) => k.startsWith('rejected') && Number(v) > 0);
  if (rejected) {
    throw new Error(
      `the collector rejected ${String(rejected[1])} records of POST ${url}: ${String(partial['errorMessage'] ?? '')}`,
    );
  }
}

/** Retry-After in seconds or as an HTTP date; without one, a short exponential backoff. */
export function retryDelayMs(header: string | null, attempt: number): number {
  if (header !== null && header.trim() !== '') {
    const seconds = Number(header);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_WAIT_MS);
  }
  return Math.min(250 * 2 ** (attempt - 1), 5_000);
}

function statusMessage(answer: Uint8Array, contentType: string): string {
  try {
    if (contentType.includes('protobuf')) {
      const status = statusType.toObject(statusType.decode(answer)) as { message?: string };
      return status.message ?? '';
    }
    const text = Buffer.from(answer).toString('utf8');
    if (contentType.includes('json')) {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') return parsed.message;
    }
    return text.slice(0, 300);
  } catch {
    return '';
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause;
    if (cause && typeof cause === 'object') {
      const { code, message } = cause as { code?: unknown; message?: unknown };
      if (typeof code === 'string') return code;
      if (typeof message === 'string') return message;
    }
    return err.message;
  }
  return String(err);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
