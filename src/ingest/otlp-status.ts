/**
 * OTLP replies shared by the receivers: Export*ServiceResponse with partial_success, and the
 * google.rpc.Status error body, in protobuf or JSON as the request came.
 */
import type { Signal } from '../model/otlp.js';
import { responseType, retryInfoType, statusType } from '../pipeline/decode/otlp-proto.js';

const REJECTED_FIELD: Record<Signal, string> = {
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
};

export function exportResponse(
  signal: Signal,
  json: boolean,
  rejected: number,
  message: string,
): Buffer | string {
  const body =
    rejected > 0 ? { partialSuccess: { [REJECTED_FIELD[signal]]: rejected, errorMessage: message } } : {};
  if (json) {
    if (rejected === 0) return '{}';
    return JSON.stringify({
      partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message },
    });
  }
  const type = responseType(signal);
  return Buffer.from(type.encode(type.fromObject(body)).finish());
}

/** gRPC status codes used in OTLP replies. */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  UNAVAILABLE: 14,
  INTERNAL: 13,
} as const;

export function grpcCodeForHttp(status: number): number {
  if (status === 404) return GrpcCode.NOT_FOUND;
  if (status === 401) return GrpcCode.UNAUTHENTICATED;
  if (status === 413 || status === 429) return GrpcCode.RESOURCE_EXHAUSTED;
  if (status === 503) return GrpcCode.UNAVAILABLE;
  if (status >= 500) return GrpcCode.INTERNAL;
  return GrpcCode.INVALID_ARGUMENT;
}

function retryDetail(retryAfterSeconds: number): { typeUrl: string; value: Uint8Array } {
  return {
    typeUrl: 'type.googleapis.com/google.rpc.RetryInfo',
    value: retryInfoType
      .encode(retryInfoType.fromObject({ retryDelay: { seconds: retryAfterSeconds } }))
      .finish(),
  };
}

export function statusBody(
  code: number,
  message: string,
  json: boolean,
  retryAfterSeconds?: number,
): Buffer | string {
  if (json) return JSON.stringify({ code, message });
  const details = retryAfterSeconds === undefined ? [] : [retryDetail(retryAfterSeconds)];
  return Buffer.from(statusType.encode(statusType.fromObject({ code, message, details })).finish());
}
