/**
 * Claude Code sends many numbers and booleans as strings (`duration_ms:"86"`, `success:"false"`) and
 * integral doubles as ints (`cost_usd` can be intValue 0). These coerce whatever arrived.
 */
import type { AttrValue } from '../../model/otlp.js';

export function toNum(v: AttrValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function toInt(v: AttrValue | undefined): number | null {
  const n = toNum(v);
  return n === null ? null : Math.trunc(n);
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
