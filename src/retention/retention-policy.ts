/**
 * What a retention run does, decided from the store's usage alone (pure; the run and the store act on
 * it). Limits are in whole UTC days: with maxAgeDays 90, rows before the start of the day 90 days ago
 * go. Past the size limit whole months go, oldest first, until the estimated size is under it; the
 * current month never goes (a run then reports `overLimit`). Every slice is one table in one month, so
 * archives are per table and month. Deleted rows still take space until the table is compacted, which
 * happens when a fifth of its stored rows are deleted ones, or whenever the store is over its size limit.
 */
import type { RetainedTable, StoreUsage } from '../store/store-retention.js';

export interface RetentionPolicy {
  /** Rows older than this many days go; 0: no age limit. */
  maxAgeDays: number;
  /** Past this many bytes the oldest months go; 0: no size limit. */
  maxBytes: number;
  /** The content of rows older than this many days is cleared; 0: content is kept. */
  contentMaxAgeDays: number;
}

export interface PlannedSlice {
  table: RetainedTable;
  /** YYYY-MM: the archive folder. */
  month: string;
  /** Rows with from ≤ time < until go (ISO). */
  from: string;
  until: string;
  rows: number;
  /** age: past the age limit; size: a whole month dropped for the size limit. */
  reason: 'age' | 'size';
}

export interface RetentionPlan {
  /** The age limit: rows before this go (ISO); null without an age limit. */
  ageCutoff: string | null;
  /** Rows before this go: the age cutoff, or later when the size limit drops whole months. */
  deleteBefore: string | null;
  /** Content of rows before this is cleared; null when content is kept. */
  contentCutoff: string | null;
  /** Oldest first. */
  slices: PlannedSlice[];
  /** Tables rebuilt to give back the space of deleted rows. */
  compact: RetainedTable[];
  usedBytes: number;
  /** usedBytes after the run: deleted rows of compacted tables no longer count. */
  estimatedBytesAfter: number;
  /** Still over the size limit when only the current month is left. */
  overLimit: boolean;
}

/** A table is compacted once this share of its stored rows are deleted ones. */
export const COMPACT_DEAD_SHARE = 0.2;

const DAY_MS = 86_400_000;

const dayStart = (t: Date): number => Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
const monthStart = (month: string): number =>
  Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1);
const monthEnd = (month: string): number => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function planRetention(usage: StoreUsage, policy: RetentionPolicy, now: Date): RetentionPlan {
  const today = dayStart(now);
  const ageCutoff = policy.maxAgeDays > 0 ? today - policy.maxAgeDays * DAY_MS : null;
  const contentCutoff = policy.contentMaxAgeDays > 0 ? today - policy.contentMaxAgeDays * DAY_MS : null;
  const days = usage.days.map((d) => ({ ...d, ms: dayMs(d.day), month: d.day.slice(0, 7) }));
  const rowsBefore = (table: RetainedTable, before: number | null): number =>
    before === null ? 0 : days.reduce((n, d) => (d.table === table && d.ms < before ? n + d.rows : n), 0);
  const perRow = (t: { bytes: number; storedRows: number }): number =>
    t.storedRows > 0 ? t.bytes / t.storedRows : 0;
  /** Bytes once everything before `before` is gone and its space given back. */
  const estimate = (before: number | null): number =>
    usage.tables.reduce((n, t) => n + perRow(t) * (t.rows - rowsBefore(t.table, before)), 0);

  let deleteBefore = ageCutoff;
  let overLimit = false;
  if (policy.maxBytes > 0) {
    const current = Date.UTC(now.getUTCFullYear(), now.getUTCMonth());
    const ends = [...new Set(days.map((d) => monthEnd(d.month)))]
      .filter((end) => end <= current && (deleteBefore === null || end > deleteBefore))
      .sort((a, b) => a - b);
    for (const end of ends) {
      if (estimate(deleteBefore) <= policy.maxBytes) break;
      deleteBefore = end;
    }
    overLimit = estimate(deleteBefore) > policy.maxBytes;
  }

  const slices: PlannedSlice[] = [];
  if (deleteBefore !== null) {
    const cut = deleteBefore;
    const byMonth = new Map<string, PlannedSlice>();
    for (const d of days) {
      if (d.ms >= cut || d.rows === 0) continue;
      const id = `${d.table}/${d.month}`;
      const until = Math.min(monthEnd(d.month), cut);
      const slice = byMonth.get(id) ?? {
        table: d.table,
        month: d.month,
        from: new Date(monthStart(d.month)).toISOString(),
        until: new Date(until).toISOString(),
        rows: 0,
        reason: ageCutoff !== null && until <= ageCutoff ? 'age' : 'size',
      };
      slice.rows += d.rows;
      byMonth.set(id, slice);
    }
    slices.push(...byMonth.values());
    slices.sort((a, b) => a.from.localeCompare(b.from) || a.table.localeCompare(b.table));
  }

  const overBytes = policy.maxBytes > 0 && usage.usedBytes > policy.maxBytes;
  const compact: RetainedTable[] = [];
  let estimatedBytesAfter = usage.usedBytes;
  for (const t of usage.tables) {
    const dead = t.storedRows - (t.rows - rowsBefore(t.table, deleteBefore));
    if (dead <= 0 || (dead < COMPACT_DEAD_SHARE * t.storedRows && !overBytes)) continue;
    compact.push(t.table);
    estimatedBytesAfter -= perRow(t) * dead;
  }

  return {
    ageCutoff: iso(ageCutoff),
    deleteBefore: iso(deleteBefore),
    contentCutoff: iso(contentCutoff),
    slices,
    compact,
    usedBytes: usage.usedBytes,
    estimatedBytesAfter: Math.round(estimatedBytesAfter),
    overLimit,
  };
}
