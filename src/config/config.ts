/**
 * One config schema for the collector. Sources, lowest to highest: defaults, a JSON file
 * (--config, UNSILO_CONFIG, or ./unsilo.config.json when present), UNSILO_* environment variables,
 * command-line flags. Invalid values stop start-up with a message naming the key and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_PATH_PATTERNS } from '../pipeline/enrich/derive-context.js';
import { DEFAULT_ATTRIBUTION_PATTERNS } from '../pipeline/enrich/enrich-attribution.js';
import { RedactionConfig } from '../pipeline/redact/redaction-config.js';
import { DEFAULT_VALIDATION_PATTERNS } from '../pipeline/enrich/validation-patterns.js';

const MiB = 1024 * 1024;

/**
 * Pipeline worker threads by default: one core is left to the main thread (HTTP, the write-ahead log,
 * the store's appender); past two workers the main thread is the limit, so more rarely pay.
 */
export const defaultPipelineWorkers = (cores = os.availableParallelism()): number =>
  Math.min(2, Math.max(0, cores - 1));

const port = z.number().int().min(0).max(65535);
const bytes = z.number().int().positive();
const regex = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

export const ServeConfig = z.object({
  /** Interface the HTTP and gRPC receivers listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** OTLP/HTTP port; also serves the API, /healthz, /readyz and /metrics. 0 picks a free port. */
  port: port.default(4318),
  /** OTLP/gRPC port. 0 picks a free port. */
  grpcPort: port.default(4317),
  /** Directory holding the DuckDB file and the write-ahead log. */
  dataDir: z.string().min(1).default('./data'),
  /** pino log level. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seconds a client is told to wait (Retry-After, gRPC RetryInfo) under backpressure. */
  retryAfterSeconds: z.number().int().min(1).max(300).default(2),
  limits: z
    .object({
      /** Largest request body on the wire. */
      maxBodyBytes: bytes.default(8 * MiB),
      /** Largest request body after decompression (gzip bombs stop here). */
      maxDecompressedBytes: bytes.default(32 * MiB),
    })
    .prefault({}),
  wal: z
    .object({
      /** Roll to a new log segment past this size. */
      segmentBytes: bytes.default(64 * MiB),
      /** Log bytes not yet in the store past which ingest answers 429. */
      maxPendingBytes: bytes.default(256 * MiB),
      /** Free disk space below which ingest answers 503. */
      minFreeBytes: bytes.default(64 * MiB),
    })
    .prefault({}),
  pipeline: z
    .object({
      /** Worker threads that decode and normalize requests; 0 runs the pipeline on the receiving thread. */
      workers: z.number().int().min(0).max(64).default(defaultPipelineWorkers()),
    })
    .prefault({}),
  writer: z
    .object({
      /** Log bytes read per store write. */
      batchBytes: bytes.default(8 * MiB),
      /** Wait after a failed store write before retrying. */
      retryMs: z.number().int().positive().default(1000),
    })
    .prefault({}),
  attribution: z
    .object({
      /** Regex on the branch name; capture group 1 is the feature (`017-usage-data` → `017`). */
      featurePattern: regex.default(DEFAULT_ATTRIBUTION_PATTERNS.featurePattern),
      /** Regex on the branch name; capture group 1 is the chapter (`ch07-intro` → `07`). */
      chapterPattern: regex.default(DEFAULT_ATTRIBUTION_PATTERNS.chapterPattern),
      /** Regex on the session's working directory (from the hooks); group 1 is the feature (`specs/017-x/` → `017`). */
      featurePathPattern: regex.default(DEFAULT_PATH_PATTERNS.featurePathPattern),
      /** Regex on the session's working directory; group 1 is the chapter (`chapters/03-intro` → `3`). */
      chapterPathPattern: regex.default(DEFAULT_PATH_PATTERNS.chapterPathPattern),
    })
    .prefault({}),
  auth: z
    .object({
      /** Whether ingest needs a member token: always, never, or auto (when listening beyond loopback). */
      requireToken: z.enum(['auto', 'always', 'never']).default('auto'),
    })
    .prefault({}),
  /** Which Bash commands are validations (regular expressions per kind), for the failure templates. */
  validation: z
    .object({
      test: regex.default(DEFAULT_VALIDATION_PATTERNS.test),
      lint: regex.default(DEFAULT_VALIDATION_PATTERNS.lint),
      typecheck: regex.default(DEFAULT_VALIDATION_PATTERNS.typecheck),
      build: regex.default(DEFAULT_VALIDATION_PATTERNS.build),
    })
    .prefault({}),
  /** Secrets redacted before the write-ahead log: extra patterns, per-field rules, allow-list mode. */
  redaction: RedactionConfig.prefault({}),
  store: z
    .object({
      /** Where rows are stored: duckdb (one file in dataDir) or clickhouse (a server or cluster). */
      kind: z.enum(['duckdb', 'clickhouse']).default('duckdb'),
      clickhouse: z
        .object({
          /** HTTP(S) URL of the ClickHouse server, e.g. http://host:8123; needed with kind clickhouse. */
          url: z.url({ protocol: /^https?$/ }).optional(),
          /** Database unsilo creates and migrates (several collectors may share it). */
          database: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and _ only')
            .default('unsilo'),
          /** ClickHouse user. */
          user: z.string().min(1).default('default'),
          /** ClickHouse password; prefer the environment (UNSILO_CLICKHOUSE_PASSWORD) to flags and files. */
          password: z.string().default(''),
          /** Cluster name: DDL ON CLUSTER, Replicated tables behind Distributed ones. */
          cluster: z.string().min(1).optional(),
          /** Let the server batch small inserts (async_insert, acknowledged only once flushed). */
          asyncInsert: z.boolean().default(false),
          /** Longest one request to ClickHouse may take, in ms. */
          requestTimeoutMs: z.number().int().positive().default(300_000),
        })
        .prefault({}),
    })
    .prefault({}),
  sql: z
    .object({
      /** Most rows POST /api/sql returns. */
      maxRows: z.number().int().positive().default(10_000),
      /** Longest a POST /api/sql query may run, in ms. */
      timeoutMs: z.number().int().positive().default(30_000),
    })
    .prefault({}),
});

