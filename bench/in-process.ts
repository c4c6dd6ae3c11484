/**
 * In-process figures on one core (no HTTP, no disk unless said): what each stage of the ingest path
 * costs on the same payloads the ingest benchmark sends.
 *
 * - decode: protobufjs `ExportLogsServiceRequest.decode` alone. The reference "physical limit": the
 *   collector cannot ingest faster than it can read the bytes once.
 * - json-parse: `JSON.parse` of the same requests as OTLP/JSON text (context for the JSON path).
 * - pipeline: `runPipeline` (decode → convert → redact → normalize rows), what every request costs.
 * - redact: the redact stage alone, and with a secret in every Bash command (bench/redact-bench.ts).
 * - request path: pipeline + `encodeRows` (the rows as one WAL record payload, src/wal/wal-payload.ts);
 *   what a pipeline worker does per request.
 * - writer decode: `decodeRows` of those WAL records again (the StoreWriter, on the main thread).
 * - store: `DuckdbStore.write` of batches the size one writer read holds (`writer.batchBytes` of
 *   WAL records), appender + INSERT, into a fresh DuckDB file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventRow } from '../src/model/records.js';
import { requestType } from '../src/pipeline/decode/otlp-proto.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { DuckdbStore } from '../src/store/duckdb/duckdb-store.js';
import { decodeRows, encodeRows } from '../src/wal/wal-payload.js';
import { toOtlpJson, type PayloadFactory } from './payloads.js';
import { defaultPipelineContext, defaultServeConfig } from './pipeline-context.js';
import { measureRedaction } from './redact-bench.js';
import { nowMs, round, timeLoop } from './stats.js';
import { measureStoreBreakdown, type StoreBreakdown } from './store-breakdown.js';

export interface StageRate {
  stage: string;
  /** Events per second of CPU time on one core (per wall second for the store, which is multi-threaded). */
  eventsPerSec: number;
  /** Microseconds per event (CPU, or wall for the store). */
  usPerEvent: number;
  /** Events per wall-clock second (lower than eventsPerSec when other processes took the core). */
  wallEventsPerSec: number;
}

export interface InProcessResult {
  decode: StageRate;
  jsonParse: StageRate;
  pipeline: StageRate;
  /** The redact stage alone (bench/redact-bench.ts): clean payloads, and a secret in every Bash command. */
  redact: StageRate;
  redactLeaky: StageRate;
  requestPath: StageRate;
  writerDecode: StageRate;
  store: StageRate & { rowsPerWrite: number; writes: number };
  storeBreakdown: StoreBreakdown;
  bytesPerEvent: { protobuf: number; otlpJson: number; walRecord: number };
}

const rate = (stage: string, events: number, seconds: number, wallSeconds = seconds): StageRate => ({
  stage,
  eventsPerSec: round(events / seconds),
  usPerEvent: round((seconds * 1e6) / events, 2),
  wallEventsPerSec: round(events / wallSeconds),
});

/** A timeLoop result → rate per CPU second. */
const cpuRate = (
  stage: string,
  events: number,
  run: { calls: number; seconds: number; cpuSeconds: number },
): StageRate => rate(stage, run.calls * events, run.cpuSeconds, run.seconds);

