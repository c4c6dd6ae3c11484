/**
 * Normalized rows, as stored. Timestamps are epoch microseconds (UTC); the store keeps µs precision.
 * `key` is the idempotency key: a row with a key already stored is a duplicate and is skipped.
 * Claude Code's input_tokens excludes cache reads and cache writes; the four token columns add up.
 * JSON columns (`attributes`, `resource`, …) hold JSON text: serialized once, hashed, logged and stored as is.
 */
export interface EventRow {
  key: string;
  ts: number;
  member: string | null;
  event_name: string;
  session_id: string | null;
  prompt_id: string | null;
  event_sequence: number | null;
  user_id: string | null;
  user_email: string | null;
  user_account_uuid: string | null;
  organization_id: string | null;
  app_version: string | null;
  terminal_type: string | null;
  model: string | null;
  query_source: string | null;
  tool_name: string | null;
  tool_use_id: string | null;
  request_id: string | null;
  success: boolean | null;
  decision: string | null;
  source: string | null;
  duration_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_creation_tokens: number | null;
  cost_usd: number | null;
  error: string | null;
  error_type: string | null;
  status_code: number | null;
  attempt: number | null;
  prompt_length: number | null;
  /** The shell command of a Bash tool call (needs OTEL_LOG_TOOL_DETAILS=1). */
  command: string | null;
  repo: string | null;
  git_branch: string | null;
  /** Derived by the enrich stage: explicit attributes, else patterns on the branch name. */
  feature: string | null;
  chapter: string | null;
  /** test | lint | typecheck | build when the command is a validation (the `validation.*` patterns). */
  validation_kind: string | null;
  trace_id: string | null;
  span_id: string | null;
  scope_name: string;
  attributes: string;
  resource: string;
}

export interface SpanRow {
  key: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  start_ts: number;
  end_ts: number;
  duration_ms: number;
  status_code: number;
  status_message: string | null;
  session_id: string | null;
  member: string | null;
  attributes: string;
  events: string;
  resource: string;
}

export interface MetricPointRow {
  key: string;
  /** Identity of the series: metric name, unit, kind, resource and point attributes. */
  series_key: string;
  name: string;
  unit: string;
  kind: string;
  /** 'delta' | 'cumulative' | 'unspecified' (gauges). */
  temporality: string;
  is_monotonic: boolean;
  start_ts: number | null;
  ts: number;
  value: number | null;
  count: number | null;
  session_id: string | null;
  member: string | null;
  model: string | null;
  type: string | null;
  attributes: string;
  resource: string;
  detail: string | null;
}

/** Where a session runs, as a session-context hook reported it at `ts`. */
export interface SessionContextRow {
  key: string;
  session_id: string;
  ts: number;
  member: string | null;
  hook_event: string;
  cwd: string | null;
  branch: string | null;
  repo: string | null;
  commit: string | null;
  feature: string | null;
  chapter: string | null;
}

/**
 * What unsilo's PostToolUse / PostToolUseFailure hooks report about one Bash call: its command and
 * exit code, whatever OTEL_LOG_TOOL_DETAILS says (POST /v1/tool-outcome). Joined to the tool_result
 * event by (session_id, tool_use_id) where the signals read commands.
 */
export interface ToolOutcomeRow {
  /** session_id + tool_use_id: a retried hook stores one row. */
  key: string;
  session_id: string;
  tool_use_id: string;
  prompt_id: string | null;
  ts: number;
  member: string | null;
  tool_name: string;
  /** Redacted with the collector's rules before it is stored. */
  command: string | null;
  /** 0 for PostToolUse; from "Exit code N" for PostToolUseFailure; null when interrupted or unknown. */
  exit_code: number | null;
  success: boolean;
  /** test, lint, typecheck or build when the command matches the validation patterns. */
  validation_kind: string | null;
}

export interface RowBatch {
  events: EventRow[];
  spans: SpanRow[];
  metrics: MetricPointRow[];
}

export const emptyRowBatch = (): RowBatch => ({ events: [], spans: [], metrics: [] });

export const rowCount = (b: RowBatch): number => b.events.length + b.spans.length + b.metrics.length;
