/**
 * OTLP AnyValue and attribute lists → plain values, within the per-record limits (input-limits.ts):
 * - a map or array keeps its first `maxEntries` entries; the rest are dropped and counted, and a map
 *   that lost entries says how many in `unsilo.dropped_attributes` (OTLP's dropped_attributes_count);
 * - a map or array nested deeper than `maxDepth` becomes null, counted;
 * - a repeated key keeps its first value, as the OpenTelemetry Collector reads a map (pdata Map.Get
 *   returns the first match); later ones are dropped and counted;
 * - NaN and ±Infinity doubles become the strings "NaN", "Infinity", "-Infinity" (JSON has no such
 *   numbers; the typed columns read them as null), counted;
 * - the key `__proto__` is stored as an ordinary key, never as the map's prototype.
 * A value that is not OTLP at all throws DecodeError, naming the field.
 */
import type { Attributes, AttrValue } from '../../model/otlp.js';
import type { SanitizeTally } from '../sanitize/sanitize-tally.js';
import { arr, DecodeError, int64Value, num, obj, str, within } from './otlp-values.js';

export const DROPPED_ATTRIBUTES_KEY = 'unsilo.dropped_attributes';

export interface ValueContext {
  /** Most entries kept per map or array. */
  maxEntries: number;
  /** Most arrays and maps around a value (a record's own attribute map not counted). */
  maxDepth: number;
  tally: SanitizeTally;
}

type Obj = Record<string, unknown>;

const has = (o: Obj, k: string): boolean => Object.hasOwn(o, k);

function finite(n: number, cx: ValueContext): number | string {
  if (Number.isFinite(n)) return n;
  cx.tally.add('non_finite_number');
  return String(n);
}

/** Whether a container at `depth` may be read; counted when not. */
function depthAllowed(depth: number, cx: ValueContext): boolean {
  if (depth < cx.maxDepth) return true;
  cx.tally.add('value_too_deep');
  return false;
}

export function anyValue(v: unknown, path: string, cx: ValueContext, depth = 0): AttrValue {
  if (v === undefined || v === null) return null;
  const o = obj(v, path);
  if (has(o, 'stringValue')) return str(o.stringValue, path);
  if (has(o, 'intValue')) return int64Value(o.intValue, path);
  if (has(o, 'doubleValue')) return finite(num(o.doubleValue, path), cx);
  if (has(o, 'boolValue')) return o.boolValue === true;
  if (has(o, 'arrayValue')) {
    if (!depthAllowed(depth, cx)) return null;
    const list = arr(obj(o.arrayValue, path).values, path);
    const n = Math.min(list.length, cx.maxEntries);
    if (list.length > n) cx.tally.add('attributes_dropped', list.length - n);
    const out: AttrValue[] = new Array<AttrValue>(n);
    for (let i = 0; i < n; i++) {
      try {
        out[i] = anyValue(list[i], '', cx, depth + 1);
      } catch (err) {
        throw within(err, `${path}[${i}]`);
      }
    }
    return out;
  }
  if (has(o, 'kvlistValue')) {
    if (!depthAllowed(depth, cx)) return null;
    return attributes(obj(o.kvlistValue, path).values, path, cx, depth + 1);
  }
  if (has(o, 'bytesValue')) {
    const b = o.bytesValue;
    return b instanceof Uint8Array ? Buffer.from(b).toString('base64') : str(b, path);
  }
  return null;
}

export function attributes(v: unknown, path: string, cx: ValueContext, depth = 0): Attributes {
  const out: Attributes = {};
  const list = arr(v, path);
  let kept = 0;
  let dropped = 0;
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as Obj;
    if (typeof kv !== 'object' || kv === null) throw new DecodeError(`${path}[${i}]: expected a key/value`);
    try {
      const key = str(kv.key, '.key');
      if (has(out, key)) {
        cx.tally.add('duplicate_key');
      } else if (kept === cx.maxEntries) {
        dropped++;
      } else {
        const value = anyValue(kv.value, '.value', cx, depth);
        if (key === '__proto__') {
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        } else {
          out[key] = value;
        }
        kept++;
      }
    } catch (err) {
      throw within(err, `${path}[${i}]`);
    }
  }
  if (dropped > 0) {
    cx.tally.add('attributes_dropped', dropped);
    out[DROPPED_ATTRIBUTES_KEY] = dropped;
  }
  return out;
}
