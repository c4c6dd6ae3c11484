/**
 * Where a DuckdbStore.write of events spends its time, phase by phase, with the project's own DDL and
 * DuckDB settings: the JS appender calls into the temp staging table (the "appender" rate), closing
 * the appender, the INSERT into the primary-keyed `events` table (plain, as the store's first try;
 * every batch here is new), and COMMIT (DuckDB's WAL write + fsync). Rows are appended with the
 * store's own appendRow.
 * Checkpoints are left to the store's policy (idle, age, 1 GB of DuckDB WAL) and are not in these
 * figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EventRow } from '../src/model/records.js';
import { duckdbDdl, stagingDdl } from '../src/store/duckdb/duckdb-schema.js';
import { appendRow, WAL_AUTOCHECKPOINT } from '../src/store/duckdb/duckdb-store.js';
import { TABLES } from '../src/store/schema.js';
import { nowMs, round } from './stats.js';

export interface StoreBreakdown {
  rowsPerWrite: number;
  writes: number;
  /** Microseconds per row, by phase; `total` is the whole transaction. */
  usPerRow: {
    appendCalls: number;
    appenderClose: number;
    insert: number;
    commit: number;
    other: number;
    total: number;
  };
  /** Rows per second of the JS appender calls alone (what "the appender rate" usually means). */
  appenderRowsPerSec: number;
  totalRowsPerSec: number;
}

export async function measureStoreBreakdown(
  makeBatch: () => EventRow[],
  opts: { durationMs: number; maxWrites: number },
): Promise<StoreBreakdown> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unsilo-bench-breakdown-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'bench.duckdb'), {
    wal_autocheckpoint: WAL_AUTOCHECKPOINT,
  });
  const conn = await instance.connect();
  try {
    for (const sql of [...duckdbDdl(), ...stagingDdl()]) await conn.run(sql);
    const t = { appendCalls: 0, appenderClose: 0, insert: 0, commit: 0, total: 0 };
    let rows = 0;
    let writes = 0;
    let rowsPerWrite = 0;
    const end = nowMs() + opts.durationMs;
    for (let w = -1; w < opts.maxWrites && nowMs() < end; w++) {
      const batch = makeBatch();
      const t0 = nowMs();
      await conn.run('BEGIN TRANSACTION');
      await conn.run('DELETE FROM stage_events');
      const appender = await conn.createAppender('stage_events', 'main', 'temp');
      const t1 = nowMs();
      for (const row of batch) appendRow(appender, TABLES.events, row);
      const t2 = nowMs();
      appender.closeSync();
      const t3 = nowMs();
      await conn.run('INSERT INTO events SELECT * FROM stage_events');
      const t4 = nowMs();
      await conn.run('COMMIT');
      const t5 = nowMs();
      if (w < 0) continue; // the first write warms up
      t.appendCalls += t2 - t1;
      t.appenderClose += t3 - t2;
      t.insert += t4 - t3;
      t.commit += t5 - t4;
      t.total += t5 - t0;
      rows += batch.length;
      rowsPerWrite = batch.length;
      writes++;
    }
    const us = (ms: number): number => round((ms * 1000) / rows, 2);
    return {
      rowsPerWrite,
      writes,
      usPerRow: {
        appendCalls: us(t.appendCalls),
        appenderClose: us(t.appenderClose),
        insert: us(t.insert),
        commit: us(t.commit),
        other: us(t.total - t.appendCalls - t.appenderClose - t.insert - t.commit),
        total: us(t.total),
      },
      appenderRowsPerSec: round(rows / (t.appendCalls / 1000)),
      totalRowsPerSec: round(rows / (t.total / 1000)),
    };
  } finally {
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
