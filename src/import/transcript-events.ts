/**
 * Transcript records (the JSON lines of `~/.claude/projects/<dir>/<session>.jsonl`) → the events
 * Claude Code would have exported for them, as decoded OTLP log records, carrying the ids both sides
 * share so the collector keeps one row per request, tool call, prompt and response whichever arrives
 * first (pipeline/normalize/identity.ts):
 * - `api_request` per assistant response (`requestId`; the last record of a response holds its final
 *   usage), with the cost estimated from usage (pricing.ts); `<synthetic>` error messages are skipped;
 * - `tool_result` per `tool_result` block (`tool_use_id`), its tool name and input from the
 *   `tool_use` block that asked for it; input and error text only with the tool-details opt-in;
 * - `user_prompt` per typed prompt (`uuid` = the event's `message.uuid`), text only with the prompt
 *   opt-in (else `<REDACTED>`, as Claude Code sends it);
 * - `assistant_response` per final (not tool-calling) response with text, under the same opt-in.
 * Every event carries `unsilo.source: "transcript"`. Pure: records in, events out.
 */
import type { Attributes, DecodedLogRecord } from '../model/otlp.js';
import { estimateCost, PRICING_DATE, type ApiUsage } from './pricing.js';

export interface TranscriptOptions {
  logPrompts: boolean;
  logToolDetails: boolean;
  /** Records before this time (epoch ms) are left out. */
  since: number | null;
}

type Rec = Record<string, unknown>;
interface Block {
  type?: string;
  id?: string;
  name?: string;
  input?: unknown;
  text?: string;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

const REDACTED = '<REDACTED>';
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const blocks = (content: unknown): Block[] => (Array.isArray(content) ? content.filter(isRec) : []);

/** The text of a message's content: a string, or its text blocks joined. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return blocks(content)
    .flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : []))
    .join('\n');
}

const nanos = (iso: string): string => (BigInt(Date.parse(iso)) * 1_000_000n).toString();

function event(r: Rec, name: string, attrs: Attributes): DecodedLogRecord {
  const ts = str(r.timestamp) as string;
  const base: Attributes = {
    'session.id': str(r.sessionId),
    'event.name': name,
    'event.timestamp': ts,
  };
  const agent = str(r.agentId);
  const branch = str(r.gitBranch);
  const time = nanos(ts);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: 0,
    severityText: '',
    body: `claude_code.${name}`,
    attributes: {
      ...base,
      ...attrs,
      ...(agent ? { agent_id: agent } : {}),
      ...(branch ? { 'git.branch': branch } : {}),
      'unsilo.source': 'transcript',
    },
    traceId: '',
    spanId: '',
    eventName: '',
  };
}

function apiRequest(r: Rec, promptId: string | null): DecodedLogRecord {
  const m = r.message as Rec;
  const u = (isRec(m.usage) ? m.usage : {}) as ApiUsage & { speed?: string };
  const model = str(m.model) ?? 'unknown';
  const cost = estimateCost(model, u);
  return event(r, 'api_request', {
    ...(promptId ? { 'prompt.id': promptId } : {}),
    model,
    input_tokens: u.input_tokens ?? 0,
    output_tokens: u.output_tokens ?? 0,
    cache_read_tokens: u.cache_read_input_tokens ?? 0,
    cache_creation_tokens: u.cache_creation_input_tokens ?? 0,
    ...(cost === null ? {} : { cost_usd: cost }),
    request_id: str(r.requestId),
    'unsilo.cost_estimated': true,
    'unsilo.pricing': cost === null ? `no price for ${model}` : PRICING_DATE,
  });
}

export interface TranscriptEvents {
  events: DecodedLogRecord[];
  /** Claude Code's version as the transcript records it (the resource's service.version). */
  version: string | null;
}

export function transcriptEvents(records: readonly unknown[], o: TranscriptOptions): TranscriptEvents {
  const events: DecodedLogRecord[] = [];
  const lastOfRequest = new Map<string, { record: Rec; promptId: string | null }>();
  const finalText = new Map<string, Rec>();
  const toolUses = new Map<string, { name: string; input: unknown; requestId: string | null }>();
  let promptId: string | null = null;
  let version: string | null = null;
  const inRange = (r: Rec): boolean => {
    const t = Date.parse(String(r.timestamp));
    return !Number.isNaN(t) && (o.since === null || t >= o.since) && str(r.sessionId) !== null;
  };
  for (const r of records) {
    if (!isRec(r) || !isRec(r.message)) continue;
    version ??= str(r.version);
    if (r.type === 'user') {
      promptId = str(r.promptId) ?? promptId;
      if (!inRange(r)) continue;
      const results = blocks(r.message.content).filter((b) => b.type === 'tool_result');
      for (const b of results) {
        const use = toolUses.get(b.tool_use_id ?? '');
        const failed = b.is_error === true;
        events.push(
          event(r, 'tool_result', {
            ...(promptId ? { 'prompt.id': promptId } : {}),
            tool_name: use?.name ?? 'unknown',
            tool_use_id: str(b.tool_use_id),
            success: String(!failed),
            ...(use?.requestId ? { request_id: use.requestId } : {}),
            ...(o.logToolDetails && use ? { tool_input: JSON.stringify(use.input ?? {}) } : {}),
            ...(o.logToolDetails && failed ? { error: textOf(b.content) } : {}),
          }),
        );
      }
      const prompt = textOf(r.message.content);
      if (
        results.length === 0 &&
        r.isMeta !== true &&
        r.isCompactSummary !== true &&
        str(r.promptId) &&
        prompt
      ) {
        events.push(
          event(r, 'user_prompt', {
            'prompt.id': str(r.promptId),
            prompt_length: String(prompt.length),
            prompt: o.logPrompts ? prompt : REDACTED,
            'message.uuid': str(r.uuid),
          }),
        );
      }
    } else if (r.type === 'assistant') {
      const requestId = str(r.requestId);
      const m = r.message;
      if (!requestId || m.model === '<synthetic>' || r.isApiErrorMessage === true) continue;
      for (const b of blocks(m.content)) {
        if (b.type === 'tool_use' && b.id)
          toolUses.set(b.id, { name: b.name ?? 'unknown', input: b.input, requestId });
      }
      if (!inRange(r)) continue;
      lastOfRequest.set(requestId, { record: r, promptId });
      if (m.stop_reason !== 'tool_use' && textOf(m.content)) finalText.set(requestId, r);
    }
  }
  for (const { record, promptId: p } of lastOfRequest.values()) events.push(apiRequest(record, p));
  for (const [requestId, r] of finalText) {
    const text = textOf((r.message as Rec).content);
    events.push(
      event(r, 'assistant_response', {
        response_length: text.length,
        response: o.logPrompts ? text : REDACTED,
        request_id: requestId,
        'message.uuid': str(r.uuid),
        model: str((r.message as Rec).model),
      }),
    );
  }
  events.sort((a, b) => Number(BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano)));
  return { events, version };
}
