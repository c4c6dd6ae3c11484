/**
 * One signal's disk buffer in the relay: the write-ahead log (append + group-commit fsync, segments,
 * torn-tail cut at start) holding OTLP protobuf requests, oldest first. Each record is
 * `[u8 version][3 bytes 0][u32 records][f64 appended-at ms][request bytes]`. An index of the pending
 * batches (rebuilt by one scan at start) answers what is buffered, how old the oldest is and which
 * batch goes next; a batch leaves the buffer only by `remove` (sent, or dropped by a bound), which
 * moves the log's checkpoint past it and deletes spent segments.
 */
import type { Channel } from './relay-stats.js';
import type { WriteAheadLog } from '../wal/write-ahead-log.js';

export interface BufferedBatch {
  offset: number;
  end: number;
  /** When it was acknowledged to the sender (epoch ms). */
  appendedAt: number;
  /** Log records, data points or spans in it. */
  records: number;
  /** Its size in the log (frame included). */
  bytes: number;
  /** Dropped by a bound while it was being sent (the send's outcome then corrects the counts). */
  evicted: boolean;
}

const HEADER = 16;
const VERSION = 1;
const FRAME = 8;
const SCAN_BYTES = 4 * 1024 * 1024;

function header(records: number, appendedAt: number): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt8(VERSION, 0);
  h.writeUInt32LE(records, 4);
  h.writeDoubleLE(appendedAt, 8);
  return h;
}

export class SignalBuffer {
  private readonly index: BufferedBatch[] = [];
  private readonly waiters = new Set<() => void>();
  private confirming: Promise<void> = Promise.resolve();

  constructor(
    readonly signal: Channel,
    private readonly wal: WriteAheadLog,
  ) {}

  /** Opens the log (cutting a torn tail) and indexes what is still pending; returns bytes cut. */
  async start(): Promise<number> {
    const info = await this.wal.start();
    let from = this.wal.checkpoint();
    while (from < this.wal.end()) {
      const records = await this.wal.read(from, SCAN_BYTES);
      if (records.length === 0) break;
      for (const r of records) {
        const p = r.payload;
        const ok = p.length >= HEADER && p.readUInt8(0) === VERSION;
        this.index.push({
          offset: r.offset,
          end: r.end,
          appendedAt: ok ? p.readDoubleLE(8) : Date.now(),
          records: ok ? p.readUInt32LE(4) : 0,
          bytes: r.end - r.offset,
          evicted: false,
        });
      }
      from = (records.at(-1) as { end: number }).end;
    }
    return info.cutBytes;
  }

  /**
   * Queues the request for the log and resolves once it is on disk. The bytes count as pending as soon
   * as this returns (before the promise settles), so a bound checked right after sees them.
   */
  append(request: Buffer, records: number, now = Date.now()): Promise<void> {
    const payload = Buffer.concat([header(records, now), request]);
    return this.wal.append(payload).then((end) => {
      const bytes = payload.length + FRAME;
      const batch = { offset: end - bytes, end, appendedAt: now, records, bytes, evicted: false };
      let i = this.index.length;
      while (i > 0 && (this.index[i - 1] as BufferedBatch).offset > batch.offset) i--;
      this.index.splice(i, 0, batch);
      for (const w of [...this.waiters]) w();
    });
  }

  /** The oldest pending batch. */
  head(): BufferedBatch | undefined {
    return this.index[0];
  }

  batches(): number {
    return this.index.length;
  }

  /** Bytes appended or queued and not yet removed. */
  pendingBytes(): number {
    return this.wal.pendingBytes();
  }

  /** The OTLP request bytes of a pending batch. */
  async request(batch: BufferedBatch): Promise<Buffer> {
    const [record] = await this.wal.read(batch.offset, batch.bytes);
    if (!record || record.offset !== batch.offset)
      throw new Error(`buffer record at ${batch.offset} is gone`);
    return record.payload.subarray(HEADER);
  }

  /** Removes `batch` and everything before it (one at a time: the checkpoint file has one writer). */
  remove(batch: BufferedBatch): Promise<void> {
    const next = this.confirming.then(async () => {
      while (this.index.length > 0 && (this.index[0] as BufferedBatch).end <= batch.end) this.index.shift();
      await this.wal.confirm(batch.end);
    });
    this.confirming = next.catch(() => undefined);
    return next;
  }

  /** Resolves when a batch is appended, or after `ms`. */
  waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    await this.confirming;
    await this.wal.close();
    for (const w of [...this.waiters]) w();
  }
}
