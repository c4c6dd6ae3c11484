/**
 * demo: the seeded randomness behind the demo team. mulberry32 (a small 32-bit PRNG) plus the
 * helpers the generator needs: ranges, weighted picks, Poisson counts and the id formats Claude Code
 * uses (uuid v4, hex trace/span ids, `req_…`, `toolu_…`). Same seed, same sequence, on every platform.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** FNV-1a of a string: a stable 32-bit seed for names (a member's user.id must not depend on the run). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Integer in [lo, hi] skewed towards lo (most values small, a long tail): durations, sizes. */
  skewed(lo: number, hi: number): number {
    const r = this.next();
    return lo + Math.floor(r * r * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** A Poisson-distributed count with mean `lambda` (Knuth; lambda is small here). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }

  /** A random (version 4) UUID, as Claude Code uses for session.id, prompt.id and message.uuid. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  base62(chars: number): string {
    let s = '';
    for (let i = 0; i < chars; i++) s += BASE62.charAt(Math.floor(this.next() * 62));
    return s;
  }

  /** An Anthropic API request id (`req_011C…`). */
  requestId(): string {
    return `req_011C${this.base62(20)}`;
  }

  /** A tool_use id (`toolu_01…`). */
  toolUseId(): string {
    return `toolu_01${this.base62(22)}`;
  }
}
