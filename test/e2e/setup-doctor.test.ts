/**
 * `unsilo setup` and `unsilo doctor` as a member runs them, in a temporary HOME against a real
 * collector that requires tokens: setup is idempotent, undone to the original bytes and never writes
 * over invalid JSON; doctor passes over every protocol and reports each injected fault with its
 * documented fix, exiting non-zero. Then the real Claude Code CLI, with no telemetry variable in its
 * environment (only what setup wrote), in `chapters/03-intro` of a repository on branch
 * `017-usage-data-collection`: its events land under the token's member, feature 017, chapter 3.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE } from '../../src/config/data-dir.js';
import { sendDoctorRecord } from '../../src/doctor/doctor-export.js';
import type { CheckResult } from '../../src/doctor/doctor-result.js';
import type { CellValue } from '../../src/store/store.js';
import { claudeEnv, runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import {
  addMember,
  ROOT,
  startTestCollector,
  tempDir,
  type TestCollector,
} from '../support/collector-fixture.js';
import { claudeOnPath, runUnsilo, type Ran } from '../support/member-cli.js';
import { startMockAnthropic, type MockAnthropic } from '../support/mock-anthropic.js';

/** Temporary folders, removed at the end. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = tempDir(prefix);
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** The pinned Claude Code installed as a member has it: `claude` in a folder on PATH. */
const CLAUDE_DIR = claudeOnPath(scratch('claude-bin-'));

/** The unsilo CLI as the member runs it in `home` (Claude Code on PATH, nothing else inherited). */
const unsilo = (home: string, args: string[], input?: string, cwd = home): Promise<Ran> =>
  runUnsilo(args, { home, claudeDir: CLAUDE_DIR, input, cwd });

