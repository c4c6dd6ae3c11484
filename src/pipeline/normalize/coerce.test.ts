import { describe, expect, it } from 'vitest';
import { nanosToMicros, toBool, toInt, toNum, toStr } from './coerce.js';
import { memberOf } from './identity.js';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';

describe('coerce', () => {
  it.each([
    ['86', 86],
    [86, 86],
    [0.00086, 0.00086],
    ['', null],
    ['abc', null],
    [null, null],
    [true, null],
  ] as const)('toNum(%j) = %j', (input, expected) => expect(toNum(input)).toBe(expected));

  it.each([
    ['true', true],
    ['false', false],
    [true, true],
    [false, false],
    ['1', true],
    ['maybe', null],
    [undefined, null],
  ] as const)('toBool(%j) = %j', (input, expected) => expect(toBool(input)).toBe(expected));

  it('truncates to integers and stringifies non-strings', () => {
    expect(toInt('12.9')).toBe(12);
    expect(toStr(42)).toBe('42');
    expect(toStr('')).toBeNull();
    expect(toStr(['a'])).toBe('["a"]');
  });

  it.each([
    ['12', 12, {}],
    [-3, -3, {}],
    [2 ** 53 - 1, 2 ** 53 - 1, {}],
    ['9223372036854775807', null, { number_out_of_range: 1 }],
    ['-9223372036854775808', null, { number_out_of_range: 1 }],
    ['1e30', null, { number_out_of_range: 1 }],
    [1e300, null, { number_out_of_range: 1 }],
    ['NaN', null, {}],
    ['Infinity', null, {}],
    ['abc', null, {}],
  ] as const)('toInt(%j) = %j, counted when out of range', (input, expected, counts) => {
    const tally = new SanitizeTally();
    expect(toInt(input, tally)).toBe(expected);
    expect(tally.counts).toEqual(counts);
  });

  it('converts nanoseconds to microseconds exactly', () => {
    expect(nanosToMicros('1795849230577123456')).toBe(1795849230577123);
    expect(nanosToMicros('0')).toBe(0);
  });
});

describe('memberOf', () => {
  it.each([
    ['token first', 'alice', { member: 'bob' }, { 'user.email': 'e@x' }, 'alice'],
    ['resource member', null, { member: 'bob' }, { 'user.email': 'e@x' }, 'bob'],
    ['resource team.member', null, { 'team.member': 'carol' }, {}, 'carol'],
    [
      'attribute member (copied from OTEL_RESOURCE_ATTRIBUTES)',
      null,
      {},
      { member: 'dan', 'user.email': 'e@x' },
      'dan',
    ],
    ['user.email', null, {}, { 'user.email': 'e@x', 'user.id': 'u1' }, 'e@x'],
    ['user.account_uuid', null, {}, { 'user.account_uuid': 'acc', 'user.id': 'u1' }, 'acc'],
    ['user.id last', null, {}, { 'user.id': 'u1' }, 'u1'],
    ['nobody', null, {}, {}, null],
  ] as const)('%s', (_name, token, resource, attrs, expected) => {
    expect(memberOf(token, resource, attrs)).toBe(expected);
  });
});
