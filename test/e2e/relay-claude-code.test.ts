/**
 * The real Claude Code CLI (pinned 2.1.328) exporting through the relay while the collector is out:
 * one session while its port is closed (over http/protobuf), one while it answers 503 with Retry-After
 * (over gRPC); then the collector comes back. Every event of both sessions must be stored exactly
 * once, under the member the relay's token names, and the mock's ground truth (request ids, tool use
 * ids) must all be there. How long Claude Code's runs take is measured in bench/relay-overhead.ts.
 */
import http from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/store/store.js';
import { runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import { addMember, startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';
import {
  startMockAnthropic,
  type MockAnthropic,
  type ScriptStep,
  type ServedResponse,
} from '../support/mock-anthropic.js';
import { freePort, startTestRelay, type TestRelay } from '../support/relay-fixture.js';

const SCRIPT: readonly ScriptStep[] = [
  { kind: 'tool_use', name: 'Bash', input: { command: 'echo ok', description: 'Print ok' } },
  { kind: 'tool_use', name: 'Bash', input: { command: 'exit 3', description: 'Fail on purpose' } },
  { kind: 'text', text: 'Done.' },
];
const T = { timeout: 30_000 };

type Row = Record<string, CellValue>;

describe('real Claude Code CLI through the relay while the collector is out', () => {
  const collectorDir = tempDir('relay-cc-collector-');
  let port: number;
  let token: string;
  let relay: TestRelay;
  let mock: MockAnthropic;
  let collector: TestCollector;
  const runs: { phase: string; run: ClaudeRunResult; served: ServedResponse[] }[] = [];

  const select = async (sql: string, params: CellValue[] = []): Promise<Row[]> => {
    const { columns, rows } = await collector.store.query(sql, params);
    return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])));
  };

  async function session(phase: string, protocol: 'http/protobuf' | 'grpc'): Promise<void> {
    mock.script([...SCRIPT]);
    const run = await runClaude({
      prompt: 'Run `echo ok`, then `exit 3`, then say Done.',
      anthropicUrl: mock.url,
      protocol,
      otlpEndpoint: protocol === 'grpc' ? `http://127.0.0.1:${relay.grpcPort}` : relay.httpUrl,
    });
    runs.push({ phase, run, served: [...mock.served] });
  }

  beforeAll(async () => {
    // A collector that requires tokens: create the member, then stop it until the outage is over.
    const first = await startTestCollector({ dataDir: collectorDir, auth: { requireToken: 'always' } });
    token = await addMember(first, 'traveller');
    await first.close();

    port = await freePort();
    relay = await startTestRelay(`http://127.0.0.1:${port}`, { token });
    mock = await startMockAnthropic();

    await session('port closed', 'http/protobuf');

    const unavailable = http.createServer((req, r) => {
      req.resume();
      req.on('end', () => r.writeHead(503, { 'retry-after': '1' }).end());
    });
    await new Promise<void>((resolve) => unavailable.listen(port, '127.0.0.1', resolve));
    await session('503', 'grpc');
    unavailable.closeAllConnections();
    await new Promise<void>((resolve) => unavailable.close(() => resolve()));

    collector = await startTestCollector({ dataDir: collectorDir, port, auth: { requireToken: 'always' } });
    await relay.flushed(60_000);
    await collector.drained();
  }, 240_000);

  afterAll(async () => {
    await relay?.dispose();
    await mock?.close();
    await collector?.close();
    rmSync(collectorDir, { recursive: true, force: true });
  });

  it('ran both sessions normally while the collector was out', T, () => {
    expect(runs.map((r) => [r.phase, r.run.exitCode, r.run.stdout.trim()])).toEqual([
      ['port closed', 0, 'Done.'],
      ['503', 0, 'Done.'],
    ]);
  });

  it('the relay buffered, then delivered everything and dropped nothing', T, () => {
    const s = relay.status();
    expect(s.buffered.batches).toBe(0);
    expect(s.dropped.batches).toBe(0);
    expect(s.sent.batches).toBeGreaterThan(0);
    expect(s.health?.reachable).toBe(true);
  });

  it('stores every API request and tool result of both sessions, under the token’s member', T, async () => {
    const served = runs.flatMap((r) => r.served);
    const api = await select(
      `SELECT request_id, member FROM events WHERE event_name = 'api_request' ORDER BY request_id`,
    );
    expect(api.map((r) => r.request_id)).toEqual(served.map((s) => s.requestId).sort());
    expect(new Set(api.map((r) => r.member))).toEqual(new Set(['traveller']));
    const tools = await select(
      `SELECT tool_use_id FROM events WHERE event_name = 'tool_result' ORDER BY tool_use_id`,
    );
    expect(tools.map((r) => r.tool_use_id)).toEqual(
      served
        .map((s) => s.toolUseId)
        .filter((id) => id !== null)
        .sort(),
    );
    const sessions = await select(`SELECT DISTINCT session_id FROM events WHERE event_name = 'user_prompt'`);
    expect(sessions).toHaveLength(2);
  });

  it('stores each event, span and metric point exactly once', T, async () => {
    const [events] = await select(
      `SELECT count(*) AS n, count(DISTINCT (session_id, event_sequence)) AS distinct_n FROM events`,
    );
    expect(events?.n).toBe(events?.distinct_n);
    const [spans] = await select(`SELECT count(*) AS n, count(DISTINCT span_id) AS distinct_n FROM spans`);
    expect(spans?.n).toBe(spans?.distinct_n);
    expect(Number(spans?.n)).toBeGreaterThan(0);
    const [cost] = await select(
      `SELECT (SELECT sum(cost_usd) FROM events WHERE event_name = 'api_request') AS events,
              (SELECT sum(value) FROM metric_points WHERE name = 'claude_code.cost.usage') AS metrics`,
    );
    expect(Number(cost?.metrics)).toBeCloseTo(Number(cost?.events), 9);
  });
});
