/**
 * The payload of one write-ahead log record: the rows of one request.
 *
 * v2 (written now) is binary and compact; its first byte is 0x02:
 *
 *   for each table (events, spans, metrics):
 *     u32 row count; when > 0: u16 byte length + the column names, comma-separated (the layout)
 *     then row by row, column by column, one tagged value each:
 *       0 null · 1 string (u32 byte length, UTF-8) · 2 float64 · 3 int32 · 4 true · 5 false
 *       6 the same string as the previous row's in this column (resource, member, session, … repeat)
 *
 * The layout travels with each record, so a log written before a column was added (or moved) replays
 * into the right columns: a column the record lacks reads as null, one the schema dropped is ignored.
 *
 * v1 (read only, so logs written by older versions still replay) is the JSON text of the RowBatch,
 * `{"events":[{…}],…}`, whose first byte is `{`.
 *
 * Non-finite numbers are written as null, as v1's JSON did. Rows are rebuilt with a constructor
 * generated once per layout (an object literal in schema order): V8 builds those as fixed-shape
 * objects, ~40× faster than assigning 40 keys one by one.
 */
import type { EventRow, MetricPointRow, RowBatch, SpanRow } from '../model/records.js';
import { TABLES } from '../store/schema.js';

const V2 = 0x02;
const V1_FIRST_BYTE = 0x7b; // '{'

const enum Tag {
  Null = 0,
  String = 1,
  Float64 = 2,
  Int32 = 3,
  True = 4,
  False = 5,
  RepeatString = 6,
}

export class WalPayloadError extends Error {
  override readonly name = 'WalPayloadError';
}

type Row = Record<string, unknown>;

/**
 * Buffer's UTF-8 read and write without toString / write's argument handling, which costs more than
 * the copy for short strings. Node has had both since its early days but does not type them;
 * protobufjs reads strings with utf8Slice too.
 */
type RawBuffer = Buffer & {
  utf8Slice(start: number, end: number): string;
  utf8Write(s: string, offset: number): number;
};

interface Layout {
  /** The schema's column names, in order. */
  names: readonly string[];
  /** The same, comma-separated, as written before a table's rows. */
  header: Buffer;
}

const layoutOf = (names: readonly string[]): Layout => ({ names, header: Buffer.from(names.join(',')) });

/** events, spans, metrics: the order of the tables in a payload. */
const LAYOUTS: readonly Layout[] = [
  layoutOf(TABLES.events.map((c) => c.name)),
  layoutOf(TABLES.spans.map((c) => c.name)),
  layoutOf(TABLES.metric_points.map((c) => c.name)),
];

/** A growable output buffer; one per thread, reused across calls (the result is copied out). */
let scratch = Buffer.allocUnsafeSlow(1 << 20) as RawBuffer;

function ensure(off: number, bytes: number): void {
  if (off + bytes <= scratch.length) return;
  const next = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, off + bytes)) as RawBuffer;
  scratch.copy(next, 0, 0, off);
  scratch = next;
}

function encodeTable(rows: readonly object[], layout: Layout, start: number): number {
  let off = start;
  ensure(off, 6 + layout.header.length);
  off = scratch.writeUInt32LE(rows.length, off);
  if (rows.length === 0) return off;
  off = scratch.writeUInt16LE(layout.header.length, off);
  off += layout.header.copy(scratch, off);
  const names = layout.names;
  let prev: Row | null = null;
  for (const r of rows as Row[]) {
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const v = r[name];
      if (typeof v === 'string') {
        if (prev !== null && prev[name] === v) {
          ensure(off, 1);
          scratch[off++] = Tag.RepeatString;
          continue;
        }
        ensure(off, 5 + v.length * 3);
        scratch[off] = Tag.String;
        const n = scratch.utf8Write(v, off + 5);
        scratch.writeUInt32LE(n, off + 1);
        off += 5 + n;
      } else if (typeof v === 'number' && Number.isFinite(v)) {
        ensure(off, 9);
        if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
          scratch[off] = Tag.Int32;
          off = scratch.writeInt32LE(v, off + 1);
        } else {
          scratch[off] = Tag.Float64;
          off = scratch.writeDoubleLE(v, off + 1);
        }
      } else if (typeof v === 'boolean') {
        ensure(off, 1);
        scratch[off++] = v ? Tag.True : Tag.False;
      } else if (v === null || v === undefined || typeof v === 'number') {
        ensure(off, 1);
        scratch[off++] = Tag.Null;
      } else {
        throw new TypeError(`cannot log column ${name}: ${typeof v}`);
      }
    }
    prev = r;
  }
  return off;
}

