/**
 * Decoded OTLP, independent of the wire (protobuf or JSON). Ids are lowercase hex, 64-bit integers
 * are decimal strings when they do not fit a JS number, nanosecond timestamps are decimal strings
 * (exact), and attribute maps keep the sender's key order.
 */

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export type Signal = 'logs' | 'metrics' | 'traces';

export interface Scope {
  name: string;
  version: string;
}

export interface DecodedLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttrValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  eventName: string;
}

export interface DecodedLogs {
  signal: 'logs';
  resources: { resource: Attributes; scopes: { scope: Scope; records: DecodedLogRecord[] }[] }[];
}

/** OTLP AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export type Temporality = 0 | 1 | 2;

export type MetricKind = 'sum' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary';

export interface DecodedDataPoint {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** Sum/gauge value; for histograms and summaries the sum of observations. */
  value: number | null;
  /** Observation count for histograms and summaries. */
  count: number | null;
  /** Bucket counts, bounds, quantiles and min/max as given, for histogram-like kinds. */
  detail: Attributes | null;
}

export interface DecodedMetric {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  temporality: Temporality;
  isMonotonic: boolean;
  points: DecodedDataPoint[];
}

export interface DecodedMetrics {
  signal: 'metrics';
  resources: { resource: Attributes; scopes: { scope: Scope; metrics: DecodedMetric[] }[] }[];
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: { timeUnixNano: string; name: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  statusCode: number;
  statusMessage: string;
}

export interface DecodedTraces {
  signal: 'traces';
  resources: { resource: Attributes; scopes: { scope: Scope; spans: DecodedSpan[] }[] }[];
}

export type DecodedBatch = DecodedLogs | DecodedMetrics | DecodedTraces;
