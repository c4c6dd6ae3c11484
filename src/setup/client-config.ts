/**
 * unsilo's per-user files, readable only by their owner (0600 in a 0700 folder): client.json holds
 * the collector URL and the member's token (the hooks see no OTEL_* variables, so they read them
 * here) and what setup configured; hook-state.json records the hooks' runs for `unsilo doctor`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from './settings-file.js';
import type { SetupPaths } from './setup-paths.js';
import type { OtlpProtocol } from './telemetry-vars.js';

export interface ClientConfig {
  /** The collector's HTTP URL: its API and /v1/context. */
  server: string;
  token: string;
  /** What setup wrote, so doctor can tell when something overrides it. */
  protocol: OtlpProtocol;
  endpoint: string;
  /** `claude --version` when setup ran, if Claude Code was found. */
  claudeVersion: string | null;
  /** The privacy switches setup was given; `unsilo import transcripts` honours them too. */
  logPrompts: boolean;
  logToolDetails: boolean;
  /** Relay mode (`setup --relay`): Claude Code sends to this machine's relay, which the SessionStart hook starts. */
  relay: RelayClientConfig | null;
}

export interface RelayClientConfig {
  port: number;
  grpcPort: number;
  dataDir: string;
  /** The relay also gap-fills from the transcripts (`unsilo relay --watch`). */
  watch?: boolean;
}

export const clientConfigText = (c: ClientConfig): string => `${JSON.stringify(c, null, 2)}\n`;

export function readClientConfig(paths: SetupPaths): ClientConfig | null {
  if (!existsSync(paths.clientConfig)) return null;
  try {
    const c = JSON.parse(readFileSync(paths.clientConfig, 'utf8')) as Partial<ClientConfig>;
    if (typeof c.server !== 'string' || typeof c.token !== 'string') return null;
    return {
      server: c.server,
      token: c.token,
      protocol: c.protocol ?? 'http/protobuf',
      endpoint: c.endpoint ?? c.server,
      claudeVersion: c.claudeVersion ?? null,
      logPrompts: c.logPrompts === true,
      logToolDetails: c.logToolDetails === true,
      relay: c.relay ?? null,
    };
  } catch {
    return null;
  }
}

/** The permission bits of a file, or null when it does not exist. */
export const modeOf = (file: string): number | null =>
  existsSync(file) ? statSync(file).mode & 0o777 : null;

export interface HookRun {
  event: string;
  ts: string;
  ok: boolean;
  error: string | null;
  session: string | null;
}

export interface HookState {
  last: HookRun | null;
  lastSuccess: string | null;
  runs: number;
  failures: number;
  /** Session ids the hooks ran for, newest last (at most 50). */
  sessions: string[];
}

const EMPTY: HookState = { last: null, lastSuccess: null, runs: 0, failures: 0, sessions: [] };

export function readHookState(paths: SetupPaths): HookState {
  try {
    return { ...EMPTY, ...(JSON.parse(readFileSync(paths.hookState, 'utf8')) as Partial<HookState>) };
  } catch {
    return { ...EMPTY };
  }
}

export function recordHookRun(paths: SetupPaths, run: HookRun): void {
  const s = readHookState(paths);
  const sessions = run.session ? [...s.sessions.filter((x) => x !== run.session), run.session] : s.sessions;
  const next: HookState = {
    last: run,
    lastSuccess: run.ok ? run.ts : s.lastSuccess,
    runs: s.runs + 1,
    failures: s.failures + (run.ok ? 0 : 1),
    sessions: sessions.slice(-50),
  };
  writeFileAtomic(paths.hookState, `${JSON.stringify(next, null, 2)}\n`, 0o600);
}
