/**
 * `runDemo` end to end: the generated team goes through a real in-process collector's OTLP/HTTP
 * endpoint as protobuf and lands whole (every event, span and metric point it reported, once), with
 * events and metrics agreeing on cost. Against stand-in servers: 429 is retried after its
 * Retry-After, any other error and an unreachable collector fail with a message that says so.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, type DemoSummary } from '../../src/demo/run-demo.js';
import type { CellValue } from '../../src/store/store.js';

const run = promisify(execFile);
import { BIN, startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';

/** A Friday evening: the three days before it are weekdays, so every member has sessions. */
const END = new Date('2026-11-27T20:00:00.000Z');
const SMALL = { endDate: END, days: 1, members: 1, seed: 5, sessionsPerMemberPerDay: 3 };

describe('runDemo into a collector', () => {
  let collector: TestCollector;
  let summary: DemoSummary;
  const progress: [number, number | undefined][] = [];

  beforeAll(async () => {
    collector = await startTestCollector();
    summary = await runDemo({
      server: `${collector.httpUrl}/`,
      endDate: END,
      days: 3,
      seed: 3,
      concurrency: 3,
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    await collector.drained();
  });
  afterAll(async () => {
    await collector?.dispose();
  });

  async function one(sql: string): Promise<CellValue> {
    const { rows } = await collector.store.query(sql);
    return rows[0]?.[0] ?? null;
  }

  it('stores exactly the events, spans and metric points it reported', async () => {
    expect(summary.events).toBeGreaterThan(1_000);
    expect(summary.spans).toBeGreaterThan(100);
    expect(summary.points).toBeGreaterThan(100);
    expect(Number(await one('SELECT count(*) FROM events'))).toBe(summary.events);
    expect(Number(await one('SELECT count(*) FROM spans'))).toBe(summary.spans);
    expect(Number(await one('SELECT count(*) FROM metric_points'))).toBe(summary.points);
    expect(Number(await one('SELECT count(DISTINCT session_id) FROM events'))).toBe(summary.sessions);
    expect(progress.at(-1)).toEqual([summary.requests, summary.requests]);
    expect(progress.map(([sent]) => sent)).toEqual(Array.from({ length: summary.requests }, (_, i) => i + 1));
  });

  it('has the five members, attributed to features and chapters', async () => {
    const { rows } = await collector.store.query('SELECT DISTINCT member FROM events ORDER BY member');
    expect(rows.map((r) => r[0])).toEqual(['alice', 'bob', 'carol', 'dan', 'erin']);
    expect(Number(await one('SELECT count(DISTINCT feature) FROM events'))).toBeGreaterThanOrEqual(2);
    expect(Number(await one('SELECT count(DISTINCT chapter) FROM events'))).toBeGreaterThanOrEqual(3);
    expect(
      Number(await one("SELECT count(*) FROM events WHERE event_name = 'tool_result' AND success = false")),
    ).toBeGreaterThan(0);
  });

  it('agrees on cost between api_request events and the cost metric', async () => {
    const events = Number(await one("SELECT sum(cost_usd) FROM events WHERE event_name = 'api_request'"));
    const metrics = Number(
      await one("SELECT sum(increment) FROM metric_increments WHERE name = 'claude_code.cost.usage'"),
    );
    expect(events).toBeGreaterThan(1);
    expect(Math.abs(events - metrics)).toBeLessThan(1e-6);
  });
});

describe('runDemo against servers that refuse', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => handler(req, res));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('retries a 429 after its Retry-After', async () => {
    let calls = 0;
    const paths = new Set<string>();
    const url = await serve((req, res) => {
      calls++;
      paths.add(req.url ?? '');
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/x-protobuf' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
    const started = Date.now();
    const result = await runDemo({ ...SMALL, server: url, concurrency: 1 });
    expect(result.requests).toBeGreaterThan(1);
    expect(calls).toBe(result.requests + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(paths).toEqual(new Set(['/v1/logs', '/v1/metrics', '/v1/traces']));
  });

  it('fails with the status and the collector message on another error', async () => {
    const url = await serve((_req, res) => {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 3, message: 'bad batch' }));
    });
    await expect(runDemo({ ...SMALL, server: url })).rejects.toThrow(
      /answered 400 to POST .*\/v1\/\w+: bad batch/,
    );
  });

  it('fails with a clear message when the collector is unreachable', async () => {
    const url = await serve(() => undefined);
    const closing = servers.pop();
    await new Promise((resolve) => closing?.close(resolve));
    await expect(runDemo({ ...SMALL, server: url })).rejects.toThrow(
      /cannot reach the collector at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });
});

describe('npx unsilo demo', () => {
  it('starts its own collector when none runs, fills the data directory, and queries see it', async () => {
    const dir = tempDir('demo-cli-');
    try {
      const demo = await run(process.execPath, [
        BIN,
        'demo',
        '--data-dir',
        dir,
        '--days',
        '2',
        '--members',
        '2',
      ]);
      expect(demo.stdout).toMatch(
        /^sent [\d,]+ events, [\d,]+ spans and [\d,]+ metric points \(\d+ sessions\)\./,
      );
      const sent = Number(/^sent ([\d,]+) events/.exec(demo.stdout)?.[1]?.replaceAll(',', ''));
      const q = await run(process.execPath, [
        BIN,
        'query',
        'event-counts',
        '--data-dir',
        dir,
        '--format',
        'json',
      ]);
      const rows = JSON.parse(q.stdout) as { events: number; members: number }[];
      expect(rows.reduce((a, r) => a + r.events, 0)).toBe(sent);
      expect(Math.max(...rows.map((r) => r.members))).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
