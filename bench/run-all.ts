/**
 * `npm run bench`: the ingest benchmark suite. Loopback only, ports from the OS, temp data dirs that
 * are removed, collectors stopped, every loop bounded; about 2 minutes in all.
 *
 *   1. in-process (one core): protobuf decode only, OTLP/JSON JSON.parse, runPipeline, the request
 *      path (pipeline + WAL record encode), the writer's record decode, DuckdbStore.write.
 *   2. max ingest: the real collector (child process, durable ack on: 200 only after fsync), 8
 *      concurrent clients POSTing 200-event OTLP/HTTP protobuf batches as fast as acked, 3 s warm-up +
 *      20 s measured; then wait until the store holds every acked event ("sustained" = stored rate).
 *   3. fixed rate: a fresh collector, 5,000 events/s (25 requests/s, open loop) for 15 s: ack latency.
 *
 * Prints a summary table and one JSON line; writes .bench-out/bench-<time>.json and latest.json.
 *
 * Flags: --quick (short phases, a smoke test), --profile (only the max-ingest phase, with the collector
 * under --cpu-prof; prints the hot spots of its main thread and of each pipeline worker thread, and
 * keeps the .cpuprofile files in .bench-out/).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  machineBusySeconds,
  ROOT,
  startCollectorProcess,
  type CollectorProcess,
} from './collector-process.js';
import { measureInProcess, type InProcessResult, type StageRate } from './in-process.js';
import { closedLoop, newPool, openLoop, type LoadResult, type OpenLoopResult } from './ingest.js';
import { buildTemplates, EVENTS_PER_BATCH, PayloadFactory } from './payloads.js';
import { defaultServeConfig } from './pipeline-context.js';
import { formatProfile, summarizeProfile, type ProfileSummary } from './profile.js';
import { fmtInt, fmtMs, nowMs, round, sleep } from './stats.js';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const PROFILE = args.has('--profile');

const CFG = {
  clients: 8,
  eventsPerBatch: EVENTS_PER_BATCH,
  warmupMs: QUICK ? 1_000 : 3_000,
  measureMs: QUICK ? 4_000 : 20_000,
  drainTimeoutMs: 60_000,
  fixedEventsPerSec: 5_000,
  fixedWarmupMs: QUICK ? 1_000 : 2_000,
  fixedMeasureMs: QUICK ? 4_000 : 15_000,
  stageMs: QUICK ? 800 : 2_500,
  storeMs: QUICK ? 1_500 : 4_000,
};

/** The collectors run with the default config: this many pipeline worker threads on this machine. */
const PIPELINE_WORKERS = defaultServeConfig().pipeline.workers;

const TARGETS = { sustainedEventsPerSec: 25_000, fixedP99Ms: 50, fractionOfDecode: 0.5 };

const OUT_DIR = path.join(ROOT, '.bench-out');
const live = new Set<CollectorProcess>();

const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};

const LOGS = '{signal="logs"}';
const counter = (m: Map<string, number>, name: string): number => m.get(`${name}${LOGS}`) ?? 0;

interface MaxIngestResult {
  load: LoadResult;
  warmupAckedEvents: number;
  /** Events acked (warm-up + measured) per the collector's own counter. */
  receivedEvents: number;
  storedEvents: number;
  duplicates: number;
  /** Seconds from the measured window's start until the store held every acked event (null: timed out). */
  secondsToFullyStored: number | null;
  /** Events the store took in from the window's start until it held them all, per second. */
  storedEventsPerSec: number;
  /** Write lag (WAL bytes not yet in the store) when the load stopped. */
  writeLagBytesAtLoadEnd: number;
  collectorCpuPct: number;
  collectorCpuUsPerEvent: number;
  benchCpuPct: number;
  /** CPU other processes on the machine used meanwhile: noise in these figures. */
  otherCpuPct: number;
  /** The main thread's profile (--profile). */
  profile?: ProfileSummary;
  /** The pipeline worker threads' profiles (--profile). */
  workerProfiles?: ProfileSummary[];
}

async function withCollector<T>(
  label: string,
  nodeArgs: string[],
  fn: (c: CollectorProcess) => Promise<T>,
): Promise<T> {
  const c = await startCollectorProcess({ label, nodeArgs });
  live.add(c);
  try {
    return await fn(c);
  } finally {
    const code = await c.stop();
    live.delete(c);
    if (code !== 0) log(`collector (${label}) exited with ${code}:\n${c.output()}`);
  }
}

