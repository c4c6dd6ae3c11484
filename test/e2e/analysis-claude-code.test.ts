/**
 * Detector truth on a session of the real Claude Code CLI (pinned 2.1.328) against the mock Messages
 * API, scripted to fail validations the way an author's session does: `npm test` twice in one prompt
 * (no package.json: a failure, then a re-run), `make test` (no Makefile), `vale` and `markdownlint`
 * (not installed), then `echo ok` (passes, not a validation). With OTEL_LOG_TOOL_DETAILS=1 the
 * collector sees each command; the signals must count exactly the five failing validations and the one
 * re-run, and flag the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSessionSignals } from '../../src/analysis/signals/session-signals.js';
import { testSignal } from '../../src/analysis/signals/signal-service.js';
import { runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import { startTestCollector, type TestCollector } from '../support/collector-fixture.js';
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
    expect(t.events.map((e) => e.command)).toEqual([
      'npm test',
      'npm test',
      'make test',
      'vale chapters/',
      'markdownlint chapters/',
    ]);
    expect(t.events.map((e) => e.validation_kind)).toEqual(['test', 'test', 'test', 'lint', 'lint']);
  });
});
