/**
 * ClickHouse write benchmark and sizing: realistic Claude Code events (the ingest benchmark's OTLP
 * payloads run through the real pipeline) written with ClickhouseStore.write in writer-sized batches
 * (one `writer.batchBytes` read of the write-ahead log), through @clickhouse/client to chDB behind the
 * test HTTP endpoint — client, HTTP and engine all on this machine's cores. Then the table's size from
 * system.parts, after merging to one part per partition (the steady state), per million events. The
 * payloads cycle through a few templates with counter ids, so their attributes compress better than
 * real sessions' would: read the size as a lower bound.
 *
 * `node --import tsx bench/clickhouse-write-bench.ts [--writes N]`; writes .bench-out/clickhouse-write-latest.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventRow } from '../src/model/records.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { ClickhouseStore } from '../src/store/clickhouse/clickhouse-store.js';
import { encodeRows } from '../src/wal/wal-payload.js';
import { startChdbEndpoint } from '../test/support/chdb-endpoint.js';
import { buildTemplates, PayloadFactory } from './payloads.js';
import { defaultPipelineContext, defaultServeConfig } from './pipeline-context.js';
import { nowMs, round } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
const WRITES = argv.includes('--writes') ? Number(argv[argv.indexOf('--writes') + 1]) : 30;

const ctx = defaultPipelineContext();
const factory = new PayloadFactory(buildTemplates(8));
const sample = runPipeline('logs', 'protobuf', factory.next().body, ctx).rows;
const recordBytes = encodeRows(sample).length;
const requests = Math.max(1, Math.floor(defaultServeConfig().writer.batchBytes / recordBytes));
const base: EventRow[] = [];
for (let k = 0; k < requests; k++)
  base.push(...runPipeline('logs', 'protobuf', factory.next().body, ctx).rows.events);
// Keys as the pipeline makes them: 32 hex digits of a content hash, i.e. random (incompressible).
const batch = (): EventRow[] => base.map((r) => ({ ...r, key: randomBytes(16).toString('hex') }));

const endpoint = await startChdbEndpoint();
const store = new ClickhouseStore({
  url: endpoint.url,
  database: 'unsilo_write_bench',
  user: 'default',
  password: '',
});
await store.start();
let rows = 0;
let busy = 0;
for (let w = 0; w < WRITES; w++) {
  const events = batch();
  const t = nowMs();
  const r = await store.write({ events, spans: [], metrics: [] });
  busy += nowMs() - t;
  if (r.events.inserted !== events.length) throw new Error('unexpected duplicates');
  rows += events.length;
}
await store.query('OPTIMIZE TABLE events FINAL', [], { timeoutMs: 600_000 });
const parts = await store.query(
  `SELECT sum(bytes_on_disk), sum(rows), count(), sum(data_uncompressed_bytes) FROM system.parts
   WHERE database = currentDatabase() AND table = 'events' AND active`,
);
const [bytes, stored, partCount, raw] = (parts.rows[0] ?? []).map(Number) as [number, number, number, number];
const columns = await store.query(
  `SELECT column, sum(column_data_compressed_bytes) AS b FROM system.parts_columns
   WHERE database = currentDatabase() AND table = 'events' AND active GROUP BY column ORDER BY b DESC LIMIT 5`,
);
await store.close();
await endpoint.close();

const result = {
  events: rows,
  eventsPerWrite: base.length,
  writes: WRITES,
  eventsPerSecond: round(rows / (busy / 1000)),
  storedRows: stored,
  parts: partCount,
  bytesOnDisk: bytes,
  mibPerMillionEvents: round(((bytes / stored) * 1e6) / 2 ** 20, 1),
  uncompressedMibPerMillionEvents: round(((raw / stored) * 1e6) / 2 ** 20, 1),
  largestColumns: columns.rows.map(([c, b]) => ({
    column: c,
    mibPerMillion: round(((Number(b) / stored) * 1e6) / 2 ** 20, 1),
  })),
};
process.stdout.write(
  `ClickHouse writes: ${rows.toLocaleString('en-US')} events in ${WRITES} writes of ${base.length.toLocaleString('en-US')}: ` +
    `${result.eventsPerSecond.toLocaleString('en-US')} events/s (ClickhouseStore.write, HTTP, chDB)\n` +
    `size: ${result.mibPerMillionEvents} MiB per million events on disk (${result.uncompressedMibPerMillionEvents} MiB uncompressed), ${partCount} parts\n` +
    `${JSON.stringify(result)}\n`,
);
mkdirSync(path.join(ROOT, '.bench-out'), { recursive: true });
writeFileSync(path.join(ROOT, '.bench-out', 'clickhouse-write-latest.json'), JSON.stringify(result, null, 2));
