/**
 * encode: a decoded batch → an OTLP protobuf Export*ServiceRequest, the inverse of decode for every
 * field the decoded model keeps. The relay decodes, redacts and encodes again before buffering, so the
 * collector upstream decodes exactly the decoded batch the relay held: integral numbers go out as
 * `intValue` and others as `doubleValue` (as Claude Code's exporter does), 64-bit integers that did
 * not fit a JS number stay decimal strings, ids go back to bytes. What the model drops (dropped
 * counts, flags, exponential histogram buckets) is not sent.
 */
import type {
  Attributes,
  AttrValue,
  DecodedBatch,
  DecodedDataPoint,
  DecodedLogs,
  DecodedMetric,
  DecodedMetrics,
  DecodedTraces,
} from '../../model/otlp.js';
import { requestType } from '../decode/otlp-proto.js';

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: { key: string; value: AnyValue }[] } }
  | Record<string, never>;

function anyValue(v: AttrValue): AnyValue {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: v } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v) } };
}

const keyValues = (a: Attributes): { key: string; value: AnyValue }[] =>
  Object.entries(a).map(([key, value]) => ({ key, value: anyValue(value) }));

const bytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

const resourceOf = (a: Attributes): object => ({ attributes: keyValues(a) });

function logsRequest(b: DecodedLogs): object {
  return {
    resourceLogs: b.resources.map((r) => ({
      resource: resourceOf(r.resource),
      scopeLogs: r.scopes.map((s) => ({
        scope: s.scope,
        logRecords: s.records.map((rec) => ({
          timeUnixNano: rec.timeUnixNano,
          observedTimeUnixNano: rec.observedTimeUnixNano,
          severityNumber: rec.severityNumber,
          severityText: rec.severityText,
          body: anyValue(rec.body),
          attributes: keyValues(rec.attributes),
          traceId: bytes(rec.traceId),
          spanId: bytes(rec.spanId),
          eventName: rec.eventName,
        })),
      })),
    })),
  };
}

const num = (v: number | null): number => v ?? 0;

function point(m: DecodedMetric, p: DecodedDataPoint): object {
  const base = {
    attributes: keyValues(p.attributes),
    startTimeUnixNano: p.startTimeUnixNano,
    timeUnixNano: p.timeUnixNano,
  };
  if (m.kind === 'sum' || m.kind === 'gauge') return { ...base, asDouble: num(p.value) };
  const d = (p.detail ?? {}) as Record<string, AttrValue>;
  const minMax = {
    ...(typeof d.min === 'number' ? { min: d.min } : {}),
    ...(typeof d.max === 'number' ? { max: d.max } : {}),
  };
  const sum = p.value === null ? {} : { sum: p.value };
  if (m.kind === 'histogram') {
    return {
      ...base,
      count: p.count ?? 0,
      ...sum,
      bucketCounts: Array.isArray(d.bucket_counts) ? d.bucket_counts : [],
      explicitBounds: Array.isArray(d.explicit_bounds) ? d.explicit_bounds : [],
      ...minMax,
    };
  }
  if (m.kind === 'summary') {
    const quantileValues = Object.entries(d)
      .filter(([k]) => k.startsWith('q'))
      .map(([k, value]) => ({ quantile: Number(k.slice(1)), value }));
    return { ...base, count: p.count ?? 0, ...sum, quantileValues };
  }
  return {
    ...base,
    count: p.count ?? 0,
    ...sum,
    scale: typeof d.scale === 'number' ? d.scale : 0,
    zeroCount: typeof d.zero_count === 'number' ? d.zero_count : 0,
    ...minMax,
  };
}

const METRIC_FIELD = {
  sum: 'sum',
  gauge: 'gauge',
  histogram: 'histogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
} as const;

function metric(m: DecodedMetric): object {
  const data: Record<string, unknown> = { dataPoints: m.points.map((p) => point(m, p)) };
  if (m.kind !== 'gauge' && m.kind !== 'summary') data.aggregationTemporality = m.temporality;
  if (m.kind === 'sum') data.isMonotonic = m.isMonotonic;
  return { name: m.name, description: m.description, unit: m.unit, [METRIC_FIELD[m.kind]]: data };
}

function metricsRequest(b: DecodedMetrics): object {
  return {
    resourceMetrics: b.resources.map((r) => ({
      resource: resourceOf(r.resource),
      scopeMetrics: r.scopes.map((s) => ({ scope: s.scope, metrics: s.metrics.map(metric) })),
    })),
  };
}

function tracesRequest(b: DecodedTraces): object {
  return {
    resourceSpans: b.resources.map((r) => ({
      resource: resourceOf(r.resource),
      scopeSpans: r.scopes.map((s) => ({
        scope: s.scope,
        spans: s.spans.map((sp) => ({
          traceId: bytes(sp.traceId),
          spanId: bytes(sp.spanId),
          parentSpanId: bytes(sp.parentSpanId),
          name: sp.name,
          kind: sp.kind,
          startTimeUnixNano: sp.startTimeUnixNano,
          endTimeUnixNano: sp.endTimeUnixNano,
          attributes: keyValues(sp.attributes),
          events: sp.events.map((e) => ({
            timeUnixNano: e.timeUnixNano,
            name: e.name,
            attributes: keyValues(e.attributes),
          })),
          links: sp.links.map((l) => ({
            traceId: bytes(l.traceId),
            spanId: bytes(l.spanId),
            attributes: keyValues(l.attributes),
          })),
          status: { code: sp.statusCode, message: sp.statusMessage },
        })),
      })),
    })),
  };
}

function requestOf(batch: DecodedBatch): object {
  switch (batch.signal) {
    case 'logs':
      return logsRequest(batch);
    case 'metrics':
      return metricsRequest(batch);
    case 'traces':
      return tracesRequest(batch);
    default:
      return batch satisfies never;
  }
}

/** The batch as protobuf bytes of its signal's Export*ServiceRequest. */
export function encodeOtlp(batch: DecodedBatch): Buffer {
  const type = requestType(batch.signal);
  return Buffer.from(type.encode(type.fromObject(requestOf(batch))).finish());
}

/** How many records (log records, data points, spans) a batch holds. */
export function recordCount(batch: DecodedBatch): number {
  let n = 0;
  for (const r of batch.resources) {
    for (const s of r.scopes) {
      if ('records' in s) n += s.records.length;
      else if ('metrics' in s) for (const m of s.metrics) n += m.points.length;
      else n += s.spans.length;
    }
  }
  return n;
}