async function maxIngest(factory: PayloadFactory, profileDir: string | null): Promise<MaxIngestResult> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const result: MaxIngestResult = await withCollector(
    'max',
    nodeArgs,
    async (c): Promise<MaxIngestResult> => {
      const pool = newPool(c.httpUrl, CFG.clients);
      try {
        log(`max ingest: ${c.httpUrl}, ${CFG.clients} clients, warm-up ${CFG.warmupMs / 1000} s`);
        const warm = await closedLoop(pool, factory, { clients: CFG.clients, durationMs: CFG.warmupMs });
        const before = await c.metrics();
        const storedAtStart = counter(before, 'unsilo_records_stored_total');
        const cpu0 = c.cpuSeconds();
        const self0 = process.cpuUsage();
        const machine0 = machineBusySeconds();
        log(`max ingest: measuring ${CFG.measureMs / 1000} s`);
        const t0 = nowMs();
        const load = await closedLoop(pool, factory, { clients: CFG.clients, durationMs: CFG.measureMs });
        const loadSeconds = (nowMs() - t0) / 1000;
        const cpu1 = c.cpuSeconds();
        const self1 = process.cpuUsage(self0);
        const machine1 = machineBusySeconds();
        const atEnd = await c.metrics();
        log(
          `max ingest: ${fmtInt(load.ackedEventsPerSec)} events/s acked; waiting for the store to catch up`,
        );

        let m = atEnd;
        let done: number | null = null;
        const deadline = nowMs() + CFG.drainTimeoutMs;
        for (;;) {
          const received = counter(m, 'unsilo_records_received_total');
          const stored =
            counter(m, 'unsilo_records_stored_total') + counter(m, 'unsilo_records_duplicate_total');
          if (stored >= received) {
            done = nowMs();
            break;
          }
          if (nowMs() > deadline) break;
          await sleep(100);
          m = await c.metrics();
        }
        const storedEvents = counter(m, 'unsilo_records_stored_total');
        const elapsed = ((done ?? nowMs()) - t0) / 1000;
        return {
          load,
          warmupAckedEvents: warm.ackedEvents,
          receivedEvents: counter(m, 'unsilo_records_received_total'),
          storedEvents,
          duplicates: counter(m, 'unsilo_records_duplicate_total'),
          secondsToFullyStored: done === null ? null : round(elapsed, 2),
          storedEventsPerSec: round((storedEvents - storedAtStart) / elapsed),
          writeLagBytesAtLoadEnd: atEnd.get('unsilo_write_lag_bytes') ?? NaN,
          collectorCpuPct: round(((cpu1 - cpu0) / loadSeconds) * 100),
          collectorCpuUsPerEvent: round(((cpu1 - cpu0) * 1e6) / load.ackedEvents, 1),
          benchCpuPct: round(((self1.user + self1.system) / 1e6 / loadSeconds) * 100),
          otherCpuPct: round(
            ((machine1 - machine0 - (cpu1 - cpu0) - (self1.user + self1.system) / 1e6) / loadSeconds) * 100,
          ),
        };
      } finally {
        await pool.close();
      }
    },
  );
  if (profileDir) {
    // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile: thread 0 is the main thread.
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    const threadOf = (f: string): number => Number(f.split('.').at(-3));
    const main = files.find((f) => threadOf(f) === 0);
    if (main) result.profile = summarizeProfile(path.join(profileDir, main));
    result.workerProfiles = files
      .filter((f) => threadOf(f) !== 0)
      .map((f) => summarizeProfile(path.join(profileDir, f)));
  }
  return result;
}

async function fixedRate(factory: PayloadFactory): Promise<OpenLoopResult & { writeLagBytesAtEnd: number }> {
  const requestsPerSec = CFG.fixedEventsPerSec / CFG.eventsPerBatch;
  return withCollector('fixed', [], async (c) => {
    const pool = newPool(c.httpUrl, CFG.clients);
    try {
      log(
        `fixed rate: ${fmtInt(CFG.fixedEventsPerSec)} events/s (${requestsPerSec} requests/s), warm-up ${CFG.fixedWarmupMs / 1000} s`,
      );
      await openLoop(pool, factory, { requestsPerSec, durationMs: CFG.fixedWarmupMs });
      log(`fixed rate: measuring ${CFG.fixedMeasureMs / 1000} s`);
      const r = await openLoop(pool, factory, { requestsPerSec, durationMs: CFG.fixedMeasureMs });
      const m = await c.metrics();
      return { ...r, writeLagBytesAtEnd: m.get('unsilo_write_lag_bytes') ?? NaN };
    } finally {
      await pool.close();
    }
  });
}

