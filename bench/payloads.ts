/**
 * Realistic Claude Code OTLP log payloads (ExportLogsServiceRequest, protobuf) for the benchmarks.
 *
 * A batch is one Claude Code process's export: one resource (service.name claude-code, …), one scope
 * (com.anthropic.claude_code.events), 200 log records in the shapes seen on the wire (reference §2–3):
 * user_prompt, api_request, tool_decision, tool_result, api_error, with the standard attributes on
 * every record and numbers typed as Claude Code sends them (tokens as ints, cost_usd double,
 * tool_result's success/duration_ms as strings).
 *
 * Encoding 200 events with protobufjs costs the client real CPU, which on a 2-core machine would be
 * taken from the collector under test. So a few templates are encoded once (fromObject + encode) with
 * a 12-byte placeholder in one id of every record (request_id, tool_use_id, message.uuid); `next()`
 * copies a template and stamps a fresh 12-hex-digit counter into each placeholder. Same byte length,
 * so the protobuf stays valid, and every event ever sent is unique (nothing dedups away).
 */
import { requestType } from '../src/pipeline/decode/otlp-proto.js';

export const EVENTS_PER_BATCH = 200;

/** 6 × 'Ω' = 12 UTF-8 bytes that appear nowhere else in a payload; replaced by 12 hex digits. */
const PLACEHOLDER = 'ΩΩΩΩΩΩ';
const PLACEHOLDER_BYTES = Buffer.from(PLACEHOLDER, 'utf8');
const SLOT_BYTES = 12;
const MAX_ID = 2 ** 48;

export type EventKind = 'user_prompt' | 'api_request' | 'tool_decision' | 'tool_result' | 'api_error';

type OtlpValue =
  { stringValue: string } | { intValue: number } | { doubleValue: number } | { boolValue: boolean };
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  body: { stringValue: string };
  attributes: OtlpKeyValue[];
}

export interface BatchTemplate {
  /** The encoded request, placeholders still in. */
  bytes: Buffer;
  /** Byte offsets of the 12-byte unique-id slots, one per record. */
  slots: number[];
  kinds: Record<EventKind, number>;
}

/** mulberry32: a small seeded PRNG, so the payloads are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const s = (key: string, v: string): OtlpKeyValue => ({ key, value: { stringValue: v } });
const i = (key: string, v: number): OtlpKeyValue => ({ key, value: { intValue: v } });
const d = (key: string, v: number): OtlpKeyValue => ({ key, value: { doubleValue: v } });

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}
const hex = (r: () => number, n: number): string =>
  Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const uuid = (r: () => number): string =>
  `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;

const MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'] as const;
const TOOLS = ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'Glob', 'WebFetch', 'Agent'] as const;
const QUERY_SOURCES = ['repl_main_thread', 'sdk', 'agent:builtin:general-purpose', 'compact'] as const;
const COMMANDS = [
  'npm test',
  'git status',
  'ls -la src',
  'npx tsc --noEmit',
  'grep -rn TODO src',
  'cat package.json',
] as const;

/**
 * The order of events in one turn of a session; 200 records walk through it repeatedly. Per 20 events:
 * 2 user_prompt, 6 api_request, 5 tool_decision, 5 tool_result, 2 api_error (a busy agentic session).
 */
const TURN: readonly EventKind[] = [
  'user_prompt',
  'api_request',
  'tool_decision',
  'tool_result',
  'api_request',
  'tool_decision',
  'tool_result',
  'api_error',
  'api_request',
  'tool_decision',
  'tool_result',
  'api_request',
  'user_prompt',
  'api_request',
  'tool_decision',
  'tool_result',
  'api_error',
  'api_request',
  'tool_decision',
  'tool_result',
];

