/**
 * Hostile input against a running collector (fast-check, fixed seed; FUZZ_SEED=<seed> replays a
 * failure, whose seed and path fast-check prints). Thousands of mutated OTLP payloads over HTTP
 * (protobuf and JSON, some claiming gzip) and gRPC, and mutated hook bodies to POST /v1/context and
 * /v1/tool-outcome:
 * every answer is 2xx or 4xx (never 5xx, never 429: nothing here should fill the log), the collector
 * keeps serving, every row it acknowledged reaches the store (no store error: a row that could not be
 * stored would stall the writer), and the main thread's heap stays within a stated budget.
 */
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../../src/model/otlp.js';
import { grpcPath } from '../../src/pipeline/decode/otlp-proto.js';
import {
  anyBytes,
  contextBody,
  mutatedJson,
  mutatedProtobuf,
  toolOutcomeBody,
} from '../fixtures/hostile-payloads.js';
import { claudeLogs, toProtobuf } from '../fixtures/otlp-builders.js';
import { drainedWithin, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_128);
const SIGNALS: Signal[] = ['logs', 'metrics', 'traces'];
const MiB = 1024 * 1024;
/** Main-thread heap the fuzzing may add while it runs, and what may stay once it is collected. */
const PEAK_BUDGET = 256 * MiB;
const RETAINED_BUDGET = 32 * MiB;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};

let c: TestCollector;
let baseline = 0;
let peak = 0;
const statuses = new Map<string, number>();

function note(kind: string, status: number | string): void {
  const key = `${kind} ${status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}

beforeAll(async () => {
  c = await startTestCollector({
    pipeline: { workers: 0 },
    limits: { maxAttributeValueBytes: 4096, maxRecordsPerRequest: 5_000 },
  });
  baseline = heapAfterGc();
});
afterAll(async () => c?.dispose());

async function post(path: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  const res = await request(`${c.httpUrl}${path}`, { method: 'POST', body, headers });
  await res.body.arrayBuffer();
  return res.statusCode;
}

const isClientOrOk = (status: number): boolean => status >= 200 && status < 500 && status !== 429;

async function expectDrained(): Promise<void> {
  expect(await drainedWithin(c), 'the store writer is stuck: an acknowledged row cannot be stored').toBe(
    true,
  );
}

const gzipped = fc.boolean();

describe('a running collector under fuzzing', () => {
  describe.each(SIGNALS)('POST /v1/%s', (signal) => {
    it.each([
      ['protobuf', 'application/x-protobuf', () => fc.oneof(mutatedProtobuf(signal), anyBytes)],
      ['json', 'application/json', () => fc.oneof(mutatedJson(signal), anyBytes)],
    ] as const)('answers 2xx/4xx to mutated %s', async (encoding, contentType, bodies) => {
      await fc.assert(
        fc.asyncProperty(bodies(), gzipped, async (body, gzip) => {
          const headers: Record<string, string> = { 'content-type': contentType };
          if (gzip) headers['content-encoding'] = 'gzip';
          const status = await post(`/v1/${signal}`, gzip ? gzipSync(body) : body, headers);
          note(`http ${encoding}`, status);
          expect(status, `HTTP ${status}`).toSatisfy(isClientOrOk);
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  });

  it('answers OK, INVALID_ARGUMENT or RESOURCE_EXHAUSTED over gRPC', async () => {
    const client = new grpc.Client(`127.0.0.1:${c.grpcPort}`, grpc.credentials.createInsecure());
    const raw = (b: Buffer): Buffer => b;
    const allowed = [grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED];
    const bodies = fc
      .constantFrom(...SIGNALS)
      .chain((signal) => fc.tuple(fc.constant(signal), fc.oneof(mutatedProtobuf(signal), anyBytes)));
    try {
      await fc.assert(
        fc.asyncProperty(bodies, async ([signal, body]) => {
          const code = await new Promise<number>((resolve) =>
            client.makeUnaryRequest(grpcPath(signal), raw, raw, body, (err) =>
              resolve(err?.code ?? grpc.status.OK),
            ),
          );
          note('grpc', code);
          expect(allowed, `gRPC code ${code}`).toContain(code);
        }),
        { seed: SEED, numRuns: 150 },
      );
    } finally {
      client.close();
    }
  });

  it('answers 2xx/4xx to mutated hook bodies on POST /v1/context', async () => {
    await fc.assert(
      fc.asyncProperty(contextBody, fc.constantFrom('application/json', 'text/plain'), async (body, type) => {
        const status = await post('/v1/context', body, { 'content-type': type });
        note('context', status);
        expect(status, `HTTP ${status}`).toSatisfy(isClientOrOk);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('answers 2xx/4xx to mutated tool-hook bodies on POST /v1/tool-outcome', async () => {
    await fc.assert(
      fc.asyncProperty(toolOutcomeBody, async (body) => {
        const status = await post('/v1/tool-outcome', body, { 'content-type': 'application/json' });
        note('tool-outcome', status);
        expect(status, `HTTP ${status}`).toSatisfy(isClientOrOk);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('cleans the strings of a hook body and stores an insane time as the receive time', async () => {
    const before = Date.now() * 1000;
    const body = {
      session_id: 'hook\u0000-session',
      ts: '2999-01-01T00:00:00Z',
      cwd: '/w\ud800',
      git_branch: 'main',
    };
    expect(
      await post('/v1/context', Buffer.from(JSON.stringify(body)), { 'content-type': 'application/json' }),
    ).toBe(200);
    const r = await c.store.query(
      `SELECT cwd, epoch_us(ts) FROM session_context WHERE session_id = 'hook-session'`,
    );
    expect(r.rows[0]?.[0]).toBe('/w\uFFFD');
    expect(Number(r.rows[0]?.[1])).toBeGreaterThanOrEqual(before);
    expect(Number(r.rows[0]?.[1])).toBeLessThanOrEqual(Date.now() * 1000);
    const counted = (await c.metrics.sanitized.get()).values.filter((v) => v.labels.signal === 'context');
    expect(counted.map((v) => v.labels.reason)).toEqual(
      expect.arrayContaining(['nul_removed', 'invalid_utf8', 'timestamp_in_future']),
    );
  });

  it('afterwards still serves, stores all it acknowledged, and stayed within its heap budget', async () => {
    const ok = await post(
      '/v1/logs',
      toProtobuf('logs', claudeLogs('after-fuzz', [{ name: 'user_prompt' }])),
      {
        'content-type': 'application/x-protobuf',
      },
    );
    expect(ok).toBe(200);
    await expectDrained();
    const after = await c.store.query(`SELECT count(*) FROM events WHERE session_id = 'after-fuzz'`);
    expect(Number(after.rows[0]?.[0])).toBe(1);
    expect((await c.metrics.storeErrors.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);
    const reasons = new Set((await c.metrics.sanitized.get()).values.map((v) => v.labels.reason));
    expect(reasons.size, [...reasons].join(', ')).toBeGreaterThanOrEqual(5);
    // Some of every kind got through to the store, or the fuzzing tested only the refusals.
    for (const kind of ['http protobuf', 'http json', 'context'])
      expect(statuses.get(`${kind} 200`)).toBeGreaterThan(20);
    expect(peak - baseline, 'heap growth at the peak').toBeLessThan(PEAK_BUDGET);
    expect(heapAfterGc() - baseline, 'heap kept after collection').toBeLessThan(RETAINED_BUDGET);
  });
});
