/**
 * demo: what one Claude Code process records. Events get the standard attributes (user.id, session.id,
 * provider, terminal, the repository, and the OTEL_RESOURCE_ATTRIBUTES pairs copied in), then
 * event.name / event.timestamp / event.sequence (from 0 in every process) / prompt.id; they are
 * buffered and numbered in time order. Spans and metric points carry the same standard attributes;
 * the counters are summed here and exported once at process exit as DELTA sums (reference §2–§5).
 */
import type { Rng } from './demo-random.js';
import type { Member, ModelName, Tokens } from './demo-team.js';
import {
  keyValues,
  LOG_FLAGS_SAMPLED,
  nanos,
  SPAN_FLAGS,
  SPAN_KIND_INTERNAL,
  STATUS_ERROR,
  TEMPORALITY_DELTA,
  CLAUDE_CODE_VERSION,
  type AttrMap,
  type OtlpLogRecord,
  type OtlpMetric,
  type OtlpNumberPoint,
  type OtlpSpan,
  type OtlpSpanEvent,
} from './demo-otlp.js';

export interface SpanRef {
  traceId: string;
  spanId: string;
}

export interface ProcessIdentity {
  member: Member;
  branch: string;
  sessionId: string;
  /**
   * session.id of the events before the first prompt and of the session.count point: a resumed
   * process starts with a throw-away id (reference §0 point 8); a fresh one with its own.
   */
  earlySessionId: string;
  startMs: number;
  startType: 'fresh' | 'resume';
}

/** OTEL_METRICS_INCLUDE_REPOSITORY=1 on the team's machines: the repository on every record. */
const REPOSITORY: AttrMap = {
  'vcs.repository.url.full': 'https://github.com/example-org/book',
  'vcs.owner.name': 'example-org',
  'vcs.repository.name': 'book',
  'vcs.provider.name': 'github',
};

interface PendingEvent {
  ms: number;
  name: string;
  standard: AttrMap;
  promptId: string | null;
  attrs: AttrMap;
  span: SpanRef | null;
}

interface Counter {
  attrs: AttrMap;
  value: number;
  firstMs: number;
}

export class ProcessRecorder {
  readonly records: OtlpLogRecord[] = [];
  readonly spans: OtlpSpan[] = [];
  promptId: string | null = null;
  activeCliMs = 0;
  activeUserMs = 0;
  private pending: PendingEvent[] = [];
  private sequence = 0;
  /** Counter name → attribute-set key → running sum. */
  private counters = new Map<string, Map<string, Counter>>();

  constructor(
    readonly id: ProcessIdentity,
    private readonly rng: Rng,
  ) {}

  /** The OTEL_RESOURCE_ATTRIBUTES pairs the member set: on the resource and copied into every record. */
  private get custom(): AttrMap {
    return { member: this.id.member.name, branch: this.id.branch };
  }

  resource(): AttrMap {
    return {
      'host.arch': 'amd64',
      'os.type': 'linux',
      'os.version': this.id.member.osVersion,
      'service.name': 'claude-code',
      'service.version': CLAUDE_CODE_VERSION,
      ...this.custom,
    };
  }

  standard(sessionId = this.promptId ? this.id.sessionId : this.id.earlySessionId): AttrMap {
    return {
      'user.id': this.id.member.userId,
      'session.id': sessionId,
      'anthropic.provider': 'firstParty',
      'terminal.type': this.id.member.terminal,
      ...REPOSITORY,
      ...this.custom,
    };
  }

  event(ms: number, name: string, attrs: AttrMap, span: SpanRef | null): void {
    this.pending.push({ ms, name, standard: this.standard(), promptId: this.promptId, attrs, span });
  }

  /** Numbers the buffered events in time order (stable for equal times) and turns them into records. */
  flush(): void {
    const sorted = this.pending.map((e, i) => ({ e, i })).sort((a, b) => a.e.ms - b.e.ms || a.i - b.i);
    this.pending = [];
    for (const { e } of sorted) {
      const time = nanos(e.ms);
      const attrs: AttrMap = {
        ...e.standard,
        'event.name': e.name,
        'event.timestamp': new Date(e.ms).toISOString(),
        'event.sequence': this.sequence++,
        ...(e.promptId ? { 'prompt.id': e.promptId } : {}),
        ...e.attrs,
      };
      this.records.push({
        timeUnixNano: time,
        observedTimeUnixNano: time,
        body: { stringValue: `claude_code.${e.name}` },
        attributes: keyValues(attrs),
        droppedAttributesCount: 0,
        ...(e.span ? { flags: LOG_FLAGS_SAMPLED, traceId: e.span.traceId, spanId: e.span.spanId } : {}),
      });
    }
  }

