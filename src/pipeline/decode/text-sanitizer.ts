/**
 * Strings as they leave the wire, made safe to redact and store: invalid UTF-8 (protobuf strings,
 * JSON bodies) and lone surrogate escapes in JSON (`"\ud800"`) become U+FFFD, NUL characters are
 * removed, each counted once per string. This runs before redaction, so a NUL can never split a
 * secret that removing it later would join again.
 *
 * Protobuf: every string field is read by `SanitizingReader.string` (keys, values, names). It also
 * refuses a string that runs past the end of the message, where protobufjs would cut it silently.
 * JSON: a body that is valid UTF-8 with no `\u0000` or surrogate escape (nearly all) is parsed as is;
 * otherwise a reviver cleans every string value.
 */
import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';
import type { SanitizeTally } from '../sanitize/sanitize-tally.js';

const REPLACEMENT = '\uFFFD';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** JSON text that may hold a NUL or a lone surrogate once parsed. */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** `s` without NUL characters; counted. */
function withoutNul(s: string, tally: SanitizeTally): string {
  if (!s.includes('\0')) return s;
  tally.add('nul_removed');
  return s.replaceAll('\0', '');
}

/** Buffer's UTF-8 slice (what protobufjs uses too), untyped in @types/node. */
type SliceableBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/** A protobufjs reader whose strings are sanitized and counted in `tally`. */
export class SanitizingReader extends protobuf.BufferReader {
  constructor(
    buffer: Buffer,
    private readonly tally: SanitizeTally,
  ) {
    super(buffer);
  }

  override string(): string {
    const len = this.uint32();
    const start = this.pos;
    const end = start + len;
    if (end > this.len) throw new RangeError(`string of ${len} bytes runs past the end of the message`);
    this.pos = end;
    const buf = this.buf as SliceableBuffer;
    const s = buf.utf8Slice(start, end);
    if (s.includes(REPLACEMENT) && !isUtf8(buf.subarray(start, end))) this.tally.add('invalid_utf8');
    return withoutNul(s, this.tally);
  }
}

/** JSON.parse of an OTLP/JSON body, with its strings sanitized when the body needs it. */
export function parseJsonText(body: Buffer, tally: SanitizeTally): unknown {
  const text = body.toString('utf8');
  const validUtf8 = isUtf8(body);
  if (validUtf8 && !SUSPECT_ESCAPE.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'string' ? cleanString(value, tally, validUtf8) : value,
  );
}

/**
 * A string from parsed JSON: lone surrogates replaced, NULs removed, each counted. `fromValidUtf8`:
 * whether the text it was parsed from was valid UTF-8 (if not, a U+FFFD in it counts as a replacement).
 */
export function cleanString(s: string, tally: SanitizeTally, fromValidUtf8 = true): string {
  const wellFormed = s.replace(LONE_SURROGATE, REPLACEMENT);
  if (wellFormed !== s || (!fromValidUtf8 && s.includes(REPLACEMENT))) tally.add('invalid_utf8');
  return withoutNul(wellFormed, tally);
}
