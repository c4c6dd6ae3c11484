/**
 * The ingest pipeline on worker threads (`pipeline.workers`), so decode and normalize (pure CPU, most
 * of a request's cost) run beside the main thread's HTTP, write-ahead log and store work.
 *
 * A request body goes to the worker with the fewest tasks in flight, moved rather than copied (its
 * ArrayBuffer is transferred when the Buffer spans all of it, else copied once into one that is);
 * the encoded log payload comes back the same way. Errors keep their type across the hop: a
 * DecodeError in the worker is a DecodeError here, with the same message (400 / INVALID_ARGUMENT), a
 * TooManyRecordsError a TooManyRecordsError (413 / RESOURCE_EXHAUSTED); anything else rejects as a
 * plain Error (500). A worker that dies fails its in-flight tasks and is
 * replaced; while no worker is up, tasks run on the calling thread. Under tsx or vitest the sources are .ts, and the worker registers tsx's loader first.
 */
import { Worker } from 'node:worker_threads';
import { DecodeError, TooManyRecordsError } from '../pipeline/decode/decode-otlp.js';
import type { SanitizeCounts } from '../pipeline/sanitize/sanitize-tally.js';
import {
  InThreadPipeline,
  type PipelineConfig,
  type PipelineOutput,
  type PipelineRunner,
  type PipelineTask,
} from './pipeline-runner.js';

/** Main → worker. */
export interface TaskMessage {
  id: number;
  signal: PipelineTask['signal'];
  encoding: PipelineTask['encoding'];
  body: ArrayBuffer;
  tokenMember: string | null;
}

/** Worker → main. */
export type ReplyMessage =
  | {
      id: number;
      ok: true;
      payload: ArrayBuffer | null;
      accepted: number;
      rejected: number;
      rejectReason: string;
      sanitized: SanitizeCounts;
    }
  | { id: number; ok: false; kind: FailureKind; message: string; stack: string };

/** Which typed error a worker's failure was, so it is rethrown as one here. */
export type FailureKind = 'decode' | 'too-many-records' | 'other';

export interface PipelineWorkerData {
  config: PipelineConfig;
}

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./pipeline-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);
const RESPAWN_DELAY_MS = 200;

function startWorker(workerData: PipelineWorkerData): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  // Running from .ts sources (tsx, vitest): `execArgv: ['--import', 'tsx']` does not install tsx's
  // hooks in a worker on Node 20, so the worker registers them itself before loading its entry.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

interface Pending {
  resolve: (out: PipelineOutput) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker | null;
  pending: Map<number, Pending>;
}

/** The body as an ArrayBuffer that can be transferred: its own when it spans all of it, else a copy. */
function transferable(body: Buffer): ArrayBuffer {
  const ab = body.buffer;
  if (ab instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === ab.byteLength) return ab;
  const copy = new ArrayBuffer(body.byteLength);
  new Uint8Array(copy).set(body);
  return copy;
}

export class PipelinePool implements PipelineRunner {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private inThread: InThreadPipeline | null = null;

  constructor(
    size: number,
    private readonly config: PipelineConfig,
    /** Told when a worker fails (it is replaced; its in-flight tasks were rejected). */
    private readonly onWorkerError: (err: Error) => void = () => undefined,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a pipeline pool needs ≥ 1 worker, got ${size}`);
    for (let i = 0; i < size; i++) {
      const slot: Slot = { worker: null, pending: new Map() };
      this.slots.push(slot);
      this.spawn(slot);
    }
  }

  run(task: PipelineTask): Promise<PipelineOutput> {
    if (this.closed) return Promise.reject(new Error('the pipeline pool is closed'));
    let slot: Slot | null = null;
    for (const s of this.slots) {
      if (s.worker && (slot === null || s.pending.size < slot.pending.size)) slot = s;
    }
    const worker = slot?.worker;
    if (!slot || !worker) return (this.inThread ??= new InThreadPipeline(this.config)).run(task);
    const chosen = slot;
    const id = this.nextId++;
    const body = transferable(task.body);
    const msg: TaskMessage = {
      id,
      signal: task.signal,
      encoding: task.encoding,
      body,
      tokenMember: task.tokenMember,
    };
    return new Promise<PipelineOutput>((resolve, reject) => {
      chosen.pending.set(id, { resolve, reject });
      if (chosen.pending.size === 1) worker.ref();
      worker.postMessage(msg, [body]);
    });
  }

  /** Waits up to `timeoutMs` for tasks in flight, then stops the workers. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    while (this.slots.some((s) => s.pending.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        const w = slot.worker;
        slot.worker = null;
        this.fail(slot, new Error('the pipeline pool closed'));
        await w?.terminate();
      }),
    );
  }

  private spawn(slot: Slot): void {
    const worker = startWorker({ config: this.config });
    worker.unref();
    slot.worker = worker;
    worker.on('message', (m: ReplyMessage) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      if (m.ok) {
        p.resolve({
          payload: m.payload === null ? null : Buffer.from(m.payload),
          accepted: m.accepted,
          rejected: m.rejected,
          rejectReason: m.rejectReason,
          sanitized: m.sanitized,
        });
      } else if (m.kind === 'decode') {
        p.reject(new DecodeError(m.message));
      } else if (m.kind === 'too-many-records') {
        p.reject(new TooManyRecordsError(m.message));
      } else {
        const err = new Error(`pipeline worker: ${m.message}`);
        err.stack = `${err.message}\n(in the worker) ${m.stack}`;
        p.reject(err);
      }
    });
    worker.on('error', (err) => {
      this.onWorkerError(err);
      this.fail(slot, new Error(`pipeline worker failed: ${err.message}`));
    });
    worker.on('exit', () => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      this.fail(slot, new Error('pipeline worker exited'));
      if (!this.closed) setTimeout(() => this.closed || this.spawn(slot), RESPAWN_DELAY_MS).unref();
    });
  }

  private fail(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}
