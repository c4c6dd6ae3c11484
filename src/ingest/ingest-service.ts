/**
 * What both receivers do with an export request: run the pipeline (on this thread or a worker, see
 * pipeline-runner.ts), append the encoded rows to the write-ahead log, and resolve only once they are
 * durable. Errors are typed so each receiver maps them to its protocol: DecodeError → 400 /
 * INVALID_ARGUMENT, TooManyRecordsError → 413 / RESOURCE_EXHAUSTED (no RetryInfo: retrying the same
 * batch cannot help), WalFullError → 429 / RESOURCE_EXHAUSTED, WalUnavailableError → 503 / UNAVAILABLE.
 * What the pipeline sanitized is counted by reason (`unsilo_input_sanitized_total`).
 */
import type { Signal } from '../model/otlp.js';
import type { Encoding } from '../pipeline/decode/decode-otlp.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import type { WriteAheadLog } from '../wal/write-ahead-log.js';
import type { PipelineRunner } from './pipeline-runner.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  rejectReason: string;
}

/** What a receiver knows about one request. */
export interface RequestContext {
  /** The member named by the request's ingest token, when there is one. */
  tokenMember: string | null;
}

/** What a receiver hands a request to: the collector's IngestService, or the relay's buffer. */
export interface Ingest {
  /** `body` is handed over (it may be empty afterwards). Rejects with the typed errors above. */
  ingest(signal: Signal, encoding: Encoding, body: Buffer, request: RequestContext): Promise<IngestResult>;
}

export class IngestService implements Ingest {
  constructor(
    private readonly wal: WriteAheadLog,
    private readonly metrics: CollectorMetrics,
    private readonly pipeline: PipelineRunner,
  ) {}

  /** `body` is handed over: a worker pool may take its memory (the Buffer may be empty afterwards). */
  async ingest(
    signal: Signal,
    encoding: Encoding,
    body: Buffer,
    request: RequestContext,
  ): Promise<IngestResult> {
    const result = await this.pipeline.run({ signal, encoding, body, tokenMember: request.tokenMember });
    if (result.rejected > 0) this.metrics.rejected.inc({ signal }, result.rejected);
    for (const [reason, n] of Object.entries(result.sanitized))
      this.metrics.sanitized.inc({ signal, reason }, n);
    if (result.payload !== null) {
      await this.wal.append(result.payload);
      this.metrics.received.inc({ signal }, result.accepted);
    }
    return { accepted: result.accepted, rejected: result.rejected, rejectReason: result.rejectReason };
  }
}
