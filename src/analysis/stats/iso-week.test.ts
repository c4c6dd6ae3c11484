import { describe, expect, it } from 'vitest';
import { isoWeekLabel, isoWeekStart } from './iso-week.js';

describe('ISO weeks (UTC)', () => {
  it.each([
    // date, its week's Monday, the ISO week
    ['2026-03-04T12:00:00Z', '2026-03-02', '2026-W10'],
    ['2026-03-01T23:59:59Z', '2026-02-23', '2026-W09'],
    ['2026-03-02T00:00:00Z', '2026-03-02', '2026-W10'],
    ['2026-11-28T12:00:00Z', '2026-11-23', '2026-W48'],
    ['2026-01-01T00:00:00Z', '2025-12-29', '2026-W01'],
    ['2027-01-01T08:00:00Z', '2026-12-28', '2026-W53'],
    ['2027-01-04T00:00:00Z', '2027-01-04', '2027-W01'],
    ['2024-12-31T23:59:59Z', '2024-12-30', '2025-W01'],
  ])('%s is in the week of Monday %s, %s', (at, monday, week) => {
    const start = isoWeekStart(Date.parse(at));
    expect(new Date(start).toISOString()).toBe(`${monday}T00:00:00.000Z`);
    expect(isoWeekLabel(start)).toBe(week);
  });
});
