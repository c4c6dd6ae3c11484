/**
 * The checks that talk to the collector: reachable (GET /healthz), token accepted (an empty OTLP
 * export, which stores nothing), the OTLP endpoint speaking the configured protocol (a probe, no data),
 * and the round trip: one marked test event sent exactly as Claude Code sends, then confirmed stored
 * through GET /api/doctor/:id.
 */
import { randomUUID } from 'node:crypto';
import { sendDoctorRecord } from './doctor-export.js';
import {
  fail,
  pass,
  passed,
  skip,
  type CheckResult,
  type DoctorOptions,
  type DoctorState,
} from './doctor-result.js';
import { headerToken } from './logs-target.js';
import { probe } from './otlp-probe.js';

/** The token the member's exporter sends, else the one client.json holds. */
export const memberToken = (s: DoctorState): string | null =>
  (s.target ? headerToken(s.target.headers) : null) ?? s.client?.token ?? null;

const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

const causeOf = (err: unknown): string => {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'TIMEOUT';
  return e.cause?.code ?? e.cause?.message ?? e.message;
};

export async function collectorCheck(s: DoctorState): Promise<CheckResult> {
  if (!s.server) return skip('collector', 'no collector URL: run `unsilo setup --server URL --token T`');
  try {
    const res = await fetch(`${s.server}/healthz`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json().catch(() => null)) as { status?: unknown } | null;
    if (res.ok && body?.status === 'ok') return pass('collector', `${s.server} answers`);
    return fail('collector', 'not-a-collector', `GET ${s.server}/healthz answered HTTP ${res.status}`);
  } catch (err) {
    const cause = causeOf(err);
    if (cause === 'ECONNREFUSED')
      return fail('collector', 'collector-down', `${s.server}: connection refused`);
    const what = UNREACHABLE.has(cause) ? `${cause} (host not found or not reachable)` : cause;
    return fail(
      'collector',
      'collector-unreachable',
      `${s.server}: ${what === 'TIMEOUT' ? 'no answer within 3 s' : what}`,
    );
  }
}

export async function tokenCheck(s: DoctorState): Promise<CheckResult> {
  if (!passed(s, 'collector')) return skip('token', 'needs the collector');
  const exporter = s.target ? headerToken(s.target.headers) : null;
  const res = await fetch(`${s.server}/v1/logs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(exporter ? { authorization: `Bearer ${exporter}` } : {}),
    },
    body: '{}',
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json().catch(() => ({}))) as { message?: unknown };
  const message = String(body.message ?? '');
  if (res.status === 401) {
    if (!exporter) return fail('token', 'token-missing', `the collector says: ${message}`);
    return fail(
      'token',
      /revoked/i.test(message) ? 'token-revoked' : 'token-invalid',
      `the collector says: ${message}`,
    );
  }
  if (!res.ok) return skip('token', `POST ${s.server}/v1/logs answered HTTP ${res.status}: ${message}`);
  if (exporter && s.client && s.client.token !== exporter) {
    return fail(
      'token',
      'token-mismatch',
      'OTEL_EXPORTER_OTLP_HEADERS and client.json hold different tokens',
    );
  }
  return pass(
    'token',
    exporter ? `${exporter.slice(0, 8)}… accepted` : 'no token set, and the collector takes data without one',
  );
}

const sameHostPort = (a: string, b: string): boolean => {
  const x = new URL(a);
  const y = new URL(b);
  return x.hostname === y.hostname && (x.port || x.protocol) === (y.port || y.protocol);
};

export async function endpointCheck(s: DoctorState): Promise<CheckResult> {
  if (!s.target) return skip('endpoint', 'no endpoint (see the variables check)');
  const { protocol, url } = s.target;
  const found = await probe(url);
  const expected = protocol === 'grpc' ? 'h2' : 'http1';
  if (found === expected)
    return pass('endpoint', `${url} answers ${protocol === 'grpc' ? 'gRPC (HTTP/2)' : 'HTTP/1.1'}`);
  if (found === 'closed') {
    if (!passed(s, 'collector') && s.server && sameHostPort(url, s.server))
      return skip('endpoint', 'needs the collector');
    return fail('endpoint', 'endpoint-closed', `${url}: connection refused`);
  }
  if (found === 'http1' || found === 'h2') {
    const speaks = found === 'h2' ? 'gRPC (HTTP/2 only): it is a gRPC port' : 'HTTP/1.1: it is an HTTP port';
    return fail(
      'endpoint',
      'wrong-protocol',
      `OTEL_EXPORTER_OTLP_PROTOCOL is ${protocol}, but ${url} speaks ${speaks}`,
    );
  }
  return fail(
    'endpoint',
    'endpoint-unreachable',
    `${url}: ${found === 'unreachable' ? 'no answer' : 'neither HTTP nor gRPC answers'}`,
  );
}

async function stored(s: DoctorState, id: string, until: number): Promise<CheckResult> {
  const token = memberToken(s);
  for (;;) {
    const res = await fetch(`${s.server}/api/doctor/${id}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(3000),
    });
    if (res.status === 404)
      return fail('round-trip', 'doctor-api-missing', `GET ${s.server}/api/doctor/:id answered 404`);
    const body = (await res.json().catch(() => ({}))) as { stored?: unknown; member?: unknown };
    if (res.ok && body.stored === true) {
      return pass(
        'round-trip',
        `test event ${id.slice(0, 8)} stored as member ${String(body.member ?? '?')}`,
      );
    }
    if (!res.ok)
      return fail('round-trip', 'export-rejected', `GET /api/doctor/${id} answered HTTP ${res.status}`);
    if (Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return fail(
    'round-trip',
    'not-stored',
    `test event ${id} accepted by ${s.target?.url} but not stored at ${s.server}`,
  );
}

export async function roundTripCheck(o: DoctorOptions, s: DoctorState): Promise<CheckResult> {
  if (!s.target || !passed(s, 'endpoint')) return skip('round-trip', 'needs a working endpoint');
  if (!passed(s, 'collector') || !passed(s, 'token'))
    return skip('round-trip', 'needs the collector and an accepted token');
  const id = randomUUID();
  const sent = await sendDoctorRecord(s.target, id);
  if (!sent.ok) {
    if (sent.network) return fail('round-trip', 'endpoint-unreachable', `${s.target.url}: ${sent.message}`);
    return fail('round-trip', 'export-rejected', `${s.target.url} answered ${sent.status}: ${sent.message}`);
  }
  return stored(s, id, Date.now() + (o.roundTripMs ?? 10_000));
}
