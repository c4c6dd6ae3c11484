/**
 * Retention and export for the DuckDB store (the StoreRetention contract). Everything that changes
 * rows runs on the store's writer connection, after the writes queued before it and before the next
 * (`exclusive`), so a slice is archived and deleted in one transaction that no insert can slip into.
 *
 * Archives are written by DuckDB itself (COPY … TO, Parquet): the store's instance may write and read
 * only under the archive directory (allowed_directories, set before external access is switched off;
 * see duckdb-instance.ts). The file is written under a temporary name, fsynced, renamed into place and
 * the directory fsynced before the DELETE commits; any failure rolls the DELETE back and removes it.
 *
 * Size: DuckDB does not give back the space of rows deleted from a table with a primary key, and never
 * shrinks its file: a DELETE alone frees no block. `compact` rebuilds a table (copy the live rows into a new table with
 * the same columns and key, drop the old one, rename; one transaction) and checkpoints, which frees
 * the old table's blocks for reuse. How size is measured: duckdb-usage.ts.
 */
import { rename, rm, mkdir } from 'node:fs/promises';
import { fsyncPath } from '../parquet-archive.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlTime } from '../dialect.js';
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
import { markAllSessionsSql } from './duckdb-analysis-schema.js';
import { CONTENT_SQL } from './duckdb-content.js';
import { columnList } from './duckdb-schema.js';
import { duckdbUsage, num, rows, type DuckdbAccess } from './duckdb-usage.js';

const tsLiteral = (d: Date): string => `TIMESTAMP '${sqlTime(d)}'`;
const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const rangeSql = (table: RetainedTable, range: TimeRange): string => rangeCondition(table, range, tsLiteral);

export class DuckdbRetention implements StoreRetention {
  constructor(private readonly access: DuckdbAccess) {}

  usage(): Promise<StoreUsage> {
    return duckdbUsage(this.access);
  }

  countContent(range: TimeRange): Promise<TableCounts> {
    return this.contentRows(range, false);
  }

  clearContent(range: TimeRange): Promise<TableCounts> {
    return this.contentRows(range, true);
  }

  private async contentRows(range: TimeRange, clear: boolean): Promise<TableCounts> {
    const counts = zeroCounts();
    const run = async (conn: DuckDBConnection): Promise<TableCounts> => {
      for (const table of ['events', 'spans'] as const) {
        const where = `${rangeSql(table, range)} AND ${CONTENT_SQL[table].has}`;
        if (clear) {
          counts[table] = (
            await conn.run(`UPDATE ${table} SET ${CONTENT_SQL[table].set} WHERE ${where}`)
          ).rowsChanged;
          // The commands the tool hooks reported are content too (the signals read them with the events').
          const hookCommands =
            table === 'events'
              ? (
                  await conn.run(
                    `UPDATE tool_outcomes SET command = NULL WHERE ${rangeSql('events', range)} AND command IS NOT NULL`,
                  )
                ).rowsChanged
              : 0;
          // Cleared commands change the signals that compare tool inputs: every session is recomputed.
          if (table === 'events' && counts[table] + hookCommands > 0)
            await conn.run(markAllSessionsSql(1), [Date.now()]);
        } else {
          const [r] = await rows<[unknown]>(conn, `SELECT count(*) FROM ${table} WHERE ${where}`);
          counts[table] = num(r?.[0]);
        }
      }
      return counts;
    };
    if (clear) return this.access.exclusive(run);
    const conn = await this.access.connect();
    try {
      return await run(conn);
    } finally {
      conn.closeSync();
    }
  }

  archiveAndDelete(slice: TimeSlice, file: string | null): Promise<number> {
    const where = rangeSql(slice.table, { since: slice.from, until: slice.until });
    return this.access.exclusive(async (conn) => {
      const tmp = file === null ? null : `${file}.tmp`;
      let placed = false;
      await conn.run('BEGIN TRANSACTION');
      try {
        let archived: number | null = null;
        if (file !== null && tmp !== null) {
          if (existsSync(file))
            throw new Error(`archive file ${file} exists already; it is never overwritten`);
          await mkdir(path.dirname(file), { recursive: true });
          const [copied] = await rows<[unknown]>(
            conn,
            `COPY (SELECT * FROM ${slice.table} WHERE ${where}) TO ${quote(tmp)} (FORMAT parquet)`,
          );
          archived = num(copied?.[0]);
          if (archived === 0) {
            // Nothing in the slice (any more): no empty archive file.
            await conn.run('ROLLBACK');
            await rm(tmp, { force: true });
            if (slice.table === 'events') await conn.run(`DELETE FROM tool_outcomes WHERE ${where}`);
            return 0;
          }
          await fsyncPath(tmp);
          await rename(tmp, file);
          placed = true;
          await fsyncPath(path.dirname(file));
        }
        const deleted = (await conn.run(`DELETE FROM ${slice.table} WHERE ${where}`)).rowsChanged;
        // The tool hooks' reports of these events go with them (not archived: the hooks' copy of a command).
        if (slice.table === 'events') await conn.run(`DELETE FROM tool_outcomes WHERE ${where}`);
        if (slice.table === 'events' && deleted > 0) await conn.run(markAllSessionsSql(1), [Date.now()]);
        if (archived !== null && deleted !== archived) {
          throw new Error(`archived ${archived} rows of ${slice.table} but ${deleted} matched the delete`);
        }
        await conn.run('COMMIT');
        return deleted;
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        if (tmp) await rm(tmp, { force: true });
        if (placed && file) await rm(file, { force: true });
        throw err;
      }
    });
  }

  compact(tables: readonly RetainedTable[]): Promise<void> {
    return this.access.exclusive(async (conn) => {
      for (const table of tables) {
        const cols = await rows<[string, string]>(
          conn,
          `SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'main' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        const defs = cols
          .map(([name, type]) => `"${name}" ${type}${name === 'key' ? ' PRIMARY KEY' : ''}`)
          .join(', ');
        const names = cols.map(([name]) => `"${name}"`).join(', ');
        const next = `${table}__compact`;
        await conn.run('BEGIN TRANSACTION');
        try {
          await conn.run(`DROP TABLE IF EXISTS ${next}`);
          await conn.run(`CREATE TABLE ${next} (${defs})`);
          await conn.run(`INSERT INTO ${next} (${names}) SELECT ${names} FROM ${table}`);
          await conn.run(`DROP TABLE ${table}`);
          await conn.run(`ALTER TABLE ${next} RENAME TO ${table}`);
          await conn.run('COMMIT');
        } catch (err) {
          await conn.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }
      await conn.run('CHECKPOINT');
    });
  }

  async *exportRows(table: RetainedTable, range: TimeRange): AsyncIterable<string> {
    const conn = await this.access.connect();
    try {
      const result = await conn.stream(
        `SELECT CAST(to_json(t) AS VARCHAR) FROM (SELECT ${columnList(table)} FROM ${table}
         WHERE ${rangeSql(table, range)} ORDER BY ${TIME_COLUMNS[table]}, key) t`,
      );
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        yield `${(chunk.getColumnValues(0) as string[]).join('\n')}\n`;
      }
    } finally {
      conn.closeSync();
    }
  }
}
