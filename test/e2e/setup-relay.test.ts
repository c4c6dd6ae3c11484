/**
 * `unsilo setup --relay` as a member runs it, then the real Claude Code CLI with only the settings
 * setup wrote: its SessionStart hook starts the relay (none ran before), Claude Code exports to the
 * relay, the relay forwards under the member's token. A second session and two more hook runs at
 * once start no second relay. Doctor reports the relay and passes.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/doctor-result.js';
import { runningRelay } from '../../src/setup/relay-launch.js';
import type { CellValue } from '../../src/store/store.js';
import { claudeBinary, runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import {
  addMember,
  BIN,
  startTestCollector,
  tempDir,
  type TestCollector,
} from '../support/collector-fixture.js';
import { startMockAnthropic, type MockAnthropic, type ScriptStep } from '../support/mock-anthropic.js';
import { freePort } from '../support/relay-fixture.js';

const SCRIPT: ScriptStep[] = [
  { kind: 'tool_use', name: 'Bash', input: { command: 'echo ok', description: 'Print ok' } },
  { kind: 'text', text: 'Done.' },
];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The relay processes serving `dataDir` (from /proc: this test runs on Linux). */
function relayProcesses(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv.includes('relay') && argv.includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('unsilo setup --relay with the real Claude Code CLI', () => {
  const home = tempDir('relay-setup-home-');
  const cwd = path.join(home, 'repo');
  const dataDir = path.join(home, '.local', 'share', 'unsilo', 'relay');
  let c: TestCollector;
  let mock: MockAnthropic;
  let relayPort: number;
  let setup: Ran;
  const runs: ClaudeRunResult[] = [];
  const served: string[] = [];
  let firstPid: number | null = null;

  const unsilo = (args: string[], input = ''): Promise<Ran> =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [BIN, ...args],
        {
          env: {
            PATH: `${path.dirname(claudeBinary())}:${process.env.PATH ?? ''}`,
            HOME: home,
            LANG: 'C.UTF-8',
          },
          cwd: home,
          timeout: 60_000,
        },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(input);
    });

  async function session(): Promise<void> {
    mock.script([...SCRIPT]);
    runs.push(
      await runClaude({
        telemetry: 'settings',
        home,
        cwd,
        prompt: 'Run `echo ok`, then say Done.',
        anthropicUrl: mock.url,
      }),
    );
    served.push(...mock.served.map((s) => s.requestId));
  }

  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    const token = await addMember(c, 'dana');
    execFileSync('mkdir', ['-p', cwd]);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd });
    mock = await startMockAnthropic();
    relayPort = await freePort();
    const grpcPort = await freePort();
    setup = await unsilo([
      'setup',
      '--server',
      c.httpUrl,
      '--token',
      token,
      '--relay',
      '--relay-port',
      String(relayPort),
      '--relay-grpc-port',
      String(grpcPort),
    ]);
    await session();
    firstPid = runningRelay(dataDir);
    await Promise.all([
      unsilo(['hook', 'SessionStart'], JSON.stringify({ session_id: 'extra-1', cwd })),
      unsilo(['hook', 'SessionStart'], JSON.stringify({ session_id: 'extra-2', cwd })),
    ]);
    await session();
    const deadline = Date.now() + 20_000;
    for (;;) {
      await c.drained();
      const r = await c.store.query(`SELECT count(*) FROM events WHERE event_name = 'api_request'`);
      if (Number(r.rows[0]?.[0]) >= served.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);

  afterAll(async () => {
    for (const pid of relayProcesses(dataDir)) process.kill(pid, 'SIGTERM');
    await mock?.close();
    await c?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('points Claude Code at the relay on this machine', () => {
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toMatch(/to the relay on this machine \(http:\/\/127\.0\.0\.1:\d+\)/);
    const settings = JSON.parse(readFileSync(path.join(home, '.claude', 'settings.json'), 'utf8')) as {
      env: Record<string, string>;
    };
    expect(settings.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://127.0.0.1:${relayPort}`);
  });

  it('the SessionStart hook started the relay, and a second session and two more hooks started no other', () => {
    expect(runs.map((r) => [r.exitCode, r.stdout.trim()])).toEqual([
      [0, 'Done.'],
      [0, 'Done.'],
    ]);
    expect(firstPid).not.toBeNull();
    expect(runningRelay(dataDir)).toBe(firstPid);
    expect(relayProcesses(dataDir)).toEqual([firstPid]);
  });

  it('the collector stores both sessions through the relay, under the member', async () => {
    const { columns, rows } = await c.store.query(
      `SELECT request_id, member FROM events WHERE event_name = 'api_request' ORDER BY request_id`,
    );
    const found = rows.map((r) => Object.fromEntries(columns.map((k, i) => [k, r[i] as CellValue])));
    expect(found.map((r) => r.request_id)).toEqual([...served].sort());
    expect(new Set(found.map((r) => r.member))).toEqual(new Set(['dana']));
  });

  it('doctor reports the relay and passes every check', async () => {
    const r = await unsilo(['doctor', '--json']);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: CheckResult[] };
    expect(
      report.checks.filter((x) => x.status !== 'pass'),
      r.stdout,
    ).toEqual([]);
    expect(report.checks.find((x) => x.id === 'relay')?.detail).toMatch(
      new RegExp(`^pid ${firstPid} on 127\\.0\\.0\\.1:${relayPort}; forwarding to the collector`),
    );
  });
});