/**
 * Rows → a v2 payload. The returned Buffer owns its whole ArrayBuffer (never a slice of a pool),
 * so it can be transferred between threads.
 */
export function encodeRows(rows: RowBatch): Buffer {
  ensure(0, 1);
  scratch[0] = V2;
  let off = encodeTable(rows.events, LAYOUTS[0] as Layout, 1);
  off = encodeTable(rows.spans, LAYOUTS[1] as Layout, off);
  off = encodeTable(rows.metrics, LAYOUTS[2] as Layout, off);
  const out = Buffer.allocUnsafeSlow(off);
  scratch.copy(out, 0, 0, off);
  return out;
}

type MakeRow = (values: unknown[]) => Row;
const makers = new Map<string, MakeRow>();

/** The constructor for rows of table `t` written as `layout`: the schema's columns, in its order. */
function rowMaker(t: number, layout: string): MakeRow {
  const cacheKey = `${t}:${layout}`;
  let make = makers.get(cacheKey);
  if (!make) {
    const at = new Map(layout.split(',').map((name, i) => [name, i]));
    const fields = (LAYOUTS[t] as Layout).names.map((name) => {
      const i = at.get(name);
      return `${JSON.stringify(name)}: ${i === undefined ? 'null' : `v[${i}]`}`;
    });
    make = new Function('v', `return { ${fields.join(', ')} };`) as MakeRow;
    makers.set(cacheKey, make);
  }
  return make;
}

function decodeV2(p: RawBuffer): RowBatch {
  const out: Row[][] = [[], [], []];
  let off = 1;
  for (let t = 0; t < LAYOUTS.length; t++) {
    const count = p.readUInt32LE(off);
    off += 4;
    if (count === 0) continue;
    const headerLength = p.readUInt16LE(off);
    const layout = p.utf8Slice(off + 2, off + 2 + headerLength);
    off += 2 + headerLength;
    const make = rowMaker(t, layout);
    const width = layout.split(',').length;
    const rows = out[t] as Row[];
    let cur: unknown[] = new Array<unknown>(width).fill(null);
    let prev: unknown[] = new Array<unknown>(width).fill(null);
    for (let k = 0; k < count; k++) {
      for (let i = 0; i < width; i++) {
        const tag = p[off++];
        switch (tag) {
          case Tag.Null:
            cur[i] = null;
            break;
          case Tag.String: {
            const n = p.readUInt32LE(off);
            cur[i] = p.utf8Slice(off + 4, off + 4 + n);
            off += 4 + n;
            break;
          }
          case Tag.Float64:
            cur[i] = p.readDoubleLE(off);
            off += 8;
            break;
          case Tag.Int32:
            cur[i] = p.readInt32LE(off);
            off += 4;
            break;
          case Tag.True:
            cur[i] = true;
            break;
          case Tag.False:
            cur[i] = false;
            break;
          case Tag.RepeatString:
            cur[i] = prev[i];
            break;
          default:
            throw new WalPayloadError(`unknown value tag ${String(tag)} at byte ${off - 1}`);
        }
      }
      rows.push(make(cur));
      const swap = prev;
      prev = cur;
      cur = swap;
    }
  }
  if (off !== p.length) throw new WalPayloadError(`${p.length - off} bytes left over after the rows`);
  return {
    events: out[0] as unknown as EventRow[],
    spans: out[1] as unknown as SpanRow[],
    metrics: out[2] as unknown as MetricPointRow[],
  };
}

/** A payload (v2, or v1 JSON from an older version) → rows. */
export function decodeRows(payload: Buffer): RowBatch {
  if (payload[0] === V2) return decodeV2(payload as RawBuffer);
  if (payload[0] === V1_FIRST_BYTE) return JSON.parse(payload.toString('utf8')) as RowBatch;
  throw new WalPayloadError(`unknown write-ahead log payload version (first byte ${String(payload[0])})`);
}
