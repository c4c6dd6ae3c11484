/**
 * The demo generator: deterministic, a five-member team over 30 days, shaped like Claude Code 2.1.328's
 * telemetry (the string/int/double quirks, sequences per process, ids), consistent between events and
 * metrics, with the stories the queries look for (failure streaks, API errors, rejections), and
 * accepted whole by the real ingest pipeline once encoded as protobuf.
 */
import { describe, expect, it } from 'vitest';
import { compileAttribution, DEFAULT_ATTRIBUTION_PATTERNS } from '../pipeline/enrich/enrich-attribution.js';
import { runPipeline } from '../pipeline/run-pipeline.js';
import type { EventRow, MetricPointRow, SpanRow } from '../model/records.js';
import { generateDemo, LOG_BATCH_SIZE, type DemoRequest } from './demo-generator.js';
import type { AnyValue, KeyValue, OtlpSpan } from './demo-otlp.js';
import { encodeDemoRequest } from './run-demo.js';

const END = new Date('2026-11-27T18:00:00.000Z');
const DAY_MS = 86_400_000;
const requests = [...generateDemo({ endDate: END, seed: 7 })];

interface Event {
  name: string;
  ms: number;
  body: string;
  a: Map<string, AnyValue>;
  resource: Map<string, AnyValue>;
  traceId?: string;
  spanId?: string;
}

const toMap = (kvs: KeyValue[]): Map<string, AnyValue> => new Map(kvs.map((kv) => [kv.key, kv.value]));

function str(v: AnyValue | undefined): string {
  if (v && 'stringValue' in v) return v.stringValue;
  throw new Error(`not a string: ${JSON.stringify(v)}`);
}
function int(v: AnyValue | undefined): number {
  if (v && 'intValue' in v) return v.intValue;
  throw new Error(`not an int: ${JSON.stringify(v)}`);
}
function dbl(v: AnyValue | undefined): number {
  if (v && 'doubleValue' in v) return v.doubleValue;
  throw new Error(`not a double: ${JSON.stringify(v)}`);
}

const events: Event[] = requests.flatMap((r) =>
  r.signal === 'logs'
    ? r.request.resourceLogs.flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) =>
          sl.logRecords.map((rec): Event => {
            const a = toMap(rec.attributes);
            return {
              name: str(a.get('event.name')),
              ms: Number(BigInt(rec.timeUnixNano) / 1_000_000n),
              body: rec.body.stringValue,
              a,
              resource: toMap(rl.resource.attributes),
              traceId: rec.traceId,
              spanId: rec.spanId,
            };
          }),
        ),
      )
    : [],
);
const named = (name: string): Event[] => events.filter((e) => e.name === name);
const sessionOf = (e: Event): string => str(e.a.get('session.id'));

const spans: { span: OtlpSpan; a: Map<string, AnyValue>; resource: Map<string, AnyValue> }[] =
  requests.flatMap((r) =>
    r.signal === 'traces'
      ? r.request.resourceSpans.flatMap((rs) =>
          rs.scopeSpans.flatMap((ss) =>
            ss.spans.map((span) => ({
              span,
              a: toMap(span.attributes),
              resource: toMap(rs.resource.attributes),
            })),
          ),
        )
      : [],
  );

const points = requests.flatMap((r) =>
  r.signal === 'metrics'
    ? r.request.resourceMetrics.flatMap((rm) =>
        rm.scopeMetrics.flatMap((sm) =>
          sm.metrics.flatMap((m) =>
            m.sum.dataPoints.map((p) => ({
              metric: m,
              p,
              a: toMap(p.attributes),
              resource: toMap(rm.resource.attributes),
            })),
          ),
        ),
      )
    : [],
);

const VALIDATION =
  /\b(npm test|vitest|pytest|npm run lint|markdownlint|tsc --noEmit|npm run build|pandoc|make book)\b/;

function commandOf(e: Event): string | null {
  const raw = e.a.get('tool_parameters');
  if (!raw) return null;
  return (JSON.parse(str(raw)) as { full_command?: string }).full_command ?? null;
}

