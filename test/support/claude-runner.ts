/**
 * Runs the real Claude Code CLI once: `claude -p <prompt> --allowedTools Bash` in a fresh temporary
 * HOME and a fresh temporary git repository (one commit), against a mock Messages API, exporting all
 * three OTLP signals with short intervals to the given endpoint. The environment is built from scratch
 * (PATH plus the variables below), so none of the parent's OTEL_* / ANTHROPIC_* / CLAUDE_* leak in.
 * Both temporary directories are removed afterwards. Resolves with the exit code (null when the run was
 * killed on timeout), stdout, stderr and the wall-clock duration.
 * With `telemetry: 'settings'` the run uses the given HOME and working directory (kept afterwards) and
 * puts no telemetry variable at all in the environment: Claude Code sees only what HOME's settings hold
 * (as written by `unsilo setup`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './collector-fixture.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

interface BaseRunOptions {
  prompt: string;
  /** ANTHROPIC_BASE_URL: the mock Messages API. */
  anthropicUrl: string;
  /** Killed (SIGKILL) after this long. */
  timeoutMs?: number;
  /** Added last; for experiments, not for overriding the isolation. */
  extraEnv?: Record<string, string>;
}

/** Telemetry from environment variables, in a fresh HOME and git repository (the default). */
export interface EnvTelemetry {
  protocol: OtlpProtocol;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's HTTP URL, or http://127.0.0.1:<grpcPort> for gRPC. */
  otlpEndpoint: string;
}

/** Telemetry only from the settings in `home` (no telemetry variable in the environment). */
export interface SettingsTelemetry {
  telemetry: 'settings';
  home: string;
  cwd: string;
}

export type ClaudeRunOptions = BaseRunOptions & (EnvTelemetry | SettingsTelemetry);

export interface ClaudeRunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** The native binary of the pinned package, else the npm launcher. */
export function claudeBinary(): string {
  const native = path.join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');
  return existsSync(native) ? native : path.join(ROOT, 'node_modules', '.bin', 'claude');
}

export function claudeEnv(opts: ClaudeRunOptions, home: string): Record<string, string> {
  const base = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    ANTHROPIC_BASE_URL: opts.anthropicUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    CLAUDE_CODE_MAX_RETRIES: '2',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  if ('telemetry' in opts) return { ...base, ...opts.extraEnv };
  return {
    ...base,
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: opts.protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: opts.otlpEndpoint,
    OTEL_LOGS_EXPORT_INTERVAL: '500',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_TRACES_EXPORT_INTERVAL: '500',
    OTEL_LOG_TOOL_DETAILS: '1',
    ...opts.extraEnv,
  };
}

function makeGitRepo(dir: string): void {
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=E2E Test', '-c', 'user.email=e2e@example.com', ...args], {
      cwd: dir,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
    });
  };
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'initial commit');
}

export async function runClaude(opts: ClaudeRunOptions): Promise<ClaudeRunResult> {
  if ('telemetry' in opts) return spawnClaude(opts, opts.home, opts.cwd);
  const home = mkdtempSync(path.join(tmpdir(), 'unsilo-e2e-home-'));
  const repo = mkdtempSync(path.join(tmpdir(), 'unsilo-e2e-repo-'));
  try {
    makeGitRepo(repo);
    return await spawnClaude(opts, home, repo);
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(repo, { recursive: true, force: true });
  }
}

function spawnClaude(opts: ClaudeRunOptions, home: string, cwd: string): Promise<ClaudeRunResult> {
  const started = Date.now();
  const child = spawn(claudeBinary(), ['-p', opts.prompt, '--allowedTools', 'Bash'], {
    cwd,
    env: claudeEnv(opts, home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr, durationMs: Date.now() - started });
    });
  });
}
