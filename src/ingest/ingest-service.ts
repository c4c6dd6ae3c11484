/**
 * What both receivers do with an export request: run the pipeline, append the rows to the
 * write-ahead log, and resolve only once they are durable. Errors are typed so each receiver maps
 * them to its protocol: DecodeError → 400 / INVALID_ARGUMENT, WalFullError → 429 / RESOURCE_EXHAUSTED,
 * WalUnavailableError → 503 / UNAVAILABLE.
 */
import type { Signal } from '../model/otlp.js';
import type { Encoding } from '../pipeline/decode/decode-otlp.js';
import type { Attribution } from '../pipeline/enrich/enrich-attribution.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import type { CollectorMetrics } from '../ops/collector-metrics.js';
import { encodeRows } from '../wal/store-writer.js';
import type { WriteAheadLog } from '../wal/write-ahead-log.js';

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

export class IngestService {
  constructor(
    private readonly wal: WriteAheadLog,
    private readonly metrics: CollectorMetrics,
    private readonly attribution: Attribution,
  ) {}

  async ingest(
    signal: Signal,
    encoding: Encoding,
    body: Buffer,
    request: RequestContext,
  ): Promise<IngestResult> {
    const result = runPipeline(signal, encoding, body, { ...request, attribution: this.attribution });
    if (result.rejected > 0) this.metrics.rejected.inc({ signal }, result.rejected);
    if (result.accepted > 0) {
      await this.wal.append(encodeRows(result.rows));
      this.metrics.received.inc({ signal }, result.accepted);
    }
    return { accepted: result.accepted, rejected: result.rejected, rejectReason: result.rejectReason };
  }
}
