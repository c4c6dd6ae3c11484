/**
 * Setup on real files in a temporary HOME: idempotent, backed up, undone to the original bytes, never
 * writing over invalid JSON, the token only in the user's files, client.json 0600 under XDG_CONFIG_HOME.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readClientConfig } from './client-config.js';
import { applySetup, planSetup, type SetupOptions } from './run-setup.js';
import { SettingsSyntaxError } from './settings-file.js';
import { setupPaths, type SetupPaths } from './setup-paths.js';
import { undoAll } from './setup-state.js';

const TOKEN = 'uns_0123456789abcdefghijABCDEFGHIJ_-xyz';
const ORIGINAL = '{\n\t"model": "opus",\n\t"env": {\n\t\t"EDITOR": "vim"\n\t}\n}';

let home: string;
let paths: SetupPaths;
const options = (o: Partial<SetupOptions> = {}): SetupOptions => ({
  server: 'http://collector.example:4318/',
  token: TOKEN,
  protocol: 'http/protobuf',
  grpcPort: 4317,
  scope: 'user',
  projectDir: path.join(home, 'repo'),
  logPrompts: false,
  logToolDetails: false,
  traces: false,
  debug: false,
  claudeVersion: '2.1.328',
  ...o,
});
const setup = (o: Partial<SetupOptions> = {}): ReturnType<typeof applySetup> =>
  applySetup(planSetup(options(o), paths), paths);
const user = (): string => readFileSync(paths.userSettings, 'utf8');
const userEnv = (): Record<string, string> => (JSON.parse(user()) as { env: Record<string, string> }).env;

beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'unsilo-setup-'));
  paths = setupPaths({ HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') });
  mkdirSync(path.dirname(paths.userSettings), { recursive: true });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('setup', () => {
  it('merges the variables and hooks, keeps the rest and the indentation, and backs the file up', () => {
    writeFileSync(paths.userSettings, ORIGINAL);
    const [client, settings] = setup();
    expect(client).toMatchObject({ file: paths.clientConfig, changed: true, backup: null });
    expect(settings?.backup).not.toBeNull();
    expect(readFileSync(settings?.backup as string, 'utf8')).toBe(ORIGINAL);
    expect(user()).toMatch(
      /^\{\n\t"model": "opus",\n\t"env": \{\n\t\t"EDITOR": "vim",\n\t\t"CLAUDE_CODE_ENABLE_TELEMETRY": "1",/,
    );
    expect(userEnv()).toEqual({
      EDITOR: 'vim',
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.example:4318',
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}`,
      OTEL_LOGS_EXPORT_INTERVAL: '5000',
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
      OTEL_METRICS_INCLUDE_REPOSITORY: 'true',
    });
    const hooks = (JSON.parse(user()) as { hooks: Record<string, { hooks: { command: string }[] }[]> }).hooks;
    expect(hooks.SessionStart?.[0]?.hooks[0]?.command).toBe(
      `'${process.execPath}' '${path.resolve('bin/unsilo.js')}' hook SessionStart`,
    );
  });

  it('gives the same bytes when run twice, and says nothing changed', () => {
    writeFileSync(paths.userSettings, ORIGINAL);
    setup();
    const first = user();
    const again = setup();
    expect(user()).toBe(first);
    expect(again.map((f) => f.changed)).toEqual([false, false]);
  });

  it('undoes to the original bytes, and removes files that did not exist', () => {
    writeFileSync(paths.userSettings, ORIGINAL);
    setup();
    setup({ logPrompts: true });
    const results = undoAll(paths);
    expect(results.map((r) => r.action).sort()).toEqual(['removed', 'restored']);
    expect(user()).toBe(ORIGINAL);
    expect(existsSync(paths.clientConfig)).toBe(false);
    expect(existsSync(paths.setupState)).toBe(false);
    expect(existsSync(paths.backupDir)).toBe(false);
    expect(undoAll(paths)).toEqual([]);
  });

  it('undoes only its own changes when the file was edited since', () => {
    setup();
    const edited = JSON.parse(user()) as Record<string, unknown>;
    writeFileSync(paths.userSettings, JSON.stringify({ ...edited, theme: 'dark' }, null, 2));
    setup({ logToolDetails: true });
    const [, settings] = undoAll(paths);
    expect(settings?.action).toBe('unmerged');
    expect(JSON.parse(user())).toEqual({ theme: 'dark' });
  });

  it('does not touch a file that is not valid JSON, and says where the error is', () => {
    const broken = '{\n  "model": "opus",\n  "env": { "A": "1", }\n}\n';
    writeFileSync(paths.userSettings, broken);
    expect(() => planSetup(options(), paths)).toThrow(SettingsSyntaxError);
    expect(() => planSetup(options(), paths)).toThrow(
      /settings.json is not valid JSON \(line 3, column 22: expected a double-quoted string/,
    );
    expect(user()).toBe(broken);
    expect(existsSync(paths.clientConfig)).toBe(false);
  });

  it('adds and removes the opt-ins with their flags', () => {
    setup({ logPrompts: true, logToolDetails: true, traces: true, debug: true });
    expect(userEnv()).toMatchObject({
      OTEL_LOG_USER_PROMPTS: '1',
      OTEL_LOG_TOOL_DETAILS: '1',
      OTEL_TRACES_EXPORTER: 'otlp,console',
      OTEL_LOGS_EXPORTER: 'otlp,console',
      CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
    });
    setup();
    const env = userEnv();
    for (const key of [
      'OTEL_LOG_USER_PROMPTS',
      'OTEL_LOG_TOOL_DETAILS',
      'OTEL_TRACES_EXPORTER',
      'CLAUDE_CODE_ENHANCED_TELEMETRY_BETA',
    ]) {
      expect(env[key], key).toBeUndefined();
    }
    expect(env.OTEL_LOGS_EXPORTER).toBe('otlp');
  });

  it('sends gRPC to the gRPC port of the same host, or to --endpoint', () => {
    setup({ protocol: 'grpc', grpcPort: 14317 });
    expect(userEnv().OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector.example:14317');
    setup({ endpoint: 'https://proxy.example/otlp/' });
    expect(userEnv().OTEL_EXPORTER_OTLP_ENDPOINT).toBe('https://proxy.example/otlp');
  });

  it('keeps the token in the user files with --scope project', () => {
    const [, , project] = setup({ scope: 'project' });
    const projectText = readFileSync(project?.file as string, 'utf8');
    expect(project?.file).toBe(path.join(home, 'repo', '.claude', 'settings.json'));
    expect(projectText).not.toContain(TOKEN);
    expect(Object.keys((JSON.parse(projectText) as { env: object }).env).sort()).toEqual([
      'OTEL_LOGS_EXPORT_INTERVAL',
      'OTEL_METRICS_INCLUDE_REPOSITORY',
      'OTEL_METRIC_EXPORT_INTERVAL',
    ]);
    expect(user()).toContain(TOKEN);
    expect(userEnv().CLAUDE_CODE_ENABLE_TELEMETRY).toBe('1');
  });

  it('keeps the server and token in client.json, readable only by its owner, under XDG_CONFIG_HOME', () => {
    setup();
    expect(paths.clientConfig).toBe(path.join(home, 'xdg', 'unsilo', 'client.json'));
    expect(statSync(paths.clientConfig).mode & 0o777).toBe(0o600);
    expect(statSync(paths.configDir).mode & 0o777).toBe(0o700);
    expect(readClientConfig(paths)).toEqual({
      server: 'http://collector.example:4318',
      token: TOKEN,
      protocol: 'http/protobuf',
      endpoint: 'http://collector.example:4318',
      claudeVersion: '2.1.328',
      logPrompts: false,
      logToolDetails: false,
      relay: null,
    });
  });

  it('refuses a server URL with an OTLP path and a token that is not one', () => {
    expect(() => planSetup(options({ server: 'http://c:4318/v1/logs' }), paths)).toThrow(
      /without \/v1\/logs/,
    );
    expect(() => planSetup(options({ server: 'c:4318' }), paths)).toThrow(/must start with http/);
    expect(() => planSetup(options({ token: 'Bearer uns_x' }), paths)).toThrow(/should look like uns_/);
  });

  it('writes through a symlinked settings file instead of replacing the link', () => {
    const real = path.join(home, 'dotfiles', 'claude-settings.json');
    mkdirSync(path.dirname(real));
    writeFileSync(real, ORIGINAL);
    symlinkSync(real, paths.userSettings);
    setup();
    expect(lstatSync(paths.userSettings).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('CLAUDE_CODE_ENABLE_TELEMETRY');
    undoAll(paths);
    expect(lstatSync(paths.userSettings).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe(ORIGINAL);
  });

  it('writes to CLAUDE_CONFIG_DIR when it is set', () => {
    const dir = path.join(home, 'claude-config');
    paths = setupPaths({ HOME: home, CLAUDE_CONFIG_DIR: dir });
    setup();
    expect(existsSync(path.join(dir, 'settings.json'))).toBe(true);
    expect(paths.clientConfig).toBe(path.join(home, '.config', 'unsilo', 'client.json'));
  });
});
