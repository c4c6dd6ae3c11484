/**
 * demo: the generator behind `unsilo demo`. Plans a team's sessions over a date range (working hours
 * in each member's time zone, weekdays heavier, a couple of API incident days), simulates each one
 * (demo-session.ts) and yields the OTLP/JSON export requests Claude Code would have sent: logs in
 * batches of up to 200 records per process, one traces and one metrics request per process. Pure and
 * deterministic: the same options give the same requests; only a missing endDate reads the clock.
 */
import { logsRequest, metricsRequest, tracesRequest, type DemoRequest, type KeyValue } from './demo-otlp.js';
import { Rng } from './demo-random.js';
import { simulateSession, type SessionSpec } from './demo-session.js';
import { branchesFor, team } from './demo-team.js';

export type { DemoRequest } from './demo-otlp.js';

export interface DemoOptions {
  /** Team size (default 5: alice, bob, carol, dan, erin). */
  members?: number;
  /** Days of history, ending on endDate's day (default 30). */
  days?: number;
  seed?: number;
  /** Nothing is later than this (default: now). */
  endDate?: Date;
  /** Mean sessions a member starts on a weekday (default 3.5). */
  sessionsPerMemberPerDay?: number;
}

export const DEMO_DEFAULTS = { members: 5, days: 30, seed: 1, sessionsPerMemberPerDay: 3.5 } as const;

/** The OTel SDK's batch processors send at most this many log records in one request here. */
export const LOG_BATCH_SIZE = 200;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local start hours of sessions and their weights: mornings and afternoons, a lunch dip. */
const START_HOURS: readonly (readonly [number, number])[] = [
  [9, 3],
  [10, 4],
  [11, 4],
  [12, 1],
  [13, 2],
  [14, 4],
  [15, 4],
  [16, 3],
  [17, 1],
];

/** Every session of the range, in start order. */
export function planDemo(opts: DemoOptions = {}): SessionSpec[] {
  const days = opts.days ?? DEMO_DEFAULTS.days;
  const rate = opts.sessionsPerMemberPerDay ?? DEMO_DEFAULTS.sessionsPerMemberPerDay;
  const members = team(opts.members ?? DEMO_DEFAULTS.members);
  const rng = new Rng(opts.seed ?? DEMO_DEFAULTS.seed);
  const end = opts.endDate ?? new Date();
  const lastDay = Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate());
  const incidents = new Set([rng.int(0, days - 1), rng.int(0, days - 1)]);
  const specs: SessionSpec[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = lastDay - (days - 1 - d) * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const progress = days > 1 ? d / (days - 1) : 1;
    members.forEach((member, index) => {
      const n = weekend ? (rng.chance(0.2) ? 1 : 0) : rng.poisson(rate * member.intensity);
      for (let k = 0; k < n; k++) {
        const localHour = rng.weighted(START_HOURS) + rng.next();
        specs.push({
          seed: rng.u32(),
          member,
          branch: rng.weighted(branchesFor(member, index, progress)),
          startMs: dayStart + Math.round((localHour - member.utcOffsetHours) * HOUR),
          incident: incidents.has(d),
        });
      }
    });
  }
  return specs.sort((a, b) => a.startMs - b.startMs);
}

/** The export requests of the whole demo, session after session. */
export function* generateDemo(opts: DemoOptions = {}): Generator<DemoRequest> {
  const endMs = (opts.endDate ?? new Date()).getTime();
  for (const spec of planDemo({ ...opts, endDate: new Date(endMs) })) {
    const processes = simulateSession(spec);
    // A session still running at endDate has not been exported yet.
    if (processes.some((p) => p.endMs > endMs)) continue;
    for (const p of processes) {
      for (let i = 0; i < p.records.length; i += LOG_BATCH_SIZE) {
        yield logsRequest(p.resource, p.records.slice(i, i + LOG_BATCH_SIZE));
      }
      if (p.spans.length > 0) yield tracesRequest(p.resource, p.spans);
      yield metricsRequest(p.resource, p.metrics);
    }
  }
}

export interface RequestCounts {
  events: number;
  spans: number;
  points: number;
}

/** How many log records, spans and metric data points a request holds. */
export function countRecords(r: DemoRequest): RequestCounts {
  switch (r.signal) {
    case 'logs':
      return {
        events: r.request.resourceLogs.reduce(
          (n, rl) => n + rl.scopeLogs.reduce((m, sl) => m + sl.logRecords.length, 0),
          0,
        ),
        spans: 0,
        points: 0,
      };
    case 'traces':
      return {
        events: 0,
        spans: r.request.resourceSpans.reduce(
          (n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0),
          0,
        ),
        points: 0,
      };
    case 'metrics':
      return {
        events: 0,
        spans: 0,
        points: r.request.resourceMetrics.reduce(
          (n, rm) =>
            n +
            rm.scopeMetrics.reduce(
              (m, sm) => m + sm.metrics.reduce((k, x) => k + x.sum.dataPoints.length, 0),
              0,
            ),
          0,
        ),
      };
  }
}

const stringAttr = (attrs: KeyValue[], key: string): string | undefined => {
  const v = attrs.find((a) => a.key === key)?.value;
  return v && 'stringValue' in v ? v.stringValue : undefined;
};

/** The session.id values of a logs request's events (what `count(DISTINCT session_id) FROM events` counts). */
export function eventSessionIds(r: DemoRequest): string[] {
  if (r.signal !== 'logs') return [];
  return r.request.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) =>
      sl.logRecords.flatMap((rec) => stringAttr(rec.attributes, 'session.id') ?? []),
    ),
  );
}
