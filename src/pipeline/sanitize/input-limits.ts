/**
 * The limits on what one request may hold, as plain data (the config's `limits.*`, sent to the
 * pipeline workers). Request-wide limits refuse the request; per-record limits change the record and
 * count the change (sanitize-tally.ts) so its well-formed part is still stored.
 */

export interface InputLimits {
  /** Most records (log records, spans, metric data points) in one request; more: the request is refused (413). */
  maxRecordsPerRequest: number;
  /** Most entries in one attribute map (a record's, a resource's, a nested map) or array; the rest are dropped. */
  maxAttributesPerRecord: number;
  /** Longest string value, in UTF-8 bytes; longer ones are cut (after redaction, so no secret is cut in half). */
  maxAttributeValueBytes: number;
  /** Deepest nesting of arrays and maps in a value; anything deeper becomes null. */
  maxValueDepth: number;
  /** Times later than the receive time plus this are clamped. */
  maxFutureSkewMs: number;
  /** Times before this (ISO 8601) are clamped; 0 and unset times with them. */
  minTimestamp: string;
}

const KiB = 1024;

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  // An OTel Collector's batch processor sends 8,192 by default; Claude Code's SDK at most 512.
  maxRecordsPerRequest: 20_000,
  // The OpenTelemetry SDKs' default attribute count limit.
  maxAttributesPerRecord: 128,
  // Claude Code cuts content at 61,440 characters (CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH), at most
  // ~180 KiB of UTF-8: its own values are never cut.
  maxAttributeValueBytes: 256 * KiB,
  // Claude Code's values are flat; OTLP maps and arrays rarely nest more than a few levels.
  maxValueDepth: 8,
  maxFutureSkewMs: 24 * 60 * 60 * 1000,
  minTimestamp: '2020-01-01T00:00:00Z',
};
