/**
 * The real collector as a child process (`node bin/unsilo.js serve`, the built dist/), on ports the OS
 * picks and a fresh temp data directory, plus what the benchmarks read from it: /metrics counters and
 * the process's CPU time.
 *
 * (test/support/collector-fixture.ts's spawnCollector is not used: it points UNSILO_CONFIG at a file
 * that does not exist, which the config loader refuses; and the benchmark needs to pass node flags
 * such as --cpu-prof to the child.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISCOVERY_FILE } from '../src/config/data-dir.js';
import { sleep } from './stats.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'unsilo.js');
const CLK_TCK = 100;

export interface CollectorProcess {
  child: ChildProcess;
  pid: number;
  dataDir: string;
  httpUrl: string;
  output(): string;
  /** Counters from GET /metrics, by metric name with labels, e.g. `unsilo_records_stored_total{signal="logs"}`. */
  metrics(): Promise<Map<string, number>>;
  /** User + system CPU seconds the process has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  /** SIGTERM (the collector drains its log and exits), SIGKILL after `timeoutMs`; removes the data directory. */
  stop(timeoutMs?: number): Promise<number | string>;
}

export async function startCollectorProcess(
  opts: { nodeArgs?: string[]; label?: string } = {},
): Promise<CollectorProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `unsilo-bench-${opts.label ?? 'collector'}-`));
  const config = path.join(dataDir, 'bench-config.json');
  writeFileSync(config, JSON.stringify({ logLevel: 'warn' }));
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--grpc-port',
      '0',
      '--data-dir',
      dataDir,
      '--config',
      config,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dataDir },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );

  const discovery = path.join(dataDir, DISCOVERY_FILE);
  const deadline = Date.now() + 30_000;
  while (!existsSync(discovery)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`collector did not start:\n${out}`);
    }
    await sleep(25);
  }
  await sleep(20); // the file is written in one call; let it land
  const { httpUrl } = JSON.parse(readFileSync(discovery, 'utf8')) as { httpUrl: string };
  const pid = child.pid as number;

  let stopping: Promise<number | string> | null = null;
  return {
    child,
    pid,
    dataDir,
    httpUrl,
    output: () => out,
    metrics: async () => parseMetrics(await (await fetch(`${httpUrl}/metrics`)).text()),
    cpuSeconds: () => processCpuSeconds(pid),
    stop: (timeoutMs = 60_000) =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        const code = await exited;
        clearTimeout(timer);
        rmSync(dataDir, { recursive: true, force: true });
        return code;
      })()),
  };
}

/** Prometheus text → value by `name{labels}` (labels as printed), comments skipped. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** CPU seconds the whole machine has spent busy (all processes, all cores; Linux /proc/stat; NaN elsewhere). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait.
    const total = ticks.slice(0, 8).reduce((n, x) => n + x, 0);
    return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLK_TCK;
  } catch {
    return NaN;
  }
}

function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}
