import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
/** Small helpers shared by the benchmarks: percentiles, rates, timing, formatting. */

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of already sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Latencies in milliseconds → p50/p90/p99/max/mean (NaN when there are none). */
export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((n, x) => n + x, 0);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), 2),
    p90: round(percentile(sorted, 90), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted.at(-1) ?? NaN, 2),
    mean: round(sorted.length ? sum / sorted.length : NaN, 2),
  };
}

export const round = (x: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const nowMs = (): number => performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** 25341.7 → "25,342". */
export const fmtInt = (x: number): string =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : String(x);

/** 3.14159 → "3.14". */
export const fmtMs = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : String(x));

/**
 * Calls `fn` in a loop for `warmupMs` (not counted), then for `durationMs`. Returns the calls made, the
 * wall seconds, and the CPU seconds this process used meanwhile: for single-threaded work the CPU
 * time is the per-core cost even when other processes compete for the cores, which wall time is not.
 * `fn(k)` gets the call number so it can cycle through inputs.
 */
export function timeLoop(
  fn: (k: number) => void,
  durationMs: number,
  warmupMs = 500,
): { calls: number; seconds: number; cpuSeconds: number } {
  let k = 0;
  const warmEnd = nowMs() + warmupMs;
  while (nowMs() < warmEnd) fn(k++);
  let calls = 0;
  const cpu0 = process.cpuUsage();
  const start = nowMs();
  const end = start + durationMs;
  let t = start;
  while (t < end) {
    // Check the clock every 4 calls: a call is ~1 ms here, so this overshoots by a few ms at most.
    for (let j = 0; j < 4; j++) fn(k++);
    calls += 4;
    t = nowMs();
  }
  const cpu = process.cpuUsage(cpu0);
  return { calls, seconds: (t - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Prints a benchmark's figures as one JSON line and keeps them in .bench-out/<file> (pretty). */
export function writeBenchResult(root: string, file: string, result: object): void {
  mkdirSync(path.join(root, '.bench-out'), { recursive: true });
  writeFileSync(path.join(root, '.bench-out', file), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
