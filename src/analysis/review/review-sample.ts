/**
 * Drawing a review queue from the sessions of a window, reproducibly: the same sessions, spec and
 * seed give the same queue. The mix (`random=50,signal:validation_failures=30,outlier:cost_per_prompt=20`)
 * splits n by largest remainder; signal and outlier parts are drawn first (in the order given), then
 * random, each from the sessions not yet queued (a session is queued once):
 * - `random`: any session;
 * - `signal:<name>`: sessions the signal flags;
 * - `outlier:<name>`: sessions in the top decile of the signal's value (and above 0).
 * With strata, a component's draws are spread evenly over the strata (round robin), which oversamples
 * the small ones. Each item records its inclusion probability, draws / pool of its component and
 * stratum (conditional on the earlier components), so rates can be reweighted to the window. A
 * component short of candidates leaves its rest to a final random fill. The queue order is shuffled.
 */
import { AnalysisError } from '../analysis-context.js';
import { signalByName } from '../signals/signal-catalog.js';
import { quantile, type SessionSignals } from '../signals/session-signals.js';

export const STRATA = ['chapter', 'member', 'feature', 'cc_version', 'model'] as const;
export type StratumKey = (typeof STRATA)[number];

export interface MixPart {
  /** `random`, `signal:<name>` or `outlier:<name>`. */
  reason: string;
  share: number;
}

export interface SampleSpec {
  n: number;
  mix: MixPart[];
  strata: StratumKey | null;
  seed: number;
}

export interface SampledItem {
  session_id: string;
  position: number;
  reason: string;
  stratum: string | null;
  inclusion_prob: number;
}

/** `random=50,signal:validation_failures=30` → parts (the default: all random). */
export function parseMix(text: string | undefined): MixPart[] {
  if (!text) return [{ reason: 'random', share: 100 }];
  return text.split(',').map((part) => {
    const m = /^\s*(random|(?:signal|outlier):[a-z_]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new AnalysisError(`--mix: "${part}" is not random=N, signal:<name>=N or outlier:<name>=N`);
    const reason = m[1]!;
    if (reason !== 'random') signalByName(reason.slice(reason.indexOf(':') + 1));
    return { reason, share: Number(m[2]) };
  });
}

/** n split by the shares, by largest remainder (sums to n exactly). */
export function splitCounts(n: number, mix: readonly MixPart[]): number[] {
  const total = mix.reduce((s, m) => s + m.share, 0);
  if (total <= 0) throw new AnalysisError('--mix: the shares must add up to more than 0');
  const exact = mix.map((m) => (n * m.share) / total);
  const counts = exact.map(Math.floor);
  const order = exact
    .map((e, i) => [e - Math.floor(e), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const rest = n - counts.reduce((s, c) => s + c, 0);
  for (let k = 0; k < rest; k++) counts[order[k]![1]]! += 1;
  return counts;
}

/** mulberry32: a small seeded PRNG, the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function drawSample(sessions: readonly SessionSignals[], spec: SampleSpec): SampledItem[] {
  const rnd = seededRandom(spec.seed);
  const all = [...sessions].sort((a, b) => (a.session_id < b.session_id ? -1 : 1));
  const taken = new Set<string>();
  const items: Omit<SampledItem, 'position'>[] = [];
  const counts = splitCounts(spec.n, spec.mix);
  const stratumOf = (s: SessionSignals): string | null => (spec.strata ? (s[spec.strata] ?? '(none)') : null);

  const draw = (reason: string, pool: SessionSignals[], k: number): number => {
    const groups = new Map<string | null, SessionSignals[]>();
    for (const s of pool) {
      const key = stratumOf(s);
      const group = groups.get(key);
      if (group) group.push(s);
      else groups.set(key, [s]);
    }
    const keys = [...groups.keys()].sort((a, b) => String(a).localeCompare(String(b)));
    const quota = new Map(keys.map((key) => [key, 0]));
    for (let left = k, progress = true; left > 0 && progress;) {
      progress = false;
      for (const key of keys) {
        if (left > 0 && quota.get(key)! < groups.get(key)!.length) {
          quota.set(key, quota.get(key)! + 1);
          left--;
          progress = true;
        }
      }
    }
    let drawn = 0;
    for (const key of keys) {
      const group = groups.get(key)!;
      const q = quota.get(key)!;
      for (const s of shuffled(group, rnd).slice(0, q)) {
        taken.add(s.session_id);
        items.push({ session_id: s.session_id, reason, stratum: key, inclusion_prob: q / group.length });
        drawn++;
      }
    }
    return drawn;
  };

  let short = 0;
  // Signal and outlier parts first: random draws from what they leave, so the mix holds.
  const order = spec.mix.map((part, i) => ({ part, k: counts[i]! }));
  order.sort((a, b) => Number(a.part.reason === 'random') - Number(b.part.reason === 'random'));
  for (const { part, k } of order) {
    const free = all.filter((s) => !taken.has(s.session_id));
    short += k - draw(part.reason, candidates(part.reason, all, free), k);
  }
  if (short > 0)
    draw(
      'random',
      all.filter((s) => !taken.has(s.session_id)),
      short,
    );
  return shuffled(items, rnd).map((it, i) => ({ ...it, position: i + 1 }));
}

function candidates(reason: string, all: SessionSignals[], free: SessionSignals[]): SessionSignals[] {
  if (reason === 'random') return free;
  const name = reason.slice(reason.indexOf(':') + 1);
  if (reason.startsWith('signal:')) return free.filter((s) => s.flags[name]);
  const values = all.map((s) => s.values[name] ?? 0).sort((a, b) => a - b);
  const p90 = quantile(values, 0.9);
  return free.filter((s) => (s.values[name] ?? 0) >= p90 && (s.values[name] ?? 0) > 0);
}
