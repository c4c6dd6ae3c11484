/**
 * The session page on the query benchmark's generated store (10 M events by default, Claude Code's
 * event mix): one 1,500-event session in 30 prompts (tool calls as decision + result pairs, a failing
 * `npm test` every 25 events, long prompts) with 300 spans, served as GET /sessions/:id and GET
 * /review/:queue/1 by Fastify with the collector's page routes over the DuckDB store (in-process
 * requests, so the figure is the server's time: data, SQL, render), and one lazy body. Target
 * (issue 8): the session page served in < 200 ms at 10 M events.
 *
 * `node --import tsx bench/session-page-bench.ts [--events N] [--runs N]` (npm run bench:session-page);
 * prints one JSON line, writes .bench-out/session-page-latest.json. The store is built in a temp dir
 * and removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { runAction } from '../src/analysis/analysis-actions.js';
import { DuckdbStore } from '../src/store/duckdb/duckdb-store.js';
import { registerReviewPages } from '../src/web/pages/review-pages.js';
import { benchArg, benchLog, buildBenchDuckdb } from './bench-duckdb.js';
import { BIG_EVENTS, BIG_SPANS } from './session-page-bench-sql.js';
import { nowMs, round, writeBenchResult } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EVENTS = benchArg('events', 10_000_000);
const RUNS = benchArg('runs', 20);
const log = benchLog('session-page-bench');

const pct = (sorted: readonly number[], p: number): number =>
  round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!, 1);

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unsilo-session-page-bench-'));
  try {
    const file = path.join(dir, 'bench.duckdb');
    await buildBenchDuckdb(file, EVENTS, [BIG_EVENTS, BIG_SPANS], log);
    const store = new DuckdbStore({ file });
    await store.start();
    const ctx = {
      store,
      author: 'bench',
      now: () => new Date('2026-11-28T00:00:00Z'),
      redact: (t: string) => t,
    };
    await runAction(ctx, 'review.sample', {
      name: 'big',
      since: '2026-11-27T09:00:00Z',
      until: '2026-11-27T09:00:01Z',
      n: 1,
      seed: 1,
    });
    const app = Fastify();
    registerReviewPages(app, store);
    await app.ready();
    const time = async (url: string): Promise<{ p50: number; p95: number; bytes: number }> => {
      const ms: number[] = [];
      let bytes = 0;
      for (let r = 0; r < RUNS + 1; r++) {
        const t0 = nowMs();
        const res = await app.inject({ method: 'GET', url });
        if (res.statusCode !== 200)
          throw new Error(`${url}: HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`);
        if (r > 0) ms.push(nowMs() - t0);
        bytes = res.rawPayload.length;
      }
      ms.sort((a, b) => a - b);
      return { p50: pct(ms, 50), p95: pct(ms, 95), bytes };
    };
    const session = await time('/sessions/big-session');
    const review = await time('/review/big/1');
    const body = await time('/sessions/big-session/events/big-0/body?part=prompt');
    await app.close();
    await store.close();
    const result = {
      events: EVENTS,
      runs: RUNS,
      session_page_p50_ms: session.p50,
      session_page_p95_ms: session.p95,
      session_page_html_bytes: session.bytes,
      review_page_p50_ms: review.p50,
      review_page_p95_ms: review.p95,
      lazy_body_p50_ms: body.p50,
      lazy_body_p95_ms: body.p95,
      target_ms: 200,
    };
    writeBenchResult(ROOT, 'session-page-latest.json', result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
