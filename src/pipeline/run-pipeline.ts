/**
 * The ingest pipeline, top to bottom: decode → redact → normalize → enrich. Pure: bytes in, rows out, plus
 * what was rejected and why. A new stage joins here as one line. Redaction runs on the decoded batch, so
 * nothing secret reaches the rows, the write-ahead log or the store.
 */
import type { Signal } from '../model/otlp.js';
import { emptyRowBatch, type RowBatch } from '../model/records.js';
import { decodeOtlp, type Encoding } from './decode/decode-otlp.js';
import { normalizeEvents } from './normalize/normalize-events.js';
import { normalizeMetrics } from './normalize/normalize-metrics.js';
import { normalizeSpans } from './normalize/normalize-spans.js';
import { enrichAttribution, type Attribution } from './enrich/enrich-attribution.js';
import { redactBatch } from './redact/redact-batch.js';
import type { Redaction } from './redact/redaction-config.js';

export interface PipelineContext {
  /** The member named by the request's ingest token, when there is one. */
  tokenMember: string | null;
  attribution: Attribution;
  /** Secret detectors and field rules (compileRedaction); absent: the built-in detectors alone. */
  redaction?: Redaction;
}

export interface PipelineResult {
  rows: RowBatch;
  /** Records that became rows. */
  accepted: number;
  /** Records refused one by one (partial success), with the first reason. */
  rejected: number;
  rejectReason: string;
}

export function runPipeline(
  signal: Signal,
  encoding: Encoding,
  body: Buffer,
  ctx: PipelineContext,
): PipelineResult {
  const decoded = decodeOtlp(signal, encoding, body);
  const rows = emptyRowBatch();
  const batch = redactBatch(decoded.batch, ctx.redaction, ctx.tokenMember);
  switch (batch.signal) {
    case 'logs':
      rows.events = enrichAttribution(normalizeEvents(batch, ctx.tokenMember), ctx.attribution);
      break;
    case 'metrics':
      rows.metrics = normalizeMetrics(batch, ctx.tokenMember);
      break;
    case 'traces':
      rows.spans = normalizeSpans(batch, ctx.tokenMember);
      break;
    default:
      batch satisfies never;
  }
  return {
    rows,
    accepted: rows.events.length + rows.metrics.length + rows.spans.length,
    rejected: decoded.rejected,
    rejectReason: decoded.rejectReason,
  };
}
