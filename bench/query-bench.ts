/**
 * Query benchmark: a store of 10 million events over 90 days (generated straight into DuckDB with SQL,
 * shaped like Claude Code's: 20 members, 50k sessions, the real event mix, validation commands), then
 * every query template over a 30-day range and `trace` of a 1,000-event session, each timed several
 * times through QueryService (what the API and CLI call). Targets: template p50 < 250 ms, trace < 100 ms.
 *
 * `node --import tsx bench/query-bench.ts [--events N] [--runs N]`; prints a table and one JSON line,
 * writes .bench-out/query-latest.json. The store is built in a temp dir and removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { QueryService } from '../src/query/query-service.js';
import { TEMPLATES } from '../src/query/templates/index.js';
import { DuckdbStore } from '../src/store/duckdb/duckdb-store.js';
import { nowMs, round, summarize } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
const arg = (name: string, def: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const EVENTS = arg('events', 10_000_000);
const RUNS = arg('runs', 7);
const TRACE_EVENTS = 1_000;
const END = new Date('2026-11-28T00:00:00Z');
const TARGETS = { templateP50Ms: 250, traceP50Ms: 100 };

const log = (msg: string): void => {
  process.stderr.write(`[query-bench] ${msg}\n`);
};

/** Events i = 0..n-1 in time order over 90 days; 200 events a session; the Claude Code event mix. */
export function generateSql(n: number): string {
  const h = (salt: number): string => `CAST(hash(i * 7919 + ${salt}) % 1000000007 AS BIGINT)`;
  return `INSERT INTO events (key, ts, member, event_name, session_id, prompt_id, event_sequence, user_id,
    app_version, terminal_type, model, query_source, tool_name, tool_use_id, request_id, success, decision,
    source, duration_ms, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd,
    error, error_type, status_code, attempt, prompt_length, command, validation_kind, repo, git_branch, feature, chapter,
    scope_name, attributes, resource)
  SELECT 'k' || i, TIMESTAMP '${END.toISOString().slice(0, 19).replace('T', ' ')}' - INTERVAL 90 DAY
      + to_microseconds(CAST(i * (90 * 86400 * 1000000.0 / ${n}) AS BIGINT)),
    'member-' || ((i // 200) % 20), name, 'session-' || (i // 200), 'prompt-' || (i // 20), i % 200,
    'u' || ((i // 200) % 20), '2.1.328', 'xterm',
    CASE WHEN name IN ('api_request', 'api_error') THEN (CASE WHEN ${h(1)} % 5 = 0 THEN 'claude-opus-4-1' ELSE 'claude-sonnet-4-5' END) END,
    CASE WHEN name = 'api_request' THEN 'sdk' END,
    CASE WHEN name IN ('tool_result', 'tool_decision') THEN (['Bash', 'Bash', 'Read', 'Edit', 'Grep'])[1 + ${h(2)} % 5] END,
    CASE WHEN name IN ('tool_result', 'tool_decision') THEN 'toolu_' || i END,
    CASE WHEN name IN ('api_request', 'api_error') THEN 'req_' || i END,
    CASE WHEN name = 'tool_result' THEN ${h(3)} % 5 <> 0 END,
    CASE WHEN name = 'tool_decision' THEN (CASE WHEN ${h(4)} % 20 = 0 THEN 'reject' ELSE 'accept' END) END,
    CASE WHEN name = 'tool_decision' THEN (CASE WHEN ${h(4)} % 20 = 0 THEN 'user_reject' ELSE 'config' END) END,
    CASE WHEN name IN ('api_request', 'tool_result', 'api_error') THEN 20 + ${h(5)} % 5000 END,
    CASE WHEN name = 'api_request' THEN 10 + ${h(6)} % 3000 END,
    CASE WHEN name = 'api_request' THEN 5 + ${h(7)} % 1500 END,
    CASE WHEN name = 'api_request' THEN ${h(8)} % 40000 END,
    CASE WHEN name = 'api_request' THEN ${h(9)} % 4000 END,
    CASE WHEN name = 'api_request' THEN (${h(10)} % 100000) / 1000000.0 END,
    CASE WHEN name = 'api_error' THEN 'Overloaded' WHEN name = 'tool_result' AND ${h(3)} % 5 = 0 THEN 'Shell command failed' END,
    CASE WHEN name = 'tool_result' AND ${h(3)} % 5 = 0 THEN 'ShellError' END,
    CASE WHEN name = 'api_error' THEN ([529, 429, 500])[1 + ${h(11)} % 3] END,
    CASE WHEN name = 'api_error' THEN 1 + ${h(12)} % 3 END,
    CASE WHEN name = 'user_prompt' THEN 10 + ${h(13)} % 2000 END,
    CASE WHEN name = 'tool_result' THEN (['npm test', 'npx vitest run', 'npm run lint', 'npx tsc --noEmit', 'pandoc ch.md -o ch.pdf', 'ls -la', 'git status', 'grep -rn TODO .'])[1 + ${h(14)} % 8] END,
    CASE WHEN name = 'tool_result' THEN (['test', 'test', 'lint', 'typecheck', 'build', NULL, NULL, NULL])[1 + ${h(14)} % 8] END,
    'book', branch, feature, chapter, 'com.anthropic.claude_code.events',
    '{"event.name":"' || name || '","session.id":"session-' || (i // 200) || '","event.sequence":' || (i % 200) || ',"user.id":"u' || ((i // 200) % 20) || '","terminal.type":"xterm"}',
    '{"service.name":"claude-code","service.version":"2.1.328"}'
  FROM (
    SELECT i,
      (['user_prompt', 'api_request', 'tool_decision', 'tool_result', 'api_request', 'tool_decision', 'tool_result',
        'api_request', 'tool_decision', 'tool_result', 'assistant_response', 'api_request', 'tool_decision',
        'tool_result', 'api_request', 'tool_decision', 'tool_result', 'api_request', 'user_prompt', 'api_error'])[1 + i % 20] AS name,
      (['017', '021', '033', '042', NULL])[1 + (i // 200) % 5] AS feature,
      CAST(1 + (i // 200) % 12 AS VARCHAR) AS chapter,
      coalesce((['017', '021', '033', '042', NULL])[1 + (i // 200) % 5], 'main') || '-ch' || (1 + (i // 200) % 12) AS branch
    FROM range(${n}) t(i)
  )`;
}

