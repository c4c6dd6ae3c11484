/**
 * Write-ahead log: append, group-commit fsync, read back, checkpoint, replay.
 *
 * Records are framed as [u32 payload length][u32 crc32(payload)][payload] in segment files named by
 * their starting global offset. `append` resolves only after the record is fsynced; concurrent appends
 * share one write + fdatasync (group commit). The checkpoint is the offset up to which the store has
 * confirmed every record; segments wholly before it are deleted. At start a torn or corrupt tail is cut
 * off and counted, never a crash. Past `maxPendingBytes` of unconfirmed data, appends fail with
 * WalFullError (the receivers answer 429; one batch larger than the bound fails with WalRecordTooLargeError,
 * 413); a failed write or fsync, or a nearly full disk, fails with
 * WalUnavailableError (503) and nothing is acknowledged.
 */
import { mkdir, open, readdir, readFile, rename, rm, statfs, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { openWalFile, type OpenWalFile, type WalFile } from './wal-file.js';

export class WalFullError extends Error {
  override readonly name = 'WalFullError';
}
/** One batch larger than the whole log bound: it can never be taken, so retrying is pointless. */
export class WalRecordTooLargeError extends Error {
  override readonly name = 'WalRecordTooLargeError';
}
export class WalUnavailableError extends Error {
  override readonly name = 'WalUnavailableError';
}

export interface WalConfig {
  dir: string;
  /** Roll to a new segment file past this size. */
  segmentBytes: number;
  /** Unconfirmed bytes (appended, not yet in the store) past which appends are refused. */
  maxPendingBytes: number;
  /** Free disk space below which appends are refused. */
  minFreeBytes: number;
  openFile?: OpenWalFile;
}

export interface WalRecord {
  offset: number;
  end: number;
  payload: Buffer;
}

export interface WalStartInfo {
  /** Bytes of records written before this start and not yet confirmed by the store. */
  pendingBytes: number;
  /** Bytes cut off a torn or corrupt tail. */
  cutBytes: number;
}

interface Segment {
  start: number;
  /** Durable bytes in the file. */
  size: number;
}

interface Pending {
  frame: Buffer[];
  bytes: number;
  resolve: (end: number) => void;
  reject: (err: Error) => void;
}

const HEADER = 8;
const CHECKPOINT = 'checkpoint';
const SUFFIX = '.wal';
const segName = (start: number): string => `${String(start).padStart(20, '0')}${SUFFIX}`;

/** Valid frames at the start of buf: their total length (a torn or corrupt frame ends the scan). */
function validPrefix(buf: Buffer): { length: number; records: number } {
  let pos = 0;
  let records = 0;
  while (pos + HEADER <= buf.length) {
    const len = buf.readUInt32LE(pos);
    const end = pos + HEADER + len;
    if (end > buf.length || crc32(buf.subarray(pos + HEADER, end)) !== buf.readUInt32LE(pos + 4)) break;
    pos = end;
    records++;
  }
  return { length: pos, records };
}

export class WriteAheadLog {
  private readonly openFile: OpenWalFile;
  private segments: Segment[] = [];
  private file: WalFile | null = null;
  private checkpointAt = 0;
  private durableEnd = 0;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private flushing = false;
  private closed = false;
  private freeBytes = Infinity;
  private freeCheckedAt = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly cfg: WalConfig) {
    this.openFile = cfg.openFile ?? openWalFile;
  }

  async start(): Promise<WalStartInfo> {
    await mkdir(this.cfg.dir, { recursive: true });
    this.checkpointAt = await this.readCheckpoint();
    let cutBytes = 0;
    const names = (await readdir(this.cfg.dir)).filter((n) => n.endsWith(SUFFIX)).sort();
    for (const name of names) {
      const start = Number(name.slice(0, -SUFFIX.length));
      const file = path.join(this.cfg.dir, name);
      const buf = await readFile(file);
      const { length } = validPrefix(buf);
      if (length < buf.length) {
        cutBytes += buf.length - length;
        await truncate(file, length);
      }
      if (length === 0 || start + length <= this.checkpointAt) await rm(file);
      else this.segments.push({ start, size: length });
    }
    const last = this.segments.at(-1);
    this.durableEnd = Math.max(this.checkpointAt, last ? last.start + last.size : 0);
    if (this.checkpointAt > this.durableEnd) this.checkpointAt = this.durableEnd;
    await this.roll();
    return { pendingBytes: this.durableEnd - this.firstUnconfirmed(), cutBytes };
  }

  /** Appends one record; resolves with its end offset once it is on disk. */
  append(payload: Buffer): Promise<number> {
    if (this.closed) return Promise.reject(new WalUnavailableError('the write-ahead log is closed'));
    const bytes = payload.length + HEADER;
    if (bytes > this.cfg.maxPendingBytes) {
      const msg = `batch of ${bytes} bytes exceeds the write-ahead log bound of ${this.cfg.maxPendingBytes}; send smaller batches`;
      return Promise.reject(new WalRecordTooLargeError(msg));
    }
    if (this.pendingBytes() + bytes > this.cfg.maxPendingBytes) {
      return Promise.reject(new WalFullError('write-ahead log is full; the store is behind'));
    }
    if (this.freeBytes < this.cfg.minFreeBytes) {
      return Promise.reject(new WalUnavailableError('disk nearly full'));
    }
    const header = Buffer.allocUnsafe(HEADER);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    return new Promise((resolve, reject) => {
      this.queue.push({ frame: [header, payload], bytes, resolve, reject });
      this.queuedBytes += bytes;
      if (!this.flushing) void this.flush();
    });
  }

  /** Bytes appended (or queued) that the store has not confirmed yet. */
  pendingBytes(): number {
    return this.durableEnd + this.queuedBytes - this.firstUnconfirmed();
  }

  /** The end of durable data; records before it may be read. */
  end(): number {
    return this.durableEnd;
  }

  checkpoint(): number {
    return this.checkpointAt;
  }

  /** Resolves when durable data passes `offset` or the log closes. */
  waitBeyond(offset: number, timeoutMs: number): Promise<void> {
    if (this.durableEnd > offset || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Whole records from `from` on (at least one when any is there), about maxBytes in all. */
  async read(from: number, maxBytes: number): Promise<WalRecord[]> {
    const seg = this.segments.find((s) => s.start + s.size > from);
    if (!seg) return [];
    const offset = Math.max(from, seg.start);
    const fh = await open(path.join(this.cfg.dir, segName(seg.start)), 'r');
    try {
      const want = Math.min(seg.start + seg.size - offset, maxBytes);
      let buf = Buffer.allocUnsafe(want);
      await fh.read(buf, 0, want, offset - seg.start);
      if (want >= HEADER && HEADER + buf.readUInt32LE(0) > want) {
        const whole = HEADER + buf.readUInt32LE(0);
        buf = Buffer.allocUnsafe(whole);
        await fh.read(buf, 0, whole, offset - seg.start);
      }
      const records: WalRecord[] = [];
      let pos = 0;
      while (pos + HEADER <= buf.length) {
        const len = buf.readUInt32LE(pos);
        if (pos + HEADER + len > buf.length) break;
        records.push({
          offset: offset + pos,
          end: offset + pos + HEADER + len,
          payload: buf.subarray(pos + HEADER, pos + HEADER + len),
        });
        pos += HEADER + len;
      }
      return records;
    } finally {
      await fh.close();
    }
  }

  /** The store has confirmed everything before `offset`: persist it and delete spent segments. */
  async confirm(offset: number): Promise<void> {
    if (offset <= this.checkpointAt) return;
    this.checkpointAt = offset;
    const tmp = path.join(this.cfg.dir, `${CHECKPOINT}.tmp`);
    await writeFile(tmp, String(offset));
    await rename(tmp, path.join(this.cfg.dir, CHECKPOINT));
    const current = this.segments.at(-1);
    const spent = this.segments.filter((s) => s !== current && s.start + s.size <= offset);
    for (const s of spent) await rm(path.join(this.cfg.dir, segName(s.start)), { force: true });
    this.segments = this.segments.filter((s) => !spent.includes(s));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
    await this.file?.close();
    this.file = null;
    for (const w of [...this.waiters]) w();
  }

  private firstUnconfirmed(): number {
    return Math.min(this.checkpointAt, this.durableEnd);
  }

  private async readCheckpoint(): Promise<number> {
    try {
      const n = Number((await readFile(path.join(this.cfg.dir, CHECKPOINT), 'utf8')).trim());
      return Number.isSafeInteger(n) && n >= 0 ? n : 0;
    } catch {
      return 0;
    }
  }

  /** Starts a new segment at the durable end. */
  private async roll(): Promise<void> {
    await this.file?.close();
    this.file = null;
    const start = this.durableEnd;
    const last = this.segments.at(-1);
    if (last && last.start === start && last.size === 0) this.segments.pop();
    this.file = await this.openFile(path.join(this.cfg.dir, segName(start)));
    this.segments.push({ start, size: 0 });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue;
        this.queue = [];
        const bytes = batch.reduce((n, p) => n + p.bytes, 0);
        this.queuedBytes -= bytes;
        const seg = this.segments.at(-1) as Segment;
        try {
          await this.refreshFreeSpace();
          if (!this.file) throw new WalUnavailableError('no open write-ahead log segment');
          await this.file.writev(batch.flatMap((p) => p.frame));
          await this.file.datasync();
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          for (const p of batch) p.reject(new WalUnavailableError(`write-ahead log write failed: ${reason}`));
          await this.recover(seg);
          continue;
        }
        let end = this.durableEnd;
        for (const p of batch) {
          end += p.bytes;
          p.resolve(end);
        }
        seg.size += bytes;
        this.durableEnd = end;
        for (const w of [...this.waiters]) w();
        if (seg.size >= this.cfg.segmentBytes) await this.roll();
      }
    } finally {
      this.flushing = false;
    }
  }

  /** After a failed write or fsync the file's tail is unknown: cut it back and start a new segment. */
  private async recover(seg: Segment): Promise<void> {
    try {
      await this.file?.truncate(seg.size);
      await this.roll();
    } catch {
      // The next flush retries on whatever file is open; its failure is again reported, never acked.
    }
  }

  private async refreshFreeSpace(): Promise<void> {
    const now = Date.now();
    if (now - this.freeCheckedAt < 1000) return;
    this.freeCheckedAt = now;
    const s = await statfs(this.cfg.dir);
    this.freeBytes = s.bavail * s.bsize;
    if (this.freeBytes < this.cfg.minFreeBytes) throw new WalUnavailableError('disk nearly full');
  }
}
