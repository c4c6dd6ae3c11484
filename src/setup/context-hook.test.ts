/**
 * The hooks against a capturing HTTP server: the context events send only the seven context fields (never the
 * prompt), the tool events only ids, command and exit code (never the output), with the member's token, the git branch, credential-free remote and head commit of the
 * working directory; failures are swallowed and recorded; a server that never answers costs at most
 * the budget.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CAPTURES } from '../../test/fixtures/captures.js';
import { clientConfigText, readHookState, type RelayClientConfig } from './client-config.js';
import { runContextHook } from './context-hook.js';
import { stripCredentials } from './git-context.js';
import { writeFileAtomic } from './settings-file.js';
import { setupPaths, type SetupPaths } from './setup-paths.js';

interface Received {
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

let dir: string;
let paths: SetupPaths;
let server: http.Server;
let url: string;
let received: Received[];
let reply: { status: number; body: string; hang?: boolean };
let repo: string;
let commit: string;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
  })
    .toString()
    .trim();
/** A port nothing listens on (the OS picked it, then it was closed). */
const closedPort = async (): Promise<number> => {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
};
const input = (o: object): Readable => Readable.from([Buffer.from(JSON.stringify(o))]);
const configure = (server: string, relay: RelayClientConfig | null = null): void =>
  writeFileAtomic(
    paths.clientConfig,
    clientConfigText({
      server,
      token: 'uns_member',
      protocol: 'http/protobuf',
      endpoint: server,
      claudeVersion: null,
      logPrompts: false,
      logToolDetails: false,
      relay,
    }),
    0o600,
  );

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'unsilo-hook-'));
  repo = path.join(dir, 'book');
  mkdirSync(path.join(repo, 'chapters', '03-intro'), { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'first');
  git(repo, 'checkout', '-q', '-b', '017-usage-data-collection');
  git(repo, 'remote', 'add', 'origin', 'https://alice:ghp_secret@github.com/team/book.git');
  commit = git(repo, 'rev-parse', 'HEAD');
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      if (reply.hang) return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  paths = setupPaths({ HOME: mkdtempSync(path.join(dir, 'home-')) });
  received = [];
  reply = { status: 200, body: '{}' };
  configure(url);
});

