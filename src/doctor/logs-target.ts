/**
 * Where and how Claude Code's logs exporter sends, from the variables it sees: the per-signal
 * protocol, endpoint and headers win over the general ones; the general endpoint gets `/v1/logs`
 * appended for HTTP; with an endpoint but no protocol the protocol is http/protobuf; with neither,
 * telemetry does not start at all.
 */
import { PROTOCOLS, type OtlpProtocol } from '../setup/telemetry-vars.js';
import type { Resolved } from './effective-env.js';

export interface LogsTarget {
  protocol: OtlpProtocol;
  /** The full URL for HTTP (…/v1/logs), the base URL (scheme, host, port) for gRPC. */
  url: string;
  headers: Record<string, string>;
}

/** `k=v,k2=v2` with URL-encoded values, as OTEL_EXPORTER_OTLP_HEADERS holds them. */
export function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (raw ?? '').split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const value = part.slice(at + 1).trim();
    let decoded = value;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      // not URL-encoded: keep as written
    }
    out[part.slice(0, at).trim().toLowerCase()] = decoded;
  }
  return out;
}

export type TargetResult =
  { ok: true; target: LogsTarget } | { ok: false; problem: 'no-endpoint' | 'bad-protocol'; detail: string };

export function logsTarget(vars: Record<string, Resolved>): TargetResult {
  const v = (k: string): string | undefined => vars[k]?.value;
  const endpoint = v('OTEL_EXPORTER_OTLP_ENDPOINT');
  const logsEndpoint = v('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
  const raw =
    v('OTEL_EXPORTER_OTLP_LOGS_PROTOCOL') ??
    v('OTEL_EXPORTER_OTLP_PROTOCOL') ??
    (endpoint || logsEndpoint ? 'http/protobuf' : undefined);
  if (raw === undefined) {
    return {
      ok: false,
      problem: 'no-endpoint',
      detail:
        'neither OTEL_EXPORTER_OTLP_ENDPOINT nor OTEL_EXPORTER_OTLP_PROTOCOL is set: telemetry does not start',
    };
  }
  if (!(PROTOCOLS as readonly string[]).includes(raw)) {
    return { ok: false, problem: 'bad-protocol', detail: `OTEL_EXPORTER_OTLP_PROTOCOL is "${raw}"` };
  }
  const protocol = raw as OtlpProtocol;
  const base = (
    endpoint ?? (protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318')
  ).replace(/\/+$/, '');
  const url = logsEndpoint ?? (protocol === 'grpc' ? base : `${base}/v1/logs`);
  const headers = {
    ...parseHeaders(v('OTEL_EXPORTER_OTLP_HEADERS')),
    ...parseHeaders(v('OTEL_EXPORTER_OTLP_LOGS_HEADERS')),
  };
  return { ok: true, target: { protocol, url, headers } };
}

/** The bearer token in the exporter's headers, if any. */
export const headerToken = (headers: Record<string, string>): string | null =>
  /^\s*Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1] ?? null;