export async function measureInProcess(
  factory: PayloadFactory,
  opts: { stageMs: number; storeMs: number },
): Promise<InProcessResult> {
  const type = requestType('logs');
  const bodies = Array.from({ length: 32 }, () => factory.next());
  const events = bodies[0]?.events ?? 0;
  const body = (k: number): Buffer => (bodies[k % bodies.length] as { body: Buffer }).body;
  const ctx = defaultPipelineContext();

  let sink = 0;
  const decodeRun = timeLoop((k) => {
    sink += type.decode(body(k)) === null ? 1 : 0;
  }, opts.stageMs);

  const jsons = bodies.map((b) => toOtlpJson(b.body));
  const jsonRun = timeLoop((k) => {
    sink += JSON.parse(jsons[k % jsons.length] as string) === null ? 1 : 0;
  }, opts.stageMs);

  const pipelineRun = timeLoop((k) => {
    sink += runPipeline('logs', 'protobuf', body(k), ctx).accepted;
  }, opts.stageMs);

  const redactRuns = measureRedaction(
    bodies.map((b) => b.body),
    opts.stageMs,
  );

  const requestRun = timeLoop((k) => {
    sink += encodeRows(runPipeline('logs', 'protobuf', body(k), ctx).rows).length;
  }, opts.stageMs);

  const records = bodies.map((b) => encodeRows(runPipeline('logs', 'protobuf', b.body, ctx).rows));
  const writerRun = timeLoop((k) => {
    sink += decodeRows(records[k % records.length] as Buffer).events.length;
  }, opts.stageMs);
  if (sink < 0) console.log(sink);

  // As many requests as one writer read holds (writer.batchBytes of WAL records).
  const recordBytes = totalBytesOf(records) / records.length;
  const requestsPerWrite = Math.max(1, Math.floor(defaultServeConfig().writer.batchBytes / recordBytes));
  const makeBatch = uniqueRows(factory, requestsPerWrite);
  const store = await measureStore(makeBatch, opts.storeMs);
  const storeBreakdown = await measureStoreBreakdown(makeBatch, {
    durationMs: opts.storeMs,
    maxWrites: MAX_WRITES,
  });
  const n = events * bodies.length;
  const pipeline = cpuRate('runPipeline', events, pipelineRun);
  const redact = cpuRate('redactBatch (in runPipeline)', events, redactRuns.clean);
  const share = Math.round((100 * redact.usPerEvent) / (pipeline.usPerEvent - redact.usPerEvent));
  return {
    decode: cpuRate('protobuf decode', events, decodeRun),
    jsonParse: cpuRate('JSON.parse (OTLP/JSON)', events, jsonRun),
    pipeline,
    redact: { ...redact, stage: `${redact.stage}: +${share} % on the rest of the pipeline` },
    redactLeaky: cpuRate('redactBatch, a secret in every Bash command', events, redactRuns.leaky),
    requestPath: cpuRate('runPipeline + encodeRows', events, requestRun),
    writerDecode: cpuRate('decodeRows (WAL record → rows)', events, writerRun),
    store,
    storeBreakdown,
    bytesPerEvent: {
      protobuf: round(totalBytesOf(bodies.map((b) => b.body)) / n),
      otlpJson: round(totalBytesOf(jsons.map((j) => Buffer.from(j))) / n),
      walRecord: round(totalBytesOf(records) / n),
    },
  };
}

const MAX_WRITES = 60;

const totalBytesOf = (xs: readonly { length: number }[]): number => xs.reduce((n, x) => n + x.length, 0);

/**
 * Batches of unique event rows the size of one writer read: `requests` requests normalized once,
 * then copied with a fresh key per row (cheap, so it can run between timed writes).
 */
function uniqueRows(factory: PayloadFactory, requests: number): () => EventRow[] {
  const ctx = defaultPipelineContext();
  const base: EventRow[] = [];
  for (let k = 0; k < requests; k++) {
    base.push(...runPipeline('logs', 'protobuf', factory.next().body, ctx).rows.events);
  }
  let serial = Math.floor(Math.random() * 2 ** 40);
  return () => base.map((r) => ({ ...r, key: (serial++).toString(16).padStart(32, '0') }));
}

/** DuckdbStore.write throughput with writer-sized batches of unique rows, in a temp database. */
async function measureStore(
  makeBatch: () => EventRow[],
  durationMs: number,
): Promise<StageRate & { rowsPerWrite: number; writes: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unsilo-bench-store-'));
  const store = new DuckdbStore({ file: path.join(dir, 'bench.duckdb') });
  try {
    await store.start();
    await store.write({ events: makeBatch(), spans: [], metrics: [] }); // warm-up
    let rows = 0;
    let writes = 0;
    let busy = 0;
    const end = nowMs() + durationMs;
    let rowsPerWrite = 0;
    while (nowMs() < end && writes < MAX_WRITES) {
      const events = makeBatch();
      const t = nowMs();
      const res = await store.write({ events, spans: [], metrics: [] });
      busy += nowMs() - t;
      if (res.events.inserted !== events.length)
        throw new Error(`store bench: ${res.events.duplicates} duplicates`);
      rows += events.length;
      rowsPerWrite = events.length;
      writes++;
    }
    return { ...rate('DuckdbStore.write', rows, busy / 1000), rowsPerWrite, writes };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
