/**
 * decode: request bytes (protobuf or OTLP/JSON) → decoded model, plus how many records were rejected.
 * Throws DecodeError, naming what was wrong, when the payload as a whole cannot be read.
 */
import type { DecodedBatch, Signal } from '../../model/otlp.js';
import { convertLogs, convertMetrics, convertTraces, type Converted } from './otlp-convert.js';
import { requestType } from './otlp-proto.js';
import { DecodeError } from './otlp-values.js';

export { DecodeError } from './otlp-values.js';

export type Encoding = 'protobuf' | 'json';

const REQUEST_TYPES = {
  logs: requestType('logs'),
  metrics: requestType('metrics'),
  traces: requestType('traces'),
};

function convert(signal: Signal, req: unknown): Converted<DecodedBatch> {
  switch (signal) {
    case 'logs':
      return convertLogs(req);
    case 'metrics':
      return convertMetrics(req);
    case 'traces':
      return convertTraces(req);
    default:
      return signal satisfies never;
  }
}

export function decodeOtlp(signal: Signal, encoding: Encoding, body: Buffer): Converted<DecodedBatch> {
  let req: unknown;
  if (encoding === 'protobuf') {
    try {
      req = REQUEST_TYPES[signal].decode(body);
    } catch (err) {
      throw new DecodeError(`invalid protobuf ${REQUEST_TYPES[signal].name}: ${(err as Error).message}`);
    }
  } else {
    try {
      req = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new DecodeError(`invalid JSON: ${(err as Error).message}`);
    }
    if (typeof req !== 'object' || req === null || Array.isArray(req)) {
      throw new DecodeError(`invalid OTLP/JSON: expected an ${REQUEST_TYPES[signal].name} object`);
    }
  }
  return convert(signal, req);
}
