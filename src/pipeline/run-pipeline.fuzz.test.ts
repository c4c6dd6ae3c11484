/**
 * Property-based fuzzing of the pipeline's decoders (fast-check): arbitrary bytes, mutated real
 * captures and builder payloads, protobuf and OTLP/JSON, for every signal. Whatever arrives, the
 * pipeline either refuses the request with a typed error (DecodeError, TooManyRecordsError) or
 * hands back rows that every store can take and the write-ahead log carries unchanged.
 *
 * Seeded for reproducibility: a failure prints fast-check's seed and path; FUZZ_SEED=<seed> replays it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deeplyNestedLogs } from '../../test/fixtures/deep-payloads.js';
import { anyBytes, mutatedJson, mutatedProtobuf } from '../../test/fixtures/hostile-payloads.js';
import { unstorable } from '../../test/support/storable-rows.js';
import type { Signal } from '../model/otlp.js';
import { decodeRows, encodeRows } from '../wal/wal-payload.js';
import { DecodeError, TooManyRecordsError, type Encoding } from './decode/decode-otlp.js';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS } from './enrich/enrich-attribution.js';
import { timeBounds } from './normalize/time-bounds.js';
import { runPipeline } from './run-pipeline.js';
import { DEFAULT_INPUT_LIMITS } from './sanitize/input-limits.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_128);
const NOW_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
const limits = { ...DEFAULT_INPUT_LIMITS, maxAttributeValueBytes: 4096, maxRecordsPerRequest: 5_000 };
const ctx = {
  tokenMember: null,
  attribution: compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS),
  limits,
  nowMs: NOW_MS,
};
const times = timeBounds(NOW_MS, limits);
const SIGNALS: Signal[] = ['logs', 'metrics', 'traces'];

/** Runs the pipeline on one body: 'refused' (a typed error), or 'stored' once its rows check out. */
function outcome(signal: Signal, encoding: Encoding, body: Buffer): 'refused' | 'stored' {
  let r;
  try {
    r = runPipeline(signal, encoding, body, ctx);
  } catch (err) {
    if (err instanceof DecodeError || err instanceof TooManyRecordsError) return 'refused';
    throw err;
  }
  expect(unstorable(r.rows, times)).toBeNull();
  if (r.accepted > 0) {
    const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
    expect(plain(decodeRows(encodeRows(r.rows)))).toEqual(plain(r.rows));
  }
  return 'stored';
}

/** Asserts `property` on `numRuns` bodies; returns how many were stored. */
function fuzz(signal: Signal, encoding: Encoding, bodies: fc.Arbitrary<Buffer>, numRuns: number): number {
  let stored = 0;
  fc.assert(
    fc.property(bodies, (body) => {
      if (outcome(signal, encoding, body) === 'stored') stored++;
    }),
    { seed: SEED, numRuns },
  );
  return stored;
}

describe.each(SIGNALS)('the %s pipeline under fuzzing', (signal) => {
  it.each(['protobuf', 'json'] as const)(
    'refuses or stores arbitrary %s bytes, never throws otherwise',
    (encoding) => {
      fuzz(signal, encoding, anyBytes, 400);
    },
  );

  it('refuses or stores mutated protobuf (real captures, builders), and stores a fair share', () => {
    const runs = 700;
    expect(fuzz(signal, 'protobuf', mutatedProtobuf(signal), runs)).toBeGreaterThan(runs / 10);
  });

  it('refuses or stores mutated OTLP/JSON (real captures, builders), and stores a fair share', () => {
    const runs = 700;
    expect(fuzz(signal, 'json', mutatedJson(signal), runs)).toBeGreaterThan(runs / 10);
  });
});

describe('values nested deeper than any stack', () => {
  // protobufjs refuses messages nested deeper than its recursion limit (100) itself: 400, as a DecodeError.
  it.each([
    [100, 'json', 'stored'],
    [100_000, 'json', 'stored'],
    [40, 'protobuf', 'stored'],
    [100_000, 'protobuf', 'refused'],
  ] as const)('%i arrays deep in %s: %s, cut at the depth limit', (depth, encoding, expected) => {
    const body = deeplyNestedLogs(depth, encoding);
    expect(outcome('logs', encoding, body)).toBe(expected);
    if (expected === 'refused') return;
    const [row] = runPipeline('logs', encoding, body, ctx).rows.events;
    let value = (JSON.parse(row?.attributes ?? '{}') as { deep: unknown }).deep;
    for (let i = 0; i < limits.maxValueDepth; i++) value = (value as unknown[])[0];
    expect(value).toBeNull();
  });
});
