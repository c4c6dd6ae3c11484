import { describe, expect, it } from 'vitest';
import { capture } from '../../test/fixtures/captures.js';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS } from './enrich/enrich-attribution.js';
import { TooManyRecordsError } from './decode/decode-otlp.js';
import { runPipeline } from './run-pipeline.js';
import { DEFAULT_INPUT_LIMITS } from './sanitize/input-limits.js';

const ctx = { tokenMember: null, attribution: compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS) };

describe('runPipeline on real Claude Code captures', () => {
  it('normalizes a failing tool_result: success and duration arrive as strings', () => {
    const { rows, accepted, rejected } = runPipeline('logs', 'json', capture('http-json/logs-2.json'), ctx);
    expect(rejected).toBe(0);
    expect(accepted).toBe(3);
    const tool = rows.events.find((e) => e.event_name === 'tool_result');
    expect(tool).toMatchObject({
      tool_name: 'Bash',
      success: false,
      duration_ms: 86,
      error_type: 'ShellError',
      error: 'Shell command failed',
      request_id: 'req_9',
      event_sequence: 7,
      scope_name: 'com.anthropic.claude_code.events',
    });
    expect(JSON.parse(tool?.attributes ?? '{}')).toMatchObject({ success: 'false', duration_ms: '86' });
  });

  it('types api_request tokens and cost, and names the event without its prefix', () => {
    const { rows } = runPipeline('logs', 'json', capture('http-json/logs-1.json'), ctx);
    const api = rows.events.filter((e) => e.event_name === 'api_request');
    expect(api).toHaveLength(1);
    expect(api[0]).toMatchObject({
      model: 'claude-opus-5-5',
      input_tokens: 100,
      cost_usd: 0.0008600000000000001,
      duration_ms: 191,
    });
    expect(rows.events.map((e) => e.event_name)).toContain('plugin_loaded');
    expect(rows.events.every((e) => e.session_id === '07aeaac8-1dd5-4beb-a9cb-eac8c582e6b3')).toBe(true);
  });

  it('reads api_error status and attempt', () => {
    const { rows } = runPipeline('logs', 'json', capture('api-error/logs-2.json'), ctx);
    expect(rows.events.find((e) => e.event_name === 'api_error')).toMatchObject({
      status_code: 529,
      attempt: 3,
      error: 'mock error 529 #3',
    });
  });

  it('gives deterministic, unique keys and reads protobuf from HTTP and gRPC captures', () => {
    const http = runPipeline('logs', 'protobuf', capture('http-protobuf/logs-1.bin'), ctx);
    const again = runPipeline('logs', 'protobuf', capture('http-protobuf/logs-1.bin'), ctx);
    expect(http.rows.events.map((e) => e.key)).toEqual(again.rows.events.map((e) => e.key));
    expect(new Set(http.rows.events.map((e) => e.key)).size).toBe(http.rows.events.length);
    const prompt = http.rows.events.find((e) => e.event_name === 'user_prompt');
    expect(prompt).toMatchObject({
      prompt_length: 20,
      trace_id: 'd51b10c0e217892b6c8ef9a1924b2c9c',
      span_id: '8e9d798897e7ac33',
    });
    expect(runPipeline('logs', 'protobuf', capture('grpc/logs.bin'), ctx).accepted).toBeGreaterThan(0);
  });

  it('stores metric points with temporality and their session', () => {
    const { rows } = runPipeline('metrics', 'protobuf', capture('http-protobuf/metrics.bin'), ctx);
    const cost = rows.metrics.filter((m) => m.name === 'claude_code.cost.usage');
    expect(cost.length).toBeGreaterThan(0);
    expect(cost.every((m) => m.temporality === 'delta' && m.unit === 'USD' && m.kind === 'sum')).toBe(true);
    const tokens = rows.metrics.filter((m) => m.name === 'claude_code.token.usage');
    expect(new Set(tokens.map((t) => t.type))).toEqual(
      new Set(['input', 'output', 'cacheRead', 'cacheCreation']),
    );
    expect(rows.metrics.every((m) => m.session_id === '09625345-4f3f-4bad-8a12-8d7329cf65e9')).toBe(true);
  });

  it('stores spans with parents, durations and the session', () => {
    const { rows } = runPipeline('traces', 'json', capture('http-json/traces.json'), ctx);
    const byName = new Map(rows.spans.map((s) => [s.name, s]));
    const interaction = byName.get('claude_code.interaction');
    const llm = byName.get('claude_code.llm_request');
    expect(interaction?.parent_span_id).toBeNull();
    expect(llm?.parent_span_id).toBe(interaction?.span_id);
    expect(llm?.duration_ms).toBeGreaterThan(0);
    expect(rows.spans.every((s) => s.session_id === '07aeaac8-1dd5-4beb-a9cb-eac8c582e6b3')).toBe(true);
    expect(byName.get('claude_code.tool.execution')?.status_code).toBe(2);
  });

  it('rejects one malformed record and keeps the rest (partial success)', () => {
    const body = JSON.parse(capture('http-json/logs-2.json').toString()) as {
      resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[];
    };
    const records = body.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? [];
    (records[0] as Record<string, unknown>).traceId = 'not-hex';
    const r = runPipeline('logs', 'json', Buffer.from(JSON.stringify(body)), ctx);
    expect(r.rejected).toBe(1);
    expect(r.accepted).toBe(records.length - 1);
    expect(r.rejectReason).toMatch(/logRecords\[0\]\.traceId/);
  });

  it('throws a DecodeError naming the problem for undecodable bodies', () => {
    expect(() =>
      runPipeline('logs', 'protobuf', capture('http-protobuf/logs-1.bin').subarray(0, 50), ctx),
    ).toThrow(/invalid protobuf/);
    expect(() => runPipeline('logs', 'json', Buffer.from('{"resourceLogs": 5}'), ctx)).toThrow(
      /resourceLogs: expected an array/,
    );
    expect(() => runPipeline('logs', 'json', Buffer.from('[1]'), ctx)).toThrow(
      /expected an ExportLogsServiceRequest object/,
    );
  });
});

