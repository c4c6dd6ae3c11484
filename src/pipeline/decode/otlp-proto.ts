/**
 * The OTLP protobuf schema (proto/ at the project root), loaded once with protobufjs. Enums are
 * declared as int32 there so unknown enum values decode rather than fail.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Signal } from '../../model/otlp.js';

const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

const FILES = [
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'google/rpc/status.proto',
];

function load(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  root.loadSync(FILES, { keepCase: false });
  return root;
}

const root = load();

const PKG: Record<Signal, { pkg: string; req: string; res: string; service: string }> = {
  logs: {
    pkg: 'opentelemetry.proto.collector.logs.v1',
    req: 'ExportLogsServiceRequest',
    res: 'ExportLogsServiceResponse',
    service: 'LogsService',
  },
  metrics: {
    pkg: 'opentelemetry.proto.collector.metrics.v1',
    req: 'ExportMetricsServiceRequest',
    res: 'ExportMetricsServiceResponse',
    service: 'MetricsService',
  },
  traces: {
    pkg: 'opentelemetry.proto.collector.trace.v1',
    req: 'ExportTraceServiceRequest',
    res: 'ExportTraceServiceResponse',
    service: 'TraceService',
  },
};

export const requestType = (s: Signal): protobuf.Type => root.lookupType(`${PKG[s].pkg}.${PKG[s].req}`);
export const responseType = (s: Signal): protobuf.Type => root.lookupType(`${PKG[s].pkg}.${PKG[s].res}`);
export const statusType: protobuf.Type = root.lookupType('google.rpc.Status');
export const retryInfoType: protobuf.Type = root.lookupType('google.rpc.RetryInfo');
/** gRPC method path, e.g. /opentelemetry.proto.collector.logs.v1.LogsService/Export. */
export const grpcPath = (s: Signal): string => `/${PKG[s].pkg}.${PKG[s].service}/Export`;
