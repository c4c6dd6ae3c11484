/**
 * Claude Code sends many numbers and booleans as strings (`duration_ms:"86"`, `success:"false"`) and
 * integral doubles as ints (`cost_usd` can be intValue 0). These coerce whatever arrived.
 */
import type { AttrValue } from '../../model/otlp.js';
import type { SanitizeTally } from '../sanitize/sanitize-tally.js';

export function toNum(v: AttrValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * An integer column's value: null when there is no number, and when the number is beyond ±2⁵³ (an
 * int64 overflow, `1e30` tokens): no typed column gets an inexact or unstorable integer. The attribute
 * JSON keeps what was sent. Such a number is counted in `tally`.
 */
export function toInt(v: AttrValue | undefined, tally?: SanitizeTally): number | null {
  const n = toNum(v);
  if (n === null) return null;
  const i = Math.trunc(n);
  if (Number.isSafeInteger(i)) return i;
  tally?.add('number_out_of_range');
  return null;
}

export function toBool(v: AttrValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes') return true;
    if (s === 'false' || s === '0' || s === 'no') return false;
  }
  if (typeof v === 'number') return v !== 0;
  return null;
}

export function toStr(v: AttrValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Nanoseconds since the epoch (exact decimal string) → microseconds. */
export function nanosToMicros(ns: string): number {
  return ns.length <= 3 ? 0 : Number(ns.slice(0, -3));
}
