/**
 * The relay's config (`unsilo relay`): where it listens on the member's machine, the collector it
 * forwards to, and the bounds of its disk buffer. Same sources and precedence as the collector's:
 * flags > UNSILO_RELAY_* environment > JSON file (--config, UNSILO_RELAY_CONFIG, ./unsilo.relay.json) >
 * defaults.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { RedactionConfig } from '../pipeline/redact/redaction-config.js';
import { bytes, LimitsConfig, loadConfig, LogLevel, port, type EnvMap } from './config.js';

const MiB = 1024 * 1024;

/** The relay's data directory by default: `$XDG_DATA_HOME/unsilo/relay` (`~/.local/share/unsilo/relay`). */
export function defaultRelayDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
  const data =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(home, '.local', 'share');
  return path.join(data, 'unsilo', 'relay');
}

const upstreamUrl = z
  .string({ error: 'required: the collector to forward to, --upstream https://collector.example:4318' })
  .refine(
    (u) => {
      try {
        return ['http:', 'https:'].includes(new URL(u).protocol);
      } catch {
        return false;
      }
    },
    { message: "must be the collector's http(s) URL, e.g. https://collector.example:4318" },
  );

export const RelayConfig = z.object({
  /** The collector's OTLP/HTTP base URL; batches go to `<upstream>/v1/{logs,metrics,traces}`. */
  upstream: upstreamUrl,
  /** The member's ingest token, sent upstream as `Authorization: Bearer <token>`. */
  token: z.string().min(1).optional(),
  /** Interface the relay listens on; loopback, since only this machine's Claude Code sends to it. */
  host: z.string().min(1).default('127.0.0.1'),
  /** OTLP/HTTP port (also /healthz and /relay/status). 0 picks a free port. */
  port: port.default(4318),
  /** OTLP/gRPC port. 0 picks a free port. */
  grpcPort: port.default(4317),
  /** The disk buffer, the lock and the relay's counters. */
  dataDir: z.string().min(1).default(defaultRelayDir()),
  logLevel: LogLevel.default('info'),
  /** Seconds Claude Code is told to wait (Retry-After) when the disk fails. */
  retryAfterSeconds: z.number().int().min(1).max(300).default(2),
  limits: LimitsConfig,
  buffer: z
    .object({
      /** Buffered bytes (all signals) past which the oldest batches are dropped to make room. */
      maxBytes: bytes.default(512 * MiB),
      /** Batches older than this many hours are dropped unsent (the collector would be long past them). */
      maxAgeHours: z.number().positive().default(168),
      /** Roll to a new buffer file past this size (sent files are deleted whole). */
      segmentBytes: bytes.default(8 * MiB),
      /** Free disk space below which the relay refuses batches (503, Claude Code retries). */
      minFreeBytes: bytes.default(64 * MiB),
    })
    .prefault({}),
  forward: z
    .object({
      /** First wait after a failed send; doubled per failure, with jitter. */
      minBackoffMs: z.number().int().positive().default(500),
      /** Longest wait between sends while the collector is unreachable. */
      maxBackoffMs: z.number().int().positive().default(30_000),
      /** A send that takes longer is abandoned and retried. */
      timeoutMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  watch: z
    .object({
      /** Gap-fill from Claude Code's transcripts continuously (`--watch`). */
      enabled: z.boolean().default(false),
      /** The transcripts folder; default `~/.claude/projects` (or `$CLAUDE_CONFIG_DIR/projects`). */
      path: z.string().min(1).optional(),
      /** How often the folder is scanned. */
      intervalMs: z.number().int().positive().default(300_000),
      /** A transcript is read once it has not changed for this long (its telemetry has long arrived). */
      quietMs: z.number().int().min(0).default(600_000),
    })
    .prefault({}),
  /** The same rules as the collector's (`redaction.*`): secrets never leave the machine. */
  redaction: RedactionConfig.prefault({}),
});

export type RelayConfig = z.infer<typeof RelayConfig>;
export type RelayConfigInput = z.input<typeof RelayConfig>;

const ENV: EnvMap = {
  UNSILO_RELAY_UPSTREAM: (v) => ({ upstream: v }),
  UNSILO_RELAY_TOKEN: (v) => ({ token: v }),
  UNSILO_RELAY_PORT: (v) => ({ port: Number(v) }),
  UNSILO_RELAY_GRPC_PORT: (v) => ({ grpcPort: Number(v) }),
  UNSILO_RELAY_DATA_DIR: (v) => ({ dataDir: v }),
  UNSILO_LOG_LEVEL: (v) => ({ logLevel: v }),
};

export function loadRelayConfig(
  flags: Partial<RelayConfigInput> & { config?: string },
  env: NodeJS.ProcessEnv = process.env,
): RelayConfig {
  return loadConfig(RelayConfig, ENV, flags, env, 'unsilo.relay.json', 'UNSILO_RELAY_CONFIG');
}
