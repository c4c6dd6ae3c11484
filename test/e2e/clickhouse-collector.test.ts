/**
 * The collector on ClickHouse, end to end (ClickHouse = chDB behind the test endpoint):
 * - two `unsilo serve --store clickhouse` processes on one database, the same OTLP batch sent to both
 *   (a replay through a second collector): stored once, and every read — SQL, templates, trace,
 *   report, and the CLI straight against ClickHouse once both have stopped — counts it once;
 * - ClickHouse going down: the collector keeps acknowledging into its write-ahead log until the
 *   bound, then answers 429; once ClickHouse is back everything acknowledged is stored, once.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DB_FILE } from '../../src/config/data-dir.js';
import { claudeLogs } from '../fixtures/otlp-builders.js';
import { startChdbEndpoint, type ChdbEndpoint } from '../support/chdb-endpoint.js';
import {
  BIN,
  spawnCollector,
  startTestCollector,
  tempDir,
  type SpawnedCollector,
  type TestCollector,
} from '../support/collector-fixture.js';

const run = promisify(execFile);
const database = (): string => `unsilo_e2e_${randomBytes(4).toString('hex')}`;

const SESSION = 'ch-e2e-session';
const EVENTS = claudeLogs(SESSION, [
  { name: 'user_prompt', attrs: { prompt_length: 12, 'prompt.id': 'p1' } },
  {
    name: 'api_request',
    attrs: {
      model: 'claude-sonnet-4-5',
      cost_usd: 0.25,
      input_tokens: 100,
      output_tokens: 20,
      'prompt.id': 'p1',
    },
  },
  { name: 'tool_result', attrs: { tool_name: 'Bash', success: 'true', duration_ms: 40, 'prompt.id': 'p1' } },
  {
    name: 'api_request',
    attrs: {
      model: 'claude-sonnet-4-5',
      cost_usd: 0.5,
      input_tokens: 200,
      output_tokens: 30,
      'prompt.id': 'p1',
    },
  },
  { name: 'tool_result', attrs: { tool_name: 'Bash', success: 'false', duration_ms: 60, 'prompt.id': 'p1' } },
]);

const postLogs = (base: string, body: object): Promise<Response> =>
  fetch(`${base}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function sql(base: string, query: string): Promise<unknown[][]> {
  const res = await fetch(`${base}/api/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query }),
  });
  const body = (await res.json()) as { rows: unknown[][]; error?: string };
  if (res.status !== 200) throw new Error(body.error);
  return body.rows;
}

const metric = async (base: string, line: string): Promise<number> => {
  const text = await (await fetch(`${base}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.split(' ')[1]) : 0;
};

describe('two collectors on one ClickHouse', () => {
  let endpoint: ChdbEndpoint;
  const db = database();
  const dirs = [tempDir('ch-a-'), tempDir('ch-b-')];
  let a: SpawnedCollector;
  let b: SpawnedCollector;
  beforeAll(async () => {
    endpoint = await startChdbEndpoint();
    const args = ['--store', 'clickhouse', '--clickhouse-url', endpoint.url, '--clickhouse-database', db];
    [a, b] = (await Promise.all(dirs.map((d) => spawnCollector(d, args)))) as [
      SpawnedCollector,
      SpawnedCollector,
    ];
  });
  afterAll(async () => {
    for (const c of [a, b]) c?.child.kill('SIGKILL');
    await endpoint?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stores a batch sent to both collectors once, and both read it once', async () => {
    expect((await postLogs(a.httpUrl, EVENTS)).status).toBe(200);
    await vi.waitFor(async () => expect(await sql(a.httpUrl, 'SELECT count() FROM events')).toEqual([[5]]), {
      timeout: 20_000,
      interval: 100,
    });
    expect((await postLogs(b.httpUrl, EVENTS)).status).toBe(200);
    await vi.waitFor(
      async () => expect(await metric(b.httpUrl, 'unsilo_records_duplicate_total{signal="logs"}')).toBe(5),
      { timeout: 20_000, interval: 100 },
    );
    expect(await metric(b.httpUrl, 'unsilo_records_stored_total{signal="logs"}')).toBe(0);
    // It really is ClickHouse: no DuckDB file, and the engine has been answering.
    for (const d of dirs) expect(existsSync(path.join(d, DB_FILE))).toBe(false);
    expect(endpoint.statements).toBeGreaterThan(20);
    for (const c of [a, b]) {
      expect(await sql(c.httpUrl, "SELECT count() FROM events WHERE event_name = 'api_request'")).toEqual([
        [2],
      ]);
      const total = (await (await fetch(`${c.httpUrl}/api/queries/cost-total`)).json()) as {
        rows: unknown[][];
      };
      expect(total.rows[0]?.slice(0, 3)).toEqual([0.75, 2, 300]);
    }
  });

  it('answers the trace and the monthly report from ClickHouse', async () => {
    const trace = (await (await fetch(`${b.httpUrl}/api/sessions/${SESSION}/trace`)).json()) as {
      totals: { api_requests: number; tool_calls: number; tool_failures: number; cost_usd: number };
      prompts: { steps: unknown[] }[];
    };
    expect(trace.totals).toMatchObject({ api_requests: 2, tool_calls: 2, tool_failures: 1, cost_usd: 0.75 });
    expect(trace.prompts.flatMap((p) => p.steps)).toHaveLength(5);
    const report = (await (await fetch(`${a.httpUrl}/api/reports/monthly?month=2026-11`)).json()) as {
      totals: { cost_usd: number; api_requests: number; sessions: number };
    };
    expect(report.totals).toMatchObject({ cost_usd: 0.75, api_requests: 2, sessions: 1 });
  });

  it('lets the CLI read ClickHouse directly once no collector runs', async () => {
    for (const c of [a, b]) {
      c.child.kill('SIGTERM');
      await c.exited;
    }
    const { stdout } = await run(
      process.execPath,
      [BIN, 'query', 'cost-total', '--data-dir', dirs[0] as string, '--format', 'json'],
      {
        env: {
          ...process.env,
          UNSILO_CONFIG: '',
          UNSILO_STORE: 'clickhouse',
          UNSILO_CLICKHOUSE_URL: endpoint.url,
          UNSILO_CLICKHOUSE_DATABASE: db,
        },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject([{ cost_usd: 0.75, api_requests: 2, sessions: 1, members: 1 }]);
  });
});

describe('ClickHouse down: the write-ahead log holds what was acknowledged', () => {
  let endpoint: ChdbEndpoint;
  let c: TestCollector;
  beforeAll(async () => {
    endpoint = await startChdbEndpoint();
    c = await startTestCollector({
      store: { kind: 'clickhouse', clickhouse: { url: endpoint.url, database: database() } },
      wal: { maxPendingBytes: 30_000 },
      writer: { retryMs: 100 },
    });
  });
  afterAll(async () => {
    await endpoint?.resume().catch(() => undefined);
    await c?.dispose();
    await endpoint?.close();
  });

  it('acknowledges until the bound, answers 429, and stores everything acknowledged once ClickHouse is back', async () => {
    expect((await postLogs(c.httpUrl, claudeLogs('before-down', [{ name: 'user_prompt' }]))).status).toBe(
      200,
    );
    await c.drained();
    await endpoint.stop();
    const accepted: string[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const session = `down-${i}`;
      const events = Array.from({ length: 10 }, () => ({ name: 'api_request', attrs: { cost_usd: 0.01 } }));
      const r = await postLogs(c.httpUrl, claudeLogs(session, events));
      if (r.status === 200) accepted.push(session);
      else refused = r;
    }
    expect(accepted.length).toBeGreaterThan(1);
    expect(refused?.status).toBe(429);
    expect((await fetch(`${c.httpUrl}/readyz`)).status).toBe(503);
    expect(await metric(c.httpUrl, 'unsilo_store_errors_total')).toBeGreaterThan(0);
    // Reading while ClickHouse is down: 503 and what to do, not a 500.
    const sql = await fetch(`${c.httpUrl}/api/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: 'SELECT count() FROM events' }),
    });
    expect(sql.status).toBe(503);
    expect(((await sql.json()) as { error: string }).error).toMatch(
      /store is unreachable.*once ClickHouse is back/,
    );
    expect((await fetch(`${c.httpUrl}/api/queries/cost-total`)).status).toBe(503);

    await endpoint.resume();
    await c.drained();
    const r = await c.store.query(
      "SELECT count(), count(DISTINCT session_id) FROM events WHERE startsWith(session_id, 'down-')",
    );
    expect(r.rows).toEqual([[accepted.length * 10, accepted.length]]);
    expect((await fetch(`${c.httpUrl}/readyz`)).status).toBe(200);
  });
});
