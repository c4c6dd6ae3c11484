import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseSince } from './import-commands.js';

describe('parseSince', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it.each([
    ['30d', '2026-10-29T12:00:00.000Z'],
    ['12h', '2026-11-28T00:00:00.000Z'],
    ['90m', '2026-11-28T10:30:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:00:00+01:00', '2026-11-01T07:00:00.000Z'],
  ])('%s → %s', (v, iso) => {
    expect(new Date(parseSince(v, now)).toISOString()).toBe(iso);
  });

  it('refuses anything else, saying what it takes', () => {
    expect(() => parseSince('last week', now)).toThrow(CliError);
    expect(() => parseSince('last week', now)).toThrow(/like 30d, 12h or 2026-11-01/);
  });
});
