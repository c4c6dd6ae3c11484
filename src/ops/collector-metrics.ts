/** The collector's own counters, in Prometheus text format on GET /metrics (prom-client). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Why a request was refused whole: the limit it passed. */
export type RefusalReason = 'too_many_records' | 'body_too_large' | 'header_too_large' | 'request_timeout';

export class CollectorMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'unsilo_requests_total',
    help: 'OTLP export requests by protocol, signal and outcome (HTTP status or gRPC code name)',
    labelNames: ['protocol', 'signal', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'unsilo_request_duration_seconds',
    help: 'Time from request to durable acknowledgement',
    labelNames: ['protocol', 'signal'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly received = new Counter({
    name: 'unsilo_records_received_total',
    help: 'Records accepted into the write-ahead log (events, spans, metric points)',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'unsilo_records_rejected_total',
    help: 'Records refused (malformed), reported to the sender as partial success',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly sanitized = new Counter({
    name: 'unsilo_input_sanitized_total',
    help: 'Values changed or dropped in records that were kept (cut, clamped, replaced), by reason',
    labelNames: ['signal', 'reason'] as const,
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'unsilo_requests_refused_total',
    help: 'Requests refused whole at a limit (limits.*), by reason',
    labelNames: ['protocol', 'reason'] as const,
    registers: [this.registry],
  });
  readonly stored = new Counter({
    name: 'unsilo_records_stored_total',
    help: 'Rows written to the store',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'unsilo_records_duplicate_total',
    help: 'Rows skipped because the store already held them (client retries, log replays)',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'unsilo_store_errors_total',
    help: 'Failed store writes (retried)',
    registers: [this.registry],
  });
  readonly walCutBytes = new Counter({
    name: 'unsilo_wal_cut_bytes_total',
    help: 'Bytes of torn or corrupt write-ahead log tail cut off at start',
    registers: [this.registry],
  });
  readonly retentionRows = new Counter({
    name: 'unsilo_retention_rows_total',
    help: 'Rows retention archived (to Parquet), deleted, or cleared of content, by table',
    labelNames: ['table', 'action'] as const,
    registers: [this.registry],
  });
  readonly retentionRuns = new Counter({
    name: 'unsilo_retention_runs_total',
    help: 'Retention runs (not dry runs) by outcome: ok or failed',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  /** Counts a request refused whole at a limit. */
  refuse(protocol: 'http' | 'grpc', reason: RefusalReason): void {
    this.refused.inc({ protocol, reason });
  }

  /** Read at scrape time; the collector points these at the log and the writer. */
  readonly sources = { walPendingBytes: (): number => 0, writeLagBytes: (): number => 0 };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'unsilo_' });
    const sources = this.sources;
    new Gauge({
      name: 'unsilo_wal_pending_bytes',
      help: 'Write-ahead log bytes not yet confirmed by the store',
      registers: [this.registry],
      collect() {
        this.set(sources.walPendingBytes());
      },
    });
    new Gauge({
      name: 'unsilo_write_lag_bytes',
      help: 'Durable bytes waiting to be written to the store',
      registers: [this.registry],
      collect() {
        this.set(sources.writeLagBytes());
      },
    });
  }
}
