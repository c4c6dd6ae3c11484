/**
 * The tables, once for every engine: column names and logical types. Engines map the types
 * (store/<engine>/…-schema.ts). `key` is each table's idempotency key.
 */
import type { EventRow, MetricPointRow, SpanRow } from '../model/records.js';

export type ColumnType = 'string' | 'int' | 'double' | 'bool' | 'timestamp' | 'json';

export type Columns<Row> = readonly { name: keyof Row & string; type: ColumnType; doc: string }[];

export const EVENT_COLUMNS: Columns<EventRow> = [
  {
    name: 'key',
    type: 'string',
    doc: 'idempotency key: the shared id (request id, tool use id, message uuid), else hash of the whole record',
  },
  { name: 'ts', type: 'timestamp', doc: 'event time (UTC)' },
  {
    name: 'member',
    type: 'string',
    doc: 'who: the member / team.member resource attribute, else user.email, user.account_uuid, user.id',
  },
  {
    name: 'event_name',
    type: 'string',
    doc: 'event name without the claude_code. prefix (api_request, tool_result, …)',
  },
  { name: 'session_id', type: 'string', doc: 'session.id' },
  { name: 'prompt_id', type: 'string', doc: 'prompt.id: one user turn' },
  { name: 'event_sequence', type: 'int', doc: 'event.sequence: restarts at 0 in every process' },
  { name: 'user_id', type: 'string', doc: 'user.id' },
  { name: 'user_email', type: 'string', doc: 'user.email (OAuth logins only)' },
  { name: 'user_account_uuid', type: 'string', doc: 'user.account_uuid' },
  { name: 'organization_id', type: 'string', doc: 'organization.id' },
  { name: 'app_version', type: 'string', doc: 'app.version, else the resource service.version' },
  { name: 'terminal_type', type: 'string', doc: 'terminal.type' },
  { name: 'model', type: 'string', doc: 'model (api_request, api_error, …)' },
  {
    name: 'query_source',
    type: 'string',
    doc: 'query_source as sent (sdk, agent:builtin:general-purpose, …)',
  },
  { name: 'tool_name', type: 'string', doc: 'tool_name (tool_result, tool_decision)' },
  { name: 'tool_use_id', type: 'string', doc: 'tool_use_id' },
  { name: 'request_id', type: 'string', doc: 'request_id of the API call' },
  { name: 'success', type: 'bool', doc: 'success (tool_result; sent as a string)' },
  { name: 'decision', type: 'string', doc: 'decision: accept | reject' },
  { name: 'source', type: 'string', doc: 'decision source: config, hook, user_permanent, …' },
  { name: 'duration_ms', type: 'double', doc: 'duration_ms' },
  { name: 'input_tokens', type: 'int', doc: 'input tokens, excluding cache reads and writes' },
  { name: 'output_tokens', type: 'int', doc: 'output tokens' },
  { name: 'cache_read_tokens', type: 'int', doc: 'cache read tokens' },
  { name: 'cache_creation_tokens', type: 'int', doc: 'cache creation tokens' },
  { name: 'cost_usd', type: 'double', doc: 'cost in USD (api_request)' },
  { name: 'error', type: 'string', doc: 'error message' },
  { name: 'error_type', type: 'string', doc: 'error_type (tool_result failures, e.g. ShellError)' },
  { name: 'status_code', type: 'int', doc: 'HTTP status of a failed API call' },
  { name: 'attempt', type: 'int', doc: 'attempt number of an API call' },
  { name: 'prompt_length', type: 'int', doc: 'prompt length in characters' },
  {
    name: 'command',
    type: 'string',
    doc: 'shell command of a Bash tool call (tool_parameters; needs OTEL_LOG_TOOL_DETAILS=1)',
  },
  { name: 'repo', type: 'string', doc: 'repository: vcs.repository.name or a repo attribute' },
  { name: 'git_branch', type: 'string', doc: 'git branch: vcs.ref.head.name or a branch attribute' },
  {
    name: 'feature',
    type: 'string',
    doc: 'feature: a feature attribute, else derived from the branch (017-usage-data → 017)',
  },
  {
    name: 'chapter',
    type: 'string',
    doc: 'chapter: a chapter attribute, else derived from the branch (ch07-intro → 07)',
  },
  {
    name: 'validation_kind',
    type: 'string',
    doc: 'test, lint, typecheck or build when the Bash command matches the validation patterns (set at ingest)',
  },
  { name: 'trace_id', type: 'string', doc: 'trace id when a span was active' },
  { name: 'span_id', type: 'string', doc: 'span id when a span was active' },
  { name: 'scope_name', type: 'string', doc: 'instrumentation scope (com.anthropic.claude_code.events)' },
  { name: 'attributes', type: 'json', doc: 'every original attribute' },
  { name: 'resource', type: 'json', doc: 'every resource attribute' },
];

