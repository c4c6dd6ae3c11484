/**
 * demo: one model call as Claude Code records it. A successful call is an api_request event (tokens
 * as ints, cost_usd a double priced from the model table, duration and ttft), counted into the cost
 * and token metrics, and an llm_request span when traced; transient overloads the client retried show
 * only as extra `gen_ai.request.attempt` span events. A call that fails after the whole retry budget
 * is an api_error (attempt = attempts made) and, past one attempt, api_retries_exhausted (as
 * observed: never for attempts that later succeeded). The context window tracks prompt caching: reads
 * of what is cached, writes of what is new, and a full rewrite after a break longer than the cache TTL.
 */
import type { ProcessRecorder, SpanRef } from './demo-process.js';
import type { AttrMap } from './demo-otlp.js';
import type { Rng } from './demo-random.js';
import { costUsd, MODELS, type Member, type ModelName, type Tokens } from './demo-team.js';

/** Prompt caches live 5 minutes: a longer pause makes the next call write the whole context again. */
const CACHE_TTL_MS = 5 * 60_000;

const API_ERRORS: Record<number, readonly [string, string]> = {
  529: ['Overloaded', 'server_overload'],
  429: [
    'Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
    'rate_limit',
  ],
  500: ['Internal server error', 'server_error'],
  400: [
    'messages.14: `tool_use` ids were found without `tool_result` blocks immediately after. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    'invalid_request',
  ],
};

/** What the conversation holds, for prompt caching. */
export class ContextWindow {
  /** Tokens in the cached prefix. */
  cached = 0;
  /** Tokens added since the last call: the prompt, tool results, the last answer. */
  pending = 0;
  lastCallEnd: number | null = null;

  get size(): number {
    return this.cached + this.pending;
  }

  /** After a compaction: a fresh context holding the summary. */
  reset(tokens: number): void {
    this.cached = 0;
    this.pending = tokens;
  }
}

export interface CallSite {
  rng: Rng;
  proc: ProcessRecorder;
  sessionId: string;
  member: Member;
  model: ModelName;
  /** An API incident that day: many 529 overloaded answers. */
  incident: boolean;
  window: ContextWindow;
}

export interface CallKind {
  stop: 'tool_use' | 'end_turn';
  /** The response writes a file (long output). */
  writes: boolean;
  /** query_source on the events (raw) and on the metrics (its class). */
  querySource: string;
  metricSource: string;
}

export interface CallResult {
  ok: boolean;
  end: number;
  requestId: string;
}

/** Exponential backoff between API attempts: 0.5 s doubling, capped at 32 s, with jitter. */
const backoff = (rng: Rng, attempt: number): number =>
  Math.round(Math.min(500 * 2 ** (attempt - 1), 32_000) * (1 + rng.next() * 0.25));

function llmAttrs(s: CallSite, querySource: string): AttrMap {
  return {
    model: s.model,
    'gen_ai.system': 'anthropic',
    'gen_ai.request.model': s.model,
    'llm_request.context': 'interaction',
    speed: 'normal',
    'gen_ai.conversation.id': s.sessionId,
    query_source_safe: querySource,
  };
}

/** The next call's prompt: what the cache still holds is read, the rest written. */
function promptTokens(
  rng: Rng,
  w: ContextWindow,
  start: number,
): { cacheRead: number; cacheCreation: number } {
  // The system prompt and tools (~16–22k) are often still cached from another session.
  const shared = (): number => (rng.chance(0.55) ? rng.int(8_000, 14_000) : 0);
  if (w.cached === 0) {
    const cacheRead = shared();
    return { cacheRead, cacheCreation: rng.int(16_000, 22_000) - cacheRead + w.pending };
  }
  if (w.lastCallEnd === null || start - w.lastCallEnd > CACHE_TTL_MS) {
    const cacheRead = shared();
    return { cacheRead, cacheCreation: w.cached - cacheRead + w.pending };
  }
  return { cacheRead: w.cached, cacheCreation: w.pending };
}

