/**
 * The query HTTP API and the CLI commands built on it (query, sessions, trace, report), on the fixed
 * team data set: through a running collector, and straight from the DuckDB file once it has stopped.
 * Errors say what was wrong: 400 for a bad parameter, 404 for an unknown template or session.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_EVENTS } from '../fixtures/team-dataset.js';
import { BIN, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const run = promisify(execFile);

async function unsilo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('query API and CLI', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector();
    await c.store.write({ events: TEAM_EVENTS, spans: [], metrics: [] });
  });
  afterAll(async () => {
    await c?.dispose();
  });

  const get = async (path: string): Promise<{ status: number; body: unknown; type: string }> => {
    const res = await fetch(`${c.httpUrl}${path}`);
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, body: type.includes('json') ? await res.json() : await res.text() };
  };

  it('GET /api/queries lists the templates with what they take', async () => {
    const r = await get('/api/queries');
    const list = r.body as { name: string; filters: string[]; options: { name: string }[] }[];
    expect(list.map((t) => t.name)).toContain('validation-failures');
    expect(list.find((t) => t.name === 'failing-sessions')?.options.map((o) => o.name)).toEqual([
      'min-failures',
    ]);
  });

  it('GET /api/queries/:name runs a template with bound filters', async () => {
    const r = await get('/api/queries/cost-by-member?since=2026-11-03');
    expect(r.status).toBe(200);
    const body = r.body as { columns: string[]; rows: unknown[][] };
    expect(body.rows.map((row) => [row[0], row[1]])).toEqual([
      ['bob', 0.2],
      ['alice', 0.05],
    ]);
  });

  it('answers 400 for a bad parameter and 404 for an unknown template, saying what was wrong', async () => {
    expect(await get('/api/queries/cost-by-member?member=zoe')).toMatchObject({
      status: 400,
      body: { error: 'unknown member "zoe"; known: alice, bob' },
    });
    const date = await get('/api/queries/cost-by-day?since=last-tuesday');
    expect(date.status).toBe(400);
    expect((date.body as { error: string }).error).toMatch(/--since "last-tuesday" is not a date/);
    expect((await get('/api/queries/cost-by-everything')).status).toBe(404);
    expect((await get('/api/queries/sessions?min-failures=2')).status).toBe(400);
  });

  it('GET /api/sessions and /api/sessions/:id/trace', async () => {
    const sessions = (await get('/api/sessions')).body as { rows: unknown[][] };
    expect(sessions.rows.map((r) => r[0])).toEqual(['s3', 's2', 's1']);
    const trace = (await get('/api/sessions/s1/trace')).body as {
      totals: { api_requests: number; tool_failures: number; cost_usd: number };
      prompts: { steps: { event_name: string }[] }[];
    };
    expect(trace.totals).toMatchObject({ api_requests: 2, tool_failures: 4, cost_usd: 0.6 });
    expect(trace.prompts[0]?.steps.map((s) => s.event_name).slice(0, 3)).toEqual([
      'user_prompt',
      'api_request',
      'tool_result',
    ]);
    expect((await get('/api/sessions/s/trace')).body).toEqual({
      error: expect.stringMatching(/ambiguous: s1, s2, s3/),
    });
    expect((await get('/api/sessions/zzz/trace')).status).toBe(404);
  });

  it('GET /api/reports/monthly: totals that match the templates, in JSON, Markdown, CSV and HTML', async () => {
    const report = (await get('/api/reports/monthly?month=2026-11')).body as {
      totals: { cost_usd: number; sessions: number; api_error_rate: number; validation_failure_rate: number };
      sections: { key: string; rows: unknown[][] }[];
    };
    const total = (
      (await get('/api/queries/cost-total?since=2026-11-01&until=2026-11-30')).body as { rows: number[][] }
    ).rows[0];
    expect(report.totals.cost_usd).toBe(total?.[0]);
    expect(report.totals).toMatchObject({
      cost_usd: 0.85,
      sessions: 3,
      api_error_rate: 0.3333,
      validation_failure_rate: 0.7143,
    });
    const byMember = (
      (await get('/api/queries/cost-by-member?since=2026-11-01&until=2026-11-30')).body as {
        rows: unknown[][];
      }
    ).rows;
    expect(report.sections.find((s) => s.key === 'by_member')?.rows).toEqual(byMember);
    expect(report.sections.find((s) => s.key === 'by_day')?.rows).toHaveLength(30);
    const md = await get('/api/reports/monthly?month=2026-11&format=md');
    expect(md.type).toContain('text/markdown');
    expect(md.body).toMatch(/\| total spend \| \$0\.85 \|/);
    expect((await get('/api/reports/monthly?month=2026-11&format=csv')).body).toMatch(
      /^# by_member\nmember,cost_usd/m,
    );
    expect((await get('/api/reports/monthly?month=2026-11&format=html')).type).toContain('text/html');
    expect((await get('/api/reports/monthly?month=November')).status).toBe(400);
  });

  it('the CLI asks the running collector: query, sessions, trace, report', async () => {
    const q = await unsilo('query', 'cost-by-model', '--server', c.httpUrl, '--format', 'json');
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout)).toEqual([
      expect.objectContaining({ model: 'claude-opus-4-1', cost_usd: 0.5, api_requests: 1 }),
      expect.objectContaining({ model: 'claude-sonnet-4-5', cost_usd: 0.35, api_requests: 3 }),
    ]);
    const v = await unsilo(
      'query',
      'validation-failures',
      '--min-failures',
      '0',
      '--server',
      c.httpUrl,
      '--format',
      'csv',
    );
    expect(v.stdout.split('\n').slice(0, 3)).toEqual([
      'session_id,member,validation_failures,validations,test_failures,lint_failures,typecheck_failures,build_failures,started',
      's1,alice,4,5,4,0,0,0,2026-11-02 09:00:00',
      's2,bob,1,1,0,1,0,0,2026-11-03 10:00:00',
    ]);
    const s = await unsilo('sessions', '--member', 'alice', '--server', c.httpUrl, '--format', 'json');
    expect((JSON.parse(s.stdout) as { session_id: string }[]).map((r) => r.session_id)).toEqual(['s3', 's1']);
    const t = await unsilo('trace', 's2', '--server', c.httpUrl);
    expect(t.stdout).toMatch(/session s2/);
    expect(t.stdout).toMatch(/tool_result\s+Bash npm run lint: FAILED ShellError/);
    expect(t.stdout).toMatch(/api_error\s+claude-sonnet-4-5: HTTP 429 on attempt 1: Rate limited/);
    const r = await unsilo('report', 'monthly', '--month', '2026-11', '--server', c.httpUrl);
    expect(r.stdout).toMatch(/# Claude Code usage report: 2026-11/);
    const bad = await unsilo('query', 'cost-by-member', '--member', 'zoe', '--server', c.httpUrl);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown member "zoe"/);
  });

  it('the CLI answers the same from the DuckDB file when no collector runs', async () => {
    const viaServer = await unsilo('query', 'trend-daily', '--server', c.httpUrl, '--format', 'json');
    await c.close();
    const local = await unsilo('query', 'trend-daily', '--data-dir', c.dataDir, '--format', 'json');
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toEqual(JSON.parse(viaServer.stdout));
    const trace = await unsilo('trace', 's1', '--data-dir', c.dataDir, '--format', 'json');
    expect((JSON.parse(trace.stdout) as { totals: { cost_usd: number } }).totals.cost_usd).toBe(0.6);
  });
});
