/**
 * What the pipeline changed in records it kept, by reason: the collector counts these in
 * `unsilo_input_sanitized_total{signal, reason}`. One tally per request; plain data, so the counts
 * cross from a pipeline worker to the main thread as they are.
 */

export type SanitizeReason =
  /** Invalid UTF-8 bytes, or a lone surrogate escape in JSON, replaced by U+FFFD (one per string). */
  | 'invalid_utf8'
  /** NUL characters removed from a string (one per string). */
  | 'nul_removed'
  /** A repeated attribute key: the first value is kept, each later one dropped. */
  | 'duplicate_key'
  /** An attribute (or nested map entry, or array element) past `limits.maxAttributesPerRecord`, dropped. */
  | 'attributes_dropped'
  /** A value nested deeper than `limits.maxValueDepth`, replaced by null. */
  | 'value_too_deep'
  /** A string value cut to `limits.maxAttributeValueBytes`. */
  | 'value_truncated'
  /** NaN or ±Infinity: kept as the string "NaN"/"Infinity" in attributes, null in typed columns. */
  | 'non_finite_number'
  /** An integer a typed column cannot hold exactly (beyond ±2⁵³): null in the column, kept in attributes. */
  | 'number_out_of_range'
  /** A time later than now + `limits.maxFutureSkewMs`, clamped. */
  | 'timestamp_in_future'
  /** A time before `limits.minTimestamp` (0 and unset included), clamped. */
  | 'timestamp_too_old'
  /** A negative duration (`duration_ms` < 0, a span or metric point ending before it starts), made 0. */
  | 'negative_duration';

export type SanitizeCounts = Partial<Record<SanitizeReason, number>>;

export class SanitizeTally {
  readonly counts: SanitizeCounts = {};

  add(reason: SanitizeReason, n = 1): void {
    this.counts[reason] = (this.counts[reason] ?? 0) + n;
  }
}
