/**
 * Merging unsilo's variables and hooks into a settings object, and taking them out again. Pure: a
 * new object comes back and nothing else in it moves. Existing keys keep their place, new ones go at
 * the end; an unsilo hook already there (even from another install path) is updated in place, so
 * merging twice gives the same object.
 */
import { HOOK_EVENTS, hookMatcher, UNSILO_HOOK, type HookEvent } from './setup-paths.js';
import { isObject, type JsonObject } from './settings-file.js';
import { SetupError } from './telemetry-vars.js';

/** Claude Code's own limit for a hook (seconds); the hook gives itself about 1.5 s. */
export const HOOK_TIMEOUT_S = 5;

export interface MergeSpec {
  /** Variables to set in `env`. */
  set: Record<string, string>;
  /** Variables to remove from `env` (opt-outs). */
  remove: readonly string[];
  /** The hook command per event, or null to leave hooks alone. */
  hooks: Record<HookEvent, string> | null;
}

function objectAt(data: JsonObject, key: string, file: string): JsonObject | undefined {
  const v = data[key];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new SetupError(`${file}: "${key}" must be a JSON object; fix it by hand first`);
  return v;
}

interface CommandHook extends JsonObject {
  type: string;
  command: string;
}

const isUnsiloHook = (h: unknown): h is CommandHook =>
  isObject(h) && h.type === 'command' && typeof h.command === 'string' && UNSILO_HOOK.test(h.command);

/** The matcher groups of one event, checked to be an array. */
function groupsOf(hooks: JsonObject, event: string, file: string): unknown[] {
  const v = hooks[event];
  if (v === undefined) return [];
  if (!Array.isArray(v))
    throw new SetupError(`${file}: "hooks.${event}" must be an array; fix it by hand first`);
  return v;
}

/** Removes unsilo's hooks of `event` except `keep`; drops groups and events this leaves empty. */
function pruneEvent(hooks: JsonObject, event: string, keep: unknown, file: string): void {
  const groups = groupsOf(hooks, event, file);
  let changed = false;
  const left = groups.flatMap((g) => {
    if (!isObject(g) || !Array.isArray(g.hooks)) return [g];
    const inner = g.hooks.filter((h) => h === keep || !isUnsiloHook(h));
    if (inner.length === g.hooks.length) return [g];
    changed = true;
    return inner.length === 0 ? [] : [{ ...g, hooks: inner }];
  });
  if (!changed) return;
  if (left.length === 0) delete hooks[event];
  else hooks[event] = left;
}

export function mergeSettings(data: JsonObject, spec: MergeSpec, file: string): JsonObject {
  const out = structuredClone(data);
  const env = { ...(objectAt(out, 'env', file) ?? {}) };
  for (const key of spec.remove) delete env[key];
  for (const [key, value] of Object.entries(spec.set)) env[key] = value;
  if (Object.keys(env).length > 0 || out.env !== undefined) out.env = env;
  if (spec.hooks === null) return out;
  const hooks = objectAt(out, 'hooks', file) ?? {};
  for (const event of HOOK_EVENTS) {
    const command = spec.hooks[event];
    const groups = groupsOf(hooks, event, file);
    let existing: CommandHook | undefined;
    for (const g of groups) {
      if (existing || !isObject(g) || !Array.isArray(g.hooks)) continue;
      existing = g.hooks.find(isUnsiloHook);
    }
    if (existing) {
      existing.command = command;
      existing.timeout = HOOK_TIMEOUT_S;
      pruneEvent(hooks, event, existing, file);
    } else {
      const matcher = hookMatcher(event);
      const hook = { type: 'command', command, timeout: HOOK_TIMEOUT_S };
      hooks[event] = [...groups, matcher ? { matcher, hooks: [hook] } : { hooks: [hook] }];
    }
  }
  out.hooks = hooks;
  return out;
}

export interface Previous {
  /** Each variable setup touched: its value before, or null when it was absent. */
  env: Record<string, string | null>;
  hadEnv: boolean;
  hadHooks: boolean;
}

/** What setup is about to change in `data`, to undo it later. */
export function previousOf(data: JsonObject, spec: MergeSpec): Previous {
  const env = isObject(data.env) ? data.env : {};
  const keys = [...spec.remove, ...Object.keys(spec.set)];
  return {
    env: Object.fromEntries(keys.map((k) => [k, typeof env[k] === 'string' ? env[k] : null])),
    hadEnv: data.env !== undefined,
    hadHooks: data.hooks !== undefined,
  };
}

/** Takes setup's variables and hooks out of a file that changed since: the rest of it stays. */
export function unmergeSettings(data: JsonObject, previous: Previous, file: string): JsonObject {
  const out = structuredClone(data);
  const env = objectAt(out, 'env', file);
  if (env) {
    for (const [key, value] of Object.entries(previous.env)) {
      if (value === null) delete env[key];
      else env[key] = value;
    }
    if (Object.keys(env).length === 0 && !previous.hadEnv) delete out.env;
  }
  const hooks = objectAt(out, 'hooks', file);
  if (hooks) {
    for (const event of Object.keys(hooks)) pruneEvent(hooks, event, undefined, file);
    if (Object.keys(hooks).length === 0 && !previous.hadHooks) delete out.hooks;
  }
  return out;
}

/** The unsilo hook commands found per event (for doctor). */
export function unsiloHooks(data: JsonObject): Partial<Record<HookEvent, string>> {
  const found: Partial<Record<HookEvent, string>> = {};
  const hooks = isObject(data.hooks) ? data.hooks : {};
  for (const event of HOOK_EVENTS) {
    const groups = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    for (const g of groups) {
      const hit =
        isObject(g) && Array.isArray(g.hooks)
          ? g.hooks.find((h) => isUnsiloHook(h) && UNSILO_HOOK.exec(h.command)?.[1] === event)
          : undefined;
      if (hit && found[event] === undefined) found[event] = hit.command;
    }
  }
  return found;
}
