/**
 * End to end with the real Claude Code CLI (pinned 2.1.328): once per OTLP protocol, a scripted session
 * against the mock Messages API (a passing Bash call, a failing Bash call, a 529 answered by a retry,
 * then text) exports logs, metrics and traces to an in-process collector. The store must match the
 * mock's ground truth: one api_request per successful response (by request_id), one tool_result per
 * tool call with its outcome, the exact token usage, cost and token metrics equal to the events, spans
 * and metric points for the same session, and nothing stored twice.
 * Observed in 2.1.328: a 529 is retried ~0.6 s later and, once the retry succeeds, yields no api_error
 * event; the llm_request span of that call has attempt 2 and one gen_ai.request.attempt event per try.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryService } from '../../src/query/query-service.js';
import type { CellValue } from '../../src/store/store.js';
import { runClaude, type ClaudeRunResult, type OtlpProtocol } from '../support/claude-runner.js';
import { startTestCollector, type TestCollector } from '../support/collector-fixture.js';
import { startMockAnthropic, type MockAnthropic, type ScriptStep } from '../support/mock-anthropic.js';

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const PASSING = { command: 'echo ok', description: 'Print ok' };
const FAILING = { command: 'exit 3', description: 'Fail on purpose' };
const SCRIPT: readonly ScriptStep[] = [
  { kind: 'tool_use', name: 'Bash', input: PASSING },
  { kind: 'tool_use', name: 'Bash', input: FAILING },
  { kind: 'error', status: 529, type: 'overloaded_error' },
  { kind: 'text', text: 'Done.' },
];
const RUN_TIMEOUT_MS = 120_000;
/** Per-test options: the tests only query the store; the CLI runs in beforeAll. */
const T = { timeout: 30_000 };
const SETTLE_MS = 15_000;

type Row = Record<string, CellValue>;

async function select(collector: TestCollector, sql: string, params: CellValue[] = []): Promise<Row[]> {
  const { columns, rows } = await collector.store.query(sql, params);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])));
}

async function scalar(collector: TestCollector, sql: string, params: CellValue[] = []): Promise<CellValue> {
  const [row] = await select(collector, sql, params);
  return row === undefined ? null : (Object.values(row)[0] ?? null);
}

