/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, and self time
 * per area (the project's own code by file, each npm package, node internals, GC, idle).
 */
import { readFileSync } from 'node:fs';
import { ROOT } from './collector-process.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  fn: string;
  where: string;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Sampled time that was not idle. */
  busyMs: number;
  bySelf: HotSpot[];
  byTotal: HotSpot[];
  byArea: { area: string; selfMs: number; pctOfBusy: number }[];
}

const ROOT_URL = `file://${ROOT}`;

/** Where a frame lives, shortened: dist/wal/store-writer.js, undici, node:internal/…, (native). */
function whereOf(url: string): string {
  if (url === '') return '(native)';
  const rel = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url;
  const nm = rel.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = rel.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
    return `${pkg}/${rest.at(-1) ?? ''}`;
  }
  return rel;
}

function areaOf(url: string, fn: string): string {
  if (fn === '(idle)' || fn === '(program)' || fn === '(garbage collector)') return fn;
  if (url === '') return '(native / builtins)';
  const rel = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url;
  if (rel.startsWith('dist/')) return rel;
  const nm = rel.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = rel.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '');
  }
  if (rel.startsWith('node:')) return 'node internals';
  return rel;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) byId.set(n.id, n);
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anonymous)'}\t${whereOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const area = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  for (let k = 0; k < prof.samples.length; k++) {
    const dt = (prof.timeDeltas[k + 1] ?? prof.timeDeltas[k] ?? 0) / 1000; // ms; a sample's time is the gap to the next
    const node = byId.get(prof.samples[k] as number);
    if (!node) continue;
    sampled += dt;
    const fn = node.callFrame.functionName;
    if (fn === '(idle)') {
      idle += dt;
      continue;
    }
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    const a = areaOf(node.callFrame.url, fn);
    area.set(a, (area.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id) as ProfileNode;
      if (n.callFrame.functionName === '(root)') break;
      const kk = keyOf(n);
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  }
  const busy = sampled - idle;
  const pct = (x: number): number => Math.round((x / busy) * 1000) / 10;
  const spot = (key: string): HotSpot => {
    const [fn = '', where = ''] = key.split('\t');
    const s = self.get(key) ?? 0;
    const t = total.get(key) ?? 0;
    return { fn, where, selfMs: Math.round(s), selfPct: pct(s), totalMs: Math.round(t), totalPct: pct(t) };
  };
  const sortedKeys = (m: Map<string, number>): string[] =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  return {
    file,
    sampledMs: Math.round(sampled),
    busyMs: Math.round(busy),
    bySelf: sortedKeys(self).slice(0, top).map(spot),
    byTotal: sortedKeys(total)
      .filter((k) => k.includes('dist/'))
      .slice(0, top)
      .map(spot),
    byArea: sortedKeys(area)
      .slice(0, top)
      .map((k) => ({ area: k, selfMs: Math.round(area.get(k) ?? 0), pctOfBusy: pct(area.get(k) ?? 0) })),
  };
}

export function formatProfile(p: ProfileSummary, thread: 'main' | 'worker' = 'main'): string {
  const lines: string[] = [];
  lines.push(
    `profile ${p.file}: ${p.sampledMs} ms sampled, ${p.busyMs} ms busy (not idle) on the ${thread === 'main' ? 'main' : 'worker'} thread`,
  );
  lines.push('', 'self time by area (% of busy):');
  for (const a of p.byArea)
    lines.push(`  ${a.pctOfBusy.toFixed(1).padStart(5)}%  ${String(a.selfMs).padStart(7)} ms  ${a.area}`);
  lines.push('', 'top functions by self time:');
  for (const h of p.bySelf)
    lines.push(
      `  ${h.selfPct.toFixed(1).padStart(5)}%  ${String(h.selfMs).padStart(7)} ms  ${h.fn}  ${h.where}`,
    );
  lines.push('', "the collector's own functions (dist/) by inclusive time:");
  for (const h of p.byTotal)
    lines.push(
      `  ${h.totalPct.toFixed(1).padStart(5)}%  ${String(h.totalMs).padStart(7)} ms  ${h.fn}  ${h.where}`,
    );
  return lines.join('\n');
}
