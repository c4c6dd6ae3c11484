/**
 * The redact stage alone (src/pipeline/redact/) on the ingest benchmark's requests, decoded once:
 *
 * - clean: the payloads as they are (no secrets, like nearly all real traffic): every string goes
 *   through the prefilter and nothing else. The stage changes a batch in place, which on these
 *   payloads changes nothing (checked), so the same decoded batches are reused.
 * - leaky: a fake secret in every Bash command (tool_parameters and tool_input), the slow path:
 *   JSON parsing and every detector. The original strings are put back before each pass.
 *
 * Its share of the pipeline is redact ÷ (runPipeline − redact): what the stage adds to a pipeline
 * without it.
 */
import type { AttrValue, Attributes, DecodedLogs } from '../src/model/otlp.js';
import { decodeOtlp } from '../src/pipeline/decode/decode-otlp.js';
import { canaryCases } from '../src/pipeline/redact/canary-corpus.js';
import { REDACTED_COUNT_KEY, redactBatch } from '../src/pipeline/redact/redact-batch.js';
import { timeLoop } from './stats.js';

type Run = ReturnType<typeof timeLoop>;

const decodeLogs = (body: Buffer): DecodedLogs => {
  const batch = decodeOtlp('logs', 'protobuf', body).batch;
  if (batch.signal !== 'logs') throw new Error('redact bench: expected logs');
  return batch;
};

const recordsOf = (b: DecodedLogs): Attributes[] =>
  b.resources.flatMap((r) => r.scopes.flatMap((s) => s.records.map((rec) => rec.attributes)));

interface Leak {
  attrs: Attributes;
  key: string;
  leaky: string;
  clean: AttrValue;
}

/** Per batch, each Bash command's attribute with a leaky value and the original to put back. */
function leaksOf(batches: DecodedLogs[]): Leak[][] {
  const commands = canaryCases().map((c) => c.bash);
  let n = 0;
  return batches.map((b) =>
    recordsOf(b).flatMap((attrs) =>
      ['tool_parameters', 'tool_input'].flatMap((key) => {
        const clean = attrs[key];
        if (typeof clean !== 'string') return [];
        const leaky = JSON.stringify({ command: commands[n++ % commands.length], description: 'run it' });
        return [{ attrs, key, leaky, clean }];
      }),
    ),
  );
}

export function measureRedaction(bodies: readonly Buffer[], stageMs: number): { clean: Run; leaky: Run } {
  const clean = bodies.map(decodeLogs);
  for (const b of clean) redactBatch(b);
  if (clean.some((b) => recordsOf(b).some((a) => REDACTED_COUNT_KEY in a)))
    throw new Error('redact bench: the benchmark payloads hold something the detectors redact');
  let sink = 0;
  const cleanRun = timeLoop((k) => {
    sink += redactBatch(clean[k % clean.length] as DecodedLogs).resources.length;
  }, stageMs);

  const leaky = bodies.map(decodeLogs);
  const leaks = leaksOf(leaky);
  const leakyRun = timeLoop((k) => {
    const i = k % leaky.length;
    const batchLeaks = leaks[i] as Leak[];
    for (const l of batchLeaks) l.attrs[l.key] = l.leaky;
    sink += redactBatch(leaky[i] as DecodedLogs).resources.length;
    for (const l of batchLeaks) l.attrs[l.key] = l.clean;
  }, stageMs);
  if (sink < 0) console.log(sink);
  return { clean: cleanRun, leaky: leakyRun };
}
