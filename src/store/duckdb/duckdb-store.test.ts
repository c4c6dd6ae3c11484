import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventRow, spanRow } from '../../../test/fixtures/rows.js';
import { DuckdbStore, type DuckdbStoreConfig } from './duckdb-store.js';

const dirs: string[] = [];
const stores: DuckdbStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(cfg: Partial<DuckdbStoreConfig> = {}): Promise<{ store: DuckdbStore; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'duckdb-store-'));
  dirs.push(dir);
  const file = path.join(dir, 'unsilo.duckdb');
  const store = new DuckdbStore({ file, ...cfg });
  stores.push(store);
  await store.start();
  return { store, file };
}

/** Bytes in DuckDB's own WAL: what is committed but not yet checkpointed into the file. */
const walBytes = (file: string): number => (existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0);

const count = async (store: DuckdbStore, table: string): Promise<unknown> =>
  (await store.query(`SELECT count(*) FROM ${table}`)).rows[0]?.[0];

describe('DuckdbStore writes', () => {
  it('stores the new rows of a batch that also holds stored ones, and counts the rest', async () => {
    const { store } = await open();
    const old = [eventRow(), eventRow()];
    const oldSpan = spanRow();
    await store.write({ events: old, spans: [oldSpan], metrics: [] });
    const fresh = [eventRow(), eventRow(), eventRow()];
    const r = await store.write({ events: [...fresh, ...old], spans: [oldSpan, spanRow()], metrics: [] });
    expect(r.events).toEqual({ inserted: 3, duplicates: 2 });
    expect(r.spans).toEqual({ inserted: 1, duplicates: 1 });
    expect(await count(store, 'events')).toBe(5);
    const keys = (await store.query('SELECT key FROM events ORDER BY key')).rows.map((row) => row[0]);
    expect(keys).toEqual([...old, ...fresh].map((e) => e.key).sort());
  });

  it('writes a batch larger than one append slice whole, a repeated key once', async () => {
    const { store } = await open();
    const rows = Array.from({ length: 2500 }, () => eventRow());
    const r = await store.write({ events: [...rows, rows[0] ?? eventRow()], spans: [], metrics: [] });
    expect(r.events).toEqual({ inserted: 2500, duplicates: 1 });
    expect(await count(store, 'events')).toBe(2500);
  });
});

describe('DuckdbStore checkpoints', () => {
  it('checkpoints once writes pause', async () => {
    const { store, file } = await open({ checkpointIdleMs: 20 });
    await store.write({ events: [eventRow(), eventRow()], spans: [], metrics: [] });
    expect(walBytes(file)).toBeGreaterThan(0);
    await vi.waitFor(() => expect(walBytes(file)).toBe(0), { timeout: 10_000, interval: 20 });
    expect(await count(store, 'events')).toBe(2);
  });

  it('checkpoints during steady writes once the last checkpoint is old enough', async () => {
    const { store, file } = await open({ checkpointIdleMs: 3_600_000, checkpointMaxAgeMs: 0 });
    await store.write({ events: [eventRow()], spans: [], metrics: [] });
    await vi.waitFor(() => expect(walBytes(file)).toBe(0), { timeout: 10_000, interval: 20 });
  });

  it('checkpoints at close, so the file holds everything', async () => {
    const { store, file } = await open({ checkpointIdleMs: 3_600_000 });
    await store.write({ events: [eventRow(), eventRow(), eventRow()], spans: [], metrics: [] });
    await store.close();
    expect(walBytes(file)).toBe(0);
    const again = new DuckdbStore({ file, readOnly: true });
    stores.push(again);
    await again.start();
    expect(await count(again, 'events')).toBe(3);
  });
});
