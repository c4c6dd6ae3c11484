import { describe, expect, it } from 'vitest';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { TimeClamp, timeBounds } from './time-bounds.js';

const NOW_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
const ms = (iso: string): number => Date.parse(iso);
/** An ISO time as OTLP nanoseconds. */
const ns = (iso: string): string => String(BigInt(ms(iso)) * 1_000_000n);
const us = (iso: string): number => ms(iso) * 1000;
const NOW_US = NOW_MS * 1000;

function clamp(): { c: TimeClamp; tally: SanitizeTally } {
  const tally = new SanitizeTally();
  const bounds = timeBounds(NOW_MS, { maxFutureSkewMs: 24 * 3600_000, minTimestamp: '2020-01-01T00:00:00Z' });
  return { c: new TimeClamp(bounds, tally), tally };
}

describe('TimeClamp.at (event times)', () => {
  it.each([
    ['a sane time', ns('2026-11-28T07:00:00Z'), '0', us('2026-11-28T07:00:00Z'), {}],
    ['just inside the skew', ns('2026-11-29T11:59:59Z'), '0', us('2026-11-29T11:59:59Z'), {}],
    [
      'in the future: the observed time',
      ns('2030-01-01T00:00:00Z'),
      ns('2026-11-28T11:00:00Z'),
      us('2026-11-28T11:00:00Z'),
      { timestamp_in_future: 1 },
    ],
    [
      'in the future, no observed time: now',
      ns('2030-01-01T00:00:00Z'),
      '0',
      NOW_US,
      { timestamp_in_future: 1 },
    ],
    [
      'both in the future: now',
      ns('2030-01-01T00:00:00Z'),
      ns('2031-01-01T00:00:00Z'),
      NOW_US,
      { timestamp_in_future: 1 },
    ],
    ['before 2020', ns('2019-12-31T23:59:59Z'), '0', NOW_US, { timestamp_too_old: 1 }],
    ['zero', '0', '0', NOW_US, { timestamp_too_old: 1 }],
    ['negative', '-5000000000', '0', NOW_US, { timestamp_too_old: 1 }],
    ['the largest uint64', '18446744073709551615', '0', NOW_US, { timestamp_in_future: 1 }],
    ['more digits than any integer type', '9'.repeat(400), '0', NOW_US, { timestamp_in_future: 1 }],
  ])('%s', (_name, time, observed, expected, counts) => {
    const { c, tally } = clamp();
    expect(c.at(time, observed)).toBe(expected);
    expect(tally.counts).toEqual(counts);
  });
});

describe('TimeClamp.span', () => {
  const a = '2026-11-28T07:00:00Z';
  const b = '2026-11-28T07:00:05Z';
  it.each([
    ['sane', ns(a), ns(b), { start: us(a), end: us(b) }, {}],
    [
      'ends before it starts: ends when it starts',
      ns(b),
      ns(a),
      { start: us(b), end: us(b) },
      { negative_duration: 1 },
    ],
    ['start zero: starts when it ends', '0', ns(b), { start: us(b), end: us(b) }, { timestamp_too_old: 1 }],
    [
      'end far ahead: ends when it starts',
      ns(a),
      ns('2099-01-01T00:00:00Z'),
      { start: us(a), end: us(a) },
      { timestamp_in_future: 1 },
    ],
    [
      'both insane: now',
      '0',
      '99999999999999999999',
      { start: NOW_US, end: NOW_US },
      { timestamp_too_old: 1, timestamp_in_future: 1 },
    ],
  ])('%s', (_name, start, end, expected, counts) => {
    const { c, tally } = clamp();
    expect(c.span(start, end)).toEqual(expected);
    expect(tally.counts).toEqual(counts);
  });
});

describe('TimeClamp.point (metric points)', () => {
  const a = '2026-11-28T07:00:00Z';
  const b = '2026-11-28T07:01:00Z';
  it.each([
    ['sane', ns(a), ns(b), { start: us(a), ts: us(b) }, {}],
    ['no start', '0', ns(b), { start: null, ts: us(b) }, {}],
    [
      'start far in the past: no start',
      ns('1999-01-01T00:00:00Z'),
      ns(b),
      { start: null, ts: us(b) },
      { timestamp_too_old: 1 },
    ],
    ['start after its time', ns(b), ns(a), { start: us(a), ts: us(a) }, { negative_duration: 1 }],
    [
      'time in the future: now',
      ns(a),
      ns('2040-01-01T00:00:00Z'),
      { start: us(a), ts: NOW_US },
      { timestamp_in_future: 1 },
    ],
  ])('%s', (_name, start, time, expected, counts) => {
    const { c, tally } = clamp();
    expect(c.point(start, time)).toEqual(expected);
    expect(tally.counts).toEqual(counts);
  });
});

describe('TimeClamp.duration', () => {
  it.each([
    [null, null, {}],
    [0, 0, {}],
    [86, 86, {}],
    [-5, 0, { negative_duration: 1 }],
  ])('%s → %s', (input, expected, counts) => {
    const { c, tally } = clamp();
    expect(c.duration(input)).toBe(expected);
    expect(tally.counts).toEqual(counts);
  });
});
