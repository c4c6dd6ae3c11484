/**
 * The checks that need no network: Claude Code installed (and not upgraded since setup), settings
 * present, and the variables Claude Code will see, with the source of each.
 */
import { claudeVersion, findClaude } from '../setup/claude-binary.js';
import { modeOf } from '../setup/client-config.js';
import { tilde } from '../setup/setup-paths.js';
import { whereOf, type Resolved } from './effective-env.js';
import { fail, pass, type CheckResult, type DoctorOptions, type DoctorState } from './doctor-result.js';

export async function claudeCheck(o: DoctorOptions, s: DoctorState): Promise<CheckResult> {
  const bin = o.claude ?? findClaude(o.env);
  if (!bin) return fail('claude', 'claude-missing', '`claude` is not on PATH');
  const v = await claudeVersion(bin, o.env);
  if (!v) return fail('claude', 'claude-broken', `\`${bin} --version\` failed`);
  const atSetup = s.client?.claudeVersion;
  if (atSetup && atSetup !== v) {
    return fail('claude', 'claude-upgraded', `Claude Code ${v} at ${bin}; setup checked ${atSetup}`);
  }
  return pass('claude', `Claude Code ${v} at ${bin}`);
}

export function settingsCheck(o: DoctorOptions, s: DoctorState): CheckResult {
  const { home } = o.paths;
  const bad = s.effective.invalid[0];
  if (bad)
    return fail(
      'settings',
      'settings-invalid',
      `${tilde(bad.file, home)}: line ${bad.line}, column ${bad.column}`,
    );
  const enable = s.effective.vars.CLAUDE_CODE_ENABLE_TELEMETRY;
  const user = s.effective.layers.find((l) => l.source === 'user settings');
  const configured =
    user?.env.CLAUDE_CODE_ENABLE_TELEMETRY !== undefined || (enable && enable.source !== 'user settings');
  if (!configured) {
    return fail(
      'settings',
      'settings-missing',
      `${tilde(o.paths.userSettings, home)} has no CLAUDE_CODE_ENABLE_TELEMETRY`,
    );
  }
  if (!s.client)
    return fail('settings', 'client-config-missing', `${tilde(o.paths.clientConfig, home)} is missing`);
  const mode = modeOf(o.paths.clientConfig);
  if (mode !== null && (mode & 0o077) !== 0) {
    return fail(
      'settings',
      'client-config-open',
      `${tilde(o.paths.clientConfig, home)} has mode ${mode.toString(8)}`,
    );
  }
  return pass(
    'settings',
    `${tilde(o.paths.userSettings, home)}; ${tilde(o.paths.clientConfig, home)} (0600)`,
  );
}

const PER_SIGNAL = /^OTEL_EXPORTER_OTLP_(LOGS|METRICS)_(ENDPOINT|PROTOCOL|HEADERS)$/;

export function variablesCheck(o: DoctorOptions, s: DoctorState): CheckResult {
  const { vars, ignored } = s.effective;
  const at = (r: Resolved): string => whereOf(r, o.paths.home);
  const onlyInProject = (key: string): Resolved | undefined => ignored.find((i) => i.key === key);
  const missing = (key: string, what: string): CheckResult => {
    const p = onlyInProject(key);
    return p
      ? fail('variables', 'project-only', `${key} is set only in ${at(p)}, where Claude Code ignores it`)
      : fail(
          'variables',
          key === 'CLAUDE_CODE_ENABLE_TELEMETRY' ? 'telemetry-off' : 'variable-missing',
          `${key} is not set: ${what}`,
        );
  };
  const enable = vars.CLAUDE_CODE_ENABLE_TELEMETRY;
  if (!enable) return missing('CLAUDE_CODE_ENABLE_TELEMETRY', 'Claude Code sends nothing');
  if (!['1', 'true'].includes(enable.value.toLowerCase())) {
    return fail(
      'variables',
      'telemetry-off',
      `CLAUDE_CODE_ENABLE_TELEMETRY=${enable.value} in ${at(enable)}`,
    );
  }
  for (const [key, what] of [
    ['OTEL_LOGS_EXPORTER', 'no events are exported'],
    ['OTEL_METRICS_EXPORTER', 'no metrics are exported'],
  ] as const) {
    const r = vars[key];
    if (!r) return missing(key, what);
    if (
      !r.value
        .split(',')
        .map((x) => x.trim())
        .includes('otlp')
    ) {
      const id = r.source === 'user settings' ? 'variable-missing' : 'overridden';
      return fail('variables', id, `${key}=${r.value} in ${at(r)}: ${what} over OTLP`);
    }
  }
  const perSignal = Object.entries(vars).find(([k]) => PER_SIGNAL.test(k));
  if (perSignal) {
    return fail(
      'variables',
      'overridden',
      `${perSignal[0]}=${perSignal[1].value} in ${at(perSignal[1])} wins over the general setting`,
    );
  }
  if (s.target === null) {
    const protocol = vars.OTEL_EXPORTER_OTLP_PROTOCOL;
    if (protocol)
      return fail(
        'variables',
        'protocol-invalid',
        `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol.value} in ${at(protocol)}`,
      );
    return missing(
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'neither an endpoint nor a protocol: telemetry does not start',
    );
  }
  const endpoint = vars.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint && /\/v1\/(logs|metrics|traces)\/?$/.test(endpoint.value)) {
    return fail(
      'variables',
      'endpoint-path',
      `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint.value} in ${at(endpoint)}`,
    );
  }
  const { protocol, url } = s.target;
  const port = new URL(url).port;
  if ((protocol === 'grpc' && port === '4318') || (protocol !== 'grpc' && port === '4317')) {
    return fail('variables', 'wrong-protocol', `${protocol} to port ${port} (${url})`);
  }
  for (const [key, wanted] of [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', s.client?.endpoint],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', s.client?.protocol],
  ] as const) {
    const r = vars[key];
    if (wanted && r && r.value !== wanted && r.source !== 'user settings') {
      return fail('variables', 'overridden', `${key}=${r.value} in ${at(r)}; setup wrote ${wanted}`);
    }
  }
  const note = ignored.length ? `; ignored in project settings: ${ignored.map((i) => i.key).join(', ')}` : '';
  return pass(
    'variables',
    `telemetry on; logs and metrics over ${protocol} to ${url}, set in ${at(enable)}${note}`,
  );
}
