/**
 * Detector truth on a session of the real Claude Code CLI (pinned 2.1.328) against the mock Messages
 * API, scripted to fail validations the way an author's session does: `npm test` twice in one prompt
 * (no package.json: a failure, then a re-run), `make test` (no Makefile), `vale` and `markdownlint`
 * (not installed), then `echo ok` (passes, not a validation). With OTEL_LOG_TOOL_DETAILS=1 the
 * collector sees each command; the signals must count exactly the five failing validations and the one
 * re-run, and flag the session. The same holds for a member configured only by `unsilo setup`, whose
 * Claude Code sends no command (tool details off): the commands and exit codes then come from unsilo's
 * PostToolUse / PostToolUseFailure hooks.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSessionSignals } from '../../src/analysis/signals/session-signals.js';
import { testSignal } from '../../src/analysis/signals/signal-service.js';
import { runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import { addMember, startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';
import { claudeOnPath, runUnsilo } from '../support/member-cli.js';
import { startMockAnthropic, type MockAnthropic, type ScriptStep } from '../support/mock-anthropic.js';

const bash = (command: string): ScriptStep => ({
  kind: 'tool_use',
  name: 'Bash',
  input: { command, description: command },
});
const SCRIPT: readonly ScriptStep[] = [
  bash('npm test'),
  bash('npm test'),
  bash('make test'),
  bash('vale chapters/'),
  bash('markdownlint chapters/'),
  bash('echo ok'),
  { kind: 'text', text: 'Done.' },
];
const TOOL_CALLS = SCRIPT.filter((s) => s.kind === 'tool_use').length;
/** The script's validation commands, each of which fails. */
const FAILING_VALIDATIONS = ['npm test', 'npm test', 'make test', 'vale chapters/', 'markdownlint chapters/'];

describe('signals on a real Claude Code session with failing validations', () => {
  let collector: TestCollector;
  let mock: MockAnthropic;
  let run: ClaudeRunResult;

  beforeAll(async () => {
    collector = await startTestCollector();
    mock = await startMockAnthropic();
    mock.script([...SCRIPT]);
    run = await runClaude({
      prompt: 'Run the checks of the book, then say Done.',
      anthropicUrl: mock.url,
      protocol: 'http/protobuf',
      otlpEndpoint: collector.httpUrl,
    });
    // Bounded wait for the tool results; the assertions then judge what arrived.
    const deadline = Date.now() + 15_000;
    for (;;) {
      await collector.drained();
      const r = await collector.store.query("SELECT count(*) FROM events WHERE event_name = 'tool_result'");
      if (Number(r.rows[0]?.[0]) >= TOOL_CALLS || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);

  afterAll(async () => {
    await mock?.close();
    await collector?.dispose();
  });

  it('counts the five failing validations and the re-run, and flags the session', async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mock.remaining()).toBe(0);
    const sessions = await computeSessionSignals(collector.store, {});
    expect(sessions).toHaveLength(1);
    const [s] = sessions;
    expect(s!.values).toMatchObject({
      validation_failures: 5,
      validation_reruns: 1,
      tool_retry_loop: 0,
      edit_failures: 0,
    });
    expect(s!.flags.validation_failures).toBe(true);
    const t = await testSignal(collector.store, 'validation_failures', s!.session_id);
    expect(t.events.map((e) => e.command)).toEqual(FAILING_VALIDATIONS);
    expect(t.events.map((e) => e.validation_kind)).toEqual(['test', 'test', 'test', 'lint', 'lint']);
  });
});

describe('signals on a real Claude Code session configured only by unsilo setup (tool details off)', () => {
  let collector: TestCollector;
  let mock: MockAnthropic;
  let run: ClaudeRunResult;
  const home = tempDir('hooks-home-');

  beforeAll(async () => {
    collector = await startTestCollector({ auth: { requireToken: 'always' } });
    mock = await startMockAnthropic();
    mock.script([...SCRIPT]);
    const cwd = tempDir('hooks-book-');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd });
    const token = await addMember(collector, 'dana');
    const claudeDir = claudeOnPath(`${home}/bin`);
    const setup = await runUnsilo(['setup', '--server', collector.httpUrl, '--token', token], {
      home,
      claudeDir,
    });
    expect(setup.code, setup.stderr).toBe(0);
    run = await runClaude({
      telemetry: 'settings',
      home,
      cwd,
      prompt: 'Run the checks of the book, then say Done.',
      anthropicUrl: mock.url,
    });
    // Bounded wait for the tool results and the hooks' outcomes; the assertions then judge.
    const deadline = Date.now() + 15_000;
    for (;;) {
      await collector.drained();
      const r = await collector.store.query(
        "SELECT (SELECT count(*) FROM events WHERE event_name = 'tool_result'), (SELECT count(*) FROM tool_outcomes)",
      );
      if (Number(r.rows[0]?.[0]) >= TOOL_CALLS && Number(r.rows[0]?.[1]) >= TOOL_CALLS) break;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 120_000);

  afterAll(async () => {
    await mock?.close();
    await collector?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('gets no command from Claude Code, each command and exit code from the hooks, and the same signals', async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mock.remaining()).toBe(0);
    const telemetry = await collector.store.query(
      "SELECT count(*), count(command) FROM events WHERE event_name = 'tool_result'",
    );
    expect(telemetry.rows[0]?.map(Number)).toEqual([TOOL_CALLS, 0]);
    const hooks = await collector.store.query(
      'SELECT command, exit_code <> 0, validation_kind, member FROM tool_outcomes ORDER BY ts, tool_use_id',
    );
    expect(hooks.rows).toEqual([
      ['npm test', true, 'test', 'dana'],
      ['npm test', true, 'test', 'dana'],
      ['make test', true, 'test', 'dana'],
      ['vale chapters/', true, 'lint', 'dana'],
      ['markdownlint chapters/', true, 'lint', 'dana'],
      ['echo ok', false, null, 'dana'],
    ]);
    const [s] = await computeSessionSignals(collector.store, {});
    expect(s!.values).toMatchObject({ validation_failures: 5, validation_reruns: 1 });
    expect(s!.flags.validation_failures).toBe(true);
    const t = await testSignal(collector.store, 'validation_failures', s!.session_id);
    expect(t.events.map((e) => e.command)).toEqual(FAILING_VALIDATIONS);
  });
});
