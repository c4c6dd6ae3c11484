/**
 * Export*ServiceRequest objects (from protobufjs or OTLP/JSON) → decoded model. A malformed record is
 * rejected alone and counted (it becomes OTLP partial_success); a malformed envelope throws DecodeError.
 */
import type {
  DecodedLogRecord,
  DecodedLogs,
  DecodedMetric,
  DecodedMetrics,
  DecodedSpan,
  DecodedTraces,
  MetricKind,
  Scope,
  Temporality,
} from '../../model/otlp.js';
import { anyValue, attributes, type ValueContext } from './otlp-attributes.js';
import {
  arr,
  DecodeError,
  enumInt,
  idHex,
  int64String,
  num,
  obj,
  objects,
  str,
  within,
} from './otlp-values.js';

export interface Converted<T> {
  batch: T;
  rejected: number;
  /** The first rejection's reason, for partial_success.error_message. */
  rejectReason: string;
}

type Obj = Record<string, unknown>;

const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};
const SEVERITY: Record<string, number> = Object.fromEntries([
  ['SEVERITY_NUMBER_UNSPECIFIED', 0],
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level, i) =>
    ['', '2', '3', '4'].map((n, j) => [`SEVERITY_NUMBER_${level}${n}`, i * 4 + j + 1] as const),
  ),
]);
const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

class Rejections {
  count = 0;
  reason = '';
  add(err: unknown): void {
    if (!(err instanceof DecodeError)) throw err;
    this.count++;
    if (this.reason === '') this.reason = err.message;
  }
}

function scopeOf(v: unknown, path: string): Scope {
  const s = obj(v, path);
  return { name: str(s.name, `${path}.name`), version: str(s.version, `${path}.version`) };
}

/** A span's events or links, at most `maxEntries` (OTLP's dropped_events_count / dropped_links_count); counted. */
function capped(list: Obj[], cx: ValueContext): Obj[] {
  if (list.length <= cx.maxEntries) return list;
  cx.tally.add('attributes_dropped', list.length - cx.maxEntries);
  return list.slice(0, cx.maxEntries);
}

/** One log record; errors name fields relative to the record (the caller prefixes its path). */
function logRecord(r: Obj, cx: ValueContext): DecodedLogRecord {
  const time = int64String(r.timeUnixNano, '.timeUnixNano');
  const observed = int64String(r.observedTimeUnixNano, '.observedTimeUnixNano');
  return {
    timeUnixNano: time === '0' ? observed : time,
    observedTimeUnixNano: observed,
    severityNumber: enumInt(r.severityNumber, SEVERITY, '.severityNumber'),
    severityText: str(r.severityText, '.severityText'),
    body: anyValue(r.body, '.body', cx),
    attributes: attributes(r.attributes, '.attributes', cx),
    traceId: idHex(r.traceId, 16, '.traceId'),
    spanId: idHex(r.spanId, 8, '.spanId'),
    eventName: str(r.eventName, '.eventName'),
  };
}

export function convertLogs(req: unknown, cx: ValueContext): Converted<DecodedLogs> {
  const rej = new Rejections();
  const resources = objects(obj(req, 'request').resourceLogs, 'resourceLogs').map((rl, i) => {
    const p = `resourceLogs[${i}]`;
    return {
      resource: attributes(obj(rl.resource, `${p}.resource`).attributes, `${p}.resource.attributes`, cx),
      scopes: objects(rl.scopeLogs, `${p}.scopeLogs`).map((sl, j) => {
        const records: DecodedLogRecord[] = [];
        const list = arr(sl.logRecords, `${p}.scopeLogs[${j}].logRecords`);
        for (let k = 0; k < list.length; k++) {
          try {
            const r = obj(list[k], 'logRecord');
            try {
              records.push(logRecord(r, cx));
            } catch (err) {
              throw within(err, `${p}.scopeLogs[${j}].logRecords[${k}]`);
            }
          } catch (err) {
            rej.add(err);
          }
        }
        return { scope: scopeOf(sl.scope, `${p}.scopeLogs[${j}].scope`), records };
      }),
    };
  });
  return { batch: { signal: 'logs', resources }, rejected: rej.count, rejectReason: rej.reason };
}

