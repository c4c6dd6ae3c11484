import { describe, expect, it } from 'vitest';
import { flaggedSession } from '../../../test/fixtures/session-signals.js';
import type { SessionSignals } from './session-signals.js';
import { weeklyRates } from './signal-weeks.js';

const session = (start: string, flagged: boolean): SessionSignals => flaggedSession(start, start, flagged);

describe('weeklyRates', () => {
  it('buckets sessions by the week they start in, with Wilson intervals, and marks the running week', () => {
    const weeks = weeklyRates(
      [
        session('2026-11-09T10:00:00.000Z', true),
        session('2026-11-15T23:59:00.000Z', false),
        session('2026-11-16T00:00:00.000Z', true),
        session('2026-11-24T08:00:00.000Z', true),
      ],
      ['validation_failures'],
      new Date('2026-11-11T00:00:00Z'),
      new Date('2026-11-28T12:00:00Z'),
    ).get('validation_failures')!;
    expect(weeks.map((w) => [w.week, w.n, w.x, w.complete])).toEqual([
      ['2026-W46', 2, 1, true],
      ['2026-W47', 1, 1, true],
      ['2026-W48', 1, 1, false],
    ]);
    expect(weeks[0]!.rate).toBe(0.5);
    expect(weeks[0]!.lo).toBeCloseTo(0.0945, 4);
    expect(weeks[0]!.hi).toBeCloseTo(0.9055, 4);
  });
});
