import { describe, expect, it } from 'vitest';
import { eventRow, metricRow, spanRow } from '../../test/fixtures/rows.js';
import type { RowBatch } from '../model/records.js';
import { TABLES } from '../store/schema.js';
import { decodeRows, encodeRows, WalPayloadError } from './wal-payload.js';

const batch = (o: Partial<RowBatch> = {}): RowBatch => ({ events: [], spans: [], metrics: [], ...o });

/** A v2 payload written by hand, per the format in wal-payload.ts: [rows, layout, values] per table. */
function handWritten(tables: [layout: string[], rows: (string | number | boolean | null)[][]][]): Buffer {
  const parts: Buffer[] = [Buffer.from([2])];
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  for (const [layout, rows] of tables) {
    parts.push(u32(rows.length));
    if (rows.length === 0) continue;
    const header = Buffer.from(layout.join(','));
    const len = Buffer.alloc(2);
    len.writeUInt16LE(header.length);
    parts.push(len, header);
    for (const row of rows) {
      for (const v of row) {
        if (v === null) parts.push(Buffer.from([0]));
        else if (typeof v === 'string')
          parts.push(Buffer.from([1]), u32(Buffer.byteLength(v)), Buffer.from(v));
        else if (typeof v === 'boolean') parts.push(Buffer.from([v ? 4 : 5]));
        else {
          const f = Buffer.alloc(8);
          f.writeDoubleLE(v);
          parts.push(Buffer.from([2]), f);
        }
      }
    }
  }
  return Buffer.concat(parts);
}

describe('WAL payload', () => {
  it('round-trips every table, value type and repeated value', () => {
    const rows = batch({
      events: [
        eventRow({ success: true, duration_ms: 12.5, input_tokens: 2 ** 40, cost_usd: -0.25 }),
        eventRow({
          success: false,
          member: 'zoë 😀',
          error: 'line\nbreak "quoted" \u0000 nul',
          input_tokens: -7,
        }),
        eventRow({ success: null, attributes: '{}', event_sequence: 0 }),
      ],
      spans: [spanRow(), spanRow({ parent_span_id: null, kind: 3 })],
      metrics: [metricRow({ start_ts: null, value: null, detail: '{"bucket_counts":[1,2]}' }), metricRow()],
    });
    const payload = encodeRows(rows);
    expect(payload[0]).toBe(2);
    expect(decodeRows(payload)).toEqual(rows);
    expect(payload.length).toBeLessThan(Buffer.byteLength(JSON.stringify(rows)));
  });

  it('keeps the column order of the schema and writes an empty batch', () => {
    const [row] = decodeRows(encodeRows(batch({ events: [eventRow()] }))).events;
    expect(Object.keys(row ?? {})).toEqual(TABLES.events.map((c) => c.name));
    expect(decodeRows(encodeRows(batch()))).toEqual(batch());
  });

  it('writes non-finite numbers and undefined as null, as the JSON records did', () => {
    const rows = batch({
      metrics: [
        metricRow({ value: NaN, count: Infinity }),
        metricRow({ value: undefined as unknown as null }),
      ],
    });
    const [a, b] = decodeRows(encodeRows(rows)).metrics;
    expect([a?.value, a?.count, b?.value]).toEqual([null, null, null]);
  });

  it('returns a Buffer that owns its memory, so it can be moved to another thread', () => {
    const payload = encodeRows(batch({ events: [eventRow()] }));
    expect(payload.byteOffset).toBe(0);
    expect(payload.buffer.byteLength).toBe(payload.length);
  });

  it('still reads records written as JSON by older versions', () => {
    const rows = batch({ events: [eventRow()], spans: [spanRow()], metrics: [metricRow()] });
    expect(decodeRows(Buffer.from(JSON.stringify(rows)))).toEqual(rows);
  });

  it('reads a record written with an older column layout into the current columns', () => {
    // As an older version would have written it: no feature / chapter columns, another order, and
    // a column the schema no longer has.
    const payload = handWritten([
      [
        ['ts', 'key', 'event_name', 'success', 'retired_column', 'attributes', 'resource', 'scope_name'],
        [
          [1_700_000_000_000_000, 'k1', 'api_request', true, 'gone', '{"a":1}', '{}', 'scope'],
          [1_700_000_000_000_001, 'k2', 'user_prompt', null, 'gone', '{"a":2}', '{}', 'scope'],
        ],
      ],
      [[], []],
      [[], []],
    ]);
    const { events, spans, metrics } = decodeRows(payload);
    expect([spans, metrics]).toEqual([[], []]);
    expect(events.map((e) => Object.keys(e))).toEqual([0, 1].map(() => TABLES.events.map((c) => c.name)));
    expect(events[0]).toMatchObject({
      key: 'k1',
      ts: 1_700_000_000_000_000,
      event_name: 'api_request',
      success: true,
      feature: null,
      chapter: null,
      member: null,
      attributes: '{"a":1}',
    });
    expect(events[1]).toMatchObject({ key: 'k2', success: null });
    expect(events[0]).not.toHaveProperty('retired_column');
  });

  it('refuses what it cannot read instead of guessing', () => {
    expect(() => decodeRows(Buffer.from([9, 0, 0, 0, 0]))).toThrow(WalPayloadError);
    const good = encodeRows(batch({ events: [eventRow()] }));
    expect(() => decodeRows(Buffer.concat([good, Buffer.from([0])]))).toThrow(/left over/);
  });
});