const METRIC_KINDS: readonly MetricKind[] = ['sum', 'gauge', 'histogram', 'exponential_histogram', 'summary'];
const METRIC_FIELDS = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'] as const;

function temporalityOf(v: unknown, path: string): Temporality {
  const t = enumInt(v, TEMPORALITY, path);
  if (t !== 0 && t !== 1 && t !== 2) throw new DecodeError(`${path}: unknown aggregation temporality ${t}`);
  return t;
}

function metric(m: Obj, path: string, rej: Rejections, cx: ValueContext): DecodedMetric {
  const idx = METRIC_FIELDS.findIndex((f) => Object.hasOwn(m, f) && m[f] !== null);
  if (idx < 0) throw new DecodeError(`${path}: metric has no data (sum, gauge, histogram, …)`);
  const field = METRIC_FIELDS[idx] as (typeof METRIC_FIELDS)[number];
  const kind = METRIC_KINDS[idx] as MetricKind;
  const data = obj(m[field], `${path}.${field}`);
  const points = [];
  const list = arr(data.dataPoints, `${path}.${field}.dataPoints`);
  for (let i = 0; i < list.length; i++) {
    const dp = obj(list[i], 'dataPoint');
    const pp = `${path}.${field}.dataPoints[${i}]`;
    try {
      const base = {
        attributes: attributes(dp.attributes, `${pp}.attributes`, cx),
        startTimeUnixNano: int64String(dp.startTimeUnixNano, `${pp}.startTimeUnixNano`),
        timeUnixNano: int64String(dp.timeUnixNano, `${pp}.timeUnixNano`),
      };
      if (kind === 'sum' || kind === 'gauge') {
        const value = Object.hasOwn(dp, 'asInt')
          ? Number(int64String(dp.asInt, `${pp}.asInt`))
          : num(dp.asDouble, `${pp}.asDouble`);
        if (!Number.isFinite(value)) cx.tally.add('non_finite_number');
        points.push({ ...base, value, count: null, detail: null });
      } else {
        const count = Number(int64String(dp.count, `${pp}.count`));
        const value = Object.hasOwn(dp, 'sum') && dp.sum !== null ? num(dp.sum, `${pp}.sum`) : null;
        const detail: Record<string, number | number[] | null> = {};
        if (kind === 'histogram') {
          detail.bucket_counts = arr(dp.bucketCounts, `${pp}.bucketCounts`).map((c) =>
            Number(int64String(c, pp)),
          );
          detail.explicit_bounds = arr(dp.explicitBounds, `${pp}.explicitBounds`).map((b) => num(b, pp));
        }
        if (kind === 'summary') {
          for (const q of objects(dp.quantileValues, `${pp}.quantileValues`)) {
            detail[`q${num(q.quantile, pp)}`] = num(q.value, pp);
          }
        }
        if (kind === 'exponential_histogram') {
          detail.scale = num(dp.scale, `${pp}.scale`);
          detail.zero_count = Number(int64String(dp.zeroCount, `${pp}.zeroCount`));
        }
        if (Object.hasOwn(dp, 'min') && dp.min !== null) detail.min = num(dp.min, `${pp}.min`);
        if (Object.hasOwn(dp, 'max') && dp.max !== null) detail.max = num(dp.max, `${pp}.max`);
        points.push({ ...base, value, count, detail });
      }
    } catch (err) {
      rej.add(err);
    }
  }
  return {
    name: str(m.name, `${path}.name`),
    description: str(m.description, `${path}.description`),
    unit: str(m.unit, `${path}.unit`),
    kind,
    temporality:
      kind === 'gauge' || kind === 'summary'
        ? 0
        : temporalityOf(data.aggregationTemporality, `${path}.${field}.aggregationTemporality`),
    isMonotonic: data.isMonotonic === true,
    points,
  };
}

