import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventRow, spanRow } from '../../test/fixtures/rows.js';
import type { RowBatch } from '../model/records.js';
import { duckdbDialect } from '../store/duckdb/duckdb-dialect.js';
import type { QueryResult, Store, WriteResult } from '../store/store.js';
import { StoreWriter } from './store-writer.js';
import { encodeRows } from './wal-payload.js';
import { WriteAheadLog } from './write-ahead-log.js';

/** Records the batches it was given; fails the first `failures` writes. */
class RecordingStore implements Store {
  readonly dialect = duckdbDialect;
  readonly batches: RowBatch[] = [];
  constructor(private failures = 0) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  write(batch: RowBatch): Promise<WriteResult> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('store is down'));
    }
    this.batches.push(batch);
    const counts = (n: number): WriteResult['events'] => ({ inserted: n, duplicates: 0 });
    return Promise.resolve({
      events: counts(batch.events.length),
      spans: counts(batch.spans.length),
      metrics: counts(batch.metrics.length),
    });
  }
  writeContexts(): Promise<void> {
    return Promise.resolve();
  }
  writeToolOutcomes(): Promise<void> {
    return Promise.resolve();
  }
  query(): Promise<QueryResult> {
    return Promise.resolve({ columns: [], rows: [] });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  keys(): string[] {
    return this.batches.flatMap((b) => [...b.events, ...b.spans].map((r) => r.key));
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(
  store: RecordingStore,
  batchBytes = 1 << 20,
): Promise<{ wal: WriteAheadLog; writer: StoreWriter; errors: Error[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'store-writer-'));
  const wal = new WriteAheadLog({ dir, segmentBytes: 1 << 20, maxPendingBytes: 1 << 24, minFreeBytes: 1 });
  await wal.start();
  const errors: Error[] = [];
  const writer = new StoreWriter(wal, store, { batchBytes, retryMs: 10 }, { onError: (e) => errors.push(e) });
  cleanup.push(async () => {
    await writer.close(100);
    await wal.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { wal, writer, errors };
}

const rows = (events: number): RowBatch => ({
  events: Array.from({ length: events }, () => eventRow()),
  spans: [],
  metrics: [],
});

describe('StoreWriter', () => {
  it('replays a log written by an older version (JSON records) and the current one alike', async () => {
    const store = new RecordingStore();
    const { wal, writer } = await setup(store);
    const old: RowBatch = { events: [eventRow()], spans: [spanRow()], metrics: [] };
    const current = rows(3);
    await wal.append(Buffer.from(JSON.stringify(old)));
    await wal.append(encodeRows(current));
    writer.start();
    await writer.drained(10_000);
    expect(store.keys()).toEqual([
      ...old.events.map((e) => e.key),
      ...current.events.map((e) => e.key),
      ...old.spans.map((s) => s.key),
    ]);
    expect(store.batches.flatMap((b) => b.events)).toEqual([...old.events, ...current.events]);
    expect(wal.checkpoint()).toBe(wal.end());
  });

  it('writes many batches in log order, each row once, while records keep arriving', async () => {
    const store = new RecordingStore();
    const { wal, writer } = await setup(store, 2_000);
    writer.start();
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = rows(1 + (i % 5));
      sent.push(...r.events.map((e) => e.key));
      await wal.append(encodeRows(r));
    }
    await writer.drained(10_000);
    expect(store.keys()).toEqual(sent);
    expect(store.batches.length).toBeGreaterThan(2);
    expect(wal.checkpoint()).toBe(wal.end());
  });

  it('retries a failing store with the same batch and never skips it', async () => {
    const store = new RecordingStore(2);
    const { wal, writer, errors } = await setup(store);
    const r = rows(4);
    await wal.append(encodeRows(r));
    writer.start();
    await writer.drained(10_000);
    expect(errors.map((e) => e.message)).toEqual(['store is down', 'store is down']);
    expect(store.keys()).toEqual(r.events.map((e) => e.key));
    await vi.waitFor(() => expect(writer.healthy()).toBe(true), { timeout: 10_000, interval: 10 });
  });

  it('reports a record it cannot decode and holds the checkpoint there, without stopping', async () => {
    const store = new RecordingStore();
    const { wal, writer, errors } = await setup(store);
    await wal.append(Buffer.from([0x09, 1, 2, 3]));
    writer.start();
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(1), { timeout: 10_000, interval: 10 });
    expect(errors[0]?.name).toBe('WalPayloadError');
    expect(writer.healthy()).toBe(false);
    expect(wal.checkpoint()).toBe(0);
    expect(store.batches).toEqual([]);
  });
});
