/**
 * `unsilo hook SessionStart|UserPromptSubmit|PostToolUse|PostToolUseFailure`: Claude Code pipes the
 * hook input (JSON) to stdin. The session-context events send the session id, time, cwd, git branch,
 * origin remote and head commit to the collector (`POST /v1/context`, the member's token from
 * client.json: hooks see no OTEL_* variables). The tool events (matcher Bash) send the call's
 * command and exit code (`POST /v1/tool-outcome`), so validation failures are seen even with
 * OTEL_LOG_TOOL_DETAILS off; the collector redacts the command. Only those fields leave the machine:
 * UserPromptSubmit's input holds the whole prompt and the tool events the command's output, which
 * are never sent. A hook must never slow or break Claude Code: everything fits in ~1.5 s, nothing is written to
 * stdout (Claude Code would add it to the conversation), and every failure is swallowed and recorded
 * in hook-state.json for `unsilo doctor`. In relay mode (`setup --relay`) SessionStart first makes sure
 * the relay runs (relay-launch.ts), without waiting for it, and every hook posts to the running relay,
 * which buffers the post on disk while the collector is away (relay-hooks.ts).
 */
import { readDiscovery } from '../relay/relay-status.js';
import { readClientConfig, recordHookRun, type ClientConfig, type HookRun } from './client-config.js';
import { gitContext, type GitContext } from './git-context.js';
import { ensureRelay, relayListening } from './relay-launch.js';
import { HOOK_EVENTS, TOOL_HOOK_EVENTS, type HookEvent, type SetupPaths } from './setup-paths.js';
import { isObject } from './settings-file.js';

export const HOOK_BUDGET_MS = 1500;
const GIT_TIMEOUT_MS = 500;
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface ContextBody {
  session_id: string;
  hook_event: HookEvent;
  ts: string;
  cwd: string;
  git_branch: string | null;
  git_remote: string | null;
  git_commit: string | null;
}

/** The body sent: only these seven fields, whatever else the hook input carried. */
export function contextBody(
  event: HookEvent,
  sessionId: string,
  cwd: string,
  git: GitContext,
  ts: Date,
): ContextBody {
  return {
    session_id: sessionId,
    hook_event: event,
    ts: ts.toISOString(),
    cwd,
    git_branch: git.branch,
    git_remote: git.remote,
    git_commit: git.commit,
  };
}

export interface ToolOutcomeBody {
  session_id: string;
  tool_use_id: string;
  prompt_id: string | null;
  ts: string;
  tool_name: string;
  command: string | null;
  exit_code: number | null;
  success: boolean;
}

const str = (o: Record<string, unknown>, k: string): string | null =>
  typeof o[k] === 'string' && o[k] !== '' ? o[k] : null;

/**
 * The body a tool hook sends: ids, tool name, the command, and the exit code (0 after PostToolUse;
 * from PostToolUseFailure's "Exit code N" error, null when the call was interrupted or the error
 * names none). Nothing of the output. Null when the input has no tool_use_id or tool_name.
 */
export function toolOutcomeBody(
  event: HookEvent,
  input: Record<string, unknown>,
  sessionId: string,
  ts: Date,
): ToolOutcomeBody | null {
  const toolUseId = str(input, 'tool_use_id');
  const toolName = str(input, 'tool_name');
  if (!toolUseId || !toolName) return null;
  const toolInput = isObject(input.tool_input) ? input.tool_input : {};
  const failed = event === 'PostToolUseFailure';
  const code = failed ? /^Exit code (-?\d+)/.exec(str(input, 'error') ?? '') : null;
  return {
    session_id: sessionId,
    tool_use_id: toolUseId,
    prompt_id: str(input, 'prompt_id'),
    ts: ts.toISOString(),
    tool_name: toolName,
    command: str(toolInput, 'command'),
    exit_code: failed ? (input.is_interrupt === true || !code ? null : Number(code[1])) : 0,
    success: !failed,
  };
}

/** All of stdin, or what arrived before the deadline; empty for a terminal. */
function readInput(stdin: NodeJS.ReadStream | NodeJS.ReadableStream, deadline: number): Promise<string> {
  if ((stdin as NodeJS.ReadStream).isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      stdin.removeAllListeners('data');
      stdin.pause();
      (stdin as Partial<NodeJS.ReadStream>).destroy?.();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    stdin.on('data', (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c;
      size += b.length;
      if (size <= MAX_INPUT_BYTES) chunks.push(b);
    });
    stdin.once('end', done);
    stdin.once('error', done);
  });
}

