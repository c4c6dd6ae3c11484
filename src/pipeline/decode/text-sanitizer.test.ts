import { describe, expect, it } from 'vitest';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { requestType, statusType } from './otlp-proto.js';
import { cleanString, parseJsonText, SanitizingReader } from './text-sanitizer.js';

const LOGS = requestType('logs');

/** A logs request whose one attribute value is `marker`, encoded; its bytes are then replaced by `raw`. */
function protobufWithRawString(raw: Buffer): Buffer {
  const marker = 'M'.repeat(raw.length);
  const body = Buffer.from(
    LOGS.encode(
      LOGS.fromObject({
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ attributes: [{ key: 'k', value: { stringValue: marker } }] }] }] },
        ],
      }),
    ).finish(),
  );
  const at = body.indexOf(marker);
  raw.copy(body, at);
  return body;
}

function decodedValue(body: Buffer, tally: SanitizeTally): unknown {
  const req = LOGS.toObject(LOGS.decode(new SanitizingReader(body, tally))) as {
    resourceLogs: { scopeLogs: { logRecords: { attributes: { value: { stringValue: string } }[] }[] }[] }[];
  };
  return req.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.attributes[0]?.value.stringValue;
}

describe('protobuf strings (SanitizingReader)', () => {
  it.each([
    ['valid UTF-8', Buffer.from('héllo ✓'), 'héllo ✓', {}],
    ['a sender’s own U+FFFD is no replacement', Buffer.from('a\uFFFDb'), 'a\uFFFDb', {}],
    ['invalid bytes', Buffer.from([0x61, 0xff, 0xfe, 0x62]), 'a\uFFFD\uFFFDb', { invalid_utf8: 1 }],
    ['a truncated multi-byte character', Buffer.from([0x61, 0xe2, 0x9c]), 'a\uFFFD', { invalid_utf8: 1 }],
    [
      'a lone surrogate encoded as CESU',
      Buffer.from([0xed, 0xa0, 0x80]),
      '\uFFFD\uFFFD\uFFFD',
      { invalid_utf8: 1 },
    ],
    ['NUL bytes', Buffer.from('a\0b\0'), 'ab', { nul_removed: 1 }],
    ['both', Buffer.from([0x00, 0xc3]), '\uFFFD', { invalid_utf8: 1, nul_removed: 1 }],
  ])('%s', (_name, raw, expected, counts) => {
    const tally = new SanitizeTally();
    expect(decodedValue(protobufWithRawString(raw), tally)).toBe(expected);
    expect(tally.counts).toEqual(counts);
  });

  it('refuses a string that runs past the end of the message, where protobufjs alone cuts it', () => {
    // google.rpc.Status { message (field 2) = a string said to be 10 bytes long, with 3 there }
    const body = Buffer.from([0x12, 0x0a, ...Buffer.from('abc')]);
    expect(statusType.decode(body)).toMatchObject({ message: 'abc' });
    expect(() => statusType.decode(new SanitizingReader(body, new SanitizeTally()))).toThrow(RangeError);
  });
});

describe('OTLP/JSON strings (parseJsonText)', () => {
  const value = (json: string | Buffer, tally: SanitizeTally): unknown =>
    (parseJsonText(Buffer.isBuffer(json) ? json : Buffer.from(json), tally) as { v: unknown }).v;

  it.each([
    ['plain text', '{"v":"héllo"}', 'héllo', {}],
    ['a surrogate pair escape', '{"v":"\\ud83d\\ude00"}', '😀', {}],
    ['a lone high surrogate escape', '{"v":"a\\ud800b"}', 'a\uFFFDb', { invalid_utf8: 1 }],
    ['a lone low surrogate escape', '{"v":"\\udc00"}', '\uFFFD', { invalid_utf8: 1 }],
    ['a NUL escape', '{"v":"a\\u0000b"}', 'ab', { nul_removed: 1 }],
    ['a literal backslash-u0000 is text, not NUL', '{"v":"a\\\\u0000b"}', 'a\\u0000b', {}],
    [
      'invalid UTF-8 bytes',
      Buffer.from([...Buffer.from('{"v":"a'), 0xff, ...Buffer.from('b"}')]),
      'a\uFFFDb',
      { invalid_utf8: 1 },
    ],
  ])('%s', (_name, json, expected, counts) => {
    const tally = new SanitizeTally();
    expect(value(json, tally)).toBe(expected);
    expect(tally.counts).toEqual(counts);
  });

  it('cleans strings at any depth, and leaves other values alone', () => {
    const tally = new SanitizeTally();
    const parsed = parseJsonText(Buffer.from('{"a":[{"b":"x\\u0000"}],"n":1,"t":true,"z":null}'), tally);
    expect(parsed).toEqual({ a: [{ b: 'x' }], n: 1, t: true, z: null });
    expect(tally.counts).toEqual({ nul_removed: 1 });
  });
});

describe('cleanString', () => {
  it.each([
    ['clean', 'abc', 'abc', {}],
    ['NULs', '\0a\0', 'a', { nul_removed: 1 }],
    ['a lone surrogate', 'x\uD800', 'x\uFFFD', { invalid_utf8: 1 }],
  ])('%s', (_name, input, expected, counts) => {
    const tally = new SanitizeTally();
    expect(cleanString(input, tally)).toBe(expected);
    expect(tally.counts).toEqual(counts);
  });
});
