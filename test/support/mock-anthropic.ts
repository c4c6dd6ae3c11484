/**
 * A scripted mock of the Anthropic Messages API on 127.0.0.1 (port picked by the OS), for driving the
 * real Claude Code CLI. Each POST /v1/messages (with or without `?beta=true`) that carries tools, i.e. a
 * turn of the main agent loop, takes the next scripted step: a `tool_use` or `text` answer streamed as
 * SSE, or an HTTP error. Other message requests (no tools: side queries) and an empty script get a
 * plain text answer; /v1/messages/count_tokens gets a token count; anything else a 404.
 * Every successful message response carries a unique `request-id` header (Claude Code reports it as
 * `request_id`) and distinct usage numbers; the mock records them as ground truth, with every request
 * and every error it served. Observed with Claude Code 2.1.328 in `-p` mode: only streaming main-loop
 * requests (POST /v1/messages?beta=true with 12 tools) reach the mock, with or without
 * CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC; a 529 is retried with the same request about 0.6 s later.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptStep =
  | { kind: 'tool_use'; name: string; input: Record<string, unknown> }
  | { kind: 'text'; text: string }
  | { kind: 'error'; status: number; type: string };

/** Usage as the Messages API reports it; input_tokens excludes cache reads and writes. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface ServedResponse {
  requestId: string;
  kind: 'tool_use' | 'text';
  /** True when the answer came from the script, false for side queries and an exhausted script. */
  scripted: boolean;
  usage: Usage;
  toolUseId: string | null;
  toolName: string | null;
  toolInput: Record<string, unknown> | null;
  /** The error served for the message request just before this one (so this answered a retry), if any. */
  afterError: string | null;
}

export interface ServedError {
  requestId: string;
  status: number;
  type: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  model: string | null;
  stream: boolean;
  toolCount: number;
  messageCount: number;
}

interface MessagesBody {
  model?: unknown;
  stream?: unknown;
  tools?: unknown;
  messages?: unknown;
}

const DEFAULT_TEXT = 'OK.';

/** Distinct, recognisable usage for the n-th successful response (n from 1). */
export const usageFor = (n: number): Usage => ({
  input_tokens: 100 * n + 11,
  output_tokens: 10 * n + 3,
  cache_read_input_tokens: 1000 * n + 7,
  cache_creation_input_tokens: 50 * n + 5,
});

export class MockAnthropic {
  readonly requests: RecordedRequest[] = [];
  readonly served: ServedResponse[] = [];
  readonly errors: ServedError[] = [];
  private steps: ScriptStep[] = [];
  private counter = 0;
  private lastError: string | null = null;
  private readonly tag = randomBytes(4).toString('hex');
  private readonly server = http.createServer((req, res) => this.handle(req, res));

  /** Base URL for ANTHROPIC_BASE_URL, valid after `start()`. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Replaces the script and forgets what was recorded. */
  script(steps: ScriptStep[]): void {
    this.steps = [...steps];
    this.requests.length = 0;
    this.served.length = 0;
    this.errors.length = 0;
    this.lastError = null;
  }

  /** Scripted steps not yet consumed. */
  remaining(): number {
    return this.steps.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
  }

