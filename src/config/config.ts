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
import { RetentionConfig } from '../retention/retention-config.js';
import { DEFAULT_INPUT_LIMITS } from '../pipeline/sanitize/input-limits.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Pipeline worker threads by default: one core is left to the main thread (HTTP, the write-ahead log,
 * the store's appender); past two workers the main thread is the limit, so more rarely pay.
 */
export const defaultPipelineWorkers = (cores = os.availableParallelism()): number =>
  Math.min(2, Math.max(0, cores - 1));

export const port = z.number().int().min(0).max(65535);
export const bytes = z.number().int().positive();
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

/** Request size limits of the OTLP receivers (the collector's and the relay's). */
export const LimitsConfig = z
  .object({
    /** Largest request body on the wire. */
    maxBodyBytes: bytes.default(8 * MiB),
    /** Largest request body after decompression (gzip bombs stop here). */
    maxDecompressedBytes: bytes.default(32 * MiB),
    /** Most records (log records, spans, metric data points) in one request; more: 413, nothing stored. */
    maxRecordsPerRequest: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxRecordsPerRequest),
    /** Most entries in one attribute map or array (and events or links per span); the rest are dropped, counted. */
    maxAttributesPerRecord: z.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxAttributesPerRecord),
    /** Longest string value in UTF-8 bytes; longer ones are cut after redaction, counted. */
    maxAttributeValueBytes: z.number().int().min(64).default(DEFAULT_INPUT_LIMITS.maxAttributeValueBytes),
    /** Deepest nesting of arrays and maps in a value; deeper parts become null, counted. */
    maxValueDepth: z.number().int().min(1).max(64).default(DEFAULT_INPUT_LIMITS.maxValueDepth),
    /** Largest HTTP request header block (Node's maxHeaderSize); larger: 431. */
    maxHeaderBytes: bytes.default(16 * KiB),
    /** A connection idle this long is closed: HTTP keep-alive and socket inactivity, gRPC max connection idle. */
    idleTimeoutMs: z.number().int().positive().default(60_000),
    /** A whole HTTP request (headers and body) must arrive within this (408 after); also gRPC's grace after max age. */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** A gRPC connection is asked to reconnect (GOAWAY) after this long; calls in flight get requestTimeoutMs more. */
    grpcMaxConnectionAgeMs: z
      .number()
      .int()
      .positive()
      .default(30 * 60_000),
    /** Times later than the receive time plus this are clamped to the receive time (or the observed time). */
    maxFutureSkewMs: z.number().int().min(0).default(DEFAULT_INPUT_LIMITS.maxFutureSkewMs),
    /** Times before this (ISO 8601), 0 and unset included, are clamped to the receive time (or the observed time). */
    minTimestamp: z.iso.datetime({ offset: true }).default(DEFAULT_INPUT_LIMITS.minTimestamp),
  })
  .prefault({});

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

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
  logLevel: LogLevel.default('info'),
  /** Seconds a client is told to wait (Retry-After, gRPC RetryInfo) under backpressure. */
  retryAfterSeconds: z.number().int().min(1).max(300).default(2),
  limits: LimitsConfig,
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
  /** HTTPS and gRPC over TLS, when both files are given (PEM); plain HTTP and h2c otherwise. */
  tls: z
    .object({
      /** PEM certificate chain served on both ports (leaf first). */
      certFile: z.string().min(1).optional(),
      /** PEM private key of that certificate. */
      keyFile: z.string().min(1).optional(),
    })
    .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
      message: 'give both tls.certFile and tls.keyFile (--tls-cert and --tls-key), or neither',
    })
    .prefault({}),
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
  /** Age and size limits, content retention and the Parquet archive. */
  retention: RetentionConfig.prefault({}),
});

export type ServeConfig = z.infer<typeof ServeConfig>;
export type ServeConfigInput = z.input<typeof ServeConfig>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const ENV: EnvMap = {
  UNSILO_HOST: (v) => ({ host: v }),
  UNSILO_PORT: (v) => ({ port: Number(v) }),
  UNSILO_GRPC_PORT: (v) => ({ grpcPort: Number(v) }),
  UNSILO_DATA_DIR: (v) => ({ dataDir: v }),
  UNSILO_LOG_LEVEL: (v) => ({ logLevel: v }),
  UNSILO_TLS_CERT: (v) => ({ tls: { certFile: v } }),
  UNSILO_TLS_KEY: (v) => ({ tls: { keyFile: v } }),
  UNSILO_STORE: (v) => ({ store: { kind: v } }),
  UNSILO_CLICKHOUSE_URL: (v) => ({ store: { clickhouse: { url: v } } }),
  UNSILO_CLICKHOUSE_DATABASE: (v) => ({ store: { clickhouse: { database: v } } }),
  UNSILO_CLICKHOUSE_USER: (v) => ({ store: { clickhouse: { user: v } } }),
  UNSILO_CLICKHOUSE_PASSWORD: (v) => ({ store: { clickhouse: { password: v } } }),
  UNSILO_CLICKHOUSE_CLUSTER: (v) => ({ store: { clickhouse: { cluster: v } } }),
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `b` over `a`, section by section: a flag for one key of a section keeps the file's other keys. */
function mergeSources(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? mergeSources(prev, v) : v;
  }
  return out;
}

/** Environment variable → the config keys it sets. */
export type EnvMap = Record<string, (v: string) => Record<string, unknown>>;

function readFileConfig(file: string | undefined, required: boolean): Record<string, unknown> {
  if (!file || (!required && !existsSync(file))) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
}

/**
 * Loads a config with `schema`: flags > env > file > defaults. The file is `--config`, else the
 * `configEnv` variable, else `defaultFile` when present.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  envMap: EnvMap,
  flags: Record<string, unknown> & { config?: string },
  env: NodeJS.ProcessEnv,
  defaultFile = 'unsilo.config.json',
  configEnv = 'UNSILO_CONFIG',
): z.infer<S> {
  const { config: configFlag, ...flagValues } = flags;
  const file = configFlag ?? env[configEnv];
  const fromFile = readFileConfig(file ?? defaultFile, file !== undefined);
  const fromEnv = Object.entries(envMap).reduce<Record<string, unknown>>(
    (acc, [name, map]) =>
      env[name] !== undefined && env[name] !== '' ? mergeSources(acc, map(env[name])) : acc,
    {},
  );
  const parsed = schema.safeParse(mergeSources(mergeSources(fromFile, fromEnv), flagValues));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new ConfigError(
      `invalid configuration:\n${problems}\nFix the flag, UNSILO_* variable or config file key named above.`,
    );
  }
  return parsed.data;
}

/** Loads the collector config: flags > env > file > defaults. */
export function loadServeConfig(
  flags: Omit<Partial<ServeConfigInput>, 'store'> & { config?: string; store?: Record<string, unknown> },
  env: NodeJS.ProcessEnv = process.env,
): ServeConfig {
  const cfg = loadConfig(ServeConfig, ENV, flags, env);
  if (cfg.store.kind === 'clickhouse' && !cfg.store.clickhouse.url) {
    throw new ConfigError(
      'store.clickhouse.url is needed with the clickhouse store: pass --clickhouse-url http://HOST:8123 ' +
        '(env UNSILO_CLICKHOUSE_URL, or store.clickhouse.url in the config file)',
    );
  }
  return cfg;
}
