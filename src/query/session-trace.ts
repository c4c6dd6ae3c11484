/**
 * The workflow trace of one session, in order: events grouped by prompt (user turn), each prompt with
 * its text when it was recorded (OTEL_LOG_USER_PROMPTS=1), the API calls it caused (model, tokens,
 * cost, duration, errors and attempts), tool decisions and results (tool, parameters, success, error,
 * duration), with per-prompt and session totals. Events before the first prompt (start-up) form a
 * group of their own. Each step keeps its full record for --format json.
 */
import type { CellValue, QueryResult } from '../store/store.js';

export interface TraceTotals {
  api_requests: number;
  api_errors: number;
  tool_calls: number;
  tool_failures: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  api_duration_ms: number;
  tool_duration_ms: number;
}

export interface TraceStep {
  ts: string;
  event_name: string;
  /** One line a person can read: what happened. */
  summary: string;
  /** Every column of the event, attributes parsed. */
  record: Record<string, unknown>;
}

export interface TracePrompt {
  prompt_id: string | null;
  ts: string;
  /** The prompt text, when Claude Code was allowed to send it. */
  text: string | null;
  prompt_length: number | null;
  totals: TraceTotals;
  steps: TraceStep[];
}

export interface SessionTrace {
  session_id: string;
  member: string | null;
  started: string;
  ended: string;
  duration_s: number;
  app_version: string | null;
  feature: string | null;
  chapter: string | null;
  git_branch: string | null;
  repo: string | null;
  totals: TraceTotals;
  prompts: TracePrompt[];
}

const zero = (): TraceTotals => ({
  api_requests: 0,
  api_errors: 0,
  tool_calls: 0,
  tool_failures: 0,
  cost_usd: 0,
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
  api_duration_ms: 0,
  tool_duration_ms: 0,
});

const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const REDACTED = '<REDACTED>';

function add(t: TraceTotals, r: Record<string, unknown>): void {
  switch (r.event_name) {
    case 'api_request':
      t.api_requests++;
      t.cost_usd += n(r.cost_usd);
      t.input_tokens += n(r.input_tokens);
      t.output_tokens += n(r.output_tokens);
      t.cache_read_tokens += n(r.cache_read_tokens);
      t.cache_creation_tokens += n(r.cache_creation_tokens);
      t.api_duration_ms += n(r.duration_ms);
      break;
    case 'api_error':
      t.api_errors++;
      break;
    case 'tool_result':
      t.tool_calls++;
      if (r.success === false) t.tool_failures++;
      t.tool_duration_ms += n(r.duration_ms);
      break;
    default:
  }
}

const tokens = (r: Record<string, unknown>): string =>
  `in ${n(r.input_tokens)} / out ${n(r.output_tokens)} / cache read ${n(r.cache_read_tokens)} / cache write ${n(r.cache_creation_tokens)}`;

function summarize(r: Record<string, unknown>, attrs: Record<string, unknown>): string {
  switch (r.event_name) {
    case 'user_prompt':
      return `prompt (${n(r.prompt_length)} chars)`;
    case 'api_request':
      return `${s(r.model) ?? '?'}: ${tokens(r)}, $${n(r.cost_usd).toFixed(6)}, ${n(r.duration_ms)} ms`;
    case 'api_error':
      return `${s(r.model) ?? '?'}: HTTP ${String(r.status_code ?? '?')} on attempt ${String(r.attempt ?? '?')}: ${s(r.error) ?? ''}`;
    case 'api_retries_exhausted':
      return `retries exhausted after ${String(attrs.total_attempts ?? '?')} attempts: ${s(r.error) ?? ''}`;
    case 'tool_decision':
      return `${s(r.tool_name) ?? '?'} ${s(r.decision) ?? '?'} (${s(r.source) ?? '?'})`;
    case 'tool_result': {
      const what = s(r.command) ?? s(attrs.tool_parameters) ?? '';
      const outcome =
        r.success === false
          ? `FAILED${s(r.error_type) ? ` ${String(r.error_type)}` : ''}${s(r.error) ? `: ${String(r.error)}` : ''}`
          : 'ok';
      return `${s(r.tool_name) ?? '?'}${what ? ` ${what}` : ''}: ${outcome}, ${n(r.duration_ms)} ms`;
    }
    case 'assistant_response':
      return `response (${String(attrs.response_length ?? '?')} chars)`;
    default:
      return '';
  }
}

const round6 = (t: TraceTotals): TraceTotals => ({ ...t, cost_usd: Math.round(t.cost_usd * 1e6) / 1e6 });

/** Builds the trace from the session's events, already in order (ts, event_sequence). */
export function buildTrace(sessionId: string, result: QueryResult): SessionTrace {
  const records = result.rows.map((row) => {
    const r: Record<string, unknown> = Object.fromEntries(
      result.columns.map((c, i) => [c, row[i] as CellValue]),
    );
    for (const key of ['attributes', 'resource']) {
      if (typeof r[key] === 'string') r[key] = JSON.parse(r[key] as string) as unknown;
    }
    return r;
  });
  const totals = zero();
  const prompts: TracePrompt[] = [];
  const byId = new Map<string, TracePrompt>();
  let startup: TracePrompt | null = null;
  for (const r of records) {
    const attrs = (r.attributes ?? {}) as Record<string, unknown>;
    const id = s(r.prompt_id);
    let prompt: TracePrompt | undefined = id ? byId.get(id) : (startup ?? undefined);
    if (!prompt) {
      prompt = {
        prompt_id: id,
        ts: String(r.ts),
        text: null,
        prompt_length: null,
        totals: zero(),
        steps: [],
      };
      if (id) byId.set(id, prompt);
      else startup = prompt;
      prompts.push(prompt);
    }
    if (r.event_name === 'user_prompt') {
      const text = s(attrs.prompt);
      prompt.text = text === REDACTED ? null : text;
      prompt.prompt_length = typeof r.prompt_length === 'number' ? r.prompt_length : null;
      prompt.ts = String(r.ts);
    }
    add(prompt.totals, r);
    add(totals, r);
    prompt.steps.push({
      ts: String(r.ts),
      event_name: String(r.event_name),
      summary: summarize(r, attrs),
      record: r,
    });
  }
  const first = records[0];
  const last = records.at(-1);
  const pick = (key: string): string | null => s(records.find((r) => s(r[key]))?.[key]);
  const started = String(first?.ts ?? '');
  const ended = String(last?.ts ?? '');
  return {
    session_id: sessionId,
    member: pick('member'),
    started,
    ended,
    duration_s: Math.round((Date.parse(ended) - Date.parse(started)) / 100) / 10,
    app_version: pick('app_version'),
    feature: pick('feature'),
    chapter: pick('chapter'),
    git_branch: pick('git_branch'),
    repo: pick('repo'),
    totals: round6(totals),
    prompts: prompts.map((p) => ({ ...p, totals: round6(p.totals) })),
  };
}