describe('generateDemo', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify([...generateDemo({ endDate: END, seed: 11, days: 4 })]);
    const b = JSON.stringify([...generateDemo({ endDate: END, seed: 11, days: 4 })]);
    const c = JSON.stringify([...generateDemo({ endDate: END, seed: 12, days: 4 })]);
    expect(a.length).toBeGreaterThan(10_000);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('is a default-sized demo: tens of thousands of events, hundreds of sessions', () => {
    expect(events.length).toBeGreaterThan(15_000);
    expect(events.length).toBeLessThan(60_000);
    expect(new Set(events.map(sessionOf)).size).toBeGreaterThan(200);
    expect(spans.length).toBeGreaterThan(1_000);
  });

  it('has five members, each with one stable 64-hex user.id, named on the resource and every record', () => {
    const ids = new Map<string, Set<string>>();
    for (const e of events) {
      const member = str(e.resource.get('member'));
      expect(str(e.a.get('member'))).toBe(member);
      expect(str(e.a.get('branch'))).toBe(str(e.resource.get('branch')));
      ids.set(member, (ids.get(member) ?? new Set()).add(str(e.a.get('user.id'))));
    }
    expect([...ids.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dan', 'erin']);
    const userIds = [...ids.values()].map((s) => [...s]);
    expect(userIds.every((s) => s.length === 1 && /^[0-9a-f]{64}$/.test(s[0] ?? ''))).toBe(true);
    expect(new Set(userIds.flat()).size).toBe(5);
    for (const { a, resource } of [...spans, ...points]) {
      expect(str(a.get('member'))).toBe(str(resource.get('member')));
      expect(str(a.get('branch'))).toBe(str(resource.get('branch')));
    }
  });

  it('sizes the team by the members option', () => {
    const membersOf = (n: number): Set<string> =>
      new Set(
        [...generateDemo({ endDate: END, members: n, days: 5 })].flatMap((r) =>
          r.signal === 'logs'
            ? r.request.resourceLogs.map((rl) => str(toMap(rl.resource.attributes).get('member')))
            : [],
        ),
      );
    expect(membersOf(2)).toEqual(new Set(['alice', 'bob']));
    expect(membersOf(7)).toEqual(new Set(['alice', 'bob', 'carol', 'dan', 'erin', 'frank', 'grace']));
  });

  it('sends the resource of Claude Code 2.1.328 on Linux', () => {
    const r = requests[0];
    const resource = toMap(
      r?.signal === 'logs' ? (r.request.resourceLogs[0]?.resource.attributes ?? []) : [],
    );
    expect(str(resource.get('service.name'))).toBe('claude-code');
    expect(str(resource.get('service.version'))).toBe('2.1.328');
    expect(str(resource.get('os.type'))).toBe('linux');
    expect(str(resource.get('host.arch'))).toBe('amd64');
    const scopes = requests.map((q) =>
      q.signal === 'logs'
        ? q.request.resourceLogs[0]?.scopeLogs[0]?.scope
        : q.signal === 'metrics'
          ? q.request.resourceMetrics[0]?.scopeMetrics[0]?.scope
          : q.request.resourceSpans[0]?.scopeSpans[0]?.scope,
    );
    expect(new Set(scopes.map((s) => `${s?.name}@${s?.version}`))).toEqual(
      new Set([
        'com.anthropic.claude_code.events@2.1.328',
        'com.anthropic.claude_code@2.1.328',
        'com.anthropic.claude_code.tracing@1.0.0',
      ]),
    );
  });

  it('spans 30 days ending at endDate, weekdays heavier than weekends', () => {
    const times = events.map((e) => e.ms);
    const min = Math.min(...times);
    const max = Math.max(...times);
    expect(min).toBeGreaterThan(END.getTime() - 30 * DAY_MS);
    expect(max).toBeLessThanOrEqual(END.getTime());
    expect(max - min).toBeGreaterThan(27 * DAY_MS);
    const starts = named('user_prompt').map((e) => new Date(e.ms));
    const weekend = starts.filter((d) => d.getUTCDay() === 0 || d.getUTCDay() === 6).length;
    expect(weekend).toBeGreaterThan(0);
    // 8 weekend days and 22 weekdays: per day, weekdays carry several times more.
    expect((starts.length - weekend) / 22).toBeGreaterThan((3 * weekend) / 8);
  });

  it('carries the wire quirks: strings for success, duration_ms and prompt_length, ints for tokens, doubles for cost', () => {
    const results = named('tool_result');
    expect(results.length).toBeGreaterThan(1_000);
    for (const e of results) {
      expect(['true', 'false']).toContain(str(e.a.get('success')));
      expect(str(e.a.get('duration_ms'))).toMatch(/^\d+$/);
      expect(str(e.a.get('tool_input_size_bytes'))).toMatch(/^\d+$/);
    }
    for (const e of named('user_prompt')) {
      expect(str(e.a.get('prompt_length'))).toMatch(/^\d+$/);
      expect(str(e.a.get('prompt.id'))).toMatch(/^[0-9a-f-]{36}$/);
    }
    const prompts = named('user_prompt').map((e) => str(e.a.get('prompt')));
    expect(prompts.filter((p) => p === '<REDACTED>').length).toBeGreaterThan(prompts.length / 2);
    expect(prompts.some((p) => p !== '<REDACTED>')).toBe(true);
    for (const e of named('api_request')) {
      for (const k of [
        'input_tokens',
        'output_tokens',
        'cache_read_tokens',
        'cache_creation_tokens',
        'duration_ms',
      ]) {
        expect(Number.isInteger(int(e.a.get(k)))).toBe(true);
      }
      expect(dbl(e.a.get('cost_usd'))).toBeGreaterThan(0);
      expect(str(e.a.get('request_id'))).toMatch(/^req_[0-9A-Za-z]+$/);
      expect(['sdk', 'repl_main_thread', 'compact']).toContain(str(e.a.get('query_source')));
    }
    const models = new Set(named('api_request').map((e) => str(e.a.get('model'))));
    expect(models).toEqual(new Set(['claude-sonnet-4-5', 'claude-opus-4-1']));
  });

  it('numbers events from 0 in every process, with ISO timestamps and the name in the body', () => {
    let previous = -1;
    let processes = 0;
    for (const e of events) {
      const seq = int(e.a.get('event.sequence'));
      if (seq === 0) {
        processes++;
        expect(e.name).toBe('managed_settings_resolved');
      } else {
        expect(seq).toBe(previous + 1);
      }
      previous = seq;
      expect(str(e.a.get('event.timestamp'))).toBe(new Date(e.ms).toISOString());
      expect(e.body).toBe(`claude_code.${e.name}`);
      expect(sessionOf(e)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // Resumed sessions: a second process, its sequence from 0 again under the same session.id.
    const resumed = points.filter(
      (x) => x.metric.name === 'claude_code.session.count' && str(x.a.get('start_type')) === 'resume',
    );
    expect(resumed.length).toBeGreaterThan(0);
    expect(processes).toBe(points.filter((x) => x.metric.name === 'claude_code.session.count').length);
    expect(new Set(named('user_prompt').map((e) => str(e.a.get('prompt.id')))).size).toBe(
      named('user_prompt').length,
    );
  });

  it('batches logs like the exporter: one resource, at most 200 records per request', () => {
    const logs = requests.filter((r): r is Extract<DemoRequest, { signal: 'logs' }> => r.signal === 'logs');
    expect(logs.every((r) => r.request.resourceLogs.length === 1)).toBe(true);
    const sizes = logs.map((r) => r.request.resourceLogs[0]?.scopeLogs[0]?.logRecords.length ?? 0);
    expect(Math.max(...sizes)).toBe(LOG_BATCH_SIZE);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
  });

  it('gives every api_request a unique request_id', () => {
    const ids = named('api_request').map((e) => str(e.a.get('request_id')));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reports per session the same cost and tokens in metrics as in api_request events', () => {
    const fromEvents = new Map<string, { cost: number; input: number; cacheRead: number }>();
    for (const e of named('api_request')) {
      const s = fromEvents.get(sessionOf(e)) ?? { cost: 0, input: 0, cacheRead: 0 };
      s.cost += dbl(e.a.get('cost_usd'));
      s.input += int(e.a.get('input_tokens'));
      s.cacheRead += int(e.a.get('cache_read_tokens'));
      fromEvents.set(sessionOf(e), s);
    }
    const fromMetrics = new Map<string, { cost: number; input: number; cacheRead: number }>();
    for (const { metric, p, a } of points) {
      const s = fromMetrics.get(str(a.get('session.id'))) ?? { cost: 0, input: 0, cacheRead: 0 };
      if (metric.name === 'claude_code.cost.usage') {
        expect(metric.unit).toBe('USD');
        s.cost += p.asDouble;
      }
      if (metric.name === 'claude_code.token.usage') {
        expect(metric.unit).toBe('tokens');
        const type = str(a.get('type'));
        if (type === 'input') s.input += p.asDouble;
        if (type === 'cacheRead') s.cacheRead += p.asDouble;
      }
      fromMetrics.set(str(a.get('session.id')), s);
    }
    expect(fromEvents.size).toBeGreaterThan(200);
    for (const [session, e] of fromEvents) {
      const m = fromMetrics.get(session);
      expect(Math.abs((m?.cost ?? 0) - e.cost)).toBeLessThan(1e-9);
      expect(m?.input).toBe(e.input);
      expect(m?.cacheRead).toBe(e.cacheRead);
    }
  });

  it('exports metrics as Claude Code does: DELTA monotonic sums of doubles, the expected names', () => {
    const names = new Set(points.map((x) => x.metric.name));
    for (const n of [
      'claude_code.session.count',
      'claude_code.cost.usage',
      'claude_code.token.usage',
      'claude_code.lines_of_code.count',
      'claude_code.active_time.total',
      'claude_code.commit.count',
    ]) {
      expect(names).toContain(n);
    }
    for (const { metric, p } of points) {
      expect(metric.sum.aggregationTemporality).toBe(1);
      expect(metric.sum.isMonotonic).toBe(true);
      expect(typeof p.asDouble).toBe('number');
      expect(BigInt(p.startTimeUnixNano)).toBeLessThanOrEqual(BigInt(p.timeUnixNano));
    }
    const active = points.filter((x) => x.metric.name === 'claude_code.active_time.total');
    expect(active.every((x) => x.metric.unit === 's')).toBe(true);
    expect(new Set(active.map((x) => str(x.a.get('type'))))).toEqual(new Set(['cli', 'user']));
    const lines = points.filter((x) => x.metric.name === 'claude_code.lines_of_code.count');
    expect(new Set(lines.map((x) => str(x.a.get('type'))))).toEqual(new Set(['added', 'removed']));
  });

  it('has sessions where the same validation fails more than 3 times in a row, then passes', () => {
    const bySession = new Map<string, Event[]>();
    for (const e of named('tool_result')) {
      const cmd = commandOf(e);
      if (cmd && VALIDATION.test(cmd))
        bySession.set(sessionOf(e), [...(bySession.get(sessionOf(e)) ?? []), e]);
    }
    const streaky = [...bySession.values()].filter((runs) => {
      let streak = 0;
      let command = '';
      for (const e of runs) {
        const ok = str(e.a.get('success')) === 'true';
        const cmd = commandOf(e) ?? '';
        if (!ok) {
          streak = cmd === command ? streak + 1 : 1;
          command = cmd;
        } else if (cmd === command && streak > 3) {
          return true;
        } else {
          streak = 0;
        }
      }
      return false;
    });
    expect(streaky.length).toBeGreaterThanOrEqual(3);
    const failures = named('tool_result').filter((e) => str(e.a.get('success')) === 'false');
    expect(failures.every((e) => str(e.a.get('tool_name')) === 'Bash')).toBe(true);
    expect(failures.every((e) => str(e.a.get('error_type')) === 'ShellError' && e.a.has('error'))).toBe(true);
    const kinds = new Set(named('tool_result').map((e) => str(e.a.get('tool_name'))));
    expect(kinds).toEqual(new Set(['Bash', 'Edit', 'Read', 'Write', 'Grep']));
    const bash = named('tool_result').filter((e) => str(e.a.get('tool_name')) === 'Bash');
    for (const e of bash) {
      const params = JSON.parse(str(e.a.get('tool_parameters'))) as {
        bash_command: string;
        full_command: string;
      };
      expect(params.full_command.startsWith(params.bash_command)).toBe(true);
    }
  });

  it('has API errors with status and attempt, retries exhausted, and a later successful call', () => {
    const errors = named('api_error');
    expect(errors.length).toBeGreaterThan(10);
    expect(new Set(errors.map((e) => int(e.a.get('status_code'))))).toEqual(new Set([400, 429, 500, 529]));
    expect(errors.every((e) => int(e.a.get('attempt')) >= 1 && str(e.a.get('error')).length > 0)).toBe(true);
    const exhausted = named('api_retries_exhausted');
    expect(exhausted.length).toBeGreaterThan(0);
    expect(exhausted.every((e) => int(e.a.get('total_attempts')) > 1)).toBe(true);
    const retried = errors.filter((err) =>
      named('api_request').some((ok) => sessionOf(ok) === sessionOf(err) && ok.ms > err.ms),
    );
    expect(retried.length).toBeGreaterThan(errors.length / 2);
  });

  it('has tool calls the user rejected, and no result for them', () => {
    const rejects = named('tool_decision').filter((e) => str(e.a.get('decision')) === 'reject');
    expect(rejects.length).toBeGreaterThan(5);
    expect(rejects.every((e) => str(e.a.get('source')) === 'user_reject')).toBe(true);
    const resulted = new Set(named('tool_result').map((e) => str(e.a.get('tool_use_id'))));
    expect(rejects.some((e) => resulted.has(str(e.a.get('tool_use_id'))))).toBe(false);
    const accepted = named('tool_decision').filter((e) => str(e.a.get('decision')) === 'accept');
    expect(accepted.length).toBeGreaterThan(rejects.length * 10);
  });

  it('names branches the default attribution patterns turn into features and chapters', () => {
    const { featurePattern, chapterPattern } = compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS);
    const branches = new Set(events.map((e) => str(e.resource.get('branch'))));
    const features = new Set([...branches].flatMap((b) => featurePattern.exec(b)?.[1] ?? []));
    const chapters = new Set([...branches].flatMap((b) => chapterPattern.exec(b)?.[1] ?? []));
    expect(features.size).toBeGreaterThanOrEqual(3);
    expect(features.size).toBeLessThanOrEqual(4);
    expect(chapters.size).toBeGreaterThanOrEqual(5);
    expect(chapters.size).toBeLessThanOrEqual(8);
    expect(branches).toContain('main');
    expect(featurePattern.exec('017-ch07-telemetry')?.[1]).toBe('017');
    expect(chapterPattern.exec('017-ch07-telemetry')?.[1]).toBe('07');
  });

  it('traces some sessions: well-formed span trees, events linked to their spans', () => {
    const ids = spans.map((s) => s.span.spanId);
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(spans.every((s) => /^[0-9a-f]{32}$/.test(s.span.traceId))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(spans.map((s) => [s.span.spanId, s.span]));
    for (const { span, a } of spans) {
      expect(a.has('session.id')).toBe(true);
      if (span.name === 'claude_code.interaction') {
        expect(span.parentSpanId).toBeUndefined();
      } else {
        const parent = byId.get(span.parentSpanId ?? '');
        expect(parent?.traceId).toBe(span.traceId);
        const expected =
          span.name === 'claude_code.tool.blocked_on_user' || span.name === 'claude_code.tool.execution'
            ? 'claude_code.tool'
            : 'claude_code.interaction';
        expect(parent?.name).toBe(expected);
        // A child lies within its parent (to the millisecond; ends carry sub-millisecond digits).
        const ms = (nanos: string | undefined): bigint => BigInt(nanos ?? '0') / 1_000_000n;
        expect(ms(span.startTimeUnixNano)).toBeGreaterThanOrEqual(ms(parent?.startTimeUnixNano));
        expect(ms(span.endTimeUnixNano)).toBeLessThanOrEqual(ms(parent?.endTimeUnixNano));
      }
    }
    const failedExec = spans.filter(
      (s) =>
        s.span.name === 'claude_code.tool.execution' &&
        JSON.stringify(s.a.get('success')) === '{"boolValue":false}',
    );
    expect(failedExec.length).toBeGreaterThan(0);
    expect(failedExec.every((s) => s.span.status.code === 2 && (s.span.status.message ?? '') !== '')).toBe(
      true,
    );
    const tracedSessions = new Set(spans.map((s) => str(s.a.get('session.id'))));
    const allSessions = new Set(events.map(sessionOf));
    expect(tracedSessions.size).toBeGreaterThan(20);
    expect(tracedSessions.size).toBeLessThan(allSessions.size);
    const linked = events.filter((e) => e.spanId !== undefined);
    expect(linked.length).toBeGreaterThan(1_000);
    expect(linked.every((e) => byId.get(e.spanId ?? '')?.traceId === e.traceId)).toBe(true);
  });

  it('decodes whole through the real pipeline as protobuf, with member, feature, chapter and command', () => {
    const ctx = { tokenMember: null, attribution: compileAttribution(DEFAULT_ATTRIBUTION_PATTERNS) };
    const rows: { events: EventRow[]; spans: SpanRow[]; metrics: MetricPointRow[] } = {
      events: [],
      spans: [],
      metrics: [],
    };
    for (const r of requests) {
      const result = runPipeline(r.signal, 'protobuf', Buffer.from(encodeDemoRequest(r)), ctx);
      expect(result.rejected, result.rejectReason).toBe(0);
      rows.events.push(...result.rows.events);
      rows.spans.push(...result.rows.spans);
      rows.metrics.push(...result.rows.metrics);
    }
    expect(rows.events.length).toBe(events.length);
    expect(rows.spans.length).toBe(spans.length);
    expect(rows.metrics.length).toBe(points.length);
    expect(new Set(rows.events.map((e) => e.key)).size).toBe(rows.events.length);
    expect(new Set(rows.metrics.map((m) => m.key)).size).toBe(rows.metrics.length);
    expect(rows.events.every((e) => e.member !== null && e.git_branch !== null && e.repo === 'book')).toBe(
      true,
    );
    expect(new Set(rows.events.map((e) => e.feature))).toEqual(new Set(['017', '018', '021', '024', null]));
    expect(rows.events.filter((e) => e.chapter !== null).length).toBeGreaterThan(rows.events.length / 2);
    const bash = rows.events.filter((e) => e.event_name === 'tool_result' && e.tool_name === 'Bash');
    expect(bash.every((e) => e.command !== null && typeof e.success === 'boolean')).toBe(true);
    expect(
      rows.events.filter((e) => e.event_name === 'tool_result').every((e) => e.duration_ms !== null),
    ).toBe(true);
    // Ids and times survive the protobuf encoding exactly.
    const first = events.find((e) => e.traceId !== undefined);
    const row = rows.events.find((e) => e.trace_id === first?.traceId && e.span_id === first?.spanId);
    expect(row?.ts).toBe((first?.ms ?? 0) * 1000);
    expect(rows.spans.every((s) => s.session_id !== null && s.member !== null)).toBe(true);
    expect(rows.metrics.every((m) => m.temporality === 'delta' && m.session_id !== null)).toBe(true);
  });
});
