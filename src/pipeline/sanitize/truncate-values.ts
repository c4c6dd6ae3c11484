/**
 * truncate: every string value of a decoded batch cut to `limits.maxAttributeValueBytes` UTF-8
 * bytes (at a character boundary, no marker, as the OpenTelemetry SDKs' attribute value length limit
 * does), each cut counted. Covers attributes at every depth (records, resources, span events and
 * links, metric points) and log bodies. Runs after redaction, so a secret is never cut in half
 * before a detector could see it whole. Changes the batch in place and returns it.
 */
import type { Attributes, AttrValue, DecodedBatch } from '../../model/otlp.js';
import type { SanitizeTally } from './sanitize-tally.js';

/** `s` within `maxBytes` UTF-8 bytes. */
export function truncateUtf8(s: string, maxBytes: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most strings need no byte count.
  if (s.length * 3 <= maxBytes || Buffer.byteLength(s) <= maxBytes) return s;
  const buf = Buffer.from(s);
  let end = maxBytes;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--; // not inside a multi-byte character
  return buf.toString('utf8', 0, end);
}

class Truncator {
  constructor(
    private readonly maxBytes: number,
    private readonly tally: SanitizeTally,
  ) {}

  private string(s: string): string {
    const cut = truncateUtf8(s, this.maxBytes);
    if (cut !== s) this.tally.add('value_truncated');
    return cut;
  }

  value(v: AttrValue): AttrValue {
    if (typeof v === 'string') return this.string(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.value(v[i] ?? null);
      return v;
    }
    if (v !== null && typeof v === 'object') return this.map(v);
    return v;
  }

  /** On the hot path: most values are short strings, passed over with one comparison. */
  map(attrs: Attributes): Attributes {
    for (const key in attrs) {
      const v = attrs[key] ?? null;
      if (typeof v === 'string') {
        if (v.length * 3 > this.maxBytes) attrs[key] = this.string(v);
      } else if (v !== null && typeof v === 'object') {
        attrs[key] = this.value(v);
      }
    }
    return attrs;
  }
}

export function truncateValues(batch: DecodedBatch, maxBytes: number, tally: SanitizeTally): DecodedBatch {
  const t = new Truncator(maxBytes, tally);
  switch (batch.signal) {
    case 'logs':
      for (const res of batch.resources) {
        t.map(res.resource);
        for (const { records } of res.scopes) {
          for (const r of records) {
            t.map(r.attributes);
            r.body = t.value(r.body);
          }
        }
      }
      break;
    case 'metrics':
      for (const res of batch.resources) {
        t.map(res.resource);
        for (const { metrics } of res.scopes)
          for (const m of metrics) for (const p of m.points) t.map(p.attributes);
      }
      break;
    case 'traces':
      for (const res of batch.resources) {
        t.map(res.resource);
        for (const { spans } of res.scopes) {
          for (const s of spans) {
            t.map(s.attributes);
            for (const e of s.events) t.map(e.attributes);
            for (const l of s.links) t.map(l.attributes);
          }
        }
      }
      break;
    default:
      batch satisfies never;
  }
  return batch;
}