async function buildStore(file: string): Promise<void> {
  const store = new DuckdbStore({ file });
  await store.start(); // the project's schema and indexes
  await store.close();
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  const t0 = nowMs();
  await conn.run(generateSql(EVENTS));
  log(`generated ${EVENTS.toLocaleString('en-US')} events in ${round((nowMs() - t0) / 1000, 1)} s`);
  // One long session for trace: 1,000 events in the last week.
  await conn.run(`INSERT INTO events (key, ts, member, event_name, session_id, prompt_id, event_sequence, model,
      cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, tool_name, success, duration_ms,
      scope_name, attributes, resource)
    SELECT 'trace-' || i, TIMESTAMP '2026-11-25 09:00:00' + to_microseconds(i * 1000000), 'member-1',
      (['user_prompt', 'api_request', 'tool_result', 'api_request', 'tool_result'])[1 + i % 5], 'trace-session-1000',
      'trace-prompt-' || (i // 50), i, 'claude-sonnet-4-5', 0.001, 100, 20, 1000, 10, 'Bash', i % 7 <> 0, 100,
      'com.anthropic.claude_code.events', '{"event.name":"x"}', '{}'
    FROM range(${TRACE_EVENTS}) t(i)`);
  await conn.run('CHECKPOINT');
  conn.closeSync();
  db.closeSync();
}

async function time<T>(f: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last: T | undefined;
  for (let r = 0; r < RUNS + 1; r++) {
    const t0 = nowMs();
    last = await f();
    if (r > 0) ms.push(nowMs() - t0); // the first run warms caches
  }
  return { ms, last: last as T };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unsilo-query-bench-'));
  try {
    const file = path.join(dir, 'bench.duckdb');
    await buildStore(file);
    const store = new DuckdbStore({ file, readOnly: true });
    await store.start();
    const svc = new QueryService(store, () => END);
    const results: { name: string; p50: number; p95: number; rows: number }[] = [];
    for (const t of TEMPLATES) {
      const params: Record<string, string> = { since: '30d' };
      const { ms, last } = await time(() => svc.run(t.name, params));
      const s = summarize(ms);
      const p95 = summarize(ms).p99; // with few runs, the slowest but one is the 95th percentile's stand-in
      results.push({ name: t.name, p50: s.p50, p95: round(Math.min(p95, s.max), 1), rows: last.rows.length });
    }
    const trace = await time(() => svc.trace('trace-session-1000'));
    const traceSummary = summarize(trace.ms);
    await store.close();

    const worst = results.reduce((a, r) => Math.max(a, r.p50), 0);
    const lines = [
      `query benchmark: ${EVENTS.toLocaleString('en-US')} events over 90 days, templates over the last 30 days, ${RUNS} timed runs each`,
      'template                  p50 ms   p95 ms   rows',
      ...results.map(
        (r) =>
          `${r.name.padEnd(24)} ${String(r.p50).padStart(7)}  ${String(r.p95).padStart(7)}  ${String(r.rows).padStart(5)}`,
      ),
      `${'trace (1,000 events)'.padEnd(24)} ${String(traceSummary.p50).padStart(7)}  ${String(traceSummary.p99).padStart(7)}`,
      `targets: every template p50 < ${TARGETS.templateP50Ms} ms: ${worst < TARGETS.templateP50Ms ? 'PASS' : 'FAIL'} (worst ${worst} ms); ` +
        `trace p50 < ${TARGETS.traceP50Ms} ms: ${traceSummary.p50 < TARGETS.traceP50Ms ? 'PASS' : 'FAIL'} (${traceSummary.p50} ms)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    const json = {
      events: EVENTS,
      runs: RUNS,
      templates: results,
      trace: traceSummary,
      worstTemplateP50: worst,
      targets: TARGETS,
    };
    process.stdout.write(JSON.stringify(json) + '\n');
    mkdirSync(path.join(ROOT, '.bench-out'), { recursive: true });
    writeFileSync(path.join(ROOT, '.bench-out', 'query-latest.json'), JSON.stringify(json, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run when executed, not when bench/analysis-bench.ts imports the generator.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