export type ServeConfig = z.infer<typeof ServeConfig>;
export type ServeConfigInput = z.input<typeof ServeConfig>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const ENV: Record<string, (v: string) => Partial<Record<keyof ServeConfigInput, unknown>>> = {
  UNSILO_HOST: (v) => ({ host: v }),
  UNSILO_PORT: (v) => ({ port: Number(v) }),
  UNSILO_GRPC_PORT: (v) => ({ grpcPort: Number(v) }),
  UNSILO_DATA_DIR: (v) => ({ dataDir: v }),
  UNSILO_LOG_LEVEL: (v) => ({ logLevel: v }),
  UNSILO_STORE: (v) => ({ store: { kind: v } }),
  UNSILO_CLICKHOUSE_URL: (v) => ({ store: { clickhouse: { url: v } } }),
  UNSILO_CLICKHOUSE_DATABASE: (v) => ({ store: { clickhouse: { database: v } } }),
  UNSILO_CLICKHOUSE_USER: (v) => ({ store: { clickhouse: { user: v } } }),
  UNSILO_CLICKHOUSE_PASSWORD: (v) => ({ store: { clickhouse: { password: v } } }),
  UNSILO_CLICKHOUSE_CLUSTER: (v) => ({ store: { clickhouse: { cluster: v } } }),
};

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `b` over `a`, object by object; undefined in `b` leaves `a`'s value. */
function merge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    out[k] = isTree(v) && isTree(out[k]) ? merge(out[k], v) : v;
  }
  return out;
}

function readFileConfig(file: string | undefined, required: boolean): Record<string, unknown> {
  if (!file || (!required && !existsSync(file))) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
}

/** Loads the collector config: flags > env > file > defaults. */
export function loadServeConfig(
  flags: Omit<Partial<ServeConfigInput>, 'store'> & { config?: string; store?: Tree },
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const { config: configFlag, ...flagValues } = flags;
  const file = configFlag ?? env.UNSILO_CONFIG;
  const fromFile = readFileConfig(file ?? 'unsilo.config.json', file !== undefined);
  const fromEnv = Object.entries(ENV).reduce<Tree>(
    (acc, [name, map]) => (env[name] !== undefined && env[name] !== '' ? merge(acc, map(env[name])) : acc),
    {},
  );
  const parsed = ServeConfig.safeParse(merge(merge(fromFile, fromEnv), flagValues));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new ConfigError(
      `invalid configuration:\n${problems}\nFix the flag, UNSILO_* variable or config file key named above.`,
    );
  }
  if (parsed.data.store.kind === 'clickhouse' && !parsed.data.store.clickhouse.url) {
    throw new ConfigError(
      'store.clickhouse.url is needed with the clickhouse store: pass --clickhouse-url http://HOST:8123 ' +
        '(env UNSILO_CLICKHOUSE_URL, or store.clickhouse.url in the config file)',
    );
  }
  return parsed.data;
}