  private answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const body = parseBody(raw);
    const path = (req.url ?? '').split('?')[0];
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      model: typeof body.model === 'string' ? body.model : null,
      stream: body.stream === true,
      toolCount: Array.isArray(body.tools) ? body.tools.length : 0,
      messageCount: Array.isArray(body.messages) ? body.messages.length : 0,
    });
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, {}, { input_tokens: 1234 });
    } else if (req.method === 'POST' && path === '/v1/messages') {
      const onMainLoop = Array.isArray(body.tools) && body.tools.length > 0;
      const step = onMainLoop ? this.steps.shift() : undefined;
      this.respond(step ?? { kind: 'text', text: DEFAULT_TEXT }, step !== undefined, body, res);
    } else {
      sendJson(res, 404, {}, apiError('not_found_error', `mock: no route ${req.method} ${req.url}`));
    }
  }

  private respond(step: ScriptStep, scripted: boolean, body: MessagesBody, res: http.ServerResponse): void {
    const n = ++this.counter;
    if (step.kind === 'error') {
      const requestId = `req_err_${this.tag}_${n}`;
      this.errors.push({ requestId, status: step.status, type: step.type });
      this.lastError = requestId;
      sendJson(
        res,
        step.status,
        { 'request-id': requestId },
        apiError(step.type, `mock ${step.status} #${n}`),
      );
      return;
    }
    const requestId = `req_mock_${this.tag}_${n}`;
    const usage = usageFor(this.served.length + 1);
    const toolUseId = step.kind === 'tool_use' ? `toolu_mock_${this.tag}_${n}` : null;
    const afterError = this.lastError;
    this.lastError = null;
    this.served.push({
      requestId,
      kind: step.kind,
      scripted,
      usage,
      toolUseId,
      toolName: toolName(step),
      toolInput: toolInput(step),
      afterError,
    });
    const message = {
      id: `msg_mock_${this.tag}_${n}`,
      model: typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5',
      block: contentBlock(step, toolUseId),
      usage,
    };
    if (body.stream === true) streamMessage(res, requestId, message);
    else sendJson(res, 200, { 'request-id': requestId }, jsonMessage(message));
  }
}

export const startMockAnthropic = (): Promise<MockAnthropic> => new MockAnthropic().start();

interface MessageParts {
  id: string;
  model: string;
  block: ContentBlock;
  usage: Usage;
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function contentBlock(step: Exclude<ScriptStep, { kind: 'error' }>, toolUseId: string | null): ContentBlock {
  return step.kind === 'tool_use'
    ? { type: 'tool_use', id: toolUseId ?? '', name: step.name, input: step.input }
    : { type: 'text', text: step.text };
}

const toolName = (step: ScriptStep): string | null => (step.kind === 'tool_use' ? step.name : null);

const toolInput = (step: ScriptStep): Record<string, unknown> | null =>
  step.kind === 'tool_use' ? step.input : null;

const stopReason = (block: ContentBlock): string => (block.type === 'tool_use' ? 'tool_use' : 'end_turn');

function parseBody(raw: string): MessagesBody {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as MessagesBody) : {};
  } catch {
    return {};
  }
}

const apiError = (type: string, message: string): object => ({ type: 'error', error: { type, message } });

function sendJson(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: object,
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function jsonMessage(m: MessageParts): object {
  return {
    id: m.id,
    type: 'message',
    role: 'assistant',
    model: m.model,
    content: [m.block],
    stop_reason: stopReason(m.block),
    stop_sequence: null,
    usage: m.usage,
  };
}

/** message_start carries the input-side usage; message_delta the final (cumulative) output tokens. */
function streamMessage(res: http.ServerResponse, requestId: string, m: MessageParts): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': requestId,
  });
  const send = (type: string, data: object): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  const startBlock = m.block.type === 'tool_use' ? { ...m.block, input: {} } : { type: 'text', text: '' };
  const delta =
    m.block.type === 'tool_use'
      ? { type: 'input_json_delta', partial_json: JSON.stringify(m.block.input) }
      : { type: 'text_delta', text: m.block.text };
  send('message_start', {
    message: { ...jsonMessage(m), content: [], stop_reason: null, usage: { ...m.usage, output_tokens: 1 } },
  });
  send('content_block_start', { index: 0, content_block: startBlock });
  send('content_block_delta', { index: 0, delta });
  send('content_block_stop', { index: 0 });
  send('message_delta', {
    delta: { stop_reason: stopReason(m.block), stop_sequence: null },
    usage: { output_tokens: m.usage.output_tokens },
  });
  send('message_stop', {});
  res.end();
}