function eventAttributes(kind: EventKind, r: () => number, tool: string): OtlpKeyValue[] {
  switch (kind) {
    case 'user_prompt': {
      const len = 10 + Math.floor(r() * 400);
      return [
        s('prompt_length', String(len)),
        s('prompt', '<REDACTED>'),
        s('prompt_text', '<REDACTED>'),
        s('message.uuid', `${uuid(r).slice(0, 24)}${PLACEHOLDER}`),
      ];
    }
    case 'api_request': {
      const input = 50 + Math.floor(r() * 20_000);
      const output = 10 + Math.floor(r() * 4_000);
      const cacheRead = Math.floor(r() * 80_000);
      const cacheCreation = Math.floor(r() * 5_000);
      const cost = (input * 3 + output * 15 + cacheRead * 0.3 + cacheCreation * 3.75) / 1e6;
      const attrs = [
        s('model', pick(r, MODELS)),
        i('input_tokens', input),
        i('output_tokens', output),
        i('cache_read_tokens', cacheRead),
        i('cache_creation_tokens', cacheCreation),
        i('cache_creation_5m_tokens', cacheCreation),
        i('cache_creation_1h_tokens', 0),
        d('cost_usd', cost),
        i('cost_usd_micros', Math.round(cost * 1e6)),
        i('duration_ms', 200 + Math.floor(r() * 30_000)),
        i('ttft_ms', 50 + Math.floor(r() * 2_000)),
        s('request_id', `req_011CV${hex(r, 3)}${PLACEHOLDER}`),
        s('speed', 'normal'),
        s('query_source', pick(r, QUERY_SOURCES)),
        s('effort', pick(r, ['low', 'medium', 'high'])),
      ];
      return attrs;
    }
    case 'api_error':
      return [
        s('model', pick(r, MODELS)),
        s('error', pick(r, ['Overloaded', 'Internal server error', 'Rate limited', 'Request timed out'])),
        i('status_code', pick(r, [529, 500, 429, 400])),
        i('duration_ms', 100 + Math.floor(r() * 10_000)),
        i('attempt', 1 + Math.floor(r() * 3)),
        s('request_id', `req_011CV${hex(r, 3)}${PLACEHOLDER}`),
        s('speed', 'normal'),
        s('query_source', pick(r, QUERY_SOURCES)),
        s('effort', 'medium'),
      ];
    case 'tool_decision':
      return [
        s('decision', r() < 0.95 ? 'accept' : 'reject'),
        s('source', pick(r, ['config', 'user_temporary', 'user_permanent', 'hook'])),
        s('tool_name', tool),
        s('tool_use_id', `toolu_01${hex(r, 2)}${PLACEHOLDER}`),
        s('tool_source', 'builtin'),
        s('permission_mode', 'default'),
        s('request_id', `req_011CV${hex(r, 15)}`),
      ];
    case 'tool_result': {
      const ok = r() < 0.85;
      const attrs = [
        s('tool_name', tool),
        s('tool_use_id', `toolu_01${hex(r, 2)}${PLACEHOLDER}`),
        s('success', ok ? 'true' : 'false'),
        s('duration_ms', String(1 + Math.floor(r() * 5_000))),
      ];
      if (!ok) attrs.push(s('error_type', 'ShellError'), s('error', 'Shell command failed'));
      if (tool === 'Bash') {
        const cmd = pick(r, COMMANDS);
        const params = JSON.stringify({
          bash_command: cmd.split(' ')[0],
          full_command: cmd,
          description: 'run it',
        });
        attrs.push(
          s('tool_parameters', params),
          s('tool_input', JSON.stringify({ command: cmd, description: 'run it' })),
        );
      }
      attrs.push(
        s('tool_input_size_bytes', String(20 + Math.floor(r() * 400))),
        s('tool_result_size_bytes', String(Math.floor(r() * 20_000))),
        s('request_id', `req_011CV${hex(r, 15)}`),
      );
      return attrs;
    }
    default:
      return kind satisfies never;
  }
}

