/**
 * One OTLP/HTTP protobuf export to the collector (or, on the `hooks` channel, one hook post: JSON to
 * its route), and what its answer means for the batch:
 * - `ok`: 2xx. The collector has it durably (its own write-ahead log, fsynced before the reply).
 *   An OTLP partial success names records it refused one by one; they can never be taken, so the
 *   batch still leaves the buffer and the refused records are counted.
 * - `retry`: 408, 429, 5xx, 404 (a wrong --upstream is fixed by the member, not by dropping data),
 *   401/403 (a token is fixed the same way), a network error or a timeout. `Retry-After` (seconds or
 *   an HTTP date) says how long to wait.
 * - `refused`: any other 4xx (400 undecodable, 413 too large, 415): sending it again cannot help.
 */
import type { Signal } from '../model/otlp.js';
import type { Channel } from './relay-stats.js';
import { responseType } from '../pipeline/decode/otlp-proto.js';

export interface Upstream {
  /** The collector's base URL. */
  url: string;
  token: string | null;
  timeoutMs: number;
}

export type SendOutcome =
  | { kind: 'ok'; rejected: number; message: string }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null }
  | { kind: 'refused'; reason: string };

const REJECTED_FIELD: Record<Signal, string> = {
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
};

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const v = header.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function partialSuccess(signal: Signal, body: Uint8Array): { rejected: number; message: string } {
  if (body.length === 0) return { rejected: 0, message: '' };
  try {
    const type = responseType(signal);
    const res = type.toObject(type.decode(body), { longs: Number }) as {
      partialSuccess?: Record<string, unknown>;
    };
    const p = res.partialSuccess ?? {};
    return { rejected: Number(p[REJECTED_FIELD[signal]] ?? 0), message: String(p.errorMessage ?? '') };
  } catch {
    return { rejected: 0, message: '' };
  }
}

/** The message of a google.rpc.Status body (protobuf or JSON), else the start of the text. */
function statusMessage(body: Uint8Array, contentType: string): string {
  const text = Buffer.from(body).toString('utf8');
  if (contentType.includes('json')) {
    try {
      return String((JSON.parse(text) as { message?: unknown }).message ?? text).slice(0, 300);
    } catch {
      return text.slice(0, 300);
    }
  }
  // protobuf Status: field 2 is the message; printable runs are enough for a log line.
  return (text.match(/[\x20-\x7e]{8,}/g) ?? []).join(' ').slice(0, 300);
}

const RETRY_STATUS = new Set([401, 403, 404, 408, 429]);

const causeOf = (err: unknown): string => {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message;
};

/** A hook post as the relay buffers it: the collector route and the JSON body. */
export interface HookPost {
  route: '/v1/context' | '/v1/tool-outcome';
  body: Record<string, unknown>;
}

function requestOf(
  channel: Channel,
  request: Buffer,
): { route: string; type: string; body: Buffer | string } {
  if (channel !== 'hooks') return { route: `/v1/${channel}`, type: 'application/x-protobuf', body: request };
  const post = JSON.parse(request.toString('utf8')) as HookPost;
  return { route: post.route, type: 'application/json', body: JSON.stringify(post.body) };
}

export async function sendBatch(up: Upstream, channel: Channel, request: Buffer): Promise<SendOutcome> {
  let req: ReturnType<typeof requestOf>;
  try {
    req = requestOf(channel, request);
  } catch (err) {
    return { kind: 'refused', reason: `an unreadable hook post in the buffer: ${(err as Error).message}` };
  }
  let res: Response;
  let body: Uint8Array;
  try {
    res = await fetch(`${up.url}${req.route}`, {
      method: 'POST',
      headers: {
        'content-type': req.type,
        ...(up.token ? { authorization: `Bearer ${up.token}` } : {}),
      },
      body: req.body,
      signal: AbortSignal.timeout(up.timeoutMs),
    });
    body = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    return { kind: 'retry', reason: `cannot reach ${up.url}: ${causeOf(err)}`, retryAfterMs: null };
  }
  if (res.ok)
    return {
      kind: 'ok',
      ...(channel === 'hooks' ? { rejected: 0, message: '' } : partialSuccess(channel, body)),
    };
  const message = statusMessage(body, res.headers.get('content-type') ?? '');
  const reason = `${up.url} answered HTTP ${res.status}${message ? `: ${message}` : ''}`;
  if (RETRY_STATUS.has(res.status) || res.status >= 500) {
    return { kind: 'retry', reason, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
  }
  return { kind: 'refused', reason };
}
