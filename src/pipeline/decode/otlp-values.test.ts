import { describe, expect, it } from 'vitest';
import type { DecodedLogs } from '../../model/otlp.js';
import { decodeOtlp } from './decode-otlp.js';
import { requestType } from './otlp-proto.js';
import { attributes } from './otlp-attributes.js';
import { DecodeError, uint64Decimal } from './otlp-values.js';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';

const halves = (v: bigint): [lo: number, hi: number] => [Number(v & 0xffffffffn), Number(v >> 32n)];

describe('uint64Decimal', () => {
  it.each([
    0n,
    1n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    10n ** 15n,
    10n ** 16n,
    1_795_849_219_697_000_000n, // a timeUnixNano
    9_999_999_999_999_999_999n,
    2n ** 63n,
    2n ** 64n - 1n,
  ])('%s', (v) => {
    expect(uint64Decimal(...halves(v))).toBe(v.toString());
  });

  it('agrees with BigInt on random 64-bit values', () => {
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      const v = x >> BigInt(i % 40); // every magnitude
      expect(uint64Decimal(...halves(v))).toBe(v.toString());
    }
  });
});

describe('64-bit integers from protobuf (protobufjs Longs)', () => {
  it('become exact decimals, unsigned (fixed64) and signed (int64)', () => {
    const type = requestType('logs');
    const intValue = (v: string): unknown => ({ intValue: v });
    const body = Buffer.from(
      type
        .encode(
          type.fromObject({
            resourceLogs: [
              {
                scopeLogs: [
                  {
                    logRecords: [
                      {
                        timeUnixNano: '1795849219697000001',
                        observedTimeUnixNano: '18446744073709551615',
                        attributes: [
                          { key: 'min', value: intValue('-9223372036854775808') },
                          { key: 'max', value: intValue('9223372036854775807') },
                          { key: 'small', value: intValue('-42') },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          }),
        )
        .finish(),
    );
    const batch = decodeOtlp('logs', 'protobuf', body).batch as DecodedLogs;
    const record = batch.resources[0]?.scopes[0]?.records[0];
    expect(record?.timeUnixNano).toBe('1795849219697000001');
    expect(record?.observedTimeUnixNano).toBe('18446744073709551615');
    expect(record?.attributes).toEqual({
      min: '-9223372036854775808',
      max: '9223372036854775807',
      small: -42,
    });
  });
});

describe('error paths', () => {
  it('names the attribute that was wrong, only once one is', () => {
    const attrs = [
      { key: 'ok', value: { stringValue: 'x' } },
      { key: 'bad', value: { arrayValue: { values: [{ intValue: '1' }, { intValue: 'nope' }] } } },
    ];
    const cx = { maxEntries: 128, maxDepth: 8, tally: new SanitizeTally() };
    expect(() => attributes(attrs, 'resource.attributes', cx)).toThrow(DecodeError);
    expect(() => attributes(attrs, 'resource.attributes', cx)).toThrow(
      'resource.attributes[1].value[1]: expected a 64-bit integer, got "nope"',
    );
    expect(attributes(attrs.slice(0, 1), 'resource.attributes', cx)).toEqual({ ok: 'x' });
  });
});
