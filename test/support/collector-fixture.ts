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
import { DISCOVERY_FILE } from '../../src/config/data-dir.js';
import { startCollector, type Collector, type CollectorDeps } from '../../src/collector.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'unsilo.js');

export const tempDir = (prefix = 'unsilo-test-'): string => mkdtempSync(path.join(tmpdir(), prefix));

/** An empty config file, so a developer's ./unsilo.config.json never leaks into a test. */
function emptyConfig(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'test-config.json');
  writeFileSync(file, '{}');
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

/** Runs `unsilo serve` as a child process and waits until it listens. */
export async function spawnCollector(dataDir: string, extraArgs: string[] = []): Promise<SpawnedCollector> {
  const discovery = path.join(dataDir, DISCOVERY_FILE);
  rmSync(discovery, { force: true });
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--grpc-port', '0', '--data-dir', dataDir, ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dataDir,
      env: { ...process.env, UNSILO_CONFIG: emptyConfig(dataDir) },
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const deadline = Date.now() + 20_000;
  while (!existsSync(discovery)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`collector did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const { httpUrl, grpcPort } = JSON.parse(readFileSync(discovery, 'utf8')) as {
    httpUrl: string;
    grpcPort: number;
  };
  return { child, dataDir, httpUrl, grpcPort, output: () => out, exited };
}
