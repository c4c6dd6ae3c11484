import { afterEach, describe, expect, it } from 'vitest';
import { capture } from '../../test/fixtures/captures.js';
import type { Signal } from '../model/otlp.js';
import { DecodeError, TooManyRecordsError, type Encoding } from '../pipeline/decode/decode-otlp.js';
import { DEFAULT_INPUT_LIMITS } from '../pipeline/sanitize/input-limits.js';
import { DEFAULT_ATTRIBUTION_PATTERNS } from '../pipeline/enrich/enrich-attribution.js';
import { decodeRows } from '../wal/wal-payload.js';
import { PipelinePool } from './pipeline-pool.js';
import { InThreadPipeline, type PipelineOutput, type PipelineTask } from './pipeline-runner.js';

const pools: PipelinePool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});

function pool(size = 2): PipelinePool {
  const p = new PipelinePool(size, { attribution: DEFAULT_ATTRIBUTION_PATTERNS });
  pools.push(p);
  return p;
}

const inThread = new InThreadPipeline({ attribution: DEFAULT_ATTRIBUTION_PATTERNS });
const task = (signal: Signal, encoding: Encoding, body: Buffer): PipelineTask => ({
  signal,
  encoding,
  body,
  tokenMember: null,
});

/** What a runner produced, with the payload decoded, so outputs of both modes compare as rows. */
const readable = (out: PipelineOutput): unknown => ({
  ...out,
  payload: out.payload === null ? null : decodeRows(out.payload),
});

/** A JSON logs request whose second record has a malformed traceId (rejected alone). */
function partlyBadLogs(): Buffer {
  const body = JSON.parse(capture('http-json/logs-2.json').toString()) as {
    resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
  };
  const records = body.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
  (records[1] as Record<string, unknown>).traceId = 'not-hex';
  return Buffer.from(JSON.stringify(body));
}

describe('PipelinePool', () => {
  it.each([
    ['logs', 'protobuf', 'http-protobuf/logs-1.bin'],
    ['logs', 'json', 'http-json/logs-2.json'],
    ['metrics', 'protobuf', 'grpc/metrics.bin'],
    ['traces', 'json', 'http-json/traces.json'],
  ] as const)('gives what the in-thread pipeline gives: %s %s', async (signal, encoding, file) => {
    const fromWorker = await pool(1).run(task(signal, encoding, capture(file)));
    const here = await inThread.run(task(signal, encoding, capture(file)));
    expect(fromWorker.accepted).toBeGreaterThan(0);
    expect(readable(fromWorker)).toEqual(readable(here));
  });

  it('keeps partial success across the thread boundary: counts and the first reason', async () => {
    const out = await pool(1).run(task('logs', 'json', partlyBadLogs()));
    const here = await inThread.run(task('logs', 'json', partlyBadLogs()));
    expect(out.rejected).toBe(1);
    expect(out.rejectReason).toMatch(/logRecords\[1\]\.traceId/);
    expect([out.accepted, out.rejected, out.rejectReason]).toEqual([
      here.accepted,
      here.rejected,
      here.rejectReason,
    ]);
  });

  it.each([
    ['protobuf', capture('http-protobuf/logs-1.bin').subarray(0, 50)],
    ['json', Buffer.from('{"resourceLogs": 5}')],
    ['json', Buffer.from('not json')],
  ] as const)(
    'rethrows a DecodeError from the worker as a DecodeError with its message (%s)',
    async (enc, body) => {
      const expected = await inThread.run(task('logs', enc, Buffer.from(body))).then(
        () => null,
        (err: unknown) => err,
      );
      expect(expected).toBeInstanceOf(DecodeError);
      const err = await pool(1)
        .run(task('logs', enc, Buffer.from(body)))
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).message).toBe((expected as DecodeError).message);
    },
  );

  it('runs many requests at once on every worker, from exclusive buffers and from slices', async () => {
    const p = pool(2);
    const bin = capture('http-protobuf/logs-1.bin');
    const expected = readable(await inThread.run(task('logs', 'protobuf', Buffer.from(bin))));
    const big = Buffer.concat([Buffer.alloc(7), bin, Buffer.alloc(9)]);
    const exclusive = (): Buffer => {
      const b = Buffer.allocUnsafeSlow(bin.length);
      bin.copy(b);
      return b;
    };
    const bodies = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? exclusive() : big.subarray(7, 7 + bin.length),
    );
    const outs = await Promise.all(bodies.map((b) => p.run(task('logs', 'protobuf', b))));
    for (const out of outs) expect(readable(out)).toEqual(expected);
    // A body that owns its memory was moved to the worker; a slice was copied, its buffer left intact.
    expect(bodies[0]?.length).toBe(0);
    expect(big.subarray(7, 7 + bin.length).equals(bin)).toBe(true);
  });

  it('holds the worker to the configured limits, and brings back TooManyRecordsError and the sanitized counts', async () => {
    const limits = { ...DEFAULT_INPUT_LIMITS, maxRecordsPerRequest: 1 };
    const p = new PipelinePool(1, { attribution: DEFAULT_ATTRIBUTION_PATTERNS, limits });
    pools.push(p);
    const refused = p.run(task('logs', 'json', capture('http-json/logs-1.json')));
    await expect(refused).rejects.toBeInstanceOf(TooManyRecordsError);
    await expect(refused).rejects.toThrow(/limits\.maxRecordsPerRequest/);
    const one = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'a\u0000b' } }] }] }] };
    const out = await p.run(task('logs', 'json', Buffer.from(JSON.stringify(one))));
    expect(out.accepted).toBe(1);
    expect(out.sanitized).toEqual({ nul_removed: 1, timestamp_too_old: 1 });
  });

  it('answers a request with nothing to store with no payload', async () => {
    const out = await pool(1).run(task('logs', 'json', Buffer.from('{"resourceLogs":[]}')));
    expect(out).toEqual({ payload: null, accepted: 0, rejected: 0, rejectReason: '', sanitized: {} });
  });

  it('refuses work once closed, and closes more than once', async () => {
    const p = pool(1);
    await p.close();
    await p.close();
    await expect(p.run(task('logs', 'json', Buffer.from('{}')))).rejects.toThrow(/closed/);
  });
});
