/** Merging unsilo's variables and hooks into settings: nothing else moves, twice is once, undo is exact. */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from './settings-file.js';
import {
  HOOK_TIMEOUT_S,
  mergeSettings,
  previousOf,
  unmergeSettings,
  unsiloHooks,
  type MergeSpec,
} from './settings-merge.js';
import { SetupError } from './telemetry-vars.js';

const command = (event: string, bin = '/opt/unsilo/bin/unsilo.js'): string =>
  `'/usr/bin/node' '${bin}' hook ${event}`;
const HOOKS = {
  SessionStart: command('SessionStart'),
  UserPromptSubmit: command('UserPromptSubmit'),
  PostToolUse: command('PostToolUse'),
  PostToolUseFailure: command('PostToolUseFailure'),
};
const SPEC: MergeSpec = {
  set: { CLAUDE_CODE_ENABLE_TELEMETRY: '1', OTEL_LOGS_EXPORTER: 'otlp' },
  remove: ['OTEL_LOG_USER_PROMPTS'],
  hooks: HOOKS,
};
const ORIGINAL: JsonObject = {
  model: 'opus',
  env: { EDITOR: 'vim', OTEL_LOGS_EXPORTER: 'console', OTEL_LOG_USER_PROMPTS: '1' },
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '/usr/local/bin/audit' }] }],
    SessionStart: [{ matcher: 'startup', hooks: [{ type: 'command', command: 'echo hi' }] }],
  },
};

describe('mergeSettings', () => {
  it('sets the variables, removes the opted-out ones and keeps everything else where it was', () => {
    const out = mergeSettings(ORIGINAL, SPEC, 'settings.json');
    expect(Object.keys(out)).toEqual(['model', 'env', 'permissions', 'hooks']);
    expect(out.env).toEqual({ EDITOR: 'vim', OTEL_LOGS_EXPORTER: 'otlp', CLAUDE_CODE_ENABLE_TELEMETRY: '1' });
    expect(Object.keys(out.env as JsonObject)).toEqual([
      'EDITOR',
      'OTEL_LOGS_EXPORTER',
      'CLAUDE_CODE_ENABLE_TELEMETRY',
    ]);
    expect(out.permissions).toEqual(ORIGINAL.permissions);
    const hooks = out.hooks as JsonObject;
    expect(hooks.PreToolUse).toEqual((ORIGINAL.hooks as JsonObject).PreToolUse);
    expect(hooks.SessionStart).toEqual([
      { matcher: 'startup', hooks: [{ type: 'command', command: 'echo hi' }] },
      { hooks: [{ type: 'command', command: HOOKS.SessionStart, timeout: HOOK_TIMEOUT_S }] },
    ]);
    // The tool hooks fire for Bash calls only; the user's own PreToolUse group is untouched.
    expect(hooks.PostToolUseFailure).toEqual([
      {
        matcher: 'Bash',
        hooks: [{ type: 'command', command: HOOKS.PostToolUseFailure, timeout: HOOK_TIMEOUT_S }],
      },
    ]);
    expect(unsiloHooks(out)).toEqual(HOOKS);
    expect(ORIGINAL.env).toEqual({
      EDITOR: 'vim',
      OTEL_LOGS_EXPORTER: 'console',
      OTEL_LOG_USER_PROMPTS: '1',
    });
  });

  it('gives the same object when run twice', () => {
    const once = mergeSettings(ORIGINAL, SPEC, 'settings.json');
    expect(JSON.stringify(mergeSettings(once, SPEC, 'settings.json'))).toBe(JSON.stringify(once));
  });

  it('updates an unsilo hook from another install path in place and drops duplicates', () => {
    const old = command('SessionStart', '/old place/unsilo/bin/unsilo.js');
    const data: JsonObject = {
      hooks: {
        SessionStart: [
          { hooks: [{ type: 'command', command: old, timeout: 5 }] },
          {
            matcher: '',
            hooks: [
              { type: 'command', command: old },
              { type: 'command', command: 'echo keep' },
            ],
          },
        ],
      },
    };
    const out = mergeSettings(data, SPEC, 'settings.json');
    expect((out.hooks as JsonObject).SessionStart).toEqual([
      { hooks: [{ type: 'command', command: HOOKS.SessionStart, timeout: HOOK_TIMEOUT_S }] },
      { matcher: '', hooks: [{ type: 'command', command: 'echo keep' }] },
    ]);
  });

  it('leaves hooks alone when told to, and creates env only when there is something to put in', () => {
    const out = mergeSettings({ model: 'x' }, { set: {}, remove: ['A'], hooks: null }, 'f');
    expect(out).toEqual({ model: 'x' });
  });

  it('refuses an env or hooks that is not an object, naming the file', () => {
    expect(() => mergeSettings({ env: ['x'] }, SPEC, '/h/.claude/settings.json')).toThrow(SetupError);
    expect(() => mergeSettings({ env: 'x' }, SPEC, '/h/.claude/settings.json')).toThrow(
      /\/h\/.claude\/settings.json: "env" must be a JSON object/,
    );
    expect(() => mergeSettings({ hooks: { SessionStart: {} } }, SPEC, 'f')).toThrow(
      /hooks.SessionStart" must be an array/,
    );
  });
});

describe('unmergeSettings', () => {
  it('puts back the values setup replaced and removes what it added, keeping later edits', () => {
    const previous = previousOf(ORIGINAL, SPEC);
    expect(previous.env).toEqual({
      OTEL_LOG_USER_PROMPTS: '1',
      CLAUDE_CODE_ENABLE_TELEMETRY: null,
      OTEL_LOGS_EXPORTER: 'console',
    });
    const merged = mergeSettings(ORIGINAL, SPEC, 'f');
    const edited = { ...merged, theme: 'dark' };
    const back = unmergeSettings(edited, previous, 'f');
    expect(back).toEqual({ ...ORIGINAL, theme: 'dark' });
  });

  it('removes env and hooks again when setup created them', () => {
    const previous = previousOf({}, SPEC);
    expect(unmergeSettings(mergeSettings({}, SPEC, 'f'), previous, 'f')).toEqual({});
  });
});
