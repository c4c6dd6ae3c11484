import { describe, expect, it } from 'vitest';
import { backoffMs } from './relay-forwarder.js';
import { retryAfterMs } from './upstream-client.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Sat, 28 Nov 2026 10:00:05 GMT', 5000],
    ['Sat, 28 Nov 2026 09:00:00 GMT', 0],
    ['soon', null],
    ['', null],
    [null, null],
  ])('%j → %j ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });
});

describe('backoffMs', () => {
  it.each([
    [1, 0, 250],
    [1, 1, 500],
    [2, 1, 1000],
    [4, 1, 4000],
    [10, 1, 30_000],
    [10, 0, 15_000],
  ])('after %i failures with random %d waits %i ms (min 500, max 30 s)', (failures, random, ms) => {
    expect(backoffMs(failures, 500, 30_000, random)).toBe(ms);
  });
});
