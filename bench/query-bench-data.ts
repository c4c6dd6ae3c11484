/**
 * The query benchmark's data, generated inside the engine by one INSERT … SELECT over a numbers
 * table (the fastest honest load path: no row crosses into JavaScript). One generator; the few SQL
 * spellings that differ between DuckDB and ClickHouse come from `Spelling`.
 */
export interface Spelling {
  /** A deterministic pseudo-random integer ≥ 0 from integer expression `x`. */
  hash(x: string): string;
  div(a: string, b: number): string;
  text(x: string): string;
  /** `start` (UTC text) plus `us` microseconds. */
  at(start: string, us: string): string;
  /** Rows i = 0..n-1. */
  numbers(n: number): string;
}

export const DUCKDB: Spelling = {
  hash: (x) => `CAST(hash(${x}) % 1000000007 AS BIGINT)`,
  div: (a, b) => `(${a} // ${b})`,
  text: (x) => `CAST(${x} AS VARCHAR)`,
  at: (start, us) => `TIMESTAMP '${start}' + to_microseconds(CAST(${us} AS BIGINT))`,
  numbers: (n) => `range(${n}) t(i)`,
};

export const CLICKHOUSE: Spelling = {
  hash: (x) => `toInt64(cityHash64(${x}) % 1000000007)`,
  div: (a, b) => `intDiv(${a}, ${b})`,
  text: (x) => `toString(${x})`,
  at: (start, us) => `toDateTime64('${start}', 6, 'UTC') + toIntervalMicrosecond(toInt64(${us}))`,
  numbers: (n) => `(SELECT number AS i FROM numbers(${n}))`,
};

const COLUMNS = `key, ts, member, event_name, session_id, prompt_id, event_sequence, user_id,
    app_version, terminal_type, model, query_source, tool_name, tool_use_id, request_id, success, decision,
    source, duration_ms, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd,
    error, error_type, status_code, attempt, prompt_length, command, validation_kind, repo, git_branch, feature, chapter,
    scope_name, attributes, resource`;

/** Events i = 0..n-1 in time order over the 90 days before `end`; 200 events a session; the Claude Code event mix. */
export function generateSql(s: Spelling, n: number, end: Date): string {
  const h = (salt: number): string => s.hash(`i * 7919 + ${salt}`);
  const start = new Date(end.getTime() - 90 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
  const session = s.div('i', 200);
  return `INSERT INTO events (${COLUMNS})
  SELECT 'k' || ${s.text('i')}, ${s.at(start, `i * (90 * 86400 * 1000000.0 / ${n})`)},
    'member-' || ${s.text(`${session} % 20`)}, name, 'session-' || ${s.text(session)}, 'prompt-' || ${s.text(s.div('i', 20))}, i % 200,
    'u' || ${s.text(`${session} % 20`)}, '2.1.328', 'xterm',
    CASE WHEN name IN ('api_request', 'api_error') THEN (CASE WHEN ${h(1)} % 5 = 0 THEN 'claude-opus-4-1' ELSE 'claude-sonnet-4-5' END) END,
    CASE WHEN name = 'api_request' THEN 'sdk' END,
    CASE WHEN name IN ('tool_result', 'tool_decision') THEN (['Bash', 'Bash', 'Read', 'Edit', 'Grep'])[1 + ${h(2)} % 5] END,
    CASE WHEN name IN ('tool_result', 'tool_decision') THEN 'toolu_' || ${s.text('i')} END,
    CASE WHEN name IN ('api_request', 'api_error') THEN 'req_' || ${s.text('i')} END,
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
    '{"event.name":"' || name || '","session.id":"session-' || ${s.text(session)} || '","event.sequence":' || ${s.text('i % 200')} || ',"user.id":"u' || ${s.text(`${session} % 20`)} || '","terminal.type":"xterm"}',
    '{"service.name":"claude-code","service.version":"2.1.328"}'
  FROM (
    SELECT i,
      (['user_prompt', 'api_request', 'tool_decision', 'tool_result', 'api_request', 'tool_decision', 'tool_result',
        'api_request', 'tool_decision', 'tool_result', 'assistant_response', 'api_request', 'tool_decision',
        'tool_result', 'api_request', 'tool_decision', 'tool_result', 'api_request', 'user_prompt', 'api_error'])[1 + i % 20] AS name,
      (['017', '021', '033', '042', NULL])[1 + ${session} % 5] AS feature,
      ${s.text(`1 + ${session} % 12`)} AS chapter,
      coalesce((['017', '021', '033', '042', NULL])[1 + ${session} % 5], 'main') || '-ch' || ${s.text(`1 + ${session} % 12`)} AS branch
    FROM ${s.numbers(n)}
  ) AS g`;
}

/** One long session for `trace`: 1,000 events in the last week. */
export function traceSessionSql(s: Spelling, events: number): string {
  return `INSERT INTO events (key, ts, member, event_name, session_id, prompt_id, event_sequence, model,
      cost_usd, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, tool_name, success, duration_ms,
      scope_name, attributes, resource)
    SELECT 'trace-' || ${s.text('i')}, ${s.at('2026-11-25 09:00:00', 'i * 1000000')}, 'member-1',
      (['user_prompt', 'api_request', 'tool_result', 'api_request', 'tool_result'])[1 + i % 5], 'trace-session-1000',
      'trace-prompt-' || ${s.text(s.div('i', 50))}, i, 'claude-sonnet-4-5', 0.001, 100, 20, 1000, 10, 'Bash', i % 7 <> 0, 100,
      'com.anthropic.claude_code.events', '{"event.name":"x"}', '{}'
    FROM ${s.numbers(events)}`;
}
