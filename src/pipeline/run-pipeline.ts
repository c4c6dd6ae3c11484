/**
 * The ingest pipeline, top to bottom: decode → redact → truncate → normalize → enrich. Pure: bytes in,
 * rows out, plus what was rejected and why and what was sanitized. A new stage joins here as one line.
 * Redaction runs on the decoded batch, so nothing secret reaches the rows, the write-ahead log or the
 * store; long values are cut only after it, so no secret is cut in half before a detector sees it.
 */
import type { Signal } from '../model/otlp.js';
import { emptyRowBatch, type RowBatch } from '../model/records.js';
import { decodeOtlp, type Encoding } from './decode/decode-otlp.js';
import { normalizeEvents } from './normalize/normalize-events.js';
import { normalizeMetrics } from './normalize/normalize-metrics.js';
import { normalizeSpans } from './normalize/normalize-spans.js';
import { normalizeContext } from './normalize/time-bounds.js';
import { enrichAttribution, type Attribution } from './enrich/enrich-attribution.js';
import { redactBatch } from './redact/redact-batch.js';
import type { Redaction } from './redact/redaction-config.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from './sanitize/input-limits.js';
import { SanitizeTally, type SanitizeCounts } from './sanitize/sanitize-tally.js';
import { truncateValues } from './sanitize/truncate-values.js';

export interface PipelineContext {
  /** The member named by the request's ingest token, when there is one. */
  tokenMember: string | null;
  attribution: Attribution;
  /** Secret detectors and field rules (compileRedaction); absent: the built-in detectors alone. */
  redaction?: Redaction;
  /** The `limits.*` a request is held to; absent: the defaults. */
  limits?: InputLimits;
  /** The receive time, ms since the epoch; absent: the clock now. */
  nowMs?: number;
}

export interface PipelineResult {
  rows: RowBatch;
  /** Records that became rows. */
  accepted: number;
  /** Records refused one by one (partial success), with the first reason. */
  rejected: number;
  rejectReason: string;
  /** What was changed in the records kept, by reason. */
  sanitized: SanitizeCounts;
}

export function runPipeline(
  signal: Signal,
  encoding: Encoding,
  body: Buffer,
  ctx: PipelineContext,
): PipelineResult {
  const limits = ctx.limits ?? DEFAULT_INPUT_LIMITS;
  const tally = new SanitizeTally();
  const decoded = decodeOtlp(signal, encoding, body, { limits, tally });
  const rows = emptyRowBatch();
  const redacted = redactBatch(decoded.batch, ctx.redaction, ctx.tokenMember);
  const batch = truncateValues(redacted, limits.maxAttributeValueBytes, tally);
  const norm = normalizeContext(ctx.nowMs ?? Date.now(), limits, tally);
  switch (batch.signal) {
    case 'logs':
      rows.events = enrichAttribution(normalizeEvents(batch, ctx.tokenMember, norm), ctx.attribution);
      break;
    case 'metrics':
      rows.metrics = normalizeMetrics(batch, ctx.tokenMember, norm);
      break;
    case 'traces':
      rows.spans = normalizeSpans(batch, ctx.tokenMember, norm);
      break;
    default:
      batch satisfies never;
  }
  return {
    rows,
    accepted: rows.events.length + rows.metrics.length + rows.spans.length,
    rejected: decoded.rejected,
    rejectReason: decoded.rejectReason,
    sanitized: tally.counts,
  };
}
