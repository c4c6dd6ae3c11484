/**
 * The session-page benchmark's big session, generated in DuckDB: 1,500 events of session
 * `big-session` on 2026-11-27 from 09:00, one a second, and its 300 spans.
 */
const START = "TIMESTAMP '2026-11-27 09:00:00'";
const at = (seconds: string): string => `${START} + to_microseconds(CAST((${seconds}) * 1000000 AS BIGINT))`;

/** Event i of prompt i // 50: a prompt, an API request, then 24 tool calls (decision i even, result i + 1). */
export const BIG_EVENTS = `INSERT INTO events (key, ts, member, event_name, session_id, prompt_id, event_sequence, app_version,
    tool_name, tool_use_id, command, validation_kind, success, error_type, decision, source, cost_usd, model,
    chapter, scope_name, attributes, resource)
  SELECT 'big-' || i, ${at('i')}, 'member-1',
    CASE WHEN i % 50 = 0 THEN 'user_prompt' WHEN i % 50 = 1 THEN 'api_request'
      WHEN i % 2 = 0 THEN 'tool_decision' ELSE 'tool_result' END,
    'big-session', 'big-prompt-' || (i // 50), i, '2.1.328',
    CASE WHEN i % 50 > 1 THEN 'Bash' END,
    CASE WHEN i % 50 > 1 THEN 'toolu_big_' || (i // 2) END,
    CASE WHEN i % 50 > 1 AND i % 2 = 1 THEN (CASE WHEN i % 25 = 9 THEN 'npm test -- part' || i ELSE 'ls' END) END,
    CASE WHEN i % 50 > 1 AND i % 2 = 1 AND i % 25 = 9 THEN 'test' END,
    CASE WHEN i % 50 > 1 AND i % 2 = 1 THEN i % 25 <> 9 END,
    CASE WHEN i % 50 > 1 AND i % 2 = 1 AND i % 25 = 9 THEN 'ShellError' END,
    CASE WHEN i % 50 > 1 AND i % 2 = 0 THEN 'accept' END,
    CASE WHEN i % 50 > 1 AND i % 2 = 0 THEN 'config' END,
    CASE WHEN i % 50 = 1 THEN 0.02 END,
    CASE WHEN i % 50 = 1 THEN 'claude-sonnet-4-5' END, '07', 'com.anthropic.claude_code.events',
    CASE WHEN i % 50 = 0 THEN '{"prompt":"' || repeat('write the chapter as CSV tables; ', 20) || '"}'
      WHEN i % 50 > 1 AND i % 2 = 1 AND i % 25 = 9 THEN '{"error":"Exit code 1\\n' || repeat('FAIL keeps the columns; ', 20) || '"}'
      WHEN i % 50 > 1 AND i % 2 = 0 THEN '{"tool_parameters":"{\\"full_command\\":\\"ls\\"}"}'
      ELSE '{}' END, '{}'
  FROM range(1500) t(i)`;

/** Per prompt p = i // 10: an interaction (r = 0), then 3 × (llm_request, tool, tool.execution under the tool). */
export const BIG_SPANS = `INSERT INTO spans (key, trace_id, span_id, parent_span_id, name, kind, start_ts, end_ts, duration_ms,
    status_code, session_id, member, attributes, events, resource)
  SELECT 'bigtrace' || lpad(CAST(i AS VARCHAR), 16, '0'), 'bigtrace', lpad(CAST(i AS VARCHAR), 16, '0'),
    CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 IN (3, 6, 9) THEN lpad(CAST(i - 1 AS VARCHAR), 16, '0')
      ELSE lpad(CAST(i - i % 10 AS VARCHAR), 16, '0') END,
    CASE WHEN i % 10 = 0 THEN 'claude_code.interaction' WHEN i % 10 IN (1, 4, 7) THEN 'claude_code.llm_request'
      WHEN i % 10 IN (2, 5, 8) THEN 'claude_code.tool' ELSE 'claude_code.tool.execution' END, 1,
    ${at('(i // 10) * 50 + CASE WHEN i % 10 = 0 THEN 0 ELSE 1 + ((i % 10 - 1) // 3) * 16 + ((i % 10 - 1) % 3) * 2 END')},
    ${at('(i // 10) * 50 + CASE WHEN i % 10 = 0 THEN 49 ELSE 1 + ((i % 10 - 1) // 3) * 16 + ((i % 10 - 1) % 3) * 2 + 8 END')},
    CASE WHEN i % 10 = 0 THEN 49000 ELSE 8000 END, CASE WHEN i % 50 = 2 THEN 2 ELSE 0 END,
    'big-session', 'member-1', CASE WHEN i % 10 IN (2, 5, 8) THEN '{"tool_name":"Bash"}' ELSE '{}' END, '[]', '{}'
  FROM range(300) t(i)`;
