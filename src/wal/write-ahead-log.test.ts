import { appendFile, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWalFile, type OpenWalFile } from './wal-file.js';
import { WalFullError, WalUnavailableError, WriteAheadLog, type WalConfig } from './write-ahead-log.js';

const dirs: string[] = [];
const logs: WriteAheadLog[] = [];
afterEach(async () => {
  for (const l of logs.splice(0)) await l.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function walDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wal-test-'));
  dirs.push(d);
  return d;
}

async function openLog(
  dir: string,
  cfg: Partial<WalConfig> = {},
): Promise<{ wal: WriteAheadLog; info: Awaited<ReturnType<WriteAheadLog['start']>> }> {
  const wal = new WriteAheadLog({
    dir,
    segmentBytes: 1 << 20,
    maxPendingBytes: 1 << 24,
    minFreeBytes: 1,
    ...cfg,
  });
  logs.push(wal);
  const info = await wal.start();
  return { wal, info };
}

async function readAll(wal: WriteAheadLog): Promise<string[]> {
  const out: string[] = [];
  let pos = wal.checkpoint();
  for (;;) {
    const recs = await wal.read(pos, 1 << 16);
    if (recs.length === 0) return out;
    for (const r of recs) out.push(r.payload.toString());
    pos = (recs.at(-1) as { end: number }).end;
  }
}

describe('WriteAheadLog', () => {
  it('reads back what was appended, in order, across segment rolls', async () => {
    const dir = walDir();
    const { wal } = await openLog(dir, { segmentBytes: 64 });
    const payloads = Array.from({ length: 20 }, (_, i) => `record-${i}-${'x'.repeat(i)}`);
    for (const p of payloads) await wal.append(Buffer.from(p));
    expect(await readAll(wal)).toEqual(payloads);
    expect((await readdir(dir)).filter((n) => n.endsWith('.wal')).length).toBeGreaterThan(3);
  });

  it('group-commits concurrent appends and resolves each with its own end offset', async () => {
    const { wal } = await openLog(walDir());
    const ends = await Promise.all(Array.from({ length: 50 }, (_, i) => wal.append(Buffer.from(`r${i}`))));
    expect(new Set(ends).size).toBe(50);
    expect(Math.max(...ends)).toBe(wal.end());
    expect((await readAll(wal)).length).toBe(50);
  });

  it('replays unconfirmed records after a restart and skips confirmed ones', async () => {
    const dir = walDir();
    const first = await openLog(dir, { segmentBytes: 40 });
    const ends: number[] = [];
    for (let i = 0; i < 6; i++) ends.push(await first.wal.append(Buffer.from(`record-${i}`)));
    await first.wal.confirm(ends[2] as number);
    await first.wal.close();

    const second = await openLog(dir, { segmentBytes: 40 });
    expect(second.info.cutBytes).toBe(0);
    expect(await readAll(second.wal)).toEqual(['record-3', 'record-4', 'record-5']);
    expect(second.info.pendingBytes).toBe((ends[5] as number) - (ends[2] as number));
  });

  it('cuts a torn tail at start, counts it, and keeps appending after it', async () => {
    const dir = walDir();
    const first = await openLog(dir);
    await first.wal.append(Buffer.from('whole-1'));
    await first.wal.append(Buffer.from('whole-2'));
    await first.wal.close();
    const seg = path.join(dir, (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort()[0] as string);
    const size = (await stat(seg)).size;
    await truncate(seg, size - 3); // a crash in the middle of the second record

    const second = await openLog(dir);
    expect(second.info.cutBytes).toBe(size - 3 - (8 + 'whole-1'.length));
    await second.wal.append(Buffer.from('after-restart'));
    expect(await readAll(second.wal)).toEqual(['whole-1', 'after-restart']);
  });

  it('cuts a corrupt record (bad checksum) and what follows it in that segment', async () => {
    const dir = walDir();
    const first = await openLog(dir);
    await first.wal.append(Buffer.from('good'));
    await first.wal.close();
    const seg = path.join(dir, (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort()[0] as string);
    await appendFile(seg, Buffer.from([5, 0, 0, 0, 1, 2, 3, 4, 104, 101, 108, 108, 111]));
    const second = await openLog(dir);
    expect(second.info.cutBytes).toBe(13);
    expect(await readAll(second.wal)).toEqual(['good']);
  });

  it('refuses appends past its bound with WalFullError until the store confirms', async () => {
    const { wal } = await openLog(walDir(), { maxPendingBytes: 100 });
    const end = await wal.append(Buffer.alloc(60));
    await expect(wal.append(Buffer.alloc(60))).rejects.toBeInstanceOf(WalFullError);
    await wal.confirm(end);
    await expect(wal.append(Buffer.alloc(60))).resolves.toBeGreaterThan(end);
  });

  it('never acknowledges a record whose fsync failed, and recovers on a new segment', async () => {
    let failSync = false;
    const flaky: OpenWalFile = async (p) => {
      const f = await openWalFile(p);
      return {
        ...f,
        datasync: () => (failSync ? Promise.reject(new Error('EIO: fsync failed')) : f.datasync()),
      };
    };
    const dir = walDir();
    const { wal } = await openLog(dir, { openFile: flaky });
    await wal.append(Buffer.from('before'));
    failSync = true;
    await expect(wal.append(Buffer.from('lost'))).rejects.toBeInstanceOf(WalUnavailableError);
    failSync = false;
    await wal.append(Buffer.from('after'));
    expect(await readAll(wal)).toEqual(['before', 'after']);
    await wal.close();
    const again = await openLog(dir);
    expect(await readAll(again.wal)).toEqual(['before', 'after']);
  });

  it('deletes segments once the store has confirmed past them', async () => {
    const dir = walDir();
    const { wal } = await openLog(dir, { segmentBytes: 32 });
    let end = 0;
    for (let i = 0; i < 10; i++) end = await wal.append(Buffer.from(`payload-${i}`));
    const before = (await readdir(dir)).filter((n) => n.endsWith('.wal')).length;
    await wal.confirm(end);
    const after = (await readdir(dir)).filter((n) => n.endsWith('.wal')).length;
    expect(before).toBeGreaterThan(2);
    expect(after).toBe(1);
    expect(Number(await readFile(path.join(dir, 'checkpoint'), 'utf8'))).toBe(end);
    expect(wal.pendingBytes()).toBe(0);
  });
});
