/**
 * The telemetry variables setup writes into a settings file's `env` block, and which of them Claude
 * Code honours where. Claude Code 2.1.328 ignores the telemetry switch, exporters, OTLP endpoint,
 * protocol, headers and the content opt-ins in project settings (`.claude/settings.json`,
 * `.claude/settings.local.json`): a project may only turn an exporter off (`none`). Observed with the
 * real CLI: those keys in project settings export nothing; OTEL_METRICS_INCLUDE_REPOSITORY, the export
 * intervals and OTEL_RESOURCE_ATTRIBUTES there do apply.
 */
export const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof PROTOCOLS)[number];

export class SetupError extends Error {
  override readonly name = 'SetupError';
}

export interface TelemetryOptions {
  /** The collector's HTTP URL (its API and OTLP/HTTP), e.g. http://collector:4318. */
  server: string;
  token: string;
  protocol: OtlpProtocol;
  /** OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  logPrompts: boolean;
  logToolDetails: boolean;
  traces: boolean;
  /** Adds the console exporter next to OTLP. */
  debug: boolean;
  /** Absolute path of a PEM CA certificate to trust for the collector (self-signed or private CA). */
  caCert?: string;
}

/** Every key setup manages: written when wanted, removed when not (so opting out again works). */
export const MANAGED_KEYS = [
  'CLAUDE_CODE_ENABLE_TELEMETRY',
  'OTEL_LOGS_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_LOGS_EXPORT_INTERVAL',
  'OTEL_METRIC_EXPORT_INTERVAL',
  'OTEL_METRICS_INCLUDE_REPOSITORY',
  'CLAUDE_CODE_ENHANCED_TELEMETRY_BETA',
  'OTEL_TRACES_EXPORTER',
  'OTEL_TRACES_EXPORT_INTERVAL',
  'OTEL_LOG_USER_PROMPTS',
  'OTEL_LOG_TOOL_DETAILS',
  'OTEL_EXPORTER_OTLP_CERTIFICATE',
  'NODE_EXTRA_CA_CERTS',
] as const;
export type ManagedKey = (typeof MANAGED_KEYS)[number];

/** Keys Claude Code 2.1.328 ignores in project settings (its own list), unless they turn something off. */
const SIGNAL_KEYS = ['', 'TRACES_', 'METRICS_', 'LOGS_', 'PROFILES_'].flatMap((s) =>
  ['ENDPOINT', 'HEADERS', 'PROTOCOL', 'CERTIFICATE', 'CLIENT_CERTIFICATE', 'CLIENT_KEY', 'INSECURE'].map(
    (k) => `OTEL_EXPORTER_OTLP_${s}${k}`,
  ),
);
export const PROJECT_IGNORED: ReadonlySet<string> = new Set([
  ...SIGNAL_KEYS,
  'OTEL_EXPORTER_PROMETHEUS_HOST',
  'OTEL_EXPORTER_PROMETHEUS_PORT',
  'CLAUDE_CODE_ENABLE_TELEMETRY',
  'OTEL_LOGS_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_TRACES_EXPORTER',
  'CLAUDE_CODE_ENHANCED_TELEMETRY_BETA',
  'ENABLE_ENHANCED_TELEMETRY_BETA',
  'OTEL_LOG_USER_PROMPTS',
  'OTEL_LOG_ASSISTANT_RESPONSES',
  'OTEL_LOG_TOOL_CONTENT',
  'OTEL_LOG_TOOL_DETAILS',
  'OTEL_LOG_MANAGED_SETTINGS',
  'OTEL_RESOURCE_INCLUDE_HOST',
]);

/** Whether Claude Code applies `key=value` from project settings. */
export const honouredInProject = (key: string, value: string): boolean =>
  !PROJECT_IGNORED.has(key) || (/^OTEL_(LOGS|METRICS|TRACES)_EXPORTER$/.test(key) && value === 'none');

/** The variables for these options, in the order they are written. */
export function telemetryVars(o: TelemetryOptions): Partial<Record<ManagedKey, string>> {
  const exporter = o.debug ? 'otlp,console' : 'otlp';
  return {
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
    OTEL_LOGS_EXPORTER: exporter,
    OTEL_METRICS_EXPORTER: exporter,
    OTEL_EXPORTER_OTLP_PROTOCOL: o.protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: o.endpoint,
    // Claude Code's exporter takes the literal space; the collector reads "Bearer <token>".
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${o.token}`,
    OTEL_LOGS_EXPORT_INTERVAL: '5000',
    OTEL_METRIC_EXPORT_INTERVAL: '60000',
    OTEL_METRICS_INCLUDE_REPOSITORY: 'true',
    ...(o.traces
      ? {
          CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
          OTEL_TRACES_EXPORTER: exporter,
          OTEL_TRACES_EXPORT_INTERVAL: '5000',
        }
      : {}),
    ...(o.logPrompts ? { OTEL_LOG_USER_PROMPTS: '1' } : {}),
    ...(o.logToolDetails ? { OTEL_LOG_TOOL_DETAILS: '1' } : {}),
    // The exporter trusts OTEL_EXPORTER_OTLP_CERTIFICATE; the hooks (node) trust NODE_EXTRA_CA_CERTS.
    ...(o.caCert ? { OTEL_EXPORTER_OTLP_CERTIFICATE: o.caCert, NODE_EXTRA_CA_CERTS: o.caCert } : {}),
  };
}

/** The --ca-cert file as an absolute path, checked to hold a PEM certificate. */
export function checkCaCert(file: string, read: (f: string) => string): string {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    throw new SetupError(`--ca-cert: cannot read ${file} (${(err as Error).message})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SetupError(
      `--ca-cert: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); ask your coordinator for the CA file`,
    );
  }
  return file;
}

/** The collector's base URL, checked: http(s), no OTLP path. */
export function serverUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SetupError(
      `--server must be the collector's URL, e.g. http://collector.example:4318 (got "${raw}")`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SetupError(`--server must start with http:// or https:// (got "${raw}")`);
  }
  if (/\/v1\/(logs|metrics|traces)\/?$/.test(url.pathname)) {
    throw new SetupError(`--server is the collector's base URL, without ${url.pathname}: e.g. ${url.origin}`);
  }
  return url;
}

export const base = (url: URL): string => `${url.origin}${url.pathname.replace(/\/+$/, '')}`;

/** OTEL_EXPORTER_OTLP_ENDPOINT for a protocol: the server itself for HTTP, its gRPC port for gRPC. */
export function endpointFor(server: URL, protocol: OtlpProtocol, grpcPort: number): string {
  return protocol === 'grpc' ? `${server.protocol}//${server.hostname}:${grpcPort}` : base(server);
}

export function checkToken(token: string): string {
  if (!/^uns_[A-Za-z0-9_-]+$/.test(token)) {
    throw new SetupError(
      'the token should look like uns_… (exactly as `unsilo members add <name>` printed it); ' +
        'ask your coordinator for it',
    );
  }
  return token;
}