function buildRequest(
  r: () => number,
  events: number,
): { request: object; kinds: Record<EventKind, number> } {
  const userId = hex(r, 64);
  const sessionId = uuid(r);
  const terminal = pick(r, ['xterm', 'xterm-256color', 'vscode', 'iTerm.app', 'tmux']);
  let ms = Date.UTC(2026, 10, 28, 7, 0, 0) + Math.floor(r() * 86_400_000);
  let promptId = uuid(r);
  let tool: string = pick(r, TOOLS);
  const kinds: Record<EventKind, number> = {
    user_prompt: 0,
    api_request: 0,
    tool_decision: 0,
    tool_result: 0,
    api_error: 0,
  };
  const records: OtlpLogRecord[] = [];
  for (let seq = 0; seq < events; seq++) {
    const kind = TURN[seq % TURN.length] as EventKind;
    kinds[kind]++;
    if (kind === 'user_prompt') promptId = uuid(r);
    if (kind === 'tool_decision') tool = pick(r, TOOLS);
    ms += 1 + Math.floor(r() * 3_000);
    const nanos = `${ms}000000`;
    records.push({
      timeUnixNano: nanos,
      observedTimeUnixNano: nanos,
      body: { stringValue: `claude_code.${kind}` },
      attributes: [
        s('user.id', userId),
        s('session.id', sessionId),
        s('anthropic.provider', 'firstParty'),
        s('terminal.type', terminal),
        s('event.name', kind),
        s('event.timestamp', new Date(ms).toISOString()),
        i('event.sequence', seq),
        s('prompt.id', promptId),
        ...eventAttributes(kind, r, tool),
      ],
    });
  }
  const request = {
    resourceLogs: [
      {
        resource: {
          attributes: [
            s('host.arch', pick(r, ['amd64', 'arm64'])),
            s('os.type', pick(r, ['linux', 'darwin'])),
            s('os.version', pick(r, ['6.8.0-51-generic', '24.1.0', '6.18.44-fc-v782'])),
            s('service.name', 'claude-code'),
            s('service.version', '2.1.328'),
          ],
        },
        scopeLogs: [
          { scope: { name: 'com.anthropic.claude_code.events', version: '2.1.328' }, logRecords: records },
        ],
      },
    ],
  };
  return { request, kinds };
}

/** Encodes `count` different batches (different users, sessions, tools) with their placeholders. */
export function buildTemplates(count: number, events = EVENTS_PER_BATCH, seed = 0x5eed): BatchTemplate[] {
  const type = requestType('logs');
  const r = rng(seed);
  const templates: BatchTemplate[] = [];
  for (let t = 0; t < count; t++) {
    const { request, kinds } = buildRequest(r, events);
    const bytes = Buffer.from(type.encode(type.fromObject(request)).finish());
    const slots: number[] = [];
    for (
      let at = bytes.indexOf(PLACEHOLDER_BYTES);
      at >= 0;
      at = bytes.indexOf(PLACEHOLDER_BYTES, at + SLOT_BYTES)
    ) {
      slots.push(at);
    }
    if (slots.length !== events)
      throw new Error(`template ${t}: ${slots.length} unique-id slots for ${events} events`);
    templates.push({ bytes, slots, kinds });
  }
  return templates;
}

/** A copy of the template with ids firstId, firstId + 1, … stamped into its slots. */
export function stamp(template: BatchTemplate, firstId: number): Buffer {
  const out = Buffer.from(template.bytes);
  for (let k = 0; k < template.slots.length; k++) {
    out.write(
      ((firstId + k) % MAX_ID).toString(16).padStart(SLOT_BYTES, '0'),
      template.slots[k] as number,
      'latin1',
    );
  }
  return out;
}

/** Hands out unique batches, cycling through the templates. */
export class PayloadFactory {
  private nextId: number;
  private turn = 0;
  issuedEvents = 0;

  constructor(
    private readonly templates: readonly BatchTemplate[],
    /** Where the ids start; a random start keeps separate runs apart. */
    firstId = Math.floor(Math.random() * 2 ** 40),
  ) {
    if (templates.length === 0) throw new Error('no templates');
    this.nextId = firstId;
  }

  next(): { body: Buffer; events: number } {
    const t = this.templates[this.turn++ % this.templates.length] as BatchTemplate;
    const body = stamp(t, this.nextId);
    this.nextId += t.slots.length;
    this.issuedEvents += t.slots.length;
    return { body, events: t.slots.length };
  }
}

/** The same request as OTLP/JSON text (camelCase keys, 64-bit ints as decimal strings), for JSON.parse figures. */
export function toOtlpJson(body: Buffer): string {
  const type = requestType('logs');
  return JSON.stringify(type.toObject(type.decode(body), { longs: String, enums: Number, bytes: String }));
}
