/**
 * Where a request's pipeline runs: decode → redact → normalize → enrich → the write-ahead log payload. Pure CPU,
 * so it can run on the receiving thread (`InThreadPipeline`) or in worker threads (`PipelinePool`,
 * pipeline-pool.ts) while the main thread serves HTTP, the log and the store. Both answer the same:
 * the encoded payload, the partial-success counts and what was sanitized, or a DecodeError for an
 * unreadable body (TooManyRecordsError for one past the record limit).
 */
import type { Signal } from '../model/otlp.js';
import type { Encoding } from '../pipeline/decode/decode-otlp.js';
import { compileAttribution } from '../pipeline/enrich/enrich-attribution.js';
import { runPipeline, type PipelineContext } from '../pipeline/run-pipeline.js';
import {
  compileRedaction,
  DEFAULT_REDACTION_SETTINGS,
  type RedactionSettings,
} from '../pipeline/redact/redaction-config.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../pipeline/sanitize/input-limits.js';
import type { SanitizeCounts } from '../pipeline/sanitize/sanitize-tally.js';
import { encodeRows } from '../wal/wal-payload.js';

/**
 * What the pipeline is configured with, as plain data: it is sent to the worker threads and compiled
 * (`compilePipeline`) where the pipeline runs. A stage that needs configuration adds it here.
 */
export interface PipelineConfig {
  /** The enrich stage's branch patterns (`attribution.*`). */
  attribution: Parameters<typeof compileAttribution>[0];
  /** The redact stage's detectors and field rules (`redaction.*`, hash key resolved); absent: the built-in detectors. */
  redaction?: RedactionSettings;
  /** What one request may hold (`limits.*`); absent: the defaults. */
  limits?: InputLimits;
}

/** The part of the pipeline's context that is the same for every request. */
export type CompiledPipeline = Omit<PipelineContext, 'tokenMember'>;

export const compilePipeline = (cfg: PipelineConfig): CompiledPipeline => ({
  attribution: compileAttribution(cfg.attribution),
  redaction: compileRedaction(cfg.redaction ?? DEFAULT_REDACTION_SETTINGS),
  limits: cfg.limits ?? DEFAULT_INPUT_LIMITS,
});

export interface PipelineTask {
  signal: Signal;
  encoding: Encoding;
  /** The request body. A worker pool takes it over (it may be detached afterwards). */
  body: Buffer;
  /** The member named by the request's ingest token, when there is one. */
  tokenMember: string | null;
}

export interface PipelineOutput {
  /** The rows as one write-ahead log payload; null when no record was accepted. */
  payload: Buffer | null;
  accepted: number;
  rejected: number;
  rejectReason: string;
  /** What was changed in the records kept, by reason. */
  sanitized: SanitizeCounts;
}

export interface PipelineRunner {
  /** Rejects with DecodeError when the body as a whole cannot be read, TooManyRecordsError past the record limit. */
  run(task: PipelineTask): Promise<PipelineOutput>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** The pipeline and payload encoding for one task; what a worker runs, and the in-thread mode. */
export function runTask(task: PipelineTask, pipeline: CompiledPipeline): PipelineOutput {
  const ctx: PipelineContext = { ...pipeline, tokenMember: task.tokenMember };
  const r = runPipeline(task.signal, task.encoding, task.body, ctx);
  return {
    payload: r.accepted > 0 ? encodeRows(r.rows) : null,
    accepted: r.accepted,
    rejected: r.rejected,
    rejectReason: r.rejectReason,
    sanitized: r.sanitized,
  };
}

export class InThreadPipeline implements PipelineRunner {
  private readonly pipeline: CompiledPipeline;

  constructor(cfg: PipelineConfig) {
    this.pipeline = compilePipeline(cfg);
  }

  run(task: PipelineTask): Promise<PipelineOutput> {
    try {
      return Promise.resolve(runTask(task, this.pipeline));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
