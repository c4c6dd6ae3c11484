/**
 * The size of the ClickHouse store, as retention counts it: the bytes on disk of the active parts of
 * every table of the database (`system.parts`), and per retained table its own parts' bytes and rows.
 * Stored rows count what the parts hold: copies not merged yet and rows a lightweight DELETE masked
 * (≥ rows). Rows, oldest and newest time and rows per UTC day are read with FINAL, as queries see
 * them. On a cluster `system.parts` is the server's answering; the other shards are not counted.
 */
import type { ChClient, Settings } from './clickhouse-client.js';
import { storageName, type Layout } from './clickhouse-schema.js';
import {
  RETAINED_TABLES,
  TIME_COLUMNS,
  type DayCount,
  type StoreUsage,
  type TableUsage,
} from '../store-retention.js';

/** What retention needs of the store. */
export interface ClickhouseAccess {
  /** The store's client (there once the store has started). */
  ch(): ChClient;
  layout: Layout;
  /** The settings of every read (FINAL). */
  read: Settings;
  /** The settings of every insert (synchronous on a cluster). */
  insert: Settings;
}

export const num = (v: unknown): number => Number(v ?? 0);

/** Rows of a SELECT read with FINAL. */
export async function select(
  a: ClickhouseAccess,
  query: string,
  params?: Record<string, unknown>,
): Promise<unknown[][]> {
  return (await a.ch().select({ query, params, settings: a.read })).data;
}

/** '2026-05-01 00:00:00.000001' (UTC) → ISO; null for the empty table's zero time. */
const iso = (v: unknown, rows: number): string | null =>
  rows === 0 ? null : new Date(`${String(v).replace(' ', 'T')}Z`).toISOString();

export async function clickhouseUsage(a: ClickhouseAccess): Promise<StoreUsage> {
  const parts = await select(
    a,
    `SELECT table, sum(rows), sum(bytes_on_disk) FROM system.parts
     WHERE database = {db:String} AND active GROUP BY table`,
    { db: a.layout.database },
  );
  const byTable = new Map(
    parts.map(([t, rows, bytes]) => [String(t), { rows: num(rows), bytes: num(bytes) }]),
  );
  const usedBytes = [...byTable.values()].reduce((n, p) => n + p.bytes, 0);
  const tables: TableUsage[] = [];
  const days: DayCount[] = [];
  for (const table of RETAINED_TABLES) {
    const col = TIME_COLUMNS[table];
    const [agg] = await select(a, `SELECT count(), min(${col}), max(${col}) FROM ${table}`);
    const rows = num(agg?.[0]);
    const stored = byTable.get(storageName(a.layout, table));
    tables.push({
      table,
      rows,
      storedRows: Math.max(rows, stored?.rows ?? 0),
      bytes: stored?.bytes ?? 0,
      oldest: iso(agg?.[1], rows),
      newest: iso(agg?.[2], rows),
    });
    const perDay = await select(
      a,
      `SELECT toString(toDate(${col})) AS day, count() FROM ${table} GROUP BY day ORDER BY day`,
    );
    for (const [day, n] of perDay) days.push({ table, day: String(day), rows: num(n) });
  }
  return {
    usedBytes,
    fileBytes: usedBytes,
    measure:
      "bytes on disk of the active parts of the database's tables (system.parts); " +
      'per table: its own parts (exact)',
    tables,
    days,
  };
}
