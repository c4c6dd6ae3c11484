/**
 * `unsilo import transcripts` on transcripts the real Claude Code CLI wrote (pinned 2.1.328, temporary
 * HOME): a session whose telemetry never reached the collector is backfilled (its API requests, tool
 * results and prompt all there, cost estimated and marked so); importing again adds nothing, also when
 * the import's own record of what it sent is gone; a session whose telemetry did arrive is not doubled
 * (totals unchanged), and what telemetry lost is filled in.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CellValue } from '../../src/store/store.js';
import { runClaude, type ClaudeRunResult } from '../support/claude-runner.js';
import {
  addMember,
  BIN,
  startTestCollector,
  tempDir,
  type TestCollector,
} from '../support/collector-fixture.js';
import {
  startMockAnthropic,
  type MockAnthropic,
  type ScriptStep,
  type ServedResponse,
} from '../support/mock-anthropic.js';

const SCRIPT: ScriptStep[] = [
  { kind: 'tool_use', name: 'Bash', input: { command: 'echo ok', description: 'Print ok' } },
  { kind: 'tool_use', name: 'Bash', input: { command: 'exit 3', description: 'Fail on purpose' } },
  { kind: 'text', text: 'Done.' },
];
const T = { timeout: 60_000 };

type Row = Record<string, CellValue>;

describe('unsilo import transcripts with the real Claude Code CLI', () => {
  const home = tempDir('import-home-');
  const cwd = path.join(home, 'repo');
  const stateFile = path.join(home, '.config', 'unsilo', 'import-state.json');
  let c: TestCollector;
  let mock: MockAnthropic;
  let token: string;
  const runs: { run: ClaudeRunResult; served: ServedResponse[]; session: string }[] = [];

  const select = async (sql: string, params: CellValue[] = []): Promise<Row[]> => {
    const { columns, rows } = await c.store.query(sql, params);
    return rows.map((r) => Object.fromEntries(columns.map((k, i) => [k, r[i] ?? null])));
  };

  const importTranscripts = (): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'import', 'transcripts', '--server', c.httpUrl, '--token', token],
        { env: { PATH: process.env.PATH ?? '', HOME: home }, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  /** Runs a session; with `telemetry`, it exports to the collector (with the member's token). */
  async function session(telemetry: boolean): Promise<void> {
    mock.script([...SCRIPT]);
    const otel = {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: c.httpUrl,
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${token}`,
      OTEL_LOGS_EXPORT_INTERVAL: '500',
    };
    const run = await runClaude({
      telemetry: 'settings',
      home,
      cwd,
      prompt: 'Run `echo ok`, then `exit 3`, then say Done.',
      anthropicUrl: mock.url,
      extraEnv: telemetry ? otel : {},
    });
    const before = new Set(runs.map((r) => r.session));
    const dir = path.join(home, '.claude', 'projects');
    const files = execFileSync('find', [dir, '-name', '*.jsonl', '-path', '*repo*'])
      .toString()
      .trim()
      .split('\n');
    const session = files.map((f) => path.basename(f, '.jsonl')).find((s) => !before.has(s)) ?? '';
    runs.push({ run, served: [...mock.served], session });
  }

  const countOf = async (sql: string, params: CellValue[]): Promise<number> =>
    Number((await select(sql, params))[0]?.n);

  /** The session's rows of each kind, and how many distinct shared ids they have. */
  const totals = (s: string): Promise<Row[]> =>
    select(
      `SELECT event_name, count(*) AS n, count(DISTINCT coalesce(request_id, '') || coalesce(tool_use_id, '') || coalesce(json_extract_string(attributes, '$."message.uuid"'), '')) AS ids,
              sum(input_tokens) AS input, sum(output_tokens) AS output, round(sum(cost_usd), 9) AS cost
       FROM events WHERE session_id = $1 AND event_name IN ('api_request', 'tool_result', 'user_prompt', 'assistant_response')
       GROUP BY 1 ORDER BY 1`,
      [s],
    );

  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    token = await addMember(c, 'erin');
    mkdirSync(cwd, { recursive: true });
    execFileSync('git', ['init', '-q', '-b', '017-usage-data'], { cwd });
    mock = await startMockAnthropic();
    await session(false);
  }, 120_000);

  afterAll(async () => {
    await mock?.close();
    await c?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it(
    'backfills a session the collector never heard of: every API request, tool result and the prompt',
    T,
    async () => {
      const [a] = runs;
      expect(a?.run.exitCode, a?.run.stderr).toBe(0);
      expect(
        await countOf('SELECT count(*) AS n FROM events WHERE session_id = $1', [a?.session ?? '']),
      ).toBe(0);
      const r = await importTranscripts();
      expect(r.code, r.stderr).toBe(0);
      await c.drained();
      const api = await select(
        `SELECT request_id, member, cost_usd, input_tokens, feature,
              json_extract(attributes, '$."unsilo.cost_estimated"') AS estimated
       FROM events WHERE session_id = $1 AND event_name = 'api_request' ORDER BY request_id`,
        [a?.session ?? ''],
      );
      const served = [...(a?.served ?? [])].sort((x, y) => x.requestId.localeCompare(y.requestId));
      expect(api.map((x) => [x.request_id, x.input_tokens])).toEqual(
        served.map((s) => [s.requestId, s.usage.input_tokens]),
      );
      expect(
        api.every((x) => x.member === 'erin' && x.feature === '017' && String(x.estimated) === 'true'),
      ).toBe(true);
      expect(api.every((x) => Number(x.cost_usd) > 0)).toBe(true);
      const tools = await select(
        `SELECT tool_use_id, success FROM events WHERE session_id = $1 AND event_name = 'tool_result' ORDER BY tool_use_id`,
        [a?.session ?? ''],
      );
      expect(tools).toEqual(
        served
          .filter((s) => s.toolUseId)
          .map((s) => ({ tool_use_id: s.toolUseId, success: s.toolInput?.command === 'echo ok' })),
      );
      const prompts = await select(
        `SELECT json_extract_string(attributes, '$.prompt') AS prompt FROM events WHERE session_id = $1 AND event_name = 'user_prompt'`,
        [a?.session ?? ''],
      );
      expect(prompts).toEqual([{ prompt: '<REDACTED>' }]);
    },
  );

  it('adds nothing when run again, also after its record of what it sent is gone', T, async () => {
    const s = runs[0]?.session ?? '';
    const before = await totals(s);
    const again = await importTranscripts();
    expect(again.stdout).toMatch(/sent 0 events .*1 transcripts unchanged since the last import/);
    rmSync(stateFile);
    const resent = await importTranscripts();
    expect(resent.stdout).toMatch(/^sent [1-9]\d* events/);
    await c.drained();
    expect(await totals(s)).toEqual(before);
  });

  it(
    'doubles nothing for a session whose telemetry arrived, and fills in what telemetry lost',
    T,
    async () => {
      await session(true);
      const b = runs[1];
      expect(b?.run.exitCode, b?.run.stderr).toBe(0);
      const ids = b?.served.map((s) => s.requestId) ?? [];
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        await c.drained();
        const n = await countOf(
          `SELECT count(*) AS n FROM events WHERE session_id = $1 AND event_name = 'api_request'`,
          [b?.session ?? ''],
        );
        if (n >= ids.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const telemetry = await totals(b?.session ?? '');
      expect(telemetry.find((r) => r.event_name === 'api_request')?.n).toBe(ids.length);
      const all = await countOf('SELECT count(*) AS n FROM events WHERE session_id = $1', [b?.session ?? '']);

      const r = await importTranscripts();
      expect(r.code, r.stderr).toBe(0);
      await c.drained();
      expect(await totals(b?.session ?? '')).toEqual(telemetry);
      expect(
        await countOf('SELECT count(*) AS n FROM events WHERE session_id = $1', [b?.session ?? '']),
      ).toBe(all);
      expect(
        await countOf(
          `SELECT count(*) AS n FROM events WHERE session_id = $1 AND json_extract_string(attributes, '$."unsilo.source"') = 'transcript'`,
          [b?.session ?? ''],
        ),
      ).toBe(0);

      // Telemetry that never arrived (here: the tool results, taken out of the store) is filled in, once.
      await c.store.query(`DELETE FROM events WHERE session_id = $1 AND event_name = 'tool_result'`, [
        b?.session ?? '',
      ]);
      rmSync(stateFile);
      await importTranscripts();
      await c.drained();
      const filled = await totals(b?.session ?? '');
      expect(filled.find((x) => x.event_name === 'tool_result')).toMatchObject({ n: 2, ids: 2 });
      expect(filled.filter((x) => x.event_name !== 'tool_result')).toEqual(
        telemetry.filter((x) => x.event_name !== 'tool_result'),
      );
    },
  );
});
