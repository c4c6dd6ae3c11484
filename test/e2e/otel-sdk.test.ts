/**
 * The OpenTelemetry JS SDK as a second real client: its OTLP exporters for every protocol
 * (protobuf over HTTP, JSON over HTTP, gRPC) and every signal, against an in-process collector.
 * Records are emitted through the SDK the way Claude Code shapes them, then read back from the
 * store: each lands exactly once, with typed columns, and re-exporting a batch adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace, SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { CellValue } from '../../src/store/store.js';
import { startTestCollector, type TestCollector } from '../support/collector-fixture.js';

type Protocol = 'http/protobuf' | 'http/json' | 'grpc';
const PROTOCOLS: Protocol[] = ['http/protobuf', 'http/json', 'grpc'];

/** What an exporter hands its callback (ExportResult from @opentelemetry/core). */
type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
/** ExportResultCode.SUCCESS in @opentelemetry/core. */
const SUCCESS = 0;

type Temporality = 'delta' | 'cumulative';

interface Exporters {
  logs(): LogRecordExporter;
  traces(): SpanExporter;
  metrics(temporality: Temporality): PushMetricExporter;
}

function exportersFor(protocol: Protocol, c: TestCollector): Exporters {
  const pref = (t: Temporality): AggregationTemporalityPreference =>
    t === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE;
  const grpcUrl = `http://127.0.0.1:${c.grpcPort}`;
  switch (protocol) {
    case 'http/protobuf':
      return {
        logs: () => new ProtoLogExporter({ url: `${c.httpUrl}/v1/logs` }),
        traces: () => new ProtoTraceExporter({ url: `${c.httpUrl}/v1/traces` }),
        metrics: (t) =>
          new ProtoMetricExporter({ url: `${c.httpUrl}/v1/metrics`, temporalityPreference: pref(t) }),
      };
    case 'http/json':
      return {
        logs: () => new JsonLogExporter({ url: `${c.httpUrl}/v1/logs` }),
        traces: () => new JsonTraceExporter({ url: `${c.httpUrl}/v1/traces` }),
        metrics: (t) =>
          new JsonMetricExporter({ url: `${c.httpUrl}/v1/metrics`, temporalityPreference: pref(t) }),
      };
    case 'grpc':
      return {
        logs: () => new GrpcLogExporter({ url: grpcUrl }),
        traces: () => new GrpcTraceExporter({ url: grpcUrl }),
        metrics: (t) => new GrpcMetricExporter({ url: grpcUrl, temporalityPreference: pref(t) }),
      };
    default:
      return protocol satisfies never;
  }
}

/** Sends `items` through `exporter` once more, as a client retrying a batch would. */
function exportAgain<T>(
  exporter: { export(items: T, done: (r: ExportResult) => void): void },
  items: T,
): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(items, resolve));
}