export function modelCall(s: CallSite, start: number, kind: CallKind, root: SpanRef | null): CallResult {
  const { rng, proc, window: w } = s;
  if (rng.chance(s.incident ? 0.05 : 0.004)) return failedCall(s, start, kind.querySource, root);
  const price = MODELS[s.model];
  const { cacheRead, cacheCreation } = promptTokens(rng, w, start);
  const input = rng.chance(0.85) ? rng.int(1, 12) : rng.int(20, 900);
  const output =
    kind.querySource === 'compact'
      ? rng.int(2_500, 6_000)
      : kind.stop === 'end_turn'
        ? rng.int(60, 1_400)
        : kind.writes
          ? rng.int(600, 3_500)
          : rng.int(40, 480);
  const tokens: Tokens = { input, output, cacheRead, cacheCreation };
  w.cached = cacheRead + cacheCreation + input;
  w.pending = output;
  const cost = costUsd(s.model, tokens);

  // Transient overloads the client retried successfully: only the span's attempt events show them.
  const retries = rng.chance(s.incident ? 0.25 : 0.015) ? rng.int(1, 2) : 0;
  const attempts: { ms: number; attempt: number }[] = [];
  let attemptStart = start;
  for (let a = 1; a <= retries + 1; a++) {
    attempts.push({ ms: attemptStart + rng.int(3, 20), attempt: a });
    if (a <= retries) attemptStart += rng.int(150, 1_200) + backoff(rng, a);
  }
  const ttft = rng.int(price.ttftMs[0], price.ttftMs[1]);
  const duration = ttft + Math.round((output / price.tokensPerSecond) * 1000) + rng.int(40, 400);
  const end = attemptStart + duration;
  const requestId = rng.requestId();
  proc.event(
    end,
    'api_request',
    {
      model: s.model,
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: cacheRead,
      cache_creation_tokens: cacheCreation,
      cache_creation_5m_tokens: cacheCreation,
      cache_creation_1h_tokens: 0,
      cost_usd: cost,
      cost_usd_micros: Math.round(cost * 1e6),
      duration_ms: duration,
      ttft_ms: ttft,
      request_id: requestId,
      speed: 'normal',
      query_source: kind.querySource,
    },
    root,
  );
  proc.usage(s.model, kind.metricSource, cost, tokens, end);
  proc.activeCliMs += end - start;
  w.lastCallEnd = end;
  if (root) {
    proc.span(
      { traceId: root.traceId, spanId: rng.hex(16) },
      root.spanId,
      'claude_code.llm_request',
      start,
      end,
      {
        ...llmAttrs(s, kind.querySource),
        duration_ms: end - start,
        input_tokens: input,
        output_tokens: output,
        cache_read_tokens: cacheRead,
        cache_creation_tokens: cacheCreation,
        success: true,
        attempt: retries + 1,
        request_id: requestId,
        'gen_ai.response.id': requestId,
        ttft_ms: ttft,
        first_content_ms: ttft + rng.int(1, 5),
        stop_reason: kind.stop,
        'gen_ai.response.finish_reasons': [kind.stop],
      },
      { events: attempts },
    );
  }
  return { ok: true, end, requestId };
}

/** A call that failed after the member's whole retry budget (CLAUDE_CODE_MAX_RETRIES + 1 attempts). */
function failedCall(s: CallSite, start: number, querySource: string, root: SpanRef | null): CallResult {
  const { rng, proc } = s;
  const status = s.incident
    ? 529
    : rng.weighted<number>([
        [529, 5],
        [429, 3],
        [500, 2],
        [400, 1],
      ]);
  const [error, errorClass] = API_ERRORS[status] ?? ['Internal server error', 'server_error'];
  // 400 is not retried: one attempt, no api_retries_exhausted.
  const total = status === 400 ? 1 : s.member.maxRetries + 1;
  const attempts: { ms: number; attempt: number }[] = [];
  let t = start;
  let last = 0;
  for (let a = 1; a <= total; a++) {
    attempts.push({ ms: t + rng.int(3, 20), attempt: a });
    last = status === 500 ? rng.int(800, 8_000) : rng.int(80, 900);
    t += last;
    if (a < total) t += backoff(rng, a);
  }
  const requestId = rng.requestId();
  const common = { model: s.model, error, status_code: status };
  proc.event(
    t,
    'api_error',
    {
      ...common,
      duration_ms: last,
      attempt: total,
      request_id: requestId,
      speed: 'normal',
      query_source: querySource,
    },
    root,
  );
  if (total > 1) {
    proc.event(
      t,
      'api_retries_exhausted',
      {
        ...common,
        total_attempts: total,
        total_retry_duration_ms: t - start,
        speed: 'normal',
        query_source: querySource,
      },
      root,
    );
  }
  proc.activeCliMs += t - start;
  if (root) {
    proc.span(
      { traceId: root.traceId, spanId: rng.hex(16) },
      root.spanId,
      'claude_code.llm_request',
      start,
      t,
      {
        ...llmAttrs(s, querySource),
        duration_ms: t - start,
        success: false,
        status_code: status,
        error,
        error_class: errorClass,
        attempt: total,
        request_id: requestId,
        'gen_ai.response.id': requestId,
      },
      { events: attempts, error },
    );
  }
  return { ok: false, end: t, requestId };
}
