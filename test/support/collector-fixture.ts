/**
 * Collectors for tests, on ports the OS picks and a fresh data directory: in-process
 * (`startTestCollector`) or as a real child process (`spawnCollector`, for kill -9 and CLI tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadServeConfig, type ServeConfigInput } from '../../src/config/config.js';
import { ADMIN_TOKEN_FILE, DISCOVERY_FILE } from '../../src/config/data-dir.js';
import { startCollector, type Collector, type CollectorDeps } from '../../src/collector.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'unsilo.js');

export const tempDir = (prefix = 'unsilo-test-'): string => mkdtempSync(path.join(tmpdir(), prefix));

/**
 * A config file of its own, so a developer's ./unsilo.config.json never leaks into a test; it turns
 * scheduled retention off, so no run 5 minutes in deletes fixture data that has grown old.
 */
function emptyConfig(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'test-config.json');
  writeFileSync(file, JSON.stringify({ retention: { enabled: false } }));
  return file;
}

export interface TestCollector extends Collector {
  dataDir: string;
  /** Stops the collector and removes its data directory. */
  dispose(): Promise<void>;
}

export async function startTestCollector(
  overrides: Partial<ServeConfigInput> = {},
  deps: CollectorDeps = {},
): Promise<TestCollector> {
  const dataDir = overrides.dataDir ?? tempDir();
  const cfg = loadServeConfig(
    { port: 0, grpcPort: 0, logLevel: 'silent', ...overrides, dataDir, config: emptyConfig(dataDir) },
    {},
  );
  const collector = await startCollector(cfg, deps);
  return Object.assign(collector, {
    dataDir,
    dispose: async () => {
      await collector.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/**
 * Whether the store writer took everything acknowledged within `ms`. It retries a failed batch
 * forever, so a row that cannot be stored never drains: the bound makes that a plain `false`.
 */
export async function drainedWithin(c: Collector, ms = 20_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([c.drained().then(() => true), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SpawnedCollector {
  child: ChildProcess;
  dataDir: string;
  httpUrl: string;
  grpcPort: number;
  /** Everything the process printed (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** A child `unsilo` process, once it has written its discovery file. */
export interface SpawnedUnsilo<D> {
  child: ChildProcess;
  discovered: D;
  /** Everything the process printed (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** Runs `unsilo <args>` and waits until `discovery` (written once it listens) appears. */
export async function spawnUnsilo<D>(
  args: string[],
  discovery: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SpawnedUnsilo<D>> {
  rmSync(discovery, { force: true });
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd, env });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const deadline = Date.now() + 20_000;
  while (!existsSync(discovery)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`unsilo ${args[0]} did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const discovered = JSON.parse(readFileSync(discovery, 'utf8')) as D;
  return { child, discovered, output: () => out, exited };
}

/** Runs `unsilo serve` as a child process and waits until it listens. */
export async function spawnCollector(dataDir: string, extraArgs: string[] = []): Promise<SpawnedCollector> {
  const s = await spawnUnsilo<{ httpUrl: string; grpcPort: number }>(
    ['serve', '--port', '0', '--grpc-port', '0', '--data-dir', dataDir, ...extraArgs],
    path.join(dataDir, DISCOVERY_FILE),
    dataDir,
    { ...process.env, UNSILO_CONFIG: emptyConfig(dataDir) },
  );
  return { child: s.child, dataDir, ...s.discovered, output: s.output, exited: s.exited };
}

/** Adds a member through the collector's API with its admin token; resolves with the member's token. */
export async function addMember(c: { dataDir: string; httpUrl: string }, name: string): Promise<string> {
  const admin = readFileSync(path.join(c.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  const res = await fetch(`${c.httpUrl}/api/members`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return String(((await res.json()) as { token: string }).token);
}

/** POSTs an OTLP/HTTP protobuf logs request; resolves with the status. */
export async function postLogs(url: string, body: Buffer): Promise<number> {
  const res = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** What a collector that requires tokens answers to a GET of each path without one (path → status). */
export async function statusesWithoutToken(paths: readonly string[]): Promise<Record<string, number>> {
  const c = await startTestCollector({ auth: { requireToken: 'always' } });
  try {
    const out: Record<string, number> = {};
    for (const p of paths) out[p] = (await fetch(`${c.httpUrl}${p}`)).status;
    return out;
  } finally {
    await c.dispose();
  }
}
