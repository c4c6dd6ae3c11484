/**
 * Retention and export for the ClickHouse store (the StoreRetention contract).
 *
 * Archives: the server answers `SELECT … FORMAT Parquet`, the collector streams it into a temporary
 * file, rewrites that into the archive shape every store's archives have (parquet-archive.ts: naive
 * UTC TIMESTAMPs, JSON columns as JSON) under a second temporary name, checks its row count against
 * the slice's count, fsyncs it, renames it into place and fsyncs the directory; only then are rows
 * deleted. The slice is counted again just before the delete and nothing is deleted if it changed;
 * ClickHouse has no transaction, so a row arriving for that old slice between that count and the
 * delete would go unarchived (old months get rows only from a replay).
 *
 * Deletes: a whole month is `DROP PARTITION` (tables are partitioned by month: instant, frees its
 * space at once); any other slice is a lightweight `DELETE` (rows masked at once, space given back
 * when the parts merge). `compact` runs `OPTIMIZE … PARTITION … FINAL` on exactly the partitions
 * this store deleted from with DELETE since the last compact; other tables have nothing to give back.
 *
 * Content: `ALTER TABLE … UPDATE` with `mutations_sync = 2` (every copy of a row, on every replica,
 * before it returns), so FINAL reads see cleared rows at once. On a cluster every statement runs
 * on the `<name>_local` tables `ON CLUSTER`. Export: clickhouse-export.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { sqlTime } from '../dialect.js';
import { fsyncPath, rewriteArchive } from '../parquet-archive.js';
import { TABLES } from '../schema.js';
import {
  TIME_COLUMNS,
  zeroCounts,
  type RetainedTable,
  type StoreRetention,
  type StoreUsage,
  type TableCounts,
  type TimeRange,
  type TimeSlice,
  rangeCondition,
} from '../store-retention.js';
import { CONTENT_SQL_CH } from './clickhouse-content.js';
import { exportJsonLines } from './clickhouse-export.js';
import { storageName } from './clickhouse-schema.js';
import { clickhouseUsage, num, select, type ClickhouseAccess } from './clickhouse-usage.js';

const tsLiteral = (d: Date): string => `toDateTime64('${sqlTime(d)}', 6, 'UTC')`;

const rangeSql = (table: RetainedTable, range: TimeRange): string => rangeCondition(table, range, tsLiteral);

const columnList = (table: RetainedTable): string => TABLES[table].map((c) => `\`${c.name}\``).join(', ');

/** The partition id of `toYYYYMM(time)` for a time in `d`'s month. */
const partitionId = (d: Date): string =>
  `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

const monthStart = (d: Date, add = 0): Date =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1));

/** The month partition holding exactly [from, until), or null when the slice is not a whole month. */
function wholeMonth(slice: TimeSlice): string | null {
  const f = slice.from;
  const start = monthStart(f).getTime();
  const next = monthStart(f, 1).getTime();
  return f.getTime() === start && slice.until.getTime() === next ? partitionId(f) : null;
}

export class ClickhouseRetention implements StoreRetention {
  /** Partitions a lightweight DELETE left masked rows in, per table, until `compact`. */
  private readonly masked = new Map<RetainedTable, Set<string>>();

  constructor(private readonly a: ClickhouseAccess) {}

  usage(): Promise<StoreUsage> {
    return clickhouseUsage(this.a);
  }

  /** `<db>.<table>_local ON CLUSTER c` on a cluster, else `<db>.<table>`: where ALTERs go. */
  private storage(table: string): string {
    const l = this.a.layout;
    return `\`${l.database}\`.${storageName(l, table)}${l.cluster ? ` ON CLUSTER \`${l.cluster}\`` : ''}`;
  }

  /** Every session's stored signals are stale (session_changes `*`, see clickhouse-writes.ts). */
  private markAllSessions(): Promise<void> {
    return this.a
      .ch()
      .insert('session_changes', [{ session_id: '*', changed_at: Date.now() }], this.a.insert);
  }

  private async count(table: RetainedTable, where: string): Promise<number> {
    return num((await select(this.a, `SELECT count() FROM ${table} WHERE ${where}`))[0]?.[0]);
  }

  countContent(range: TimeRange): Promise<TableCounts> {
    return this.contentRows(range, false);
  }

  clearContent(range: TimeRange): Promise<TableCounts> {
    return this.contentRows(range, true);
  }

  private async contentRows(range: TimeRange, clear: boolean): Promise<TableCounts> {
    const counts = zeroCounts();
    for (const table of ['events', 'spans'] as const) {
      const where = `${rangeSql(table, range)} AND ${CONTENT_SQL_CH[table].has}`;
      counts[table] = await this.count(table, where);
      if (clear && counts[table] > 0)
        await this.a.ch().run({
          query: `ALTER TABLE ${this.storage(table)} UPDATE ${CONTENT_SQL_CH[table].set} WHERE ${where}`,
          settings: { mutations_sync: 2 },
        });
      // Cleared commands change the signals that compare tool inputs: every session is recomputed.
      if (clear && table === 'events' && counts[table] > 0) await this.markAllSessions();
    }
    if (clear) await this.clearHookCommands(range);
    return counts;
  }

  /**
   * The commands the tool hooks reported (tool_outcomes) are content too: cleared with the events'
   * content, and deleted with the events' rows (they are not archived: the hooks' copy of a command).
   */
  private async clearHookCommands(range: TimeRange): Promise<void> {
    const where = `${rangeSql('events', range)} AND command IS NOT NULL`;
    if (num((await select(this.a, `SELECT count() FROM tool_outcomes WHERE ${where}`))[0]?.[0]) === 0) return;
    await this.a.ch().run({
      query: `ALTER TABLE ${this.storage('tool_outcomes')} UPDATE command = NULL WHERE ${where}`,
      settings: { mutations_sync: 2 },
    });
    await this.markAllSessions();
  }

  /** The tool hooks' reports in an events slice go with its events (`where` is on `ts`). */
  private async deleteHookRows(where: string): Promise<void> {
    await this.a.ch().run({
      query: `DELETE FROM ${this.storage('tool_outcomes')} WHERE ${where}`,
      settings: { lightweight_deletes_sync: 2 },
    });
  }

  async archiveAndDelete(slice: TimeSlice, file: string | null): Promise<number> {
    const { table } = slice;
    const where = rangeSql(table, { since: slice.from, until: slice.until });
    const rows = await this.count(table, where);
    if (rows === 0) {
      if (table === 'events') await this.deleteHookRows(where);
      return 0;
    }
    if (file !== null) await this.archive(slice, where, rows, file);
    try {
      const now = await this.count(table, where);
      if (now !== rows)
        throw new Error(`${table} gained or lost rows in the slice while it was archived (${rows} → ${now})`);
    } catch (err) {
      if (file !== null) await rm(file, { force: true });
      throw err;
    }
    try {
      await this.delete(slice, where);
    } catch (err) {
      // The delete failed: if it removed nothing, neither is the file kept.
      if (file !== null && (await this.count(table, where).catch(() => -1)) === rows)
        await rm(file, { force: true });
      throw err;
    }
    if (table === 'events') {
      await this.deleteHookRows(where);
      await this.markAllSessions();
    }
    const left = await this.count(table, where);
    if (left !== 0)
      throw new Error(
        `deleted ${rows - left} of the ${rows} archived rows of ${table}; ${left} are still stored`,
      );
    return rows;
  }

  private async delete(slice: TimeSlice, where: string): Promise<void> {
    const { table } = slice;
    const partition = wholeMonth(slice);
    if (partition !== null) {
      await this.a.ch().run({ query: `ALTER TABLE ${this.storage(table)} DROP PARTITION ID '${partition}'` });
      return;
    }
    await this.a.ch().run({
      query: `DELETE FROM ${this.storage(table)} WHERE ${where}`,
      settings: { lightweight_deletes_sync: 2 },
    });
    const months = this.masked.get(table) ?? new Set<string>();
    for (let m = monthStart(slice.from); m < slice.until; m = monthStart(m, 1)) months.add(partitionId(m));
    this.masked.set(table, months);
  }

  private async archive(slice: TimeSlice, where: string, rows: number, file: string): Promise<void> {
    if (existsSync(file)) throw new Error(`archive file ${file} exists already; it is never overwritten`);
    const raw = `${file}.clickhouse.tmp`;
    const tmp = `${file}.tmp`;
    let placed = false;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const col = TIME_COLUMNS[slice.table];
      const body = await this.a.ch().stream({
        query: `SELECT ${columnList(slice.table)} FROM ${slice.table} WHERE ${where}
          ORDER BY ${col}, key FORMAT Parquet`,
        settings: this.a.read,
      });
      const out = await open(raw, 'w');
      try {
        for await (const chunk of body) await out.write(chunk);
      } finally {
        await out.close();
      }
      const written = await rewriteArchive(raw, tmp, TABLES[slice.table]);
      if (written !== rows)
        throw new Error(`the archive of ${slice.table} holds ${written} rows, the slice ${rows}`);
      await fsyncPath(tmp);
      await rename(tmp, file);
      placed = true;
      await fsyncPath(path.dirname(file));
    } catch (err) {
      await rm(tmp, { force: true });
      if (placed) await rm(file, { force: true });
      throw err;
    } finally {
      await rm(raw, { force: true });
    }
  }

  async compact(tables: readonly RetainedTable[]): Promise<void> {
    for (const table of tables) {
      for (const partition of this.masked.get(table) ?? []) {
        await this.a.ch().run({
          query: `OPTIMIZE TABLE ${this.storage(table)} PARTITION ID '${partition}' FINAL`,
        });
      }
      this.masked.delete(table);
    }
  }

  exportRows(table: RetainedTable, range: TimeRange): AsyncIterable<string> {
    return exportJsonLines(this.a, table, rangeSql(table, range));
  }
}