/** Wraps an exporter, keeping every batch it sent and every result it got. */
class CapturingLogExporter implements LogRecordExporter {
  readonly batches: ReadableLogRecord[][] = [];
  readonly results: ExportResult[] = [];
  constructor(readonly inner: LogRecordExporter) {}
  export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    this.batches.push(records);
    this.inner.export(records, (r) => {
      this.results.push(r);
      done(r);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

class CapturingSpanExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  readonly results: ExportResult[] = [];
  constructor(readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.batches.push(spans);
    this.inner.export(spans, (r) => {
      this.results.push(r);
      done(r);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

class CapturingMetricExporter implements PushMetricExporter {
  readonly batches: ResourceMetrics[] = [];
  readonly results: ExportResult[] = [];
  constructor(readonly inner: PushMetricExporter) {
    // The reader asks the exporter which temporality and aggregation to use.
    if (inner.selectAggregationTemporality) {
      this.selectAggregationTemporality = inner.selectAggregationTemporality.bind(inner);
    }
    if (inner.selectAggregation) this.selectAggregation = inner.selectAggregation.bind(inner);
  }
  selectAggregationTemporality?: PushMetricExporter['selectAggregationTemporality'];
  selectAggregation?: PushMetricExporter['selectAggregation'];
  export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    this.batches.push(metrics);
    this.inner.export(metrics, (r) => {
      this.results.push(r);
      done(r);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

type Row = Record<string, CellValue>;

async function rows(c: TestCollector, sql: string): Promise<Row[]> {
  const r = await c.store.query(sql);
  return r.rows.map((cells) => Object.fromEntries(r.columns.map((col, i) => [col, cells[i] ?? null])));
}

async function count(c: TestCollector, sql: string): Promise<number> {
  const [row] = await rows(c, sql);
  return Number(row?.n);
}

type SignalName = 'logs' | 'traces' | 'metrics';

async function counterValue(
  c: TestCollector,
  name: 'received' | 'duplicates',
  signal: SignalName,
): Promise<number> {
  const got = await c.metrics[name].get();
  return got.values.find((v) => v.labels.signal === signal)?.value ?? 0;
}

/**
 * Runs `resend` (a client re-sending batches it already sent) and expects the collector to acknowledge
 * all `n` records again and the store to skip all `n` as duplicates.
 */
async function expectResentAsDuplicates(
  c: TestCollector,
  signal: SignalName,
  n: number,
  resend: () => Promise<void>,
): Promise<void> {
  const received = await counterValue(c, 'received', signal);
  const duplicates = await counterValue(c, 'duplicates', signal);
  await resend();
  // The received counter moves before the reply is sent.
  expect((await counterValue(c, 'received', signal)) - received).toBe(n);
  await c.drained();
  expect((await counterValue(c, 'duplicates', signal)) - duplicates).toBe(n);
}

const BASE_SECONDS = 1_760_000_000;
/** A fixed time `seconds` after the base, with a sub-microsecond part that the store truncates. */
const at = (seconds: number, nanos = 123_456_789): HrTime => [BASE_SECONDS + seconds, nanos];
/** The store's epoch microseconds for at(seconds). */
const micros = (seconds: number): number => (BASE_SECONDS + seconds) * 1_000_000 + 123_456;

describe.each(PROTOCOLS)('OpenTelemetry JS SDK exporters over %s', (protocol) => {
  let collector: TestCollector;
  let exporters: Exporters;
  const tag = protocol.replace(/[^a-z]/g, '-');
  const session = `sdk-session-${tag}`;
  const resource = resourceFromAttributes({
    'service.name': 'claude-code',
    'service.version': '2.1.328',
    member: `alice-${tag}`,
  });

  beforeAll(async () => {
    collector = await startTestCollector();
    exporters = exportersFor(protocol, collector);
  });

  afterAll(async () => {
    await collector?.dispose();
  });

  it('stores Claude Code shaped log records once each, with typed columns', async () => {
    const exporter = new CapturingLogExporter(exporters.logs());
    const provider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('com.anthropic.claude_code.events', '2.1.328');

    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const spanId = '0123456789abcdef';
    const spanCtx = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: 1 });

    logger.emit({
      timestamp: at(1),
      severityNumber: SeverityNumber.INFO,
      body: 'claude_code.api_request',
      context: spanCtx,
      attributes: {
        'event.name': 'api_request',
        'event.timestamp': '2025-10-09T08:53:21.123Z',
        'event.sequence': 3,
        'session.id': session,
        'prompt.id': 'prompt-1',
        'user.id': 'user-hash-1',
        'user.email': 'alice@example.com',
        'organization.id': 'org-1',
        'terminal.type': 'vscode',
        model: 'claude-sonnet-4-5',
        query_source: 'repl_main_thread',
        request_id: 'req_011',
        input_tokens: 150,
        output_tokens: 42,
        cache_read_tokens: 1000,
        cache_creation_tokens: 0,
        cost_usd: 0.0123,
        duration_ms: '86',
      },
    });
    logger.emit({
      timestamp: at(2),
      body: 'claude_code.tool_result',
      attributes: {
        'event.name': 'claude_code.tool_result',
        'event.sequence': 4,
        'session.id': session,
        'app.version': '2.1.329',
        tool_name: 'Bash',
        tool_use_id: 'toolu_01',
        success: 'false',
        duration_ms: '86',
        error: 'exit code 1',
        error_type: 'ShellError',
      },
    });
    // No event.name: the name comes from the body, without its prefix.
    logger.emit({
      timestamp: at(3),
      body: 'claude_code.tool_decision',
      attributes: { 'session.id': session, tool_name: 'Edit', decision: 'accept', source: 'config' },
    });
    logger.emit({
      timestamp: at(4),
      body: 'claude_code.api_error',
      attributes: {
        'event.name': 'api_error',
        'session.id': session,
        model: 'claude-opus-4-1',
        status_code: '529',
        attempt: '2',
        error: 'Overloaded',
        duration_ms: '1200.5',
        success: true,
      },
    });
    // Same session and event.sequence as the first record (a --resume'd session): a distinct event.
    logger.emit({
      timestamp: at(5),
      body: 'claude_code.api_request',
      attributes: {
        'event.name': 'api_request',
        'event.sequence': 3,
        'session.id': session,
        input_tokens: 7,
      },
    });
    await provider.forceFlush();
    await collector.drained();

    expect(exporter.batches.flat()).toHaveLength(5);
    expect(exporter.results.map((r) => r.code)).toEqual(exporter.batches.map(() => SUCCESS));

    const got = await rows(
      collector,
      `SELECT epoch_us(ts) AS ts_us, event_name, member, session_id, prompt_id, event_sequence, user_id, user_email,
              organization_id, app_version, terminal_type, model, query_source, request_id, tool_name, tool_use_id,
              success, decision, source, duration_ms, input_tokens, output_tokens, cache_read_tokens,
              cache_creation_tokens, cost_usd, error, error_type, status_code, attempt, trace_id, span_id, scope_name,
              json_extract_string(attributes, '$."event.timestamp"') AS event_timestamp,
              json_extract_string(resource, '$."service.name"') AS service_name
       FROM events WHERE session_id = '${session}' ORDER BY ts`,
    );
    const common = {
      member: `alice-${tag}`,
      session_id: session,
      prompt_id: null,
      user_id: null,
      user_email: null,
      organization_id: null,
      app_version: '2.1.328',
      terminal_type: null,
      model: null,
      query_source: null,
      request_id: null,
      tool_name: null,
      tool_use_id: null,
      success: null,
      decision: null,
      source: null,
      duration_ms: null,
      input_tokens: null,
      output_tokens: null,
      cache_read_tokens: null,
      cache_creation_tokens: null,
      cost_usd: null,
      error: null,
      error_type: null,
      status_code: null,
      attempt: null,
      event_sequence: null,
      trace_id: null,
      span_id: null,
      scope_name: 'com.anthropic.claude_code.events',
      event_timestamp: null,
      service_name: 'claude-code',
    };
    expect(got).toEqual([
      {
        ...common,
        ts_us: micros(1),
        event_name: 'api_request',
        prompt_id: 'prompt-1',
        event_sequence: 3,
        user_id: 'user-hash-1',
        user_email: 'alice@example.com',
        organization_id: 'org-1',
        terminal_type: 'vscode',
        model: 'claude-sonnet-4-5',
        query_source: 'repl_main_thread',
        request_id: 'req_011',
        duration_ms: 86,
        input_tokens: 150,
        output_tokens: 42,
        cache_read_tokens: 1000,
        cache_creation_tokens: 0,
        cost_usd: 0.0123,
        trace_id: traceId,
        span_id: spanId,
        event_timestamp: '2025-10-09T08:53:21.123Z',
      },
      {
        ...common,
        ts_us: micros(2),
        event_name: 'tool_result',
        event_sequence: 4,
        app_version: '2.1.329',
        tool_name: 'Bash',
        tool_use_id: 'toolu_01',
        success: false,
        duration_ms: 86,
        error: 'exit code 1',
        error_type: 'ShellError',
      },
      {
        ...common,
        ts_us: micros(3),
        event_name: 'tool_decision',
        tool_name: 'Edit',
        decision: 'accept',
        source: 'config',
      },
      {
        ...common,
        ts_us: micros(4),
        event_name: 'api_error',
        model: 'claude-opus-4-1',
        status_code: 529,
        attempt: 2,
        error: 'Overloaded',
        duration_ms: 1200.5,
        success: true,
      },
      { ...common, ts_us: micros(5), event_name: 'api_request', event_sequence: 3, input_tokens: 7 },
    ]);

    // A client retrying the same batches: the content-hash key makes them duplicates.
    await expectResentAsDuplicates(collector, 'logs', 5, async () => {
      for (const batch of exporter.batches) {
        expect((await exportAgain(exporter.inner, batch)).code).toBe(SUCCESS);
      }
    });
    expect(await count(collector, `SELECT count(*) AS n FROM events WHERE session_id = '${session}'`)).toBe(
      5,
    );

    await provider.shutdown();
  });

  it('stores a parent span and its children with hex ids, parent ids and typed fields, once each', async () => {
    const exporter = new CapturingSpanExporter(exporters.traces());
    const provider = new BasicTracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('com.anthropic.claude_code.tracing', '2.1.328');

    const root = tracer.startSpan('claude_code.interaction', {
      startTime: at(10),
      attributes: { 'session.id': session, user_prompt_length: 42 },
    });
    const rootCtx = trace.setSpan(context.active(), root);
    const llm = tracer.startSpan(
      'claude_code.llm_request',
      {
        kind: SpanKind.CLIENT,
        startTime: at(11),
        attributes: { 'session.id': session, model: 'claude-sonnet-4-5' },
      },
      rootCtx,
    );
    llm.addEvent('retry', { attempt: 2 }, at(11, 623_456_789));
    llm.setStatus({ code: SpanStatusCode.ERROR, message: 'overloaded' });
    llm.end(at(12, 623_456_789));
    const tool = tracer.startSpan(
      'claude_code.tool',
      { startTime: at(13), attributes: { 'gen_ai.conversation.id': session, tool_name: 'Bash' } },
      trace.setSpan(context.active(), llm),
    );
    tool.setStatus({ code: SpanStatusCode.OK });
    tool.end(at(13, 223_456_789));
    root.end(at(20));
    await provider.forceFlush();
    await collector.drained();

    expect(exporter.batches.flat()).toHaveLength(3);
    expect(exporter.results.map((r) => r.code)).toEqual(exporter.batches.map(() => SUCCESS));
    const traceId = root.spanContext().traceId;
    expect(llm.spanContext().traceId).toBe(traceId);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const got = await rows(
      collector,
      `SELECT key, trace_id, span_id, parent_span_id, name, kind, epoch_us(start_ts) AS start_us, epoch_us(end_ts) AS end_us,
              duration_ms, status_code, status_message, session_id, member, events,
              json_extract_string(resource, '$."service.name"') AS service_name
       FROM spans WHERE trace_id = '${traceId}' ORDER BY start_ts`,
    );
    const ids = {
      root: root.spanContext().spanId,
      llm: llm.spanContext().spanId,
      tool: tool.spanContext().spanId,
    };
    const common = {
      trace_id: traceId,
      member: `alice-${tag}`,
      session_id: session,
      service_name: 'claude-code',
    };
    expect(got).toEqual([
      {
        ...common,
        key: traceId + ids.root,
        span_id: ids.root,
        parent_span_id: null,
        name: 'claude_code.interaction',
        kind: 1, // SPAN_KIND_INTERNAL
        start_us: micros(10),
        end_us: micros(20),
        duration_ms: 10_000,
        status_code: 0,
        status_message: null,
        events: '[]',
      },
      {
        ...common,
        key: traceId + ids.llm,
        span_id: ids.llm,
        parent_span_id: ids.root,
        name: 'claude_code.llm_request',
        kind: 3, // SPAN_KIND_CLIENT
        start_us: micros(11),
        end_us: micros(12) + 500_000,
        duration_ms: 1500,
        status_code: 2,
        status_message: 'overloaded',
        events: JSON.stringify([
          { time_us: micros(11) + 500_000, name: 'retry', attributes: { attempt: 2 } },
        ]),
      },
      {
        ...common,
        key: traceId + ids.tool,
        span_id: ids.tool,
        parent_span_id: ids.llm,
        name: 'claude_code.tool',
        kind: 1,
        start_us: micros(13),
        end_us: micros(13) + 100_000,
        duration_ms: 100,
        status_code: 1,
        status_message: null,
        events: '[]',
      },
    ]);
    for (const id of Object.values(ids)) expect(id).toMatch(/^[0-9a-f]{16}$/);

    await expectResentAsDuplicates(collector, 'traces', 3, async () => {
      for (const batch of exporter.batches) {
        expect((await exportAgain(exporter.inner, batch)).code).toBe(SUCCESS);
      }
    });
    expect(await count(collector, `SELECT count(*) AS n FROM spans WHERE trace_id = '${traceId}'`)).toBe(3);

    await provider.shutdown();
  });

  it.each<Temporality>(['delta', 'cumulative'])(
    'sums a monotonic counter exported with %s temporality over several collections',
    async (temporality) => {
      const exporter = new CapturingMetricExporter(exporters.metrics(temporality));
      const reader = new PeriodicExportingMetricReader({
        exporter,
        // Collections happen on forceFlush only.
        exportIntervalMillis: 3_600_000,
        exportTimeoutMillis: 30_000,
      });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({
          'service.name': 'claude-code',
          'test.run': `${tag}-${temporality}`,
        }),
        readers: [reader],
      });
      const meter = provider.getMeter('com.anthropic.claude_code', '2.1.328');
      const tokens = meter.createCounter('claude_code.token.usage', { unit: 'tokens' });
      const cost = meter.createCounter('claude_code.cost.usage', { unit: 'USD' });
      const attrs = (type: string): Record<string, string> => ({
        'session.id': `${session}-${temporality}`,
        model: 'claude-sonnet-4-5',
        type,
      });

      // Four collections; the third adds nothing (a cumulative exporter repeats its total).
      const rounds = [
        { input: 100, output: 20, cost: 0.25 },
        { input: 250, output: 5, cost: 0.125 },
        { input: 0, output: 0, cost: 0 },
        { input: 1, output: 1000, cost: 1.5 },
      ];
      for (const r of rounds) {
        if (r.input) tokens.add(r.input, attrs('input'));
        if (r.output) tokens.add(r.output, attrs('output'));
        if (r.cost)
          cost.add(r.cost, { 'session.id': `${session}-${temporality}`, model: 'claude-sonnet-4-5' });
        await provider.forceFlush();
      }
      await collector.drained();

      // One export per collection that had data (a delta reader skips the empty third one).
      expect(exporter.batches.length).toBeGreaterThanOrEqual(3);
      expect(exporter.results.map((r) => r.code)).toEqual(exporter.batches.map(() => SUCCESS));
      const sentPoints = exporter.batches
        .flatMap((b) => b.scopeMetrics)
        .flatMap((s) => s.metrics)
        .reduce((n, m) => n + m.dataPoints.length, 0);

      const where = `json_extract_string(resource, '$."test.run"') = '${tag}-${temporality}'`;
      const totals = async (): Promise<Row[]> =>
        rows(
          collector,
          `SELECT name, type, unit, kind, temporality, bool_and(is_monotonic) AS monotonic, count(*) AS points,
                  sum(increment) AS total
           FROM metric_increments WHERE ${where} GROUP BY ALL ORDER BY name, type`,
        );
      const expected = [
        {
          name: 'claude_code.cost.usage',
          type: null,
          unit: 'USD',
          total: rounds.reduce((n, r) => n + r.cost, 0),
        },
        { name: 'claude_code.token.usage', type: 'input', unit: 'tokens', total: 351 },
        { name: 'claude_code.token.usage', type: 'output', unit: 'tokens', total: 1025 },
      ].map((e) => ({ ...e, kind: 'sum', temporality, monotonic: true, points: expect.any(Number) }));
      const first = await totals();
      expect(first).toEqual(expected);
      expect(first.reduce((n, r) => n + Number(r.points), 0)).toBe(sentPoints);
      // Every series came in over several collections (three rounds had data).
      for (const series of first) expect(Number(series.points)).toBeGreaterThanOrEqual(3);
      expect(
        await count(collector, `SELECT count(DISTINCT session_id) AS n FROM metric_points WHERE ${where}`),
      ).toBe(1);

      // Re-sending every collection: points are keyed by series, start and time, so nothing changes.
      await expectResentAsDuplicates(collector, 'metrics', sentPoints, async () => {
        for (const batch of exporter.batches) {
          expect((await exportAgain(exporter.inner, batch)).code).toBe(SUCCESS);
        }
      });
      expect(await totals()).toEqual(first);

      await provider.shutdown();
    },
  );
});