describe('unsilo hook', () => {
  it('sends only the session context, never the prompt, and records the run', async () => {
    const cwd = path.join(repo, 'chapters', '03-intro');
    const run = await runContextHook(
      'UserPromptSubmit',
      paths,
      input({ session_id: 's-1', cwd, prompt: 'the secret plan', prompt_id: 'p', transcript_path: '/x' }),
    );
    expect(run).toMatchObject({ event: 'UserPromptSubmit', ok: true, error: null, session: 's-1' });
    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r?.url).toBe('/v1/context');
    expect(r?.authorization).toBe('Bearer uns_member');
    expect(Object.keys(r?.body ?? {}).sort()).toEqual(
      ['cwd', 'git_branch', 'git_commit', 'git_remote', 'hook_event', 'session_id', 'ts'].sort(),
    );
    expect(r?.body).toMatchObject({
      session_id: 's-1',
      hook_event: 'UserPromptSubmit',
      cwd,
      git_branch: '017-usage-data-collection',
      git_remote: 'https://github.com/team/book.git',
      git_commit: commit,
    });
    expect(new Date(String(r?.body.ts)).toISOString()).toBe(r?.body.ts);
    expect(JSON.stringify(r?.body)).not.toContain('secret');
    expect(readHookState(paths)).toMatchObject({
      runs: 1,
      failures: 0,
      sessions: ['s-1'],
      last: { ok: true },
    });
  });

  it('sends a Bash failure command and exit code from the real PostToolUseFailure input, never its output', async () => {
    const captured = readFileSync(path.join(CAPTURES, 'hooks', 'hook-stdin.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { hook_event_name: string; stdin: Record<string, unknown> })
      .find((r) => r.hook_event_name === 'PostToolUseFailure')!.stdin;
    const run = await runContextHook('PostToolUseFailure', paths, input(captured));
    expect(run).toMatchObject({ ok: true, session: captured.session_id });
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/v1/tool-outcome');
    expect(received[0]?.body).toEqual({
      session_id: captured.session_id,
      tool_use_id: captured.tool_use_id,
      prompt_id: captured.prompt_id,
      ts: received[0]?.body.ts,
      tool_name: 'Bash',
      command: 'echo hello && false',
      exit_code: 1,
      success: false,
    });
    expect(JSON.stringify(received[0]?.body)).not.toContain('hello\n');
  });

  it('sends exit code 0 after PostToolUse, null for an interrupted call, and refuses an input without a tool_use_id', async () => {
    const base = { session_id: 's-t', tool_name: 'Bash', tool_input: { command: 'npm test' } };
    await runContextHook(
      'PostToolUse',
      paths,
      input({ ...base, tool_use_id: 'toolu_1', tool_response: { stdout: 'ok' } }),
    );
    await runContextHook(
      'PostToolUseFailure',
      paths,
      input({ ...base, tool_use_id: 'toolu_2', error: 'Interrupted', is_interrupt: true }),
    );
    const bad = await runContextHook('PostToolUse', paths, input(base));
    expect(received.map((r) => [r.body.tool_use_id, r.body.exit_code, r.body.success])).toEqual([
      ['toolu_1', 0, true],
      ['toolu_2', null, false],
    ]);
    expect(bad).toMatchObject({ ok: false, error: 'the PostToolUse input had no tool_use_id or tool_name' });
  });

  it('in relay mode posts to the running relay, and to the collector when the relay does not take it', async () => {
    const relayGot: string[] = [];
    let relayStatus = 200;
    const relayServer = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        relayGot.push(req.url ?? '');
        res.writeHead(relayStatus, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => relayServer.listen(0, '127.0.0.1', resolve));
    const relayDir = mkdtempSync(path.join(dir, 'relay-'));
    const httpUrl = `http://127.0.0.1:${(relayServer.address() as AddressInfo).port}`;
    writeFileSync(
      path.join(relayDir, 'relay.json'),
      JSON.stringify({ pid: process.pid, httpUrl, grpcPort: 0, upstream: url }),
    );
    configure(url, { port: 0, grpcPort: 0, dataDir: relayDir });
    try {
      const tool = {
        session_id: 's-r',
        tool_name: 'Bash',
        tool_use_id: 'toolu_r',
        tool_input: { command: 'vale ch07.md' },
      };
      expect(await runContextHook('PostToolUse', paths, input(tool))).toMatchObject({ ok: true });
      expect(relayGot).toEqual(['/v1/tool-outcome']);
      expect(received).toHaveLength(0);
      relayStatus = 503;
      expect(await runContextHook('PostToolUse', paths, input(tool))).toMatchObject({ ok: true });
      expect(relayGot).toHaveLength(2);
      expect(received.map((r) => r.url)).toEqual(['/v1/tool-outcome']);
    } finally {
      relayServer.closeAllConnections();
      await new Promise((r) => relayServer.close(r));
    }
  });

  it('sends nulls outside a repository', async () => {
    await runContextHook('SessionStart', paths, input({ session_id: 's-2', cwd: dir }));
    expect(received[0]?.body).toMatchObject({
      git_branch: null,
      git_remote: null,
      git_commit: null,
      cwd: dir,
    });
  });

  it('records what the collector answered when it refuses', async () => {
    reply = {
      status: 401,
      body: JSON.stringify({ code: 16, message: 'this ingest token was revoked or replaced' }),
    };
    const run = await runContextHook('SessionStart', paths, input({ session_id: 's-3', cwd: repo }));
    expect(run.ok).toBe(false);
    expect(run.error).toBe('the collector answered HTTP 401: this ingest token was revoked or replaced');
    expect(readHookState(paths)).toMatchObject({ runs: 1, failures: 1, last: { ok: false } });
  });

  it('gives up within its budget when the collector never answers', async () => {
    reply = { status: 200, body: '{}', hang: true };
    const run = await runContextHook('SessionStart', paths, input({ session_id: 's-4', cwd: repo }), 400);
    expect(run.error).toBe(`cannot reach ${url}: no answer within 400 ms`);
  });

  it('records, and never throws, when it cannot do its job', async () => {
    const closed = await closedPort();
    configure(`http://127.0.0.1:${closed}`);
    expect((await runContextHook('SessionStart', paths, input({ session_id: 's', cwd: repo }))).error).toBe(
      `cannot reach http://127.0.0.1:${closed}: ECONNREFUSED`,
    );
    expect((await runContextHook('Stop', paths, input({ session_id: 's' }))).error).toMatch(
      /unknown hook event "Stop"/,
    );
    expect((await runContextHook('SessionStart', paths, Readable.from(['not json']))).error).toMatch(
      /not JSON/,
    );
    expect((await runContextHook('SessionStart', paths, input({ cwd: repo }))).error).toMatch(
      /no session_id/,
    );
    rmSync(paths.clientConfig);
    expect((await runContextHook('SessionStart', paths, input({ session_id: 's' }))).error).toMatch(
      /run `unsilo setup`/,
    );
    expect(readHookState(paths)).toMatchObject({ runs: 5, failures: 5 });
  });
});

describe('stripCredentials', () => {
  it.each([
    ['https://alice:tok@github.com/team/book.git', 'https://github.com/team/book.git'],
    ['https://x-access-token@github.com/team/book', 'https://github.com/team/book'],
    ['git@github.com:team/book.git', 'git@github.com:team/book.git'],
    ['ssh://git@host/x.git', 'ssh://host/x.git'],
  ])('%s → %s', (remote, expected) => expect(stripCredentials(remote)).toBe(expected));
});
