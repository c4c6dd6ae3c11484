/**
 * The session-context hooks: installed for both events (in any settings file Claude Code reads), not
 * disabled, pointing to programs that exist, their last run OK, and actually firing: a Claude Code
 * session that started after setup (its transcript in ~/.claude/projects) must be one the hooks saw.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readHookState } from '../setup/client-config.js';
import { unsiloHooks } from '../setup/settings-merge.js';
import { HOOK_EVENTS, hookEventList, tilde, type HookEvent } from '../setup/setup-paths.js';
import { loadState } from '../setup/setup-state.js';
import { whereOf } from './effective-env.js';
import { fail, pass, type CheckResult, type DoctorOptions, type DoctorState } from './doctor-result.js';

/** The two single-quoted paths at the start of a hook command (node, unsilo.js). */
export function hookPaths(command: string): string[] {
  const quoted = /'((?:[^']|'\\'')*)'/g;
  return [...command.matchAll(quoted)].slice(0, 2).map((m) => (m[1] as string).replaceAll(`'\\''`, "'"));
}

/** The newest transcript created after `since` (ms): its session id and time. */
function newestSession(claudeDir: string, since: number): { session: string; mtime: number } | null {
  const root = path.join(claudeDir, 'projects');
  if (!existsSync(root)) return null;
  let best: { session: string; mtime: number } | null = null;
  for (const dir of readdirSync(root)) {
    const full = path.join(root, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full)) {
      if (!f.endsWith('.jsonl')) continue;
      const st = statSync(path.join(full, f));
      const mtime = st.birthtimeMs || st.mtimeMs;
      if (mtime > since && (!best || mtime > best.mtime)) best = { session: f.slice(0, -6), mtime };
    }
  }
  return best;
}

export function hooksCheck(o: DoctorOptions, s: DoctorState): CheckResult {
  const { home } = o.paths;
  const found: Partial<Record<HookEvent, { command: string; where: string }>> = {};
  for (const layer of s.effective.layers) {
    if (layer.data.disableAllHooks === true) {
      return fail('hooks', 'hooks-disabled', `disableAllHooks is true in ${whereOf(layer, home)}`);
    }
    for (const [event, command] of Object.entries(unsiloHooks(layer.data)) as [HookEvent, string][]) {
      found[event] ??= { command, where: layer.source };
    }
  }
  const missing = HOOK_EVENTS.filter((e) => !found[e]);
  if (missing.length) return fail('hooks', 'hooks-missing', `no unsilo hook for ${hookEventList(missing)}`);
  for (const event of HOOK_EVENTS) {
    const gone = hookPaths(found[event]?.command ?? '').find((p) => !existsSync(p));
    if (gone) return fail('hooks', 'hooks-broken', `the ${event} hook runs ${gone}, which does not exist`);
  }
  const state = readHookState(o.paths);
  if (state.last && !state.last.ok) {
    return fail(
      'hooks',
      'hooks-failing',
      `${state.last.event} at ${state.last.ts}: ${state.last.error} (${state.failures} of ${state.runs} runs failed)`,
    );
  }
  const installed = loadState(o.paths).files[o.paths.userSettings]?.since;
  const newest = installed ? newestSession(o.paths.claudeDir, Date.parse(installed)) : null;
  if (newest && !state.sessions.includes(newest.session)) {
    return fail(
      'hooks',
      'hooks-not-firing',
      `session ${newest.session} (${new Date(newest.mtime).toISOString()}, in ${tilde(path.join(o.paths.claudeDir, 'projects'), home)}) ran without the hooks`,
    );
  }
  const where = found.SessionStart?.where ?? 'user settings';
  const last = state.last ? `last run ${state.last.ts} OK` : 'not run yet (start a Claude Code session)';
  return pass('hooks', `${hookEventList()} in ${where}; ${last}`);
}
