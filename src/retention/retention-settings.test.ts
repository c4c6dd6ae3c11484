import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../config/config.js';
import { retentionSettings } from './retention-settings.js';

const settings = (retention: Record<string, unknown>, dataDir = '/srv/unsilo/data') =>
  retentionSettings(loadServeConfig({ dataDir, retention }, {}));

describe('retentionSettings', () => {
  it('defaults: 90 days, 100 GB, content as long as the rest, the archive in the data directory, daily', () => {
    expect(settings({})).toEqual({
      policy: { maxAgeDays: 90, maxBytes: 100_000_000_000, contentMaxAgeDays: 90 },
      archiveDir: '/srv/unsilo/data/archive',
      runLog: '/srv/unsilo/data/retention-runs.jsonl',
      intervalMs: 86_400_000,
    });
  });

  it.each([
    [
      { contentMaxAgeDays: 30, maxAgeDays: 365 },
      { contentMaxAgeDays: 30, maxAgeDays: 365 },
    ],
    [{ maxAgeDays: 0 }, { maxAgeDays: 0, contentMaxAgeDays: 0 }],
    [{ maxBytes: 0 }, { maxBytes: 0 }],
  ])('takes %j', (given, policy) => {
    expect(settings(given).policy).toMatchObject(policy);
  });

  it('archives elsewhere, or not at all; no schedule when disabled', () => {
    expect(settings({ archiveDir: '/mnt/cold/unsilo' }).archiveDir).toBe('/mnt/cold/unsilo');
    expect(settings({ archiveDir: 'cold' }).archiveDir).toBe(path.resolve('cold'));
    expect(settings({ archive: false }).archiveDir).toBeNull();
    expect(settings({ enabled: false }).intervalMs).toBeNull();
    expect(settings({ intervalMinutes: 60 }).intervalMs).toBe(3_600_000);
  });

  it.each(['/srv/unsilo/data', '/srv/unsilo', '/'])(
    'refuses an archive directory that holds the data directory (%s): SQL can read it',
    (archiveDir) => {
      expect(() => settings({ archiveDir })).toThrow(/retention\.archiveDir: .* holds the data directory/);
    },
  );

  it.each([
    [{ maxAgeDays: -1 }, /retention\.maxAgeDays/],
    [{ contentMaxAgeDays: 0 }, /retention\.contentMaxAgeDays/],
    [{ intervalMinutes: 0 }, /retention\.intervalMinutes/],
    [{ maxbytes: 5 }, /retention: Unrecognized key/],
  ])('stops at a bad value, naming the key: %j', (retention, message) => {
    expect(() => settings(retention)).toThrow(message);
  });
});
