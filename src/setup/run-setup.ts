/**
 * `unsilo setup`: plans every file first (so a settings file that is not valid JSON stops it before
 * anything is written), then writes client.json and the settings, recording backups for --undo.
 * Scope user: everything goes into the user's settings. Scope project: Claude Code ignores the
 * telemetry switch, exporters, endpoint and headers in project settings, so those, the token and the
 * hooks (absolute paths on this machine) still go into the user's file; the repository's
 * `.claude/settings.json` gets what a project may carry (repository attribute, export intervals).
 */
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { clientConfigText, modeOf, type RelayClientConfig } from './client-config.js';
import { parseSettings, serializeSettings, writeFileAtomic } from './settings-file.js';
import { mergeSettings, previousOf, type MergeSpec, type Previous } from './settings-merge.js';
import {
  HOOK_EVENTS,
  hookCommand,
  hookEventList,
  projectSettings,
  type HookEvent,
  type SetupPaths,
} from './setup-paths.js';
import { recordWrite, type FileRecord } from './setup-state.js';
import {
  MANAGED_KEYS,
  base,
  checkToken,
  endpointFor,
  honouredInProject,
  serverUrl,
  SetupError,
  telemetryVars,
  type OtlpProtocol,
} from './telemetry-vars.js';

export interface SetupOptions {
  server: string;
  token: string;
  protocol: OtlpProtocol;
  /** The collector's gRPC port, for --protocol grpc without --endpoint. */
  grpcPort: number;
  /** Overrides OTEL_EXPORTER_OTLP_ENDPOINT (a proxy, another port). */
  endpoint?: string;
  scope: 'user' | 'project';
  projectDir: string;
  logPrompts: boolean;
  logToolDetails: boolean;
  traces: boolean;
  debug: boolean;
  claudeVersion: string | null;
  /** A PEM CA certificate to trust for the collector (absolute path). */
  caCert?: string;
  /** Relay mode: Claude Code sends to the relay on 127.0.0.1 (these ports), which forwards to `server`. */
  relay?: RelayClientConfig | null;
}

export interface PlannedFile {
  file: string;
  kind: FileRecord['kind'];
  before: string | null;
  after: string;
  mode?: number;
  previous?: Previous;
  /** What it holds, for the summary. */
  holds: string;
}

export interface SetupPlan {
  server: string;
  protocol: OtlpProtocol;
  endpoint: string;
  /** Every variable, as shell exports would set them. */
  vars: Record<string, string>;
  files: PlannedFile[];
}

const read = (file: string): string | null => (existsSync(file) ? readFileSync(file, 'utf8') : null);

function planSettings(file: string, spec: MergeSpec, holds: string): PlannedFile {
  const before = read(file);
  const parsed = parseSettings(file, before);
  const after = serializeSettings(mergeSettings(parsed.data, spec, file), parsed);
  return { file, kind: 'settings', before, after, previous: previousOf(parsed.data, spec), holds };
}

export function planSetup(o: SetupOptions, paths: SetupPaths): SetupPlan {
  const url = serverUrl(o.server);
  const server = base(url);
  const token = checkToken(o.token);
  if (o.relay && o.endpoint)
    throw new SetupError('--relay and --endpoint both say where Claude Code sends: give one');
  const endpoint = o.relay
    ? `http://127.0.0.1:${o.protocol === 'grpc' ? o.relay.grpcPort : o.relay.port}`
    : o.endpoint
      ? base(serverUrl(o.endpoint))
      : endpointFor(url, o.protocol, o.grpcPort);
  const vars: Record<string, string> = { ...telemetryVars({ ...o, server, token, endpoint }) };
  const optedOut = MANAGED_KEYS.filter((k) => !(k in vars));
  const hooks = Object.fromEntries(HOOK_EVENTS.map((e) => [e, hookCommand(e)])) as Record<HookEvent, string>;
  const client: PlannedFile = {
    file: paths.clientConfig,
    kind: 'client',
    before: read(paths.clientConfig),
    after: clientConfigText({
      server,
      token,
      protocol: o.protocol,
      endpoint,
      claudeVersion: o.claudeVersion,
      logPrompts: o.logPrompts,
      logToolDetails: o.logToolDetails,
      relay: o.relay ?? null,
    }),
    mode: 0o600,
    holds: 'the server and token for the hooks (readable only by you)',
  };
  const hookList = `hooks ${hookEventList()}`;
  if (o.scope === 'user') {
    const user = planSettings(
      paths.userSettings,
      { set: vars, remove: optedOut, hooks },
      `${Object.keys(vars).length} telemetry variables, ${hookList}`,
    );
    return { server, protocol: o.protocol, endpoint, vars, files: [client, user] };
  }
  const inProject = Object.fromEntries(Object.entries(vars).filter(([k, v]) => honouredInProject(k, v)));
  const inUser = Object.fromEntries(Object.entries(vars).filter(([k]) => !(k in inProject)));
  const user = planSettings(
    paths.userSettings,
    { set: inUser, remove: optedOut, hooks },
    `${Object.keys(inUser).length} variables Claude Code reads only from user settings (switch, exporters, endpoint, token), ${hookList}`,
  );
  const project = planSettings(
    projectSettings(o.projectDir),
    { set: inProject, remove: optedOut.filter((k) => honouredInProject(k, '')), hooks: null },
    `${Object.keys(inProject).join(', ')} (no token)`,
  );
  return { server, protocol: o.protocol, endpoint, vars, files: [client, user, project] };
}

export interface AppliedFile {
  file: string;
  changed: boolean;
  /** The copy of the file before the first setup, when there was one. */
  backup: string | null;
  holds: string;
}

export function applySetup(plan: SetupPlan, paths: SetupPaths): AppliedFile[] {
  return plan.files.map((f) => {
    const changed = f.before !== f.after;
    if (changed) writeFileAtomic(f.file, f.after, f.mode);
    else if (f.mode !== undefined && modeOf(f.file) !== f.mode) chmodSync(f.file, f.mode);
    const record = recordWrite(paths, f.file, f.kind, f.before, f.after, f.previous);
    return { file: f.file, changed, backup: record.backup, holds: f.holds };
  });
}