export const SPAN_COLUMNS: Columns<SpanRow> = [
  { name: 'key', type: 'string', doc: 'trace id + span id' },
  { name: 'trace_id', type: 'string', doc: 'trace id (hex)' },
  { name: 'span_id', type: 'string', doc: 'span id (hex)' },
  { name: 'parent_span_id', type: 'string', doc: 'parent span id, null for a root' },
  {
    name: 'name',
    type: 'string',
    doc: 'claude_code.interaction, claude_code.llm_request, claude_code.tool, …',
  },
  { name: 'kind', type: 'int', doc: 'OTLP span kind' },
  { name: 'start_ts', type: 'timestamp', doc: 'start (UTC)' },
  { name: 'end_ts', type: 'timestamp', doc: 'end (UTC)' },
  { name: 'duration_ms', type: 'double', doc: 'end - start in ms' },
  { name: 'status_code', type: 'int', doc: '0 unset, 1 ok, 2 error' },
  { name: 'status_message', type: 'string', doc: 'error message when status is 2' },
  { name: 'session_id', type: 'string', doc: 'session.id, else gen_ai.conversation.id' },
  { name: 'member', type: 'string', doc: 'as in events' },
  { name: 'attributes', type: 'json', doc: 'every span attribute' },
  { name: 'events', type: 'json', doc: 'span events [{time_us, name, attributes}]' },
  { name: 'resource', type: 'json', doc: 'every resource attribute' },
];

export const METRIC_COLUMNS: Columns<MetricPointRow> = [
  { name: 'key', type: 'string', doc: 'hash of (series, start, time)' },
  {
    name: 'series_key',
    type: 'string',
    doc: 'hash of metric name, unit, kind, resource and point attributes',
  },
  { name: 'name', type: 'string', doc: 'claude_code.cost.usage, claude_code.token.usage, …' },
  { name: 'unit', type: 'string', doc: 'unit (USD, tokens, s, or empty)' },
  { name: 'kind', type: 'string', doc: 'sum | gauge | histogram | exponential_histogram | summary' },
  { name: 'temporality', type: 'string', doc: 'delta | cumulative | unspecified' },
  { name: 'is_monotonic', type: 'bool', doc: 'monotonic sum' },
  { name: 'start_ts', type: 'timestamp', doc: 'start of the interval (UTC)' },
  { name: 'ts', type: 'timestamp', doc: 'time of the point (UTC)' },
  { name: 'value', type: 'double', doc: 'value (sum of observations for histograms)' },
  { name: 'count', type: 'int', doc: 'observation count (histograms, summaries)' },
  { name: 'session_id', type: 'string', doc: 'session.id' },
  { name: 'member', type: 'string', doc: 'as in events' },
  { name: 'model', type: 'string', doc: 'model attribute' },
  {
    name: 'type',
    type: 'string',
    doc: 'type attribute (input/output/cacheRead/cacheCreation, added/removed, …)',
  },
  { name: 'attributes', type: 'json', doc: 'every point attribute' },
  { name: 'resource', type: 'json', doc: 'every resource attribute' },
  { name: 'detail', type: 'json', doc: 'histogram buckets, quantiles, min/max' },
];

export const TABLES = {
  events: EVENT_COLUMNS,
  spans: SPAN_COLUMNS,
  metric_points: METRIC_COLUMNS,
} as const;