function table(rows: [string, string, string][]): string {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`).join('\n');
}

const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  const started = nowMs();
  const loadAvgAtStart = os.loadavg().map((x) => round(x, 2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(OUT_DIR, { recursive: true });
  log(`building ${CFG.eventsPerBatch}-event payload templates`);
  const factory = new PayloadFactory(buildTemplates(16, CFG.eventsPerBatch));

  if (PROFILE) {
    const dir = path.join(OUT_DIR, `profile-${stamp}`);
    mkdirSync(dir, { recursive: true });
    const r = await maxIngest(factory, dir);
    const text = [
      r.profile ? formatProfile(r.profile) : `no main-thread .cpuprofile was written in ${dir}`,
      ...(r.workerProfiles ?? []).map((p, i) => `pipeline worker ${i + 1}:\n${formatProfile(p, 'worker')}`),
    ].join('\n\n');
    const head = `max ingest under --cpu-prof: ${fmtInt(r.load.ackedEventsPerSec)} events/s acked, p50 ${fmtMs(r.load.latencyMs.p50)} ms, p99 ${fmtMs(r.load.latencyMs.p99)} ms, stored ${fmtInt(r.storedEventsPerSec)} events/s, collector CPU ${r.collectorCpuPct}% (other processes ${r.otherCpuPct}%), responses ${JSON.stringify(r.load.statuses)}`;
    writeFileSync(path.join(dir, 'summary.txt'), `${head}\n\n${text}\n`);
    process.stdout.write(`${head}\n\n${text}\n\nprofile and summary in ${dir}\n`);
    return;
  }

  log(`in-process stages (${CFG.stageMs} ms each)`);
  const inproc: InProcessResult = await measureInProcess(factory, {
    stageMs: CFG.stageMs,
    storeMs: CFG.storeMs,
  });
  const max = await maxIngest(factory, null);
  const fixed = await fixedRate(factory);

  const decodeRate = inproc.decode.eventsPerSec;
  const sustained = Math.min(max.load.ackedEventsPerSec, max.storedEventsPerSec);
  const checks = {
    sustained: sustained >= TARGETS.sustainedEventsPerSec,
    fixedP99: fixed.latencyMs.p99 < TARGETS.fixedP99Ms && fixed.errors === 0,
    halfOfDecode: sustained >= TARGETS.fractionOfDecode * decodeRate,
  };

  const bd = inproc.storeBreakdown.usPerRow;
  const stage = (s: StageRate): [string, string, string] => [
    `  ${s.stage}`,
    fmtInt(s.eventsPerSec),
    `events/s per core  (${s.usPerEvent} µs CPU/event; ${fmtInt(s.wallEventsPerSec)}/s by the wall clock)`,
  ];
  const lat = (l: LoadResult['latencyMs']): string =>
    `p50 ${fmtMs(l.p50)} ms, p99 ${fmtMs(l.p99)} ms, max ${fmtMs(l.max)} ms`;
  const summary = table([
    ['in-process, one thread, rates per CPU-second (same payloads)', '', ''],
    stage(inproc.decode),
    stage(inproc.jsonParse),
    stage(inproc.pipeline),
    stage(inproc.redact),
    stage(inproc.redactLeaky),
    stage(inproc.requestPath),
    stage(inproc.writerDecode),
    [
      `  ${inproc.store.stage}`,
      fmtInt(inproc.store.eventsPerSec),
      `rows/s  (${inproc.store.rowsPerWrite} rows per write, wall time)`,
    ],
    [
      '    of which: appender calls',
      fmtInt(inproc.storeBreakdown.appenderRowsPerSec),
      `rows/s; µs/row: append ${bd.appendCalls}, close ${bd.appenderClose}, INSERT ${bd.insert}, COMMIT ${bd.commit}, other ${bd.other} = ${bd.total}`,
    ],
    [
      '  bytes per event',
      '',
      `protobuf ${inproc.bytesPerEvent.protobuf}, OTLP/JSON ${inproc.bytesPerEvent.otlpJson}, WAL record ${inproc.bytesPerEvent.walRecord}`,
    ],
    [
      `max ingest (${CFG.clients} clients, ${CFG.eventsPerBatch}-event protobuf batches, durable ack, pipeline workers: ${PIPELINE_WORKERS})`,
      '',
      '',
    ],
    [
      '  acked',
      fmtInt(max.load.ackedEventsPerSec),
      `events/s over ${round(max.load.seconds, 1)} s, ${fmtInt(max.load.ackedRequests)} requests`,
    ],
    ['  ack latency', '', lat(max.load.latencyMs)],
    [
      '  stored (sustained)',
      fmtInt(max.storedEventsPerSec),
      max.secondsToFullyStored === null
        ? `events/s: NOT all stored within ${CFG.drainTimeoutMs / 1000} s (${fmtInt(max.storedEvents)} of ${fmtInt(max.receivedEvents)})`
        : `events/s: all ${fmtInt(max.storedEvents)} acked events stored ${max.secondsToFullyStored} s after the window began (${max.duplicates} duplicates)`,
    ],
    [
      '  backpressure / errors',
      `${max.load.backpressure} / ${max.load.errors}`,
      `429+503 / other${max.load.firstError ? ` (first: ${max.load.firstError})` : ''}`,
    ],
    ['  write lag at load end', fmtInt(max.writeLagBytesAtLoadEnd), 'bytes'],
    [
      `  CPU (of ${os.cpus().length * 100}%)`,
      `${max.collectorCpuPct}%`,
      `collector (${max.collectorCpuUsPerEvent} µs CPU per acked event); load generator ${max.benchCpuPct}%; other processes ${max.otherCpuPct}%`,
    ],
    [`fixed rate ${fmtInt(CFG.fixedEventsPerSec)} events/s (open loop)`, '', ''],
    ['  acked', fmtInt(fixed.ackedEventsPerSec), `events/s over ${round(fixed.seconds, 1)} s`],
    ['  ack latency', '', lat(fixed.latencyMs)],
    ['  … from the schedule', '', `${lat(fixed.latencyFromScheduleMs)} (includes sender lateness)`],
    [
      '  backpressure / errors',
      `${fixed.backpressure} / ${fixed.errors}`,
      `write lag at end ${fmtInt(fixed.writeLagBytesAtEnd)} bytes; sender was up to ${fmtMs(fixed.maxLagMs)} ms late`,
    ],
    ['targets', '', ''],
    [
      `  sustained ≥ ${fmtInt(TARGETS.sustainedEventsPerSec)} events/s`,
      verdict(checks.sustained),
      `min(acked, stored) = ${fmtInt(sustained)}`,
    ],
    [
      `  p99 ack < ${TARGETS.fixedP99Ms} ms at ${fmtInt(CFG.fixedEventsPerSec)}/s`,
      verdict(checks.fixedP99),
      `p99 = ${fmtMs(fixed.latencyMs.p99)} ms`,
    ],
    [
      `  ≥ ${TARGETS.fractionOfDecode} × decode-only rate`,
      verdict(checks.halfOfDecode),
      `${fmtInt(sustained)} vs ${fmtInt(decodeRate)} decode → ${round(sustained / decodeRate, 2)}×`,
    ],
  ]);

  const figures = {
    bench: 'unsilo-ingest',
    time: new Date().toISOString(),
    quick: QUICK,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      node: process.version,
      loadAvgAtStart,
    },
    config: { ...CFG, pipelineWorkers: PIPELINE_WORKERS },
    targets: TARGETS,
    decodeEventsPerSec: decodeRate,
    ackedEventsPerSec: max.load.ackedEventsPerSec,
    storedEventsPerSec: max.storedEventsPerSec,
    sustainedEventsPerSec: sustained,
    sustainedOverDecode: round(sustained / decodeRate, 3),
    maxLoadAckLatencyMs: max.load.latencyMs,
    fixedRateAckLatencyMs: fixed.latencyMs,
    checks,
    inProcess: inproc,
    maxIngest: max,
    fixedRate: fixed,
    runtimeSeconds: round((nowMs() - started) / 1000, 1),
  };
  const json = JSON.stringify(figures);
  writeFileSync(path.join(OUT_DIR, `bench-${stamp}.json`), json + '\n');
  writeFileSync(path.join(OUT_DIR, 'latest.json'), json + '\n');
  const noisy =
    max.otherCpuPct > 10
      ? `\n  NOTE: other processes used ${max.otherCpuPct}% CPU during the max-ingest window; these figures are noisy.`
      : '';
  process.stdout.write(
    `\nunsilo ingest benchmark (${figures.machine.cpus} CPUs, node ${process.version}, load average at start ${loadAvgAtStart.join(' ')}${QUICK ? ', --quick' : ''})\n${summary}${noisy}\n\n`,
  );
  process.stdout.write(`${json}\n`);
}

async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop(5_000)));
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping collectors`);
    void stopAll().finally(() => process.exit(130));
  });
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  await stopAll();
  process.exit(1);
});
