import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { zeroCounts, type StoreRetention, type StoreUsage } from '../store/store-retention.js';
import { RetentionService } from './retention-service.js';

/** A store with nothing in it that records the calls a run makes. */
class RecordingRetention implements StoreRetention {
  calls: string[] = [];
  /** Resolves the usage call a run is waiting on. */
  hold: Promise<void> = Promise.resolve();
  async usage(): Promise<StoreUsage> {
    this.calls.push('usage');
    await this.hold;
    return { usedBytes: 0, fileBytes: 0, measure: 'none', tables: [], days: [] };
  }
  async countContent() {
    this.calls.push('countContent');
    return zeroCounts();
  }
  async clearContent() {
    this.calls.push('clearContent');
    return zeroCounts();
  }
  async archiveAndDelete(): Promise<number> {
    this.calls.push('archiveAndDelete');
    return 0;
  }
  async compact(): Promise<void> {
    this.calls.push('compact');
  }
  async *exportRows(): AsyncIterable<string> {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function service(store: StoreRetention, intervalMs: number | null, firstRunDelayMs = 5): RetentionService {
  const dir = mkdtempSync(path.join(tmpdir(), 'retention-service-'));
  dirs.push(dir);
  const policy = { maxAgeDays: 90, maxBytes: 0, contentMaxAgeDays: 30 };
  return new RetentionService(
    store,
    { policy, archiveDir: null, runLog: path.join(dir, 'runs.jsonl'), intervalMs },
    {},
    firstRunDelayMs,
  );
}

describe('RetentionService schedule', () => {
  it('runs soon after start, then every interval, and says when the next run is', async () => {
    const store = new RecordingRetention();
    const svc = service(store, 40);
    const t0 = Date.now();
    svc.start();
    const status = await svc.status();
    expect(Date.parse(status.nextRunAt ?? '')).toBeGreaterThanOrEqual(t0);
    expect(status.intervalMinutes).toBe(40 / 60_000);
    await vi.waitFor(async () => expect((await svc.lastRun())?.dryRun).toBe(false), { timeout: 5000 });
    const first = (await svc.lastRun())?.runId;
    await vi.waitFor(async () => expect((await svc.lastRun())?.runId).not.toBe(first), { timeout: 5000 });
    await svc.close();
    expect((await svc.status()).nextRunAt).toBeNull();
  });

  it('has no schedule without an interval', async () => {
    const svc = service(new RecordingRetention(), null);
    svc.start();
    expect((await svc.status()).nextRunAt).toBeNull();
    await svc.close();
  });

  it('runs one at a time, and close waits for the run in progress', async () => {
    const store = new RecordingRetention();
    let release = (): void => undefined;
    store.hold = new Promise((r) => (release = r));
    const svc = service(store, null);
    const first = svc.run();
    const second = svc.run({ dryRun: true });
    await vi.waitFor(() => expect(store.calls).toEqual(['usage']));
    let closed = false;
    const closing = svc.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    release();
    await Promise.all([first, second, closing]);
    // The second run started only after the first had finished (its usage call came after the first's content clearing).
    expect(store.calls.indexOf('clearContent')).toBeLessThan(store.calls.lastIndexOf('countContent'));
    expect(closed).toBe(true);
  });
});
