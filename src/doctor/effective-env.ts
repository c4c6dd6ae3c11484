/**
 * The variables Claude Code 2.1.328 will actually see, and where each comes from. Layers, lowest
 * first: the environment, user settings, project settings, local project settings, managed settings;
 * a settings file's `env` wins over the environment (observed with the real CLI). In project and local
 * settings Claude Code ignores the telemetry switch, exporters, endpoint, protocol, headers and content
 * opt-ins (it lets a project only turn an exporter off); those are listed as ignored.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isObject, readSettings, SettingsSyntaxError, type JsonObject } from '../setup/settings-file.js';
import {
  localSettings,
  managedSettingsDir,
  projectSettings,
  type Env,
  type SetupPaths,
} from '../setup/setup-paths.js';
import { honouredInProject } from '../setup/telemetry-vars.js';

export type Source =
  'environment' | 'user settings' | 'project settings' | 'local settings' | 'managed settings';

export interface Layer {
  source: Source;
  /** null for the environment. */
  file: string | null;
  /** The settings object (empty for the environment and for files that are absent or invalid). */
  data: JsonObject;
  env: Record<string, string>;
}

export interface Resolved {
  value: string;
  source: Source;
  file: string | null;
}

export interface EffectiveEnv {
  layers: Layer[];
  vars: Record<string, Resolved>;
  /** Set in project or local settings but ignored there by Claude Code. */
  ignored: (Resolved & { key: string })[];
  /** Settings files Claude Code cannot parse (it skips them). */
  invalid: SettingsSyntaxError[];
}

/** Variables that matter for telemetry. */
export const relevant = (key: string): boolean =>
  key.startsWith('OTEL_') || key.startsWith('CLAUDE_CODE_') || key === 'ENABLE_ENHANCED_TELEMETRY_BETA';

const stringsOf = (v: unknown): Record<string, string> =>
  isObject(v)
    ? Object.fromEntries(
        Object.entries(v)
          .filter(
            ([k, x]) =>
              relevant(k) && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'),
          )
          .map(([k, x]) => [k, String(x)]),
      )
    : {};

export interface LayerSources {
  paths: SetupPaths;
  projectDir: string;
  env: Env;
  /** Managed settings folder (default: the platform's). */
  managedDir?: string;
}

export function loadLayers(s: LayerSources, invalid: SettingsSyntaxError[] = []): Layer[] {
  const file = (source: Source, f: string): Layer => {
    try {
      const data = readSettings(f).data;
      return { source, file: f, data, env: stringsOf(data.env) };
    } catch (err) {
      if (!(err instanceof SettingsSyntaxError)) throw err;
      invalid.push(err);
      return { source, file: f, data: {}, env: {} };
    }
  };
  const envVars = Object.fromEntries(
    Object.entries(s.env).filter((e): e is [string, string] => relevant(e[0]) && typeof e[1] === 'string'),
  );
  const layers: Layer[] = [
    { source: 'environment', file: null, data: {}, env: envVars },
    file('user settings', s.paths.userSettings),
  ];
  const project = projectSettings(s.projectDir);
  if (path.resolve(project) !== path.resolve(s.paths.userSettings)) {
    layers.push(file('project settings', project), file('local settings', localSettings(s.projectDir)));
  }
  const managed = s.managedDir ?? managedSettingsDir();
  layers.push(file('managed settings', path.join(managed, 'managed-settings.json')));
  const dropIns = path.join(managed, 'managed-settings.d');
  if (existsSync(dropIns)) {
    for (const f of readdirSync(dropIns)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      layers.push(file('managed settings', path.join(dropIns, f)));
    }
  }
  return layers;
}

const isProject = (source: Source): boolean => source === 'project settings' || source === 'local settings';

export function resolveEnv(layers: Layer[], invalid: SettingsSyntaxError[] = []): EffectiveEnv {
  const vars: Record<string, Resolved> = {};
  const ignored: EffectiveEnv['ignored'] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.env)) {
      const at = { value, source: layer.source, file: layer.file };
      if (isProject(layer.source) && !honouredInProject(key, value)) ignored.push({ key, ...at });
      else vars[key] = at;
    }
  }
  return { layers, vars, ignored, invalid };
}

export function effectiveEnv(s: LayerSources): EffectiveEnv {
  const invalid: SettingsSyntaxError[] = [];
  return resolveEnv(loadLayers(s, invalid), invalid);
}

/** Where a value came from, for messages: "user settings (~/.claude/settings.json)". */
export const whereOf = (r: Pick<Resolved, 'source' | 'file'>, home: string): string =>
  r.file ? `${r.source} (${r.file.startsWith(home) ? `~${r.file.slice(home.length)}` : r.file})` : r.source;
