import { describe, expect, it } from 'vitest';
import { SanitizeTally, type SanitizeCounts } from '../sanitize/sanitize-tally.js';
import { anyValue, attributes, DROPPED_ATTRIBUTES_KEY } from './otlp-attributes.js';

const s = (v: string) => ({ stringValue: v });
const kv = (key: string, value: object) => ({ key, value });
const list = (...values: object[]) => ({ arrayValue: { values } });
const map = (...values: object[]) => ({ kvlistValue: { values } });

/** `v` wrapped in `n` single-element arrays. */
const nested = (n: number, v: object): object => (n === 0 ? v : list(nested(n - 1, v)));

function read(attrs: object[], maxEntries = 3, maxDepth = 2): { out: unknown; counts: SanitizeCounts } {
  const tally = new SanitizeTally();
  const out = attributes(attrs, 'attributes', { maxEntries, maxDepth, tally });
  return { out: JSON.parse(JSON.stringify(out)), counts: tally.counts };
}

describe('attributes within the per-record limits', () => {
  it.each([
    ['within every limit', [kv('a', s('1')), kv('b', list(s('x')))], { a: '1', b: ['x'] }, {}],
    [
      'extra attributes dropped, and the map says how many',
      [kv('a', s('1')), kv('b', s('2')), kv('c', s('3')), kv('d', s('4')), kv('e', s('5'))],
      { a: '1', b: '2', c: '3', [DROPPED_ATTRIBUTES_KEY]: 2 },
      { attributes_dropped: 2 },
    ],
    [
      'array elements past the limit dropped',
      [kv('a', list(s('1'), s('2'), s('3'), s('4')))],
      { a: ['1', '2', '3'] },
      { attributes_dropped: 1 },
    ],
    [
      'nested map entries past the limit dropped',
      [kv('m', map(kv('a', s('1')), kv('b', s('2')), kv('c', s('3')), kv('d', s('4'))))],
      { m: { a: '1', b: '2', c: '3', [DROPPED_ATTRIBUTES_KEY]: 1 } },
      { attributes_dropped: 1 },
    ],
    ['nesting at the depth limit kept', [kv('a', nested(2, s('x')))], { a: [['x']] }, {}],
    [
      'nesting past the depth limit becomes null',
      [kv('a', nested(3, s('x')))],
      { a: [[null]] },
      { value_too_deep: 1 },
    ],
    [
      'a map nested too deep becomes null',
      [kv('a', map(kv('b', map(kv('c', map(kv('d', s('x'))))))))],
      { a: { b: { c: null } } },
      { value_too_deep: 1 },
    ],
    [
      'a repeated key keeps its first value',
      [kv('a', s('first')), kv('a', s('second')), kv('b', s('2')), kv('a', s('third'))],
      { a: 'first', b: '2' },
      { duplicate_key: 2 },
    ],
    [
      'repeated keys do not use up the limit',
      [kv('a', s('1')), kv('a', s('1')), kv('a', s('1')), kv('b', s('2')), kv('c', s('3'))],
      { a: '1', b: '2', c: '3' },
      { duplicate_key: 2 },
    ],
    [
      'non-finite doubles become strings',
      [
        kv('n', { doubleValue: 'NaN' }),
        kv('i', { doubleValue: 'Infinity' }),
        kv('m', { doubleValue: -Infinity }),
      ],
      { n: 'NaN', i: 'Infinity', m: '-Infinity' },
      { non_finite_number: 3 },
    ],
    [
      '__proto__ is an ordinary key',
      [kv('__proto__', map(kv('polluted', s('yes')))), kv('a', s('1'))],
      JSON.parse('{"__proto__":{"polluted":"yes"},"a":"1"}') as object,
      {},
    ],
  ])('%s', (_name, attrs, expected, counts) => {
    const r = read(attrs);
    expect(r.out).toEqual(expected);
    expect(r.counts).toEqual(counts);
  });

  it('never sets the prototype of the map it builds', () => {
    const tally = new SanitizeTally();
    const out = attributes([kv('__proto__', map(kv('session.id', s('forged'))))], '', {
      maxEntries: 10,
      maxDepth: 2,
      tally,
    });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(out['session.id']).toBeUndefined();
  });

  it('reads a value nested 100,000 deep without recursing into it', () => {
    const tally = new SanitizeTally();
    let deep: object = s('x');
    for (let i = 0; i < 100_000; i++) deep = list(deep);
    expect(anyValue(deep, '', { maxEntries: 10, maxDepth: 8, tally })).toEqual(nested8Nulls());
    expect(tally.counts).toEqual({ value_too_deep: 1 });
  });
});

/** Eight arrays around a null: what a value nested deeper than 8 keeps. */
function nested8Nulls(): unknown {
  let v: unknown = null;
  for (let i = 0; i < 8; i++) v = [v];
  return v;
}
