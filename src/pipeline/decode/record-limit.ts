/**
 * `limits.maxRecordsPerRequest`: the records of a request are counted as soon as it is parsed, before
 * any is converted, and a request with more is refused whole (413 / RESOURCE_EXHAUSTED) with a message
 * naming the limit and its config key. Counting is lenient: whatever is not a list counts as none
 * (conversion reports it).
 */
import type { Signal } from '../../model/otlp.js';

export class TooManyRecordsError extends Error {
  override readonly name = 'TooManyRecordsError';
}

const RECORD_NAMES: Record<Signal, string> = {
  logs: 'log records',
  metrics: 'metric data points',
  traces: 'spans',
};

const METRIC_DATA = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'] as const;

type Obj = Record<string, unknown>;

/** The objects in `o[key]` when it is a list, else none. */
function each(o: unknown, key: string): Obj[] {
  if (typeof o !== 'object' || o === null) return [];
  const v = (o as Obj)[key];
  return Array.isArray(v) ? (v as Obj[]) : [];
}

function length(o: unknown, key: string): number {
  return each(o, key).length;
}

function dataPoints(metric: unknown): number {
  if (typeof metric !== 'object' || metric === null) return 0;
  let n = 0;
  for (const kind of METRIC_DATA) n += length((metric as Obj)[kind], 'dataPoints');
  return n;
}

/** How many records a parsed Export*ServiceRequest holds. */
export function countRecords(signal: Signal, req: unknown): number {
  let n = 0;
  switch (signal) {
    case 'logs':
      for (const rl of each(req, 'resourceLogs'))
        for (const sl of each(rl, 'scopeLogs')) n += length(sl, 'logRecords');
      return n;
    case 'metrics':
      for (const rm of each(req, 'resourceMetrics'))
        for (const sm of each(rm, 'scopeMetrics')) for (const m of each(sm, 'metrics')) n += dataPoints(m);
      return n;
    case 'traces':
      for (const rs of each(req, 'resourceSpans'))
        for (const ss of each(rs, 'scopeSpans')) n += length(ss, 'spans');
      return n;
    default:
      return signal satisfies never;
  }
}

/** Throws TooManyRecordsError when `req` holds more than `max` records. */
export function checkRecordCount(signal: Signal, req: unknown, max: number): void {
  const n = countRecords(signal, req);
  if (n <= max) return;
  throw new TooManyRecordsError(
    `the request holds ${n} ${RECORD_NAMES[signal]}, more than the limit of ${max} ` +
      `(limits.maxRecordsPerRequest); send smaller batches or raise the limit`,
  );
}
