/**
 * OTLP partial success, as a property (fast-check, fixed seed; FUZZ_SEED=<seed> replays a failure):
 * a logs batch mixing good records (some full of repairable traps) and bad ones (each refused alone),
 * in any order, is answered 200 with the bad count in partial_success, and the store holds exactly
 * the good records.
 */
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseType } from '../../src/pipeline/decode/otlp-proto.js';
import { toProtobuf } from '../fixtures/otlp-builders.js';
import { drainedWithin, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_128);

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c?.dispose());

type Partial = { rejectedLogRecords?: string; errorMessage?: string } | undefined;

/** The partial_success of an ExportLogsServiceResponse, in the encoding it came. */
function partialOf(enc: 'json' | 'protobuf', reply: Buffer): Partial {
  const type = responseType('logs');
  const response = (
    enc === 'json' ? JSON.parse(reply.toString()) : type.toObject(type.decode(reply), { longs: String })
  ) as { partialSuccess?: Partial };
  return response.partialSuccess;
}

/** A Claude Code event tagged with its own session id, so the store shows which records landed. */
function record(session: string, extra: Record<string, unknown> = {}, attrs: object[] = []): object {
  return {
    timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
    body: { stringValue: 'claude_code.user_prompt' },
    attributes: [
      { key: 'session.id', value: { stringValue: session } },
      { key: 'event.name', value: { stringValue: 'user_prompt' } },
      ...attrs,
    ],
    ...extra,
  };
}

/** Record defects, each refused alone; OTLP/JSON carries them all, protobuf only the bad ids. */
const DEFECTS: { protobuf: boolean; extra: Record<string, unknown>; attrs?: object[] }[] = [
  { protobuf: true, extra: { traceId: 'ab' } },
  { protobuf: true, extra: { spanId: 'abcdef' } },
  { protobuf: false, extra: {}, attrs: [{ key: 'n', value: { intValue: 'nope' } }] },
  { protobuf: false, extra: { body: { stringValue: 5 } } },
  { protobuf: false, extra: { timeUnixNano: 'yesterday' } },
  { protobuf: false, extra: { severityNumber: 1e300 } },
  { protobuf: false, extra: { observedTimeUnixNano: { low: 1, high: 2 } } },
];

/** `list` in an order drawn from `seed` (Fisher–Yates over a small LCG). */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let x = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Good records may still be hostile: they are repaired, not refused. */
const TRAPS: object[][] = [
  [],
  [{ key: 'prompt', value: { stringValue: 'a\u0000b\ud800' } }],
  [{ key: 'input_tokens', value: { intValue: '18446744073709551615' } }],
  [
    { key: 'x', value: { doubleValue: 'NaN' } },
    { key: 'x', value: { doubleValue: 'Infinity' } },
  ],
];

let batches = 0;

describe('a batch mixing good and bad records', () => {
  it.each(['json', 'protobuf'] as const)(
    'stores exactly the good ones and reports the bad count (%s)',
    async (enc) => {
      const defects = DEFECTS.map((d, i) => [i, d] as const).filter(([, d]) => enc === 'json' || d.protobuf);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: TRAPS.length - 1 }), { minLength: 1, maxLength: 6 }),
          fc.array(fc.constantFrom(...defects), { minLength: 1, maxLength: 4 }),
          fc.nat(),
          async (goodTraps, bad, shuffle) => {
            const run = `mix-${++batches}`;
            const good = goodTraps.map((t, i) => record(`${run}-good-${i}`, {}, TRAPS[t]));
            const refused = bad.map(([d, defect], i) =>
              record(`${run}-bad-${i}-${d}`, defect.extra, defect.attrs),
            );
            const all = shuffled([...good, ...refused], shuffle);
            const req = { resourceLogs: [{ scopeLogs: [{ logRecords: all }] }] };
            const body = enc === 'json' ? Buffer.from(JSON.stringify(req)) : toProtobuf('logs', req);
            const res = await request(`${c.httpUrl}/v1/logs`, {
              method: 'POST',
              body,
              headers: { 'content-type': enc === 'json' ? 'application/json' : 'application/x-protobuf' },
            });
            const reply = Buffer.from(await res.body.arrayBuffer());
            expect(res.statusCode).toBe(200);
            const partial = partialOf(enc, reply);
            expect(Number(partial?.rejectedLogRecords)).toBe(refused.length);
            expect(partial?.errorMessage).toMatch(/logRecords\[\d+\]/);
            expect(await drainedWithin(c)).toBe(true);
            const stored = await c.store.query(
              `SELECT session_id FROM events WHERE session_id LIKE ? ORDER BY session_id`,
              [`${run}-%`],
            );
            expect(stored.rows.map((r) => r[0])).toEqual(good.map((_, i) => `${run}-good-${i}`).sort());
          },
        ),
        { seed: SEED, numRuns: 12 },
      );
    },
  );
});
