/**
 * decode: request bytes (protobuf or OTLP/JSON) → decoded model, plus how many records were rejected.
 * Throws DecodeError, naming what was wrong, when the payload as a whole cannot be read, and
 * TooManyRecordsError past `limits.maxRecordsPerRequest`. Strings are sanitized as they are read
 * (text-sanitizer.ts) and values kept within the per-record limits (otlp-attributes.ts); each change
 * is counted in the tally.
 */
import type { DecodedBatch, Signal } from '../../model/otlp.js';
import { DEFAULT_INPUT_LIMITS, type InputLimits } from '../sanitize/input-limits.js';
import { SanitizeTally } from '../sanitize/sanitize-tally.js';
import type { ValueContext } from './otlp-attributes.js';
import { convertLogs, convertMetrics, convertTraces, type Converted } from './otlp-convert.js';
import { requestType } from './otlp-proto.js';
import { DecodeError } from './otlp-values.js';
import { checkRecordCount } from './record-limit.js';
import { parseJsonText, SanitizingReader } from './text-sanitizer.js';

export { DecodeError } from './otlp-values.js';
export { TooManyRecordsError } from './record-limit.js';

export type Encoding = 'protobuf' | 'json';

export interface DecodeOptions {
  limits: InputLimits;
  /** Receives what was changed in the records kept. */
  tally: SanitizeTally;
}

const REQUEST_TYPES = {
  logs: requestType('logs'),
  metrics: requestType('metrics'),
  traces: requestType('traces'),
};

function convert(signal: Signal, req: unknown, cx: ValueContext): Converted<DecodedBatch> {
  switch (signal) {
    case 'logs':
      return convertLogs(req, cx);
    case 'metrics':
      return convertMetrics(req, cx);
    case 'traces':
      return convertTraces(req, cx);
    default:
      return signal satisfies never;
  }
}

export function decodeOtlp(
  signal: Signal,
  encoding: Encoding,
  body: Buffer,
  { limits, tally }: DecodeOptions = { limits: DEFAULT_INPUT_LIMITS, tally: new SanitizeTally() },
): Converted<DecodedBatch> {
  let req: unknown;
  if (encoding === 'protobuf') {
    try {
      req = REQUEST_TYPES[signal].decode(new SanitizingReader(body, tally));
    } catch (err) {
      throw new DecodeError(`invalid protobuf ${REQUEST_TYPES[signal].name}: ${(err as Error).message}`);
    }
  } else {
    try {
      req = parseJsonText(body, tally);
    } catch (err) {
      throw new DecodeError(`invalid JSON: ${(err as Error).message}`);
    }
    if (typeof req !== 'object' || req === null || Array.isArray(req)) {
      throw new DecodeError(`invalid OTLP/JSON: expected an ${REQUEST_TYPES[signal].name} object`);
    }
  }
  checkRecordCount(signal, req, limits.maxRecordsPerRequest);
  return convert(signal, req, {
    maxEntries: limits.maxAttributesPerRecord,
    maxDepth: limits.maxValueDepth,
    tally,
  });
}
