/**
 * `unsilo doctor`: walks the chain from Claude Code to the collector, one check after another (a
 * check that needs an earlier one to pass is skipped, not guessed), and renders one line per check,
 * with the cause, the fix and the docs section for each failure. OK only when every check passes.
 */
import { readClientConfig } from '../setup/client-config.js';
import { base, serverUrl } from '../setup/telemetry-vars.js';
import { CHECKS, type CheckId } from './doctor-catalog.js';
import { skip, type CheckResult, type DoctorOptions, type DoctorState } from './doctor-result.js';
import { effectiveEnv } from './effective-env.js';
import { hooksCheck } from './hooks-check.js';
import { claudeCheck, settingsCheck, variablesCheck } from './local-checks.js';
import { logsTarget } from './logs-target.js';
import { redactionCheck } from './redaction-check.js';
import { trustCaFile } from './trust-ca.js';
import { relayCheck } from './relay-check.js';
import { collectorCheck, endpointCheck, roundTripCheck, tokenCheck } from './remote-checks.js';

export interface DoctorReport {
  ok: boolean;
  server: string | null;
  checks: CheckResult[];
}

const RUN: Record<CheckId, (o: DoctorOptions, s: DoctorState) => CheckResult | Promise<CheckResult>> = {
  claude: claudeCheck,
  settings: settingsCheck,
  variables: variablesCheck,
  relay: relayCheck,
  collector: (_o, s) => collectorCheck(s),
  token: (_o, s) => tokenCheck(s),
  endpoint: (_o, s) => endpointCheck(s),
  hooks: hooksCheck,
  'round-trip': roundTripCheck,
  redaction: (_o, s) => redactionCheck(s),
};

/** The collector's HTTP URL: client.json's, else the HTTP endpoint's base. */
function serverOf(s: Pick<DoctorState, 'client' | 'target'>): string | null {
  if (s.client) return s.client.server;
  if (!s.target || s.target.protocol === 'grpc') return null;
  try {
    return base(serverUrl(s.target.url.replace(/\/v1\/logs\/?$/, '')));
  } catch {
    return null;
  }
}

export async function runDoctor(o: DoctorOptions): Promise<DoctorReport> {
  const client = readClientConfig(o.paths);
  const effective = effectiveEnv({
    paths: o.paths,
    projectDir: o.projectDir,
    env: o.env,
    managedDir: o.managedDir,
  });
  const caFile =
    effective.vars.OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE?.value ??
    effective.vars.OTEL_EXPORTER_OTLP_CERTIFICATE?.value;
  if (caFile) trustCaFile(caFile);
  const t = logsTarget(effective.vars);
  const target = t.ok ? t.target : null;
  const state: DoctorState = {
    client,
    effective,
    target,
    server: serverOf({ client, target }),
    results: {},
  };
  for (const { id } of CHECKS) {
    let result: CheckResult;
    try {
      result = await RUN[id](o, state);
    } catch (err) {
      result = skip(id, `could not run: ${(err as Error).message}`);
    }
    state.results[id] = result;
  }
  const checks = CHECKS.map(({ id }) => state.results[id] as CheckResult);
  return { ok: checks.every((c) => c.status === 'pass'), server: state.server, checks };
}

/** One line per check; the cause, fix and docs section under each failure. */
export function renderDoctor(report: DoctorReport): string {
  const lines = [`unsilo doctor: Claude Code → ${report.server ?? '(no collector configured)'}`, ''];
  for (const c of report.checks) {
    const mark = c.status === 'pass' ? 'pass' : c.status === 'fail' ? 'FAIL' : 'skip';
    lines.push(`${mark}  ${c.title}: ${c.detail}`);
    if (c.failure) {
      lines.push(
        `      ${c.failure.id}: ${c.failure.symptom}`,
        `      cause: ${c.failure.cause}`,
        `      fix:   ${c.failure.fix}`,
        `      docs:  ${c.failure.docs}`,
      );
    }
  }
  const failed = report.checks.filter((c) => c.status !== 'pass').length;
  lines.push(
    '',
    report.ok ? 'All checks passed.' : `${failed} of ${report.checks.length} checks did not pass.`,
  );
  return lines.join('\n');
}