const causeOf = (err: unknown, budgetMs: number): string => {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${budgetMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
};

async function send(
  event: HookEvent,
  raw: string,
  paths: SetupPaths,
  deadline: number,
  budgetMs: number,
): Promise<{ session: string | null; error: string | null }> {
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return { session: null, error: 'the hook input on stdin was not JSON' };
  }
  const session = isObject(input) && typeof input.session_id === 'string' ? input.session_id : null;
  if (!session) return { session, error: 'the hook input had no session_id' };
  const cwd = isObject(input) && typeof input.cwd === 'string' ? input.cwd : process.cwd();
  const config = readClientConfig(paths);
  if (!config) return { session, error: `no ${paths.clientConfig}: run \`unsilo setup\`` };
  if (TOOL_HOOK_EVENTS.includes(event)) {
    const body = toolOutcomeBody(event, input as Record<string, unknown>, session, new Date());
    if (!body) return { session, error: `the ${event} input had no tool_use_id or tool_name` };
    return post('/v1/tool-outcome', body, session, config, deadline, budgetMs);
  }
  let relayStarted: Promise<boolean> | null = null;
  if (event === 'SessionStart' && config.relay) {
    try {
      if (ensureRelay(config, config.relay).state === 'started')
        relayStarted = relayListening(config.relay.dataDir, deadline);
    } catch (err) {
      return { session, error: `cannot start the relay: ${(err as Error).message}` };
    }
  }
  const sent = await postContext(event, session, cwd, config, deadline, budgetMs);
  // A relay this hook started gets the rest of the budget to listen (once per boot; see relay-launch.ts).
  if (relayStarted) await relayStarted;
  return sent;
}

async function postContext(
  event: HookEvent,
  session: string,
  cwd: string,
  config: Pick<ClientConfig, 'server' | 'token' | 'relay'>,
  deadline: number,
  budgetMs: number,
): Promise<{ session: string | null; error: string | null }> {
  const git = await gitContext(cwd, Math.min(GIT_TIMEOUT_MS, Math.max(1, deadline - Date.now())));
  return post(
    '/v1/context',
    contextBody(event, session, cwd, git, new Date()),
    session,
    config,
    deadline,
    budgetMs,
  );
}

/**
 * POSTs a hook's body with the member's token: in relay mode to the running relay (which keeps it on
 * disk until the collector takes it), falling back to the collector when the relay does not answer;
 * else to the collector. The error says what went wrong.
 */
async function post(
  route: string,
  body: object,
  session: string,
  config: Pick<ClientConfig, 'server' | 'token' | 'relay'>,
  deadline: number,
  budgetMs: number,
): Promise<{ session: string | null; error: string | null }> {
  const relay = config.relay ? readDiscovery(config.relay.dataDir) : null;
  if (relay) {
    const viaRelay = await postTo(relay.httpUrl, 'the relay', route, body, config.token, deadline, budgetMs);
    if (viaRelay === null) return { session, error: null };
  }
  const direct = await postTo(config.server, 'the collector', route, body, config.token, deadline, budgetMs);
  return { session, error: direct };
}

/** One POST; null when it was taken, else what went wrong. */
async function postTo(
  server: string,
  who: string,
  route: string,
  body: object,
  token: string,
  deadline: number,
  budgetMs: number,
): Promise<string | null> {
  try {
    const res = await fetch(`${server}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    const text = await res.text();
    if (res.ok) return null;
    let message = text.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
      message = String(parsed.message ?? parsed.error ?? message);
    } catch {
      // not JSON: keep the text
    }
    return `${who} answered HTTP ${res.status}: ${message}`;
  } catch (err) {
    return `cannot reach ${server}: ${causeOf(err, budgetMs)}`;
  }
}

/** Runs the hook; never throws. Resolves with what was recorded. */
export async function runContextHook(
  event: string,
  paths: SetupPaths,
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream = process.stdin,
  budgetMs = HOOK_BUDGET_MS,
): Promise<HookRun> {
  const started = Date.now();
  const deadline = started + budgetMs;
  let result: { session: string | null; error: string | null };
  try {
    if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
      result = {
        session: null,
        error: `unknown hook event "${event}" (expected one of ${HOOK_EVENTS.join(', ')})`,
      };
    } else {
      result = await send(event as HookEvent, await readInput(stdin, deadline), paths, deadline, budgetMs);
    }
  } catch (err) {
    result = { session: null, error: `hook failed: ${(err as Error).message}` };
  }
  const run: HookRun = {
    event,
    ts: new Date(started).toISOString(),
    ok: result.error === null,
    error: result.error,
    session: result.session,
  };
  try {
    recordHookRun(paths, run);
  } catch {
    // Nowhere to record it (read-only home?): still never break Claude Code.
  }
  return run;
}
