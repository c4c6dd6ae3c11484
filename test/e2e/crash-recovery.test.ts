/**
 * Durability across process death: every acknowledged record survives kill -9 (the write-ahead log
 * replays at the next start), none is stored twice, and client retries after the restart add nothing.
 * A graceful SIGTERM drains the log into the store before exiting.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/config/data-dir.js';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import { claudeLogs, toProtobuf, type EventSpec } from '../fixtures/otlp-builders.js';
import { postLogs, spawnCollector, tempDir, type SpawnedCollector } from '../support/collector-fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function batch(i: number): Buffer {
  const events = Array.from({ length: 50 }, (_, j): EventSpec => {
    const request_id = `req-${i}-${j}`;
    return j % 2
      ? { name: 'api_request', attrs: { request_id, cost_usd: 0.25, input_tokens: 10 } }
      : { name: 'tool_result', attrs: { request_id, success: 'true' } };
  });
  return toProtobuf('logs', claudeLogs(`session-${i}`, events));
}

async function sql(c: SpawnedCollector, query: string): Promise<unknown[][]> {
  const res = await fetch(`${c.httpUrl}/api/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query }),
  });
  const body = (await res.json()) as { rows: unknown[][]; error?: string };
  if (!res.ok) throw new Error(body.error);
  return body.rows;
}

async function duplicates(c: SpawnedCollector): Promise<number> {
  const text = await (await fetch(`${c.httpUrl}/metrics`)).text();
  return Number(/^unsilo_records_duplicate_total\{signal="logs"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

/** Waits until the replayed log is fully in the store (write lag 0), bounded. */
async function replayed(c: SpawnedCollector): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await (await fetch(`${c.httpUrl}/metrics`)).text();
    if (/^unsilo_write_lag_bytes 0$/m.test(text)) return;
    if (Date.now() > deadline)
      throw new Error(`log not replayed:\n${text.match(/^unsilo_write_lag.*$/m)?.[0]}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crash recovery', () => {
  it('keeps every acknowledged record through kill -9, once, and dedups retries after restart', async () => {
    const dir = tempDir('crash-');
    dirs.push(dir);
    const first = await spawnCollector(dir);
    const batches = Array.from({ length: 40 }, (_, i) => batch(i));
    const statuses = await Promise.all(batches.map((b) => postLogs(first.httpUrl, b)));
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(statuses.every((s) => s === 200)).toBe(true);

    const second = await spawnCollector(dir);
    try {
      await replayed(second);
      const [[total, distinct, requests, cost]] = (await sql(
        second,
        "SELECT count(*), count(DISTINCT key), count(DISTINCT request_id), sum(cost_usd) FROM events WHERE session_id LIKE 'session-%'",
      )) as [[number, number, number, number]];
      expect([total, distinct, requests]).toEqual([2000, 2000, 2000]);
      expect(cost).toBeCloseTo(1000 * 0.25, 9);

      // The client never saw some replies, so it retries everything: nothing doubles. (The replay
      // itself may already have skipped rows stored just before the kill: count from here.)
      const before = await duplicates(second);
      const retried = await Promise.all(batches.map((b) => postLogs(second.httpUrl, b)));
      expect(retried.every((s) => s === 200)).toBe(true);
      await replayed(second);
      const [[after]] = (await sql(
        second,
        "SELECT count(*) FROM events WHERE session_id LIKE 'session-%'",
      )) as [[number]];
      expect(after).toBe(2000);
      expect((await duplicates(second)) - before).toBe(2000);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('drains the log into the store on SIGTERM and exits 0', async () => {
    const dir = tempDir('sigterm-');
    dirs.push(dir);
    const c = await spawnCollector(dir);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => postLogs(c.httpUrl, batch(100 + i))),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.output()).toMatch(/collector stopped/);

    const store = new DuckdbStore({ file: path.join(dir, DB_FILE), readOnly: true });
    await store.start();
    try {
      expect((await store.query('SELECT count(*) FROM events')).rows[0]?.[0]).toBe(500);
    } finally {
      await store.close();
    }
  });
});