  span(
    ref: SpanRef,
    parentSpanId: string | null,
    name: string,
    startMs: number,
    endMs: number,
    attrs: AttrMap,
    opts: { events?: { ms: number; attempt: number }[]; error?: string } = {},
  ): void {
    const events = (opts.events ?? []).map((e): OtlpSpanEvent => ({
      timeUnixNano: nanos(e.ms, this.rng.int(0, 999_999)),
      name: 'gen_ai.request.attempt',
      attributes: keyValues({ attempt: e.attempt }),
      droppedAttributesCount: 0,
    }));
    this.spans.push({
      traceId: ref.traceId,
      spanId: ref.spanId,
      ...(parentSpanId ? { parentSpanId } : {}),
      name,
      kind: SPAN_KIND_INTERNAL,
      startTimeUnixNano: nanos(startMs),
      endTimeUnixNano: nanos(endMs, this.rng.int(0, 999_999)),
      attributes: keyValues({
        ...this.standard(this.id.sessionId),
        'gen_ai.provider.name': 'anthropic',
        'span.type': name.slice('claude_code.'.length),
        ...attrs,
      }),
      droppedAttributesCount: 0,
      events,
      droppedEventsCount: 0,
      status: opts.error === undefined ? { code: 0 } : { code: STATUS_ERROR, message: opts.error },
      links: [],
      droppedLinksCount: 0,
      flags: SPAN_FLAGS,
    });
  }

  count(metric: string, attrs: AttrMap, value: number, ms: number): void {
    const series = this.counters.get(metric) ?? new Map<string, Counter>();
    this.counters.set(metric, series);
    const key = JSON.stringify(attrs);
    const c = series.get(key);
    if (c) c.value += value;
    else series.set(key, { attrs, value, firstMs: ms });
  }

  /** One model call's cost and tokens, as claude_code.cost.usage and claude_code.token.usage count them. */
  usage(model: ModelName, querySource: string, cost: number, t: Tokens, ms: number): void {
    const attrs = { model, query_source: querySource };
    this.count('claude_code.cost.usage', attrs, cost, ms);
    for (const [type, n] of [
      ['input', t.input],
      ['output', t.output],
      ['cacheRead', t.cacheRead],
      ['cacheCreation', t.cacheCreation],
    ] as const) {
      this.count('claude_code.token.usage', { ...attrs, type }, n, ms);
    }
  }

  /** The process's metric export at exit: one DELTA point per attribute set. */
  metrics(exportMs: number): OtlpMetric[] {
    const time = nanos(exportMs);
    const sessionCount: OtlpNumberPoint = {
      attributes: keyValues({ ...this.standard(this.id.earlySessionId), start_type: this.id.startType }),
      startTimeUnixNano: nanos(this.id.startMs + 80),
      timeUnixNano: time,
      asDouble: 1,
    };
    const active = [
      ['cli', this.activeCliMs],
      ['user', this.activeUserMs],
    ] as const;
    for (const [type, ms] of active) {
      if (ms > 0)
        this.count('claude_code.active_time.total', { type }, Math.round(ms) / 1000, this.id.startMs + 100);
    }
    const out: OtlpMetric[] = [metric('claude_code.session.count', [sessionCount])];
    for (const [name, series] of this.counters) {
      const points = [...series.values()].map((c): OtlpNumberPoint => ({
        attributes: keyValues({ ...this.standard(this.id.sessionId), ...c.attrs }),
        startTimeUnixNano: nanos(c.firstMs),
        timeUnixNano: time,
        asDouble: c.value,
      }));
      out.push(metric(name, points));
    }
    return out;
  }
}

const METRIC_INFO: Record<string, readonly [string, string]> = {
  'claude_code.session.count': ['Count of CLI sessions started', ''],
  'claude_code.cost.usage': ['Cost of the Claude Code session', 'USD'],
  'claude_code.token.usage': ['Number of tokens used', 'tokens'],
  'claude_code.lines_of_code.count': [
    "Count of lines of code modified, with the 'type' attribute indicating whether lines were added or removed",
    '',
  ],
  'claude_code.commit.count': ['Number of git commits created', ''],
  'claude_code.code_edit_tool.decision': [
    'Count of code editing tool permission decisions (accept/reject) for Edit, Write, and NotebookEdit tools',
    '',
  ],
  'claude_code.active_time.total': ['Total active time in seconds', 's'],
};

function metric(name: string, dataPoints: OtlpNumberPoint[]): OtlpMetric {
  const [description, unit] = METRIC_INFO[name] ?? ['', ''];
  return {
    name,
    description,
    unit,
    sum: { dataPoints, aggregationTemporality: TEMPORALITY_DELTA, isMonotonic: true },
  };
}
