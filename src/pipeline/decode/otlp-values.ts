/**
 * Wire-neutral readers for OTLP values. The same object shapes arrive from protobufjs (bytes as
 * Uint8Array, 64-bit ints as Long) and from OTLP/JSON (ids as hex strings, 64-bit ints as decimal
 * strings or numbers, enums as ints or names). Set fields are own properties in both; protobufjs keeps
 * defaults on the prototype, so presence is tested with Object.hasOwn.
 *
 * `path` names the field in error messages. Callers on the hot path pass a path relative to the
 * record (`.timeUnixNano`) and prefix the record's own path only when an error is thrown (`within`),
 * so no per-field path strings are built for well-formed records.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** `err` with `prefix` put before its message when it is a DecodeError (a relative path made whole). */
export function within(err: unknown, prefix: string): unknown {
  return err instanceof DecodeError ? new DecodeError(prefix + err.message) : err;
}

type Obj = Record<string, unknown>;

/**
 * A protobufjs Long. JSON.parse only makes plain objects, so a JSON `{"low":…,"high":…}` is no Long
 * (it is no OTLP/JSON integer either).
 */
const isLong = (v: unknown): v is { low: number; high: number; unsigned: boolean; toString(): string } =>
  typeof v === 'object' &&
  v !== null &&
  Object.getPrototypeOf(v) !== Object.prototype &&
  typeof (v as { low?: unknown }).low === 'number' &&
  typeof (v as { high?: unknown }).high === 'number';

const DECIMAL = /^-?\d+$/;

/** A 64-bit integer as an exact decimal string ('0' when absent). */
export function int64String(v: unknown, path: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'string') {
    if (!DECIMAL.test(v))
      throw new DecodeError(`${path}: expected a 64-bit integer, got "${v.slice(0, 40)}"`);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new DecodeError(`${path}: expected an integer, got ${v}`);
    return BigInt(v).toString();
  }
  if (typeof v === 'bigint') return v.toString();
  if (isLong(v)) return v.unsigned || v.high >= 0 ? uint64Decimal(v.low >>> 0, v.high >>> 0) : v.toString();
  throw new DecodeError(`${path}: expected a 64-bit integer`);
}

const pad7 = (n: number): string => String(n).padStart(7, '0');

/**
 * The unsigned 64-bit integer hi·2³² + lo (both uint32) as an exact decimal string, without Long's
 * generic division loop: three base-10⁷ digits from 24/24/16-bit limbs (2²⁴ = 1·10⁷ + 6777216,
 * 2⁴⁸ = 2·10¹⁴ + 8147497·10⁷ + 6710656). Every intermediate stays below 2⁵³.
 */
export function uint64Decimal(lo: number, hi: number): string {
  if (hi <= 0x1fffff) return String(hi * 4294967296 + lo);
  const low = lo & 0xffffff;
  const mid = ((lo >>> 24) | (hi << 8)) & 0xffffff;
  const high = hi >>> 16;
  let a = low + mid * 6777216 + high * 6710656;
  let b = mid + high * 8147497;
  let c = high * 2;
  b += Math.floor(a / 1e7);
  a %= 1e7;
  c += Math.floor(b / 1e7);
  b %= 1e7;
  // hi > 0x1fffff means the value is ≥ 2⁵³, so c (the digits above 10¹⁴) is never 0.
  return String(c) + pad7(b) + pad7(a);
}

/** A 64-bit integer as a JS number when it is safe, else its decimal string. */
export function int64Value(v: unknown, path: string): number | string {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (isLong(v) && (v.high === 0 || v.high === -1)) {
    const n = v.high === 0 ? v.low >>> 0 : v.unsigned ? NaN : v.low | 0;
    if (!Number.isNaN(n) && (v.high === 0 || v.low < 0)) return n;
  }
  const s = int64String(v, path);
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

const HEX = /^[0-9a-fA-F]*$/;

/** A trace or span id as lowercase hex ('' when absent or all zero bytes). */
export function idHex(v: unknown, bytes: 8 | 16, path: string): string {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return '';
  let hex: string;
  if (typeof v === 'string') {
    if (v.length !== bytes * 2 || !HEX.test(v)) {
      throw new DecodeError(`${path}: expected ${bytes * 2} hex characters, got "${v.slice(0, 40)}"`);
    }
    hex = v.toLowerCase();
  } else if (v instanceof Uint8Array) {
    if (v.length === 0) return '';
    if (v.length !== bytes) throw new DecodeError(`${path}: expected ${bytes} bytes, got ${v.length}`);
    hex = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  } else {
    throw new DecodeError(`${path}: expected an id`);
  }
  return /^0+$/.test(hex) ? '' : hex;
}

export function num(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  if (isLong(v)) return Number(v.toString());
  throw new DecodeError(`${path}: expected a number`);
}

export function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  throw new DecodeError(`${path}: expected a string`);
}

export function arr(v: unknown, path: string): Obj[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${path}: expected an array`);
  return v as Obj[];
}

export function obj(v: unknown, path: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(`${path}: expected an object`);
  return v as Obj;
}

/** An enum that JSON may carry as an int32 or as its name (names map through `names`). */
export function enumInt(v: unknown, names: Record<string, number>, path: string): number {
  if (v === undefined || v === null) return 0;
  // OTLP enums are int32 on the wire; a JSON number beyond that is no enum value.
  if (typeof v === 'number' && (v | 0) === v) return v;
  if (typeof v === 'string') {
    const n = names[v];
    if (n !== undefined) return n;
  }
  throw new DecodeError(`${path}: unknown enum value ${JSON.stringify(v)}`);
}

/** A list of objects (the envelope's resources and scopes, a span's events, …); anything else throws. */
export function objects(v: unknown, path: string): Obj[] {
  const list = arr(v, path);
  for (let i = 0; i < list.length; i++) {
    const o = list[i];
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      throw new DecodeError(`${path}[${i}]: expected an object`);
    }
  }
  return list;
}
