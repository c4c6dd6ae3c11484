/**
 * A pipeline worker thread (started by PipelinePool): runs decode → redact → normalize → enrich →
 * payload encoding for each task it is sent and replies with the payload (transferred) and the counts, or
 * the error, marked with its type (DecodeError, TooManyRecordsError) so the pool can rethrow it as one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DecodeError, TooManyRecordsError } from '../pipeline/decode/decode-otlp.js';
import type { FailureKind, PipelineWorkerData, ReplyMessage, TaskMessage } from './pipeline-pool.js';
import { compilePipeline, runTask } from './pipeline-runner.js';

const port = parentPort;
if (!port) throw new Error('pipeline-worker runs in a worker thread (see PipelinePool)');
const pipeline = compilePipeline((workerData as PipelineWorkerData).config);

function kindOf(e: Error): FailureKind {
  if (e instanceof DecodeError) return 'decode';
  if (e instanceof TooManyRecordsError) return 'too-many-records';
  return 'other';
}

port.on('message', (task: TaskMessage) => {
  let reply: ReplyMessage;
  const transfer: ArrayBuffer[] = [];
  try {
    const out = runTask(
      {
        signal: task.signal,
        encoding: task.encoding,
        body: Buffer.from(task.body),
        tokenMember: task.tokenMember,
      },
      pipeline,
    );
    // encodeRows returns a Buffer that owns its whole ArrayBuffer, so it moves without a copy.
    const payload = out.payload === null ? null : (out.payload.buffer as ArrayBuffer);
    if (payload) transfer.push(payload);
    reply = {
      id: task.id,
      ok: true,
      payload,
      accepted: out.accepted,
      rejected: out.rejected,
      rejectReason: out.rejectReason,
      sanitized: out.sanitized,
    };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = {
      id: task.id,
      ok: false,
      kind: kindOf(e),
      message: e.message,
      stack: e.stack ?? '',
    };
  }
  port.postMessage(reply, transfer);
});
