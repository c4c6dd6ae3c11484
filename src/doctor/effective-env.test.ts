/**
 * What Claude Code will see: settings win over the environment, later layers over earlier ones,
 * project settings only for what Claude Code honours there; invalid files are reported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setupPaths, type SetupPaths } from '../setup/setup-paths.js';
import { effectiveEnv } from './effective-env.js';
import { logsTarget, parseHeaders } from './logs-target.js';

let home: string;
let paths: SetupPaths;
const project = (): string => path.join(home, 'repo');
const managed = (): string => path.join(home, 'managed');
const write = (file: string, data: unknown): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
};
const resolve = (env: Record<string, string> = {}): ReturnType<typeof effectiveEnv> =>
  effectiveEnv({ paths, projectDir: project(), env: { HOME: home, ...env }, managedDir: managed() });

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'unsilo-env-'));
  paths = setupPaths({ HOME: home });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('effectiveEnv', () => {
  it('lets settings win over the environment and managed settings win over all', () => {
    write(paths.userSettings, {
      env: { OTEL_LOGS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://user:4318' },
    });
    write(path.join(managed(), 'managed-settings.json'), {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://policy:4318' },
    });
    write(path.join(managed(), 'managed-settings.d', '10-extra.json'), {
      env: { OTEL_METRICS_EXPORTER: 'none' },
    });
    const e = resolve({ OTEL_LOGS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_HEADERS: 'a=b', PATH: '/bin' });
    expect(e.vars.OTEL_LOGS_EXPORTER).toMatchObject({
      value: 'otlp',
      source: 'user settings',
      file: paths.userSettings,
    });
    expect(e.vars.OTEL_EXPORTER_OTLP_ENDPOINT).toMatchObject({
      value: 'http://policy:4318',
      source: 'managed settings',
    });
    expect(e.vars.OTEL_METRICS_EXPORTER).toMatchObject({ value: 'none', source: 'managed settings' });
    expect(e.vars.OTEL_EXPORTER_OTLP_HEADERS).toMatchObject({
      value: 'a=b',
      source: 'environment',
      file: null,
    });
    expect(e.vars.PATH).toBeUndefined();
  });

  it('ignores what project settings may not set, and applies what they may', () => {
    write(paths.userSettings, { env: { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp' } });
    write(path.join(project(), '.claude', 'settings.json'), {
      env: {
        CLAUDE_CODE_ENABLE_TELEMETRY: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://p:4318',
        OTEL_METRICS_INCLUDE_REPOSITORY: 'true',
      },
    });
    write(path.join(project(), '.claude', 'settings.local.json'), { env: { OTEL_LOGS_EXPORTER: 'none' } });
    const e = resolve();
    expect(e.vars.CLAUDE_CODE_ENABLE_TELEMETRY?.value).toBe('1');
    expect(e.vars.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(e.vars.OTEL_METRICS_INCLUDE_REPOSITORY).toMatchObject({
      value: 'true',
      source: 'project settings',
    });
    expect(e.vars.OTEL_LOGS_EXPORTER).toMatchObject({ value: 'none', source: 'local settings' });
    expect(e.ignored.map((i) => i.key).sort()).toEqual([
      'CLAUDE_CODE_ENABLE_TELEMETRY',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ]);
  });

  it('reports a settings file it cannot parse and reads the others', () => {
    write(paths.userSettings, '{ "env": { } ');
    write(path.join(project(), '.claude', 'settings.json'), { env: { OTEL_METRIC_EXPORT_INTERVAL: '1000' } });
    const e = resolve();
    expect(e.invalid.map((x) => [x.file, x.line])).toEqual([[paths.userSettings, 1]]);
    expect(e.vars.OTEL_METRIC_EXPORT_INTERVAL?.value).toBe('1000');
  });
});

describe('logsTarget', () => {
  const target = (vars: Record<string, string>): ReturnType<typeof logsTarget> =>
    logsTarget(
      Object.fromEntries(
        Object.entries(vars).map(([k, value]) => [k, { value, source: 'user settings', file: null }]),
      ),
    );

  it('appends /v1/logs for HTTP, keeps the base for gRPC, defaults the protocol with an endpoint', () => {
    expect(target({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toEqual({
      ok: true,
      target: { protocol: 'http/protobuf', url: 'http://c:4318/v1/logs', headers: {} },
    });
    expect(
      target({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }),
    ).toMatchObject({
      target: { protocol: 'grpc', url: 'http://c:4317' },
    });
    expect(target({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toMatchObject({
      target: { url: 'http://localhost:4318/v1/logs' },
    });
  });

  it('lets the per-signal variables win', () => {
    const t = target({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://c:4318/custom',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer a,x-team=t',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'Authorization=Bearer%20b',
    });
    expect(t).toEqual({
      ok: true,
      target: {
        protocol: 'http/json',
        url: 'http://c:4318/custom',
        headers: { authorization: 'Bearer b', 'x-team': 't' },
      },
    });
  });

  it('says why there is no target', () => {
    expect(target({})).toMatchObject({ ok: false, problem: 'no-endpoint' });
    expect(target({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' })).toMatchObject({
      ok: false,
      problem: 'bad-protocol',
    });
  });

  it('parses headers with a literal space, URL-encoding and stray commas', () => {
    expect(parseHeaders('Authorization=Bearer uns_x, X-A = 1%2C2,,broken')).toEqual({
      authorization: 'Bearer uns_x',
      'x-a': '1,2',
    });
  });
});