describe('runPipeline on hostile input', () => {
  const NOW_MS = Date.UTC(2026, 10, 28, 12, 0, 0);
  const SANE_NS = String(BigInt(Date.UTC(2026, 10, 28, 7, 0, 0)) * 1_000_000n);
  const s = (key: string, v: string) => ({ key, value: { stringValue: v } });

  function hostileLogs(timeUnixNano: string, observedTimeUnixNano = SANE_NS): Buffer {
    const record = {
      timeUnixNano,
      observedTimeUnixNano,
      body: { stringValue: 'claude_code.api_request' },
      attributes: [
        s('event.name', 'api_request'),
        s('session.id', 'ses\u0000sion'),
        s('session.id', 'forged'),
        s('model', 'claude\ud800'),
        { key: 'input_tokens', value: { intValue: '9223372036854775807' } },
        { key: 'cost_usd', value: { doubleValue: 'NaN' } },
        s('duration_ms', '-250'),
        { key: '__proto__', value: { kvlistValue: { values: [s('polluted', 'yes')] } } },
        s('long', 'z'.repeat(100)),
        ...Array.from({ length: 10 }, (_, i) => s(`extra.${i}`, 'x')),
      ],
    };
    return Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }));
  }

  const limits = { ...DEFAULT_INPUT_LIMITS, maxAttributesPerRecord: 12, maxAttributeValueBytes: 24 };

  it('stores a record full of traps with sane columns, and counts every change', () => {
    const future = String(BigInt(NOW_MS + 3 * 86_400_000) * 1_000_000n);
    const r = runPipeline('logs', 'json', hostileLogs(future), { ...ctx, limits, nowMs: NOW_MS });
    expect([r.accepted, r.rejected]).toEqual([1, 0]);
    const row = r.rows.events[0];
    expect(row).toMatchObject({
      session_id: 'session',
      model: 'claude\uFFFD',
      input_tokens: null,
      cost_usd: null,
      duration_ms: 0,
      ts: Date.UTC(2026, 10, 28, 7, 0, 0) * 1000,
    });
    const attrs = JSON.parse(row?.attributes ?? '{}') as Record<string, unknown>;
    expect(Object.keys(attrs)).toContain('__proto__');
    expect(attrs).toMatchObject({ long: 'z'.repeat(24), cost_usd: 'NaN', 'unsilo.dropped_attributes': 6 });
    expect(r.sanitized).toEqual({
      nul_removed: 1,
      duplicate_key: 1,
      invalid_utf8: 1,
      non_finite_number: 1,
      attributes_dropped: 6,
      value_truncated: 1,
      timestamp_in_future: 1,
      number_out_of_range: 1,
      negative_duration: 1,
    });
  });

  it('keys a clamped record by the time as sent, so a retry later is still the same row', () => {
    const body = () => hostileLogs('99999999999999999999');
    const first = runPipeline('logs', 'json', body(), { ...ctx, limits, nowMs: NOW_MS }).rows.events[0];
    const retry = runPipeline('logs', 'json', body(), { ...ctx, limits, nowMs: NOW_MS + 5_000 }).rows
      .events[0];
    expect(retry?.key).toBe(first?.key);
  });

  it('refuses a request past the record limit whole', () => {
    expect(() =>
      runPipeline('logs', 'json', capture('http-json/logs-1.json'), {
        ...ctx,
        limits: { ...DEFAULT_INPUT_LIMITS, maxRecordsPerRequest: 1 },
      }),
    ).toThrow(TooManyRecordsError);
  });

  it('gives spans and metric points no negative durations and no unstorable integers', () => {
    const traces = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b173',
                  startTimeUnixNano: SANE_NS,
                  endTimeUnixNano: String(BigInt(SANE_NS) - 1_000_000_000n),
                },
              ],
            },
          ],
        },
      ],
    };
    const spans = runPipeline('traces', 'json', Buffer.from(JSON.stringify(traces)), {
      ...ctx,
      nowMs: NOW_MS,
    });
    expect(spans.rows.spans[0]).toMatchObject({ duration_ms: 0 });
    expect(spans.sanitized).toEqual({ negative_duration: 1 });
    const point = { timeUnixNano: SANE_NS, count: '18446744073709551615', sum: 1 };
    const metrics = {
      resourceMetrics: [
        {
          scopeMetrics: [
            { metrics: [{ name: 'm', histogram: { aggregationTemporality: 1, dataPoints: [point] } }] },
          ],
        },
      ],
    };
    const m = runPipeline('metrics', 'json', Buffer.from(JSON.stringify(metrics)), { ...ctx, nowMs: NOW_MS });
    expect(m.rows.metrics[0]).toMatchObject({ count: null, value: 1 });
    expect(m.sanitized).toEqual({ number_out_of_range: 1 });
  });
});
