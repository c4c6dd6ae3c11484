/**
 * The local checks on crafted settings in a temporary HOME: each failure the variables, settings and
 * hooks checks can report is reached by the fault that causes it, and a setup-written HOME passes.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readClientConfig, recordHookRun } from '../setup/client-config.js';
import { applySetup, planSetup } from '../setup/run-setup.js';
import { readSettings } from '../setup/settings-file.js';
import { setupPaths, type SetupPaths } from '../setup/setup-paths.js';
import type { DoctorOptions, DoctorState } from './doctor-result.js';
import { effectiveEnv } from './effective-env.js';
import { hooksCheck } from './hooks-check.js';
import { settingsCheck, variablesCheck } from './local-checks.js';
import { logsTarget } from './logs-target.js';

let home: string;
let paths: SetupPaths;
let env: Record<string, string>;
const opts = (): DoctorOptions => ({
  paths,
  env,
  projectDir: path.join(home, 'repo'),
  managedDir: path.join(home, 'managed'),
});
function state(): DoctorState {
  const effective = effectiveEnv(opts());
  const t = logsTarget(effective.vars);
  return {
    client: readClientConfig(paths),
    effective,
    target: t.ok ? t.target : null,
    server: null,
    results: {},
  };
}
const write = (file: string, data: unknown): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data));
};
/** Edits the user settings' env (undefined removes a key). */
function editEnv(changes: Record<string, string | undefined>, file = paths.userSettings): void {
  const data = readSettings(file).data as { env?: Record<string, string> };
  const next = { ...data.env, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete next[k];
  write(file, { ...data, env: next });
}
/** Pretends setup first wrote the user settings at `when`. */
function setupTime(when: Date): void {
  const st = JSON.parse(readFileSync(paths.setupState, 'utf8')) as {
    files: Record<string, { since: string }>;
  };
  (st.files[paths.userSettings] as { since: string }).since = when.toISOString();
  writeFileSync(paths.setupState, JSON.stringify(st));
}
const failureOf = (r: { failure?: { id: string } }): string | undefined => r.failure?.id;

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'unsilo-doc-'));
  paths = setupPaths({ HOME: home });
  env = { HOME: home, PATH: '/usr/bin:/bin' };
  const plan = planSetup(
    {
      server: 'http://collector.example:4318',
      token: 'uns_member',
      protocol: 'http/protobuf',
      grpcPort: 4317,
      scope: 'user',
      projectDir: path.join(home, 'repo'),
      logPrompts: false,
      logToolDetails: false,
      traces: false,
      debug: false,
      claudeVersion: '2.1.328',
    },
    paths,
  );
  applySetup(plan, paths);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('after setup', () => {
  it('passes settings, variables and hooks', () => {
    expect(settingsCheck(opts(), state())).toMatchObject({ status: 'pass' });
    expect(variablesCheck(opts(), state())).toMatchObject({
      status: 'pass',
      detail:
        'telemetry on; logs and metrics over http/protobuf to http://collector.example:4318/v1/logs, set in user settings (~/.claude/settings.json)',
    });
    expect(hooksCheck(opts(), state())).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/not run yet/),
    });
  });
});

describe('settings check', () => {
  it.each([
    ['settings-missing', () => rmSync(paths.userSettings)],
    ['settings-invalid', () => writeFileSync(paths.userSettings, '{"env": {"A": 1,}}')],
    ['client-config-missing', () => rmSync(paths.clientConfig)],
    ['client-config-open', () => chmodSync(paths.clientConfig, 0o644)],
  ])('%s', (id, fault) => {
    fault();
    const r = settingsCheck(opts(), state());
    expect(r.status).toBe('fail');
    expect(failureOf(r)).toBe(id);
  });

  it('names the line and column of the syntax error', () => {
    writeFileSync(paths.userSettings, '{\n  "env": {"A": 1,}\n}');
    expect(settingsCheck(opts(), state()).detail).toBe('~/.claude/settings.json: line 2, column 18');
  });
});

