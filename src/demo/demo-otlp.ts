/**
 * demo: OTLP/JSON shapes and builders, written the way Claude Code's exporter writes them:
 * camelCase keys, `*TimeUnixNano` as decimal strings, trace and span ids as hex, `intValue` as a JSON
 * number, and a JS number that happens to be integral sent as `intValue`, any other as `doubleValue`.
 * Scopes and versions are those of Claude Code 2.1.328 (reference §1.1).
 */

export type AnyValue =
  | { stringValue: string }
  | { intValue: number }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: AnyValue[] } };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export type AttrValue = string | number | boolean | string[];
/** Attributes in the order they are sent. */
export type AttrMap = Record<string, AttrValue>;

export interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  body: { stringValue: string };
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
}

export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  status: { code: number; message?: string };
  links: never[];
  droppedLinksCount: number;
  flags: number;
}

export interface OtlpNumberPoint {
  attributes: KeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble: number;
}

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  sum: { dataPoints: OtlpNumberPoint[]; aggregationTemporality: number; isMonotonic: boolean };
}

interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}
interface Scope {
  name: string;
  version: string;
}

export interface ExportLogsRequest {
  resourceLogs: { resource: Resource; scopeLogs: { scope: Scope; logRecords: OtlpLogRecord[] }[] }[];
}
export interface ExportMetricsRequest {
  resourceMetrics: { resource: Resource; scopeMetrics: { scope: Scope; metrics: OtlpMetric[] }[] }[];
}
export interface ExportTraceRequest {
  resourceSpans: { resource: Resource; scopeSpans: { scope: Scope; spans: OtlpSpan[] }[] }[];
}

export type DemoRequest =
  | { signal: 'logs'; request: ExportLogsRequest }
  | { signal: 'metrics'; request: ExportMetricsRequest }
  | { signal: 'traces'; request: ExportTraceRequest };

export const CLAUDE_CODE_VERSION = '2.1.328';
export const EVENTS_SCOPE: Scope = { name: 'com.anthropic.claude_code.events', version: CLAUDE_CODE_VERSION };
export const METRICS_SCOPE: Scope = { name: 'com.anthropic.claude_code', version: CLAUDE_CODE_VERSION };
export const TRACING_SCOPE: Scope = { name: 'com.anthropic.claude_code.tracing', version: '1.0.0' };

/** Span kind INTERNAL, span flags as sent (sampled + remote-known bits), log flags inside a span. */
export const SPAN_KIND_INTERNAL = 1;
export const SPAN_FLAGS = 257;
export const LOG_FLAGS_SAMPLED = 1;
export const STATUS_ERROR = 2;
export const TEMPORALITY_DELTA = 1;

export function anyValue(v: AttrValue): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((s) => ({ stringValue: s })) } };
  return Number.isInteger(v) ? { intValue: v } : { doubleValue: v };
}

export const keyValues = (attrs: AttrMap): KeyValue[] =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: anyValue(v) }));

/** Epoch milliseconds (plus optional sub-millisecond nanoseconds) as the decimal string OTLP/JSON uses. */
export const nanos = (ms: number, extraNs = 0): string =>
  (BigInt(Math.round(ms)) * 1_000_000n + BigInt(extraNs)).toString();

const resourceOf = (attrs: AttrMap): Resource => ({
  attributes: keyValues(attrs),
  droppedAttributesCount: 0,
});

export const logsRequest = (resource: AttrMap, logRecords: OtlpLogRecord[]): DemoRequest => ({
  signal: 'logs',
  request: {
    resourceLogs: [{ resource: resourceOf(resource), scopeLogs: [{ scope: EVENTS_SCOPE, logRecords }] }],
  },
});

export const metricsRequest = (resource: AttrMap, metrics: OtlpMetric[]): DemoRequest => ({
  signal: 'metrics',
  request: {
    resourceMetrics: [{ resource: resourceOf(resource), scopeMetrics: [{ scope: METRICS_SCOPE, metrics }] }],
  },
});

export const tracesRequest = (resource: AttrMap, spans: OtlpSpan[]): DemoRequest => ({
  signal: 'traces',
  request: {
    resourceSpans: [{ resource: resourceOf(resource), scopeSpans: [{ scope: TRACING_SCOPE, spans }] }],
  },
});