const settingsFile = (home: string): string => path.join(home, '.claude', 'settings.json');
const TROUBLESHOOTING = readFileSync(path.join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');

describe('unsilo setup', () => {
  const ORIGINAL = '{\n    "model": "opus",\n    "env": { "EDITOR": "vim" },\n    "theme": "dark — ü"\n}';
  const setup = (home: string, ...extra: string[]): Promise<Ran> =>
    unsilo(home, [
      'setup',
      '--server',
      'http://collector.example:4318',
      '--token',
      'uns_abc-DEF_123',
      ...extra,
    ]);

  it('gives the same file when run twice, and --undo gives back the original bytes', async () => {
    const home = scratch('setup-cli-');
    mkdirSync(path.join(home, '.claude'));
    writeFileSync(settingsFile(home), ORIGINAL);
    const first = await setup(home);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/wrote {5}~\/.claude\/settings.json/);
    expect(first.stdout).toMatch(/backup of the previous file: ~\/.config\/unsilo\/backups\//);
    const written = readFileSync(settingsFile(home));
    expect(written.toString()).toContain('"theme": "dark — ü"');
    const second = await setup(home);
    expect(second.stdout).toMatch(/unchanged ~\/.claude\/settings.json/);
    expect(readFileSync(settingsFile(home)).equals(written)).toBe(true);
    const undo = await unsilo(home, ['setup', '--undo']);
    expect(undo.code).toBe(0);
    expect(undo.stdout).toMatch(/restored +~\/.claude\/settings.json/);
    expect(readFileSync(settingsFile(home), 'utf8')).toBe(ORIGINAL);
    expect(existsSync(path.join(home, '.config', 'unsilo', 'client.json'))).toBe(false);
  });

  it('leaves a settings file that is not valid JSON untouched and says where the error is', async () => {
    const home = scratch('setup-cli-');
    mkdirSync(path.join(home, '.claude'));
    const broken = '{\n  "model": "opus"\n  "env": {}\n}\n';
    writeFileSync(settingsFile(home), broken);
    const r = await setup(home);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /settings.json is not valid JSON \(line 3, column 3: expected "," or "}", found """\); nothing was changed/,
    );
    expect(readFileSync(settingsFile(home), 'utf8')).toBe(broken);
    expect(existsSync(path.join(home, '.config', 'unsilo'))).toBe(false);
  });

  it('--print shows the files and the shell exports, and writes nothing', async () => {
    const home = scratch('setup-cli-');
    const r = await setup(home, '--print', '--log-prompts');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/~\/.claude\/settings.json would be created:\n\{\n {2}"env": \{/);
    expect(r.stdout).toContain('"OTEL_LOG_USER_PROMPTS": "1"');
    expect(r.stdout).toContain("export OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer uns_abc-DEF_123'");
    expect(r.stdout).toContain('export OTEL_EXPORTER_OTLP_ENDPOINT=http://collector.example:4318');
    expect(existsSync(path.join(home, '.claude'))).toBe(false);
    expect(existsSync(path.join(home, '.config'))).toBe(false);
  });

  it('`unsilo hook` prints nothing and exits 0 even when it cannot send, and records why', async () => {
    const home = scratch('setup-cli-');
    expect(await unsilo(home, ['hook', 'SessionStart'], '{"session_id":"s1"}')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    await setup(home);
    const down = await unsilo(home, ['hook', 'UserPromptSubmit'], '{"session_id":"s2","prompt":"p"}');
    expect(down).toEqual({ code: 0, stdout: '', stderr: '' });
    const state = JSON.parse(
      readFileSync(path.join(home, '.config', 'unsilo', 'hook-state.json'), 'utf8'),
    ) as {
      runs: number;
      failures: number;
      last: { error: string };
    };
    expect(state).toMatchObject({ runs: 2, failures: 2 });
    expect(state.last.error).toMatch(/^cannot reach http:\/\/collector.example:4318: /);
  });

  it('--scope project writes the repository’s settings without the token', async () => {
    const home = scratch('setup-cli-');
    const repo = path.join(home, 'repo');
    mkdirSync(repo);
    const r = await unsilo(
      home,
      ['setup', '--server', 'http://c:4318', '--token', 'uns_tok', '--scope', 'project'],
      '',
      repo,
    );
    expect(r.code).toBe(0);
    const project = readFileSync(path.join(repo, '.claude', 'settings.json'), 'utf8');
    expect(project).toContain('OTEL_METRICS_INCLUDE_REPOSITORY');
    expect(project).not.toContain('uns_tok');
    expect(readFileSync(settingsFile(home), 'utf8')).toContain('Authorization=Bearer uns_tok');
  });
});

interface Report {
  ok: boolean;
  checks: CheckResult[];
}

async function doctor(home: string): Promise<Report & { code: number; text: string }> {
  const json = await unsilo(home, ['doctor', '--json']);
  const text = await unsilo(home, ['doctor']);
  return { ...(JSON.parse(json.stdout) as Report), code: json.code, text: text.stdout };
}

const failed = (r: Report): string[] => r.checks.flatMap((c) => (c.failure ? [c.failure.id] : []));

describe('unsilo doctor', () => {
  let c: TestCollector;
  let alice: string;
  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    alice = await addMember(c, 'alice');
  });
  afterAll(async () => {
    await c?.dispose();
  });

  async function memberHome(token = alice, ...extra: string[]): Promise<string> {
    const home = scratch('doctor-home-');
    const r = await unsilo(home, ['setup', '--server', c.httpUrl, '--token', token, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return home;
  }
  const editEnv = (home: string, changes: Record<string, string | undefined>): void => {
    const data = JSON.parse(readFileSync(settingsFile(home), 'utf8')) as {
      env: Record<string, string | undefined>;
    };
    Object.assign(data.env, changes);
    writeFileSync(settingsFile(home), JSON.stringify(data, null, 2));
  };

  // Needs the collector's POST /v1/context (the hook's last run must be OK).
  it.each(['http/protobuf', 'http/json', 'grpc'])(
    'passes every check over %s after setup and a hook run',
    async (protocol) => {
      const home = await memberHome(alice, '--protocol', protocol, '--grpc-port', String(c.grpcPort));
      const hook = await unsilo(
        home,
        ['hook', 'SessionStart'],
        JSON.stringify({ session_id: `doctor-${protocol}`, cwd: home }),
      );
      expect(hook).toEqual({ code: 0, stdout: '', stderr: '' });
      const r = await doctor(home);
      expect(
        r.checks.filter((x) => x.status !== 'pass'),
        r.text,
      ).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.checks.map((x) => x.id)).toEqual([
        'claude',
        'settings',
        'variables',
        'relay',
        'collector',
        'token',
        'endpoint',
        'hooks',
        'round-trip',
        'redaction',
      ]);
      expect(r.checks.find((x) => x.id === 'round-trip')?.detail).toMatch(/stored as member alice$/);
      expect(r.text).toMatch(
        /^pass {2}Redaction canary: all \d+ detectors redact their canary with the collector's rules$/m,
      );
      expect(r.text).toMatch(/^pass {2}Round trip: test event \w+ stored as member alice$/m);
    },
  );

  it.each(['http/protobuf', 'http/json', 'grpc'] as const)(
    'sends its marked test event over %s, and the collector stores it under the member',
    async (protocol) => {
      const id = randomUUID();
      const url = protocol === 'grpc' ? `http://127.0.0.1:${c.grpcPort}` : `${c.httpUrl}/v1/logs`;
      const headers = { authorization: `Bearer ${alice}` };
      expect(await sendDoctorRecord({ protocol, url, headers }, id)).toEqual({ ok: true });
      await c.drained();
      const found = await c.store.query(
        `SELECT member, scope_name, event_name FROM events WHERE json_extract_string(attributes, '$."unsilo.doctor.id"') = $1`,
        [id],
      );
      expect(found.rows).toEqual([['alice', 'unsilo.doctor', 'unsilo.doctor']]);
      const res = await fetch(`${c.httpUrl}/api/doctor/${id}`, { headers });
      expect(await res.json()).toEqual({ stored: true, member: 'alice' });
    },
  );

  const FAULTS: [string, string, () => Promise<string>][] = [
    [
      'collector down',
      'collector-down',
      async () => {
        const other = await startTestCollector({ auth: { requireToken: 'always' } });
        const home = scratch('doctor-home-');
        await unsilo(home, ['setup', '--server', other.httpUrl, '--token', await addMember(other, 'x')]);
        await other.dispose();
        return home;
      },
    ],
    [
      'wrong port',
      'endpoint-closed',
      async () => {
        const home = await memberHome();
        const closed = await startTestCollector();
        const url = closed.httpUrl;
        await closed.dispose();
        editEnv(home, { OTEL_EXPORTER_OTLP_ENDPOINT: url });
        return home;
      },
    ],
    [
      'wrong protocol',
      'wrong-protocol',
      async () => {
        const home = await memberHome();
        editEnv(home, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
        return home;
      },
    ],
    [
      'missing variable',
      'variable-missing',
      async () => {
        const home = await memberHome();
        editEnv(home, { OTEL_LOGS_EXPORTER: undefined });
        return home;
      },
    ],
    ['bad token', 'token-invalid', () => memberHome('uns_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')],
    [
      'revoked token',
      'token-revoked',
      async () => {
        const home = await memberHome(await addMember(c, 'bob'));
        const admin = readFileSync(path.join(c.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
        await fetch(`${c.httpUrl}/api/members/bob/revoke`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}` },
        });
        return home;
      },
    ],
    [
      'hooks removed',
      'hooks-missing',
      async () => {
        const home = await memberHome();
        const { hooks: _gone, ...rest } = JSON.parse(readFileSync(settingsFile(home), 'utf8')) as Record<
          string,
          unknown
        >;
        writeFileSync(settingsFile(home), JSON.stringify(rest));
        return home;
      },
    ],
  ];

  it.each(FAULTS)('reports %s (%s) with its documented fix and exits non-zero', async (_name, id, inject) => {
    const r = await doctor(await inject());
    expect(r.code).toBe(1);
    expect(r.ok).toBe(false);
    expect(failed(r)).toContain(id);
    const check = r.checks.find((x) => x.failure?.id === id) as CheckResult;
    const fix = check.failure?.fix ?? '';
    expect(TROUBLESHOOTING).toContain(`### ${id}\n`);
    expect(TROUBLESHOOTING).toContain(`- Fix: ${fix}`);
    expect(r.text).toContain(`FAIL  ${check.title}: ${check.detail}`);
    expect(r.text).toContain(`      fix:   ${fix}`);
    expect(r.text).toContain(`      docs:  docs/troubleshooting.md#${id}`);
    expect(r.text).toMatch(/checks did not pass\.$/m);
  });
});

/** A repository `book` on branch 017-usage-data-collection with `chapters/03-intro`, an origin remote. */
function bookRepo(root: string): string {
  const repo = path.join(root, 'book');
  const chapter = path.join(repo, 'chapters', '03-intro');
  mkdirSync(chapter, { recursive: true });
  writeFileSync(path.join(chapter, 'README.md'), '# Intro\n');
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@example.com', ...args], {
      cwd: repo,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, GIT_CONFIG_NOSYSTEM: '1' },
    });
  };
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'chapter 3');
  git('checkout', '-q', '-b', '017-usage-data-collection');
  git('remote', 'add', 'origin', 'https://github.com/example-team/book.git');
  return chapter;
}

describe('the real Claude Code CLI with only what setup wrote', () => {
  let c: TestCollector;
  let mock: MockAnthropic;
  let home: string;
  let cwd: string;
  let run: ClaudeRunResult;
  let session: string;
  const rows = async (sql: string, params: CellValue[] = []): Promise<Record<string, CellValue>[]> => {
    const { columns, rows: r } = await c.store.query(sql, params);
    return r.map((row) => Object.fromEntries(columns.map((col, i) => [col, row[i] ?? null])));
  };

  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    mock = await startMockAnthropic();
    mock.script([
      { kind: 'tool_use', name: 'Bash', input: { command: 'echo ok', description: 'Print ok' } },
      { kind: 'text', text: 'Done.' },
    ]);
    home = scratch('claude-setup-home-');
    cwd = bookRepo(home);
    const token = await addMember(c, 'carol');
    const setup = await unsilo(home, ['setup', '--server', c.httpUrl, '--token', token]);
    expect(setup.code, setup.stderr).toBe(0);
    run = await runClaude({
      telemetry: 'settings',
      home,
      cwd,
      prompt: 'Run `echo ok`, then say Done.',
      anthropicUrl: mock.url,
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      await c.drained();
      // Bounded wait for the API requests and for the hooks' context on them; the tests then judge.
      const [row] = await rows(
        `SELECT count(*) AS n, any_value(session_id) AS s, count(feature) AS attributed
         FROM events WHERE event_name = 'api_request'`,
      );
      session = String(row?.s ?? '');
      const done = Number(row?.n) >= mock.served.length && Number(row?.attributed) >= mock.served.length;
      if (done || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);
  afterAll(async () => {
    await mock?.close();
    await c?.dispose();
  });

  it('runs with no telemetry variable in its environment', () => {
    const env = claudeEnv({ telemetry: 'settings', home, cwd, prompt: '', anthropicUrl: mock.url }, home);
    expect(Object.keys(env).filter((k) => k.startsWith('OTEL_') || k.includes('TELEMETRY'))).toEqual([]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Done.');
  });

  it('sends its events under the member of the token setup wrote', async () => {
    const members = await rows(`SELECT DISTINCT member FROM events WHERE session_id = $1`, [session]);
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
    expect(members).toEqual([{ member: 'carol' }]);
    expect((await rows(`SELECT count(*) AS n FROM events WHERE event_name = 'api_request'`))[0]?.n).toBe(
      mock.served.length,
    );
  });

  // Needs the collector's POST /v1/context: the hooks' context gives the session its feature and chapter.
  it('attributes them to feature 017 and chapter 3 from the hooks’ context', async () => {
    const found = await rows(`SELECT DISTINCT feature, chapter FROM events WHERE session_id = $1`, [session]);
    expect(found.map((r) => ({ feature: r.feature, chapter: Number(r.chapter) }))).toEqual([
      { feature: '017', chapter: 3 },
    ]);
  });

  // Needs the collector's POST /v1/context (the hooks' runs are recorded as OK only when it answers 200).
  it('ran the hooks for the session, and doctor then passes every check', async () => {
    const state = JSON.parse(
      readFileSync(path.join(home, '.config', 'unsilo', 'hook-state.json'), 'utf8'),
    ) as {
      sessions: string[];
      last: { ok: boolean; error: string | null };
    };
    expect(state.sessions).toContain(session);
    expect(state.last).toMatchObject({ ok: true, error: null });
    const r = await doctor(home);
    expect(
      r.checks.filter((x) => x.status !== 'pass'),
      r.text,
    ).toEqual([]);
    expect(r.code).toBe(0);
  });
});