describe('variables check', () => {
  const projectFile = (): string => path.join(home, 'repo', '.claude', 'settings.json');
  it.each<[string, () => void, RegExp]>([
    [
      'telemetry-off',
      () => editEnv({ CLAUDE_CODE_ENABLE_TELEMETRY: undefined }),
      /CLAUDE_CODE_ENABLE_TELEMETRY is not set/,
    ],
    ['telemetry-off', () => editEnv({ CLAUDE_CODE_ENABLE_TELEMETRY: '0' }), /=0 in user settings/],
    [
      'variable-missing',
      () => editEnv({ OTEL_LOGS_EXPORTER: undefined }),
      /OTEL_LOGS_EXPORTER is not set: no events/,
    ],
    [
      'variable-missing',
      () => editEnv({ OTEL_METRICS_EXPORTER: 'console' }),
      /OTEL_METRICS_EXPORTER=console/,
    ],
    [
      'variable-missing',
      () => editEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_PROTOCOL: undefined }),
      /telemetry does not start/,
    ],
    [
      'protocol-invalid',
      () => editEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' }),
      /OTEL_EXPORTER_OTLP_PROTOCOL=http in/,
    ],
    ['wrong-protocol', () => editEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), /grpc to port 4318/],
    [
      'wrong-protocol',
      () => editEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4317' }),
      /http\/protobuf to port 4317/,
    ],
    [
      'endpoint-path',
      () => editEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318/v1/logs' }),
      /\/v1\/logs in user/,
    ],
    [
      'overridden',
      () => (env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = 'http://elsewhere:4318/v1/logs'),
      /LOGS_ENDPOINT=.* in environment wins/,
    ],
    [
      'overridden',
      () => write(projectFile(), { env: { OTEL_LOGS_EXPORTER: 'none' } }),
      /OTEL_LOGS_EXPORTER=none in project settings/,
    ],
    [
      'overridden',
      () =>
        write(path.join(home, 'managed', 'managed-settings.json'), {
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://policy:4318' },
        }),
      /OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/policy:4318 in managed settings .*; setup wrote http:\/\/collector.example:4318/,
    ],
    [
      'project-only',
      () => {
        editEnv({ CLAUDE_CODE_ENABLE_TELEMETRY: undefined });
        write(projectFile(), { env: { CLAUDE_CODE_ENABLE_TELEMETRY: '1' } });
      },
      /set only in project settings \(.*repo\/.claude\/settings.json\), where Claude Code ignores it/,
    ],
  ])('%s (%#)', (id, fault, detail) => {
    fault();
    const r = variablesCheck(opts(), state());
    expect(r.status).toBe('fail');
    expect(failureOf(r)).toBe(id);
    expect(r.detail).toMatch(detail);
  });
});

describe('hooks check', () => {
  const withoutHooks = (): void => {
    const { hooks: _hooks, ...rest } = readSettings(paths.userSettings).data;
    write(paths.userSettings, rest);
  };
  it.each<[string, () => void, RegExp]>([
    [
      'hooks-missing',
      withoutHooks,
      /no unsilo hook for SessionStart, UserPromptSubmit, PostToolUse and PostToolUseFailure/,
    ],
    [
      'hooks-disabled',
      () => write(path.join(home, 'repo', '.claude', 'settings.local.json'), { disableAllHooks: true }),
      /local settings/,
    ],
    [
      'hooks-broken',
      () =>
        writeFileSync(
          paths.userSettings,
          readSettings(paths.userSettings).text?.replaceAll(process.execPath, '/gone/node') ?? '',
        ),
      /runs \/gone\/node, which does not exist/,
    ],
    [
      'hooks-failing',
      () =>
        recordHookRun(paths, {
          event: 'SessionStart',
          ts: 't',
          ok: false,
          error: 'the collector answered HTTP 401: x',
          session: 's',
        }),
      /SessionStart at t: the collector answered HTTP 401: x \(1 of 1 runs failed\)/,
    ],
    [
      'hooks-not-firing',
      () => {
        setupTime(new Date(Date.now() - 3_600_000));
        write(path.join(paths.claudeDir, 'projects', '-repo', 'abc-session.jsonl'), {});
      },
      /session abc-session .* ran without the hooks/,
    ],
  ])('%s', (id, fault, detail) => {
    fault();
    const r = hooksCheck(opts(), state());
    expect(failureOf(r)).toBe(id);
    expect(r.detail).toMatch(detail);
  });

  it('does not count sessions from before setup', () => {
    write(path.join(paths.claudeDir, 'projects', '-repo', 'old-session.jsonl'), {});
    setupTime(new Date(Date.now() + 3_600_000));
    expect(hooksCheck(opts(), state()).status).toBe('pass');
  });

  it('passes once the hooks ran for the newest session', () => {
    setupTime(new Date(Date.now() - 3_600_000));
    const file = path.join(paths.claudeDir, 'projects', '-repo', 'abc-session.jsonl');
    write(file, {});
    recordHookRun(paths, {
      event: 'SessionStart',
      ts: '2026-11-28T10:00:00.000Z',
      ok: true,
      error: null,
      session: 'abc-session',
    });
    expect(hooksCheck(opts(), state())).toMatchObject({
      status: 'pass',
      detail:
        'SessionStart, UserPromptSubmit, PostToolUse and PostToolUseFailure in user settings; last run 2026-11-28T10:00:00.000Z OK',
    });
  });
});