export function convertMetrics(req: unknown, cx: ValueContext): Converted<DecodedMetrics> {
  const rej = new Rejections();
  const resources = objects(obj(req, 'request').resourceMetrics, 'resourceMetrics').map((rm, i) => {
    const p = `resourceMetrics[${i}]`;
    return {
      resource: attributes(obj(rm.resource, `${p}.resource`).attributes, `${p}.resource.attributes`, cx),
      scopes: objects(rm.scopeMetrics, `${p}.scopeMetrics`).map((sm, j) => {
        const metrics: DecodedMetric[] = [];
        const list = arr(sm.metrics, `${p}.scopeMetrics[${j}].metrics`);
        for (let k = 0; k < list.length; k++) {
          const mp = `${p}.scopeMetrics[${j}].metrics[${k}]`;
          try {
            metrics.push(metric(obj(list[k], mp), mp, rej, cx));
          } catch (err) {
            rej.add(err);
          }
        }
        return { scope: scopeOf(sm.scope, `${p}.scopeMetrics[${j}].scope`), metrics };
      }),
    };
  });
  return { batch: { signal: 'metrics', resources }, rejected: rej.count, rejectReason: rej.reason };
}

/** One span; errors name fields relative to the span (the caller prefixes its path). */
function span(s: Obj, cx: ValueContext): DecodedSpan {
  const traceId = idHex(s.traceId, 16, '.traceId');
  const spanId = idHex(s.spanId, 8, '.spanId');
  if (traceId === '' || spanId === '') throw new DecodeError(': a span needs a non-zero traceId and spanId');
  const status = obj(s.status, '.status');
  return {
    traceId,
    spanId,
    parentSpanId: idHex(s.parentSpanId, 8, '.parentSpanId'),
    name: str(s.name, '.name'),
    kind: enumInt(s.kind, SPAN_KIND, '.kind'),
    startTimeUnixNano: int64String(s.startTimeUnixNano, '.startTimeUnixNano'),
    endTimeUnixNano: int64String(s.endTimeUnixNano, '.endTimeUnixNano'),
    attributes: attributes(s.attributes, '.attributes', cx),
    events: capped(objects(s.events, '.events'), cx).map((e, i) => ({
      timeUnixNano: int64String(e.timeUnixNano, `.events[${i}].timeUnixNano`),
      name: str(e.name, `.events[${i}].name`),
      attributes: attributes(e.attributes, `.events[${i}].attributes`, cx),
    })),
    links: capped(objects(s.links, '.links'), cx).map((l, i) => ({
      traceId: idHex(l.traceId, 16, `.links[${i}].traceId`),
      spanId: idHex(l.spanId, 8, `.links[${i}].spanId`),
      attributes: attributes(l.attributes, `.links[${i}].attributes`, cx),
    })),
    statusCode: enumInt(status.code, STATUS, '.status.code'),
    statusMessage: str(status.message, '.status.message'),
  };
}

export function convertTraces(req: unknown, cx: ValueContext): Converted<DecodedTraces> {
  const rej = new Rejections();
  const resources = objects(obj(req, 'request').resourceSpans, 'resourceSpans').map((rs, i) => {
    const p = `resourceSpans[${i}]`;
    return {
      resource: attributes(obj(rs.resource, `${p}.resource`).attributes, `${p}.resource.attributes`, cx),
      scopes: objects(rs.scopeSpans, `${p}.scopeSpans`).map((ss, j) => {
        const spans: DecodedSpan[] = [];
        const list = arr(ss.spans, `${p}.scopeSpans[${j}].spans`);
        for (let k = 0; k < list.length; k++) {
          try {
            spans.push(span(obj(list[k], ''), cx));
          } catch (err) {
            rej.add(within(err, `${p}.scopeSpans[${j}].spans[${k}]`));
          }
        }
        return { scope: scopeOf(ss.scope, `${p}.scopeSpans[${j}].scope`), spans };
      }),
    };
  });
  return { batch: { signal: 'traces', resources }, rejected: rej.count, rejectReason: rej.reason };
}
