/**
 * Where things live on a member's machine. Claude Code reads `~/.claude/settings.json` (or
 * `$CLAUDE_CONFIG_DIR/settings.json`), the project's `.claude/settings.json` and
 * `.claude/settings.local.json`, and managed settings (`/etc/claude-code/managed-settings.json` on
 * Linux, `/Library/Application Support/ClaudeCode/managed-settings.json` on macOS). unsilo keeps its
 * own per-user files in `$XDG_CONFIG_HOME/unsilo` (default `~/.config/unsilo`): the server and token
 * the hooks need (they see no OTEL_* variables), the hooks' last run, and what setup changed.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Env = Record<string, string | undefined>;

export interface SetupPaths {
  home: string;
  /** `~/.claude`, or CLAUDE_CONFIG_DIR. */
  claudeDir: string;
  userSettings: string;
  /** unsilo's own per-user directory (0700). */
  configDir: string;
  /** Server and token for the hooks and doctor (0600). */
  clientConfig: string;
  /** The hooks' last run (0600). */
  hookState: string;
  /** What setup changed, for --undo (0600). */
  setupState: string;
  /** Copies of the files as they were before setup (0600). */
  backupDir: string;
}

export function setupPaths(env: Env = process.env): SetupPaths {
  const home = env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
  const claudeDir =
    env.CLAUDE_CONFIG_DIR && path.isAbsolute(env.CLAUDE_CONFIG_DIR)
      ? env.CLAUDE_CONFIG_DIR
      : path.join(home, '.claude');
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
  const xdg =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(home, '.config');
  const configDir = path.join(xdg, 'unsilo');
  return {
    home,
    claudeDir,
    userSettings: path.join(claudeDir, 'settings.json'),
    configDir,
    clientConfig: path.join(configDir, 'client.json'),
    hookState: path.join(configDir, 'hook-state.json'),
    setupState: path.join(configDir, 'setup-state.json'),
    backupDir: path.join(configDir, 'backups'),
  };
}

export const projectSettings = (projectDir: string): string =>
  path.join(projectDir, '.claude', 'settings.json');
export const localSettings = (projectDir: string): string =>
  path.join(projectDir, '.claude', 'settings.local.json');

/** The managed settings folder (highest precedence): managed-settings.json and managed-settings.d/. */
export function managedSettingsDir(platform: NodeJS.Platform = process.platform): string {
  return platform === 'darwin' ? '/Library/Application Support/ClaudeCode' : '/etc/claude-code';
}

/** `~/x` for display. */
export const tilde = (file: string, home: string): string =>
  file === home || file.startsWith(`${home}${path.sep}`) ? `~${file.slice(home.length)}` : file;

/** The absolute path of bin/unsilo.js: dist/setup/ and src/setup/ both sit two levels below it. */
export const unsiloBin = (): string => fileURLToPath(new URL('../../bin/unsilo.js', import.meta.url));

/** POSIX shell single-quoting. */
export const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** The session-context hooks, then the tool hooks (Bash calls' command and exit code). */
export const HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PostToolUse', 'PostToolUseFailure'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
/** "SessionStart, UserPromptSubmit, PostToolUse and PostToolUseFailure", for messages. */
export const hookEventList = (events: readonly string[] = HOOK_EVENTS): string =>
  events.length < 2 ? (events[0] ?? '') : `${events.slice(0, -1).join(', ')} and ${events.at(-1)}`;
export const TOOL_HOOK_EVENTS: readonly HookEvent[] = ['PostToolUse', 'PostToolUseFailure'];
/** The matcher of a hook group setup writes: the tool hooks fire for Bash only. */
export const hookMatcher = (event: HookEvent): string | undefined =>
  TOOL_HOOK_EVENTS.includes(event) ? 'Bash' : undefined;

/** The command Claude Code runs for a hook: node and unsilo by absolute path (hooks run anywhere). */
export const hookCommand = (event: HookEvent, node = process.execPath, bin = unsiloBin()): string =>
  `${shellQuote(node)} ${shellQuote(bin)} hook ${event}`;

/** Recognises unsilo's hook commands, including ones written from another install path. */
export const UNSILO_HOOK =
  /unsilo(?:\.js)?'?\s+hook\s+(SessionStart|UserPromptSubmit|PostToolUseFailure|PostToolUse)\s*$/;
