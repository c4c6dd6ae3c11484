/**
 * The doctor's test event: one OTLP log record sent the way Claude Code's logs exporter would send it
 * (same protocol, URL and headers). It is marked so every report leaves it out: scope `unsilo.doctor`,
 * body and `event.name` `unsilo.doctor`, a random `unsilo.doctor.id`, service `unsilo-doctor`.
 */
import { grpcRootCerts } from './trust-ca.js';
import * as grpc from '@grpc/grpc-js';
import { grpcPath, requestType, statusType } from '../pipeline/decode/otlp-proto.js';
import type { LogsTarget } from './logs-target.js';

export const DOCTOR_SCOPE = 'unsilo.doctor';
const TIMEOUT_MS = 5000;

const str = (key: string, value: string): object => ({ key, value: { stringValue: value } });

export function doctorRequest(id: string, now = Date.now()): object {
  const nanos = String(BigInt(now) * 1_000_000n);
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'unsilo-doctor')] },
        scopeLogs: [
          {
            scope: { name: DOCTOR_SCOPE },
            logRecords: [
              {
                timeUnixNano: nanos,
                observedTimeUnixNano: nanos,
                body: { stringValue: DOCTOR_SCOPE },
                attributes: [str('event.name', DOCTOR_SCOPE), str('unsilo.doctor.id', id)],
              },
            ],
          },
        ],
      },
    ],
  };
}

export type ExportResult =
  | { ok: true }
  /** status: HTTP status, or the gRPC code; network: the request never got an answer. */
  | { ok: false; status: number | null; message: string; network: boolean };

const protobuf = (req: object): Buffer => {
  const type = requestType('logs');
  return Buffer.from(type.encode(type.fromObject(req)).finish());
};

async function httpExport(target: LogsTarget, req: object): Promise<ExportResult> {
  const json = target.protocol === 'http/json';
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      body: json ? JSON.stringify(req) : protobuf(req),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return {
      ok: false,
      status: null,
      message: e.cause?.code ?? e.cause?.message ?? e.message,
      network: true,
    };
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.ok) return { ok: true };
  let message = bytes.toString('utf8').slice(0, 300);
  try {
    message = json
      ? String((JSON.parse(message) as { message?: unknown }).message ?? message)
      : String((statusType.decode(bytes) as unknown as { message: string }).message);
  } catch {
    // not an OTLP Status: keep the text
  }
  return { ok: false, status: res.status, message, network: false };
}

function grpcExport(target: LogsTarget, req: object): Promise<ExportResult> {
  const url = new URL(target.url);
  const creds =
    url.protocol === 'https:'
      ? grpc.credentials.createSsl(grpcRootCerts())
      : grpc.credentials.createInsecure();
  const client = new grpc.Client(url.host, creds);
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(target.headers)) md.set(k, v);
  const raw = (b: Buffer): Buffer => b;
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      grpcPath('logs'),
      raw,
      raw,
      protobuf(req),
      md,
      { deadline: Date.now() + TIMEOUT_MS },
      (err) => {
        client.close();
        if (!err) return resolve({ ok: true });
        const network = err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED;
        resolve({ ok: false, status: err.code, message: err.details || err.message, network });
      },
    ),
  );
}

export function sendDoctorRecord(target: LogsTarget, id: string): Promise<ExportResult> {
  const req = doctorRequest(id);
  return target.protocol === 'grpc' ? grpcExport(target, req) : httpExport(target, req);
}
