import { describe, expect, it } from 'vitest';
import type { RetainedTable, StoreUsage } from '../store/store-retention.js';
import { planRetention, type RetentionPolicy } from './retention-policy.js';

const NOW = new Date('2026-11-28T10:00:00Z');
const NONE: RetentionPolicy = { maxAgeDays: 0, maxBytes: 0, contentMaxAgeDays: 0 };

/** Usage from day counts; each row costs `perRow` bytes; `dead` deleted rows not given back yet. */
function usage(
  days: [RetainedTable, string, number][],
  opts: { perRow?: number; dead?: Partial<Record<RetainedTable, number>> } = {},
): StoreUsage {
  const perRow = opts.perRow ?? 100;
  const tables = (['events', 'spans', 'metric_points'] as const).map((table) => {
    const rows = days.filter((d) => d[0] === table).reduce((n, d) => n + d[2], 0);
    const storedRows = rows + (opts.dead?.[table] ?? 0);
    return { table, rows, storedRows, bytes: storedRows * perRow, oldest: null, newest: null };
  });
  const usedBytes = tables.reduce((n, t) => n + t.bytes, 0);
  return {
    usedBytes,
    fileBytes: usedBytes,
    measure: 'test',
    tables,
    days: days.map(([table, day, rows]) => ({ table, day, rows })),
  };
}

/** Ten rows of each table on the 10th of every month from June to November 2026. */
const SIX_MONTHS = (['06', '07', '08', '09', '10', '11'] as const).flatMap((m) =>
  (['events', 'spans', 'metric_points'] as const).map((t): [RetainedTable, string, number] => [
    t,
    `2026-${m}-10`,
    10,
  ]),
);

const slices = (u: StoreUsage, p: Partial<RetentionPolicy>): string[] =>
  planRetention(u, { ...NONE, ...p }, NOW).slices.map(
    (s) => `${s.table} ${s.month} ${s.from.slice(0, 10)}..${s.until.slice(0, 10)} ${s.rows} ${s.reason}`,
  );

describe('planRetention', () => {
  it('does nothing without limits', () => {
    expect(planRetention(usage(SIX_MONTHS), NONE, NOW)).toEqual({
      ageCutoff: null,
      deleteBefore: null,
      contentCutoff: null,
      slices: [],
      compact: [],
      usedBytes: 18 * 10 * 100,
      estimatedBytesAfter: 18 * 10 * 100,
      overLimit: false,
    });
  });

  it('cuts at the start of the UTC day maxAgeDays ago, one slice per table and month', () => {
    const u = usage([
      ['events', '2026-07-15', 2],
      ['events', '2026-08-29', 5],
      ['events', '2026-08-30', 3],
      ['spans', '2026-08-01', 1],
      ['metric_points', '2026-09-01', 4],
    ]);
    const plan = planRetention(u, { ...NONE, maxAgeDays: 90 }, NOW);
    expect(plan.ageCutoff).toBe('2026-08-30T00:00:00.000Z');
    expect(plan.deleteBefore).toBe(plan.ageCutoff);
    expect(slices(u, { maxAgeDays: 90 })).toEqual([
      'events 2026-07 2026-07-01..2026-08-01 2 age',
      'events 2026-08 2026-08-01..2026-08-30 5 age',
      'spans 2026-08 2026-08-01..2026-08-30 1 age',
    ]);
  });

  it.each([
    // [limit in bytes, months kept]: each month is 3 tables × 10 rows × 100 bytes = 3000 bytes
    [18_000, 6],
    [17_999, 5],
    [12_000, 4],
    [6_500, 2],
    [3_000, 1],
  ])('past a size limit of %i bytes keeps the newest %i months, whole', (maxBytes, kept) => {
    const plan = planRetention(usage(SIX_MONTHS), { ...NONE, maxBytes }, NOW);
    const gone = new Set(plan.slices.map((s) => s.month));
    expect(gone.size).toBe(6 - kept);
    expect([...gone]).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10'].slice(0, 6 - kept));
    expect(plan.slices.every((s) => s.reason === 'size' && s.rows === 10)).toBe(true);
    expect(plan.slices.every((s) => s.from.endsWith('-01T00:00:00.000Z'))).toBe(true);
    expect(plan.overLimit).toBe(false);
    expect(plan.estimatedBytesAfter).toBe(kept * 3000);
  });

  it('never drops the current month: past the limit with only it left, it says so', () => {
    const plan = planRetention(usage(SIX_MONTHS), { ...NONE, maxBytes: 1000 }, NOW);
    expect(new Set(plan.slices.map((s) => s.month)).size).toBe(5);
    expect(plan.overLimit).toBe(true);
    expect(plan.deleteBefore).toBe('2026-11-01T00:00:00.000Z');
  });

  it('drops the whole month the age limit cut into when the size limit needs it', () => {
    const u = usage([
      ['events', '2026-08-20', 10],
      ['events', '2026-09-10', 10],
      ['events', '2026-09-20', 10],
      ['events', '2026-10-10', 10],
      ['events', '2026-11-10', 10],
    ]);
    // maxAgeDays 70 cuts at 2026-09-19; 2000 bytes hold 20 rows: October and November
    expect(slices(u, { maxAgeDays: 70 })).toEqual([
      'events 2026-08 2026-08-01..2026-09-01 10 age',
      'events 2026-09 2026-09-01..2026-09-19 10 age',
    ]);
    expect(slices(u, { maxAgeDays: 70, maxBytes: 2000 })).toEqual([
      'events 2026-08 2026-08-01..2026-09-01 10 age',
      'events 2026-09 2026-09-01..2026-10-01 20 size',
    ]);
  });

  it('compacts a table once a fifth of its stored rows are deleted, or whenever over the size limit', () => {
    const base = usage(
      [
        ['events', '2026-11-10', 80],
        ['spans', '2026-11-10', 90],
        ['metric_points', '2026-11-10', 100],
      ],
      { dead: { events: 20, spans: 10 } },
    );
    const under = planRetention(base, NONE, NOW);
    expect(under.compact).toEqual(['events']);
    expect(under.estimatedBytesAfter).toBe(base.usedBytes - 20 * 100);
    const over = planRetention(base, { ...NONE, maxBytes: base.usedBytes - 1 }, NOW);
    expect(over.compact).toEqual(['events', 'spans']);
    expect(over.estimatedBytesAfter).toBe(base.usedBytes - 30 * 100);
  });

  it('counts the rows a run deletes toward compaction', () => {
    const u = usage([
      ['events', '2026-07-10', 30],
      ['events', '2026-11-10', 70],
      ['spans', '2026-07-10', 1],
      ['spans', '2026-11-10', 99],
    ]);
    expect(planRetention(u, { ...NONE, maxAgeDays: 90 }, NOW).compact).toEqual(['events']);
  });

  it('puts the content cutoff at the start of the UTC day contentMaxAgeDays ago', () => {
    const plan = planRetention(usage(SIX_MONTHS), { ...NONE, maxAgeDays: 365, contentMaxAgeDays: 30 }, NOW);
    expect(plan.contentCutoff).toBe('2026-10-29T00:00:00.000Z');
    expect(plan.ageCutoff).toBe('2025-11-28T00:00:00.000Z');
    expect(plan.slices).toEqual([]);
  });
});
