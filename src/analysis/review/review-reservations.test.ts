import { describe, expect, it } from 'vitest';
import { tsMs } from '../analysis-context.js';
import { foldReservation } from './review-reservations.js';

const T = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
/** A claim (`for` minutes) or a release (`for` 0) by `who`, `at` minutes after T. */
const row = (who: string, at: number, minutes: number) => ({
  session_id: 's',
  reviewer: who,
  reserved_at: '',
  reserved_until: '',
  at: T + at * MIN,
  until: T + (at + minutes) * MIN,
});

describe('foldReservation', () => {
  it.each([
    ['nobody claimed', [], null],
    ['one claim', [row('rita', 0, 30)], 'rita'],
    ['the first of two racing claims wins', [row('rita', 0, 30), row('sam', 0, 30)], 'rita'],
    ['a renewal keeps the holder', [row('rita', 0, 30), row('sam', 1, 30), row('rita', 2, 30)], 'rita'],
    ['a claim after expiry takes the item', [row('rita', 0, 30), row('sam', 31, 30)], 'sam'],
    ['the holder releases', [row('rita', 0, 30), row('rita', 5, 0)], null],
    ["another reviewer's release row changes nothing", [row('rita', 0, 30), row('sam', 5, 0)], 'rita'],
    [
      'a claim after a release takes the item',
      [row('rita', 0, 30), row('rita', 5, 0), row('sam', 6, 30)],
      'sam',
    ],
  ])('%s', (_name, rows, holder) => {
    expect(foldReservation(rows)?.reviewer ?? null).toBe(holder);
  });

  it('keeps the renewed deadline', () => {
    expect(foldReservation([row('rita', 0, 30), row('rita', 20, 30)])?.until).toBe(T + 50 * MIN);
  });
});

describe('ms', () => {
  it("reads DuckDB's ISO and ClickHouse's naive UTC timestamps alike", () => {
    expect(tsMs('2026-11-28T12:00:00.000Z')).toBe(T);
    expect(tsMs('2026-11-28 12:00:00.000000')).toBe(T);
  });
});