const num = (v: CellValue): number => {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${JSON.stringify(v)}`);
  return v;
};

/** The attempt numbers of a span's gen_ai.request.attempt events (JSON [{time_us, name, attributes}]). */
function attemptsOf(events: CellValue | undefined): unknown[] {
  const parsed: unknown = JSON.parse(String(events));
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((e: { name?: unknown }) => e.name === 'gen_ai.request.attempt')
    .map((e: { attributes?: { attempt?: unknown } }) => e.attributes?.attempt);
}

const sumOf = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** Bounded wait until the store holds what the mock says happened; the assertions then judge it. */
async function settle(collector: TestCollector, mock: MockAnthropic): Promise<void> {
  const toolCalls = mock.served.filter((s) => s.toolUseId !== null).length;
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    await collector.drained();
    const [row] = await select(
      collector,
      `SELECT (SELECT count(*) FROM events WHERE event_name = 'api_request') AS api,
              (SELECT count(*) FROM events WHERE event_name = 'tool_result') AS tools,
              (SELECT count(*) FROM spans WHERE name = 'claude_code.llm_request') AS llm,
              (SELECT count(*) FROM metric_points WHERE name = 'claude_code.cost.usage') AS cost`,
    );
    const done =
      row !== undefined &&
      num(row.api ?? null) >= mock.served.length &&
      num(row.tools ?? null) >= toolCalls &&
      num(row.llm ?? null) >= mock.served.length &&
      num(row.cost ?? null) > 0;
    if (done || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(PROTOCOLS)('real Claude Code CLI exporting over %s', (protocol) => {
  let collector: TestCollector;
  let mock: MockAnthropic;
  let run: ClaudeRunResult;
  let session: string;

  beforeAll(async () => {
    collector = await startTestCollector();
    mock = await startMockAnthropic();
    mock.script([...SCRIPT]);
    run = await runClaude({
      prompt: 'Run `echo ok`, then `exit 3`, then say Done.',
      anthropicUrl: mock.url,
      protocol,
      otlpEndpoint: protocol === 'grpc' ? `http://127.0.0.1:${collector.grpcPort}` : collector.httpUrl,
    });
    await settle(collector, mock);
    const sessions = await select(collector, `SELECT DISTINCT session_id FROM events`);
    session = String(sessions[0]?.session_id ?? '');
  }, RUN_TIMEOUT_MS);

  afterAll(async () => {
    await mock?.close();
    await collector?.dispose();
  });

  const servedIds = (): string[] => mock.served.map((s) => s.requestId).sort();
  const toolUseIds = (): (string | null)[] =>
    mock.served
      .filter((s) => s.toolUseId !== null)
      .map((s) => s.toolUseId)
      .sort();

  it('runs the whole scripted session', T, () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('Done.');
    expect(mock.remaining()).toBe(0);
    expect(mock.served.filter((s) => s.scripted).map((s) => s.kind)).toEqual([
      'tool_use',
      'tool_use',
      'text',
    ]);
    expect(mock.errors.map((e) => e.status)).toEqual([529]);
  });

  it('stores every event under one session id', T, async () => {
    const sessions = await select(collector, `SELECT DISTINCT session_id FROM events`);
    expect(sessions).toEqual([{ session_id: session }]);
    expect(session).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stores exactly one api_request per successful response', T, async () => {
    const rows = await select(
      collector,
      `SELECT request_id FROM events WHERE event_name = 'api_request' AND session_id = $1 ORDER BY request_id`,
      [session],
    );
    expect(rows.map((r) => r.request_id)).toEqual(servedIds());
    expect(await scalar(collector, `SELECT count(*) FROM events WHERE event_name = 'api_request'`)).toBe(
      mock.served.length,
    );
  });

  it('stores one tool_result per tool call, with its outcome', T, async () => {
    const expected = mock.served
      .filter((s) => s.toolUseId !== null)
      .map((s) => {
        const passing = s.toolInput?.command === PASSING.command;
        return {
          tool_use_id: s.toolUseId,
          tool_name: s.toolName,
          success: passing,
          error_type: passing ? null : 'ShellError',
        };
      })
      .sort((a, b) => String(a.tool_use_id).localeCompare(String(b.tool_use_id)));
    const rows = await select(
      collector,
      `SELECT tool_use_id, tool_name, success, error_type FROM events
       WHERE event_name = 'tool_result' AND session_id = $1 ORDER BY tool_use_id`,
      [session],
    );
    expect(expected.map((e) => e.success)).toEqual([true, false]);
    expect(rows).toEqual(expected);
  });

  it('stores the token usage the mock sent, per request and in sum', T, async () => {
    const rows = await select(
      collector,
      `SELECT request_id, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens FROM events
       WHERE event_name = 'api_request' AND session_id = $1 ORDER BY request_id`,
      [session],
    );
    const expected = [...mock.served]
      .sort((a, b) => a.requestId.localeCompare(b.requestId))
      .map(({ requestId, usage }) => ({
        request_id: requestId,
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
        cache_read_tokens: usage.cache_read_input_tokens,
        cache_creation_tokens: usage.cache_creation_input_tokens,
      }));
    expect(rows).toEqual(expected);
    const [sums] = await select(
      collector,
      `SELECT sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cache_read,
              sum(cache_creation_tokens) AS cache_creation
       FROM events WHERE event_name = 'api_request' AND session_id = $1`,
      [session],
    );
    expect(sums).toEqual({
      input: sumOf(mock.served.map((s) => s.usage.input_tokens)),
      output: sumOf(mock.served.map((s) => s.usage.output_tokens)),
      cache_read: sumOf(mock.served.map((s) => s.usage.cache_read_input_tokens)),
      cache_creation: sumOf(mock.served.map((s) => s.usage.cache_creation_input_tokens)),
    });
  });

  it('has cost and token metrics that add up to the events', T, async () => {
    const eventCost = num(
      await scalar(
        collector,
        `SELECT sum(cost_usd) FROM events WHERE event_name = 'api_request' AND session_id = $1`,
        [session],
      ),
    );
    const metricCost = num(
      await scalar(
        collector,
        `SELECT sum(increment) FROM metric_increments WHERE name = 'claude_code.cost.usage' AND session_id = $1`,
        [session],
      ),
    );
    expect(eventCost).toBeGreaterThan(0);
    expect(Math.abs(metricCost - eventCost)).toBeLessThan(1e-9);

    const tokens = await select(
      collector,
      `SELECT type, sum(increment) AS total FROM metric_increments
       WHERE name = 'claude_code.token.usage' AND session_id = $1 GROUP BY type ORDER BY type`,
      [session],
    );
    const usage = mock.served.map((s) => s.usage);
    expect(tokens).toEqual([
      { type: 'cacheCreation', total: sumOf(usage.map((u) => u.cache_creation_input_tokens)) },
      { type: 'cacheRead', total: sumOf(usage.map((u) => u.cache_read_input_tokens)) },
      { type: 'input', total: sumOf(usage.map((u) => u.input_tokens)) },
      { type: 'output', total: sumOf(usage.map((u) => u.output_tokens)) },
    ]);
  });

  it('stores spans: an interaction, one llm_request and one tool span per call', T, async () => {
    const rows = await select(
      collector,
      `SELECT name, count(*) AS n FROM spans WHERE session_id = $1 GROUP BY name ORDER BY name`,
      [session],
    );
    const counts = Object.fromEntries(rows.map((r) => [String(r.name), r.n]));
    expect(counts['claude_code.interaction']).toBe(1);
    expect(counts['claude_code.llm_request']).toBe(mock.served.length);
    expect(counts['claude_code.tool']).toBe(mock.served.filter((s) => s.toolUseId !== null).length);
    const llm = await select(
      collector,
      `SELECT json_extract_string(attributes, '$.request_id') AS request_id FROM spans
       WHERE name = 'claude_code.llm_request' AND session_id = $1 ORDER BY request_id`,
      [session],
    );
    expect(llm.map((r) => r.request_id)).toEqual(servedIds());
    const tools = await select(
      collector,
      `SELECT json_extract_string(attributes, '$.tool_use_id') AS id FROM spans
         WHERE name = 'claude_code.tool' AND session_id = $1 ORDER BY id`,
      [session],
    );
    expect(tools.map((r) => r.id)).toEqual(toolUseIds());
  });

  it('stores metric points for the session, with one session start', T, async () => {
    const points = num(
      await scalar(collector, `SELECT count(*) FROM metric_points WHERE session_id = $1`, [session]),
    );
    expect(points).toBeGreaterThan(0);
    const starts = await scalar(
      collector,
      `SELECT sum(increment) FROM metric_increments WHERE name = 'claude_code.session.count' AND session_id = $1`,
      [session],
    );
    expect(starts).toBe(1);
  });

  it('records the 529 that a retry answered as one successful call', T, async () => {
    const [error] = mock.errors;
    const retried = mock.served.find((s) => s.afterError !== null);
    expect(error?.status).toBe(529);
    expect(retried?.afterError).toBe(error?.requestId);
    const failures = await select(
      collector,
      `SELECT event_name FROM events WHERE event_name IN ('api_error', 'api_retries_exhausted')`,
    );
    expect(failures).toEqual([]);
    const mentions = await scalar(
      collector,
      `SELECT count(*) FROM events WHERE request_id = $1 OR CAST(attributes AS VARCHAR) LIKE '%' || $1 || '%'`,
      [error?.requestId ?? null],
    );
    expect(mentions).toBe(0);
    const stored = await select(
      collector,
      `SELECT event_name FROM events WHERE request_id = $1 AND event_name = 'api_request'`,
      [retried?.requestId ?? null],
    );
    expect(stored).toHaveLength(1);
    const spans = await select(
      collector,
      `SELECT status_code, json_extract(attributes, '$.attempt')::INTEGER AS attempt, events
       FROM spans WHERE name = 'claude_code.llm_request' AND json_extract_string(attributes, '$.request_id') = $1`,
      [retried?.requestId ?? null],
    );
    expect(
      spans.map(({ status_code, attempt, events }) => ({
        status_code,
        attempt,
        tries: attemptsOf(events),
      })),
    ).toEqual([{ status_code: 0, attempt: 2, tries: [1, 2] }]);
  });

  it(
    'traces the session: every request and tool call of the ground truth, in order, under its prompt',
    T,
    async () => {
      const trace = await new QueryService(collector.store).trace(session.slice(0, 8));
      expect(trace.session_id).toBe(session);
      const prompts = trace.prompts.filter((p) => p.prompt_id !== null);
      expect(prompts).toHaveLength(1);
      const steps = prompts[0]?.steps ?? [];
      const inOrder = (name: string, key: string): unknown[] =>
        steps.filter((s) => s.event_name === name).map((s) => s.record[key]);
      // The mock served these in this order; the trace must show them in the same order.
      expect(inOrder('api_request', 'request_id')).toEqual(mock.served.map((s) => s.requestId));
      expect(inOrder('tool_result', 'tool_use_id')).toEqual(
        mock.served.filter((s) => s.toolUseId).map((s) => s.toolUseId),
      );
      expect(inOrder('tool_result', 'success')).toEqual([true, false]);
      expect(steps[0]?.event_name).toBe('user_prompt');
      expect(prompts[0]?.totals.api_requests).toBe(mock.served.length);
      expect(prompts[0]?.totals.tool_failures).toBe(1);
      const tokens = mock.served.reduce((a, s) => a + s.usage.output_tokens, 0);
      expect(trace.totals.output_tokens).toBe(tokens);
      const cost = await scalar(
        collector,
        `SELECT sum(cost_usd) FROM events WHERE event_name = 'api_request'`,
      );
      expect(trace.totals.cost_usd).toBeCloseTo(num(cost), 6);
    },
  );

  it('stores nothing twice', T, async () => {
    for (const table of ['events', 'spans', 'metric_points']) {
      const [row] = await select(
        collector,
        `SELECT count(*) AS n, count(DISTINCT key) AS keys FROM ${table}`,
      );
      expect(num(row?.n ?? null)).toBeGreaterThan(0);
      expect(row?.keys, table).toBe(row?.n);
    }
    // One process: event.sequence counts every event from 0, so a re-sent record would repeat a number.
    const [seq] = await select(
      collector,
      `SELECT count(*) AS n, count(DISTINCT event_sequence) AS distinct_seq, min(event_sequence) AS lo,
              max(event_sequence) AS hi FROM events WHERE session_id = $1`,
      [session],
    );
    expect(seq?.distinct_seq).toBe(seq?.n);
    expect(seq?.lo).toBe(0);
    expect(seq?.hi).toBe(num(seq?.n ?? null) - 1);
  });
});
