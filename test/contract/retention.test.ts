/**
 * Retention over every store that has it: a run past a tiny size limit archives, then deletes, exactly
 * the oldest months; the archived Parquet reads back (DuckDB) with the same rows; every query template
 * over the remaining range answers as before. Dry runs change nothing; content retention clears
 * content and keeps counts and cost; an archive that cannot be written deletes nothing; a month cut by
 * two age runs gets two files.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RowBatch, ToolOutcomeRow } from '../../src/model/records.js';
import { QueryService } from '../../src/query/query-service.js';
import { TEMPLATES } from '../../src/query/templates/index.js';
import type { RetentionPolicy } from '../../src/retention/retention-policy.js';
import { RetentionRunError } from '../../src/retention/retention-report.js';
import { RetentionService } from '../../src/retention/retention-service.js';
import {
  RETAINED_TABLES,
  TIME_COLUMNS,
  type RetainedTable,
  type StoreRetention,
} from '../../src/store/store-retention.js';
import { DUCKDB_TYPES } from '../../src/store/duckdb/duckdb-schema.js';
import { TABLES } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { eventRow, metricRow, spanRow } from '../fixtures/rows.js';
import { tempDir } from '../support/collector-fixture.js';
import { canonical, fileColumns, fileRows, storeRows } from '../support/json-rows.js';
import { STORES } from '../support/stores.js';

const NOW = new Date('2026-11-28T10:00:00Z');
const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
const NONE: RetentionPolicy = { maxAgeDays: 0, maxBytes: 0, contentMaxAgeDays: 0 };
const MEMBERS = ['alice', 'bob', 'carol'];

/**
 * One month of a small team: api requests with cost, prompts and Bash calls with content, spans,
 * points. Each event carries 4 kB of random text, so a month takes several of DuckDB's 256 KiB blocks.
 */
function month(m: string, events = 1200): RowBatch {
  const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5))];
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const at = (i: number): number => Date.UTC(y, mo - 1, 1 + (i % days), i % 24, i % 60) * 1000 + i;
  return {
    events: Array.from({ length: events }, (_, i) => {
      const member = MEMBERS[i % 3] ?? 'alice';
      const session = `${m}-s${i % 40}`;
      const base = {
        ts: at(i),
        member,
        session_id: session,
        model: i % 5 === 0 ? 'claude-haiku' : 'claude-opus',
      };
      const noise = randomBytes(2000).toString('hex');
      if (i % 3 === 0)
        return eventRow({
          ...base,
          event_name: 'user_prompt',
          cost_usd: null,
          input_tokens: null,
          output_tokens: null,
          prompt_length: 40 + (i % 17),
          attributes: JSON.stringify({
            'event.name': 'user_prompt',
            prompt: `make the ${m} report ${i} pass`,
            noise,
          }),
        });
      if (i % 3 === 1)
        return eventRow({
          ...base,
          event_name: 'tool_result',
          tool_name: 'Bash',
          success: i % 7 !== 0,
          cost_usd: null,
          command: `npm test -- part-${i}`,
          validation_kind: 'test',
          attributes: JSON.stringify({
            'event.name': 'tool_result',
            tool_parameters: JSON.stringify({ full_command: `npm test -- part-${i}` }),
            noise,
          }),
        });
      return eventRow({
        ...base,
        cost_usd: 0.001 * (i % 13) + 0.0001,
        input_tokens: 100 + i,
        output_tokens: 20 + (i % 50),
        cache_read_tokens: i % 400,
        attributes: JSON.stringify({
          'event.name': 'api_request',
          request: `${m}-${i}`,
          noise,
        }),
      });
    }),
    spans: Array.from({ length: events / 10 }, (_, i) =>
      spanRow({
        start_ts: at(i),
        end_ts: at(i) + 1500,
        session_id: `${m}-s${i % 40}`,
        member: MEMBERS[i % 3],
      }),
    ),
    metrics: Array.from({ length: events / 5 }, (_, i) =>
      metricRow({ ts: at(i), start_ts: at(i) - 1000, value: i % 9, series_key: `${m}-${i % 6}` }),
    ),
  };
}

/** The rows of `table` in month `m`, as JSON text (exact). */
const monthRows = (store: Store, table: RetainedTable, m: string): Promise<string[]> =>
  storeRows(
    store,
    `SELECT * FROM ${table} WHERE ${store.dialect.formatTime(TIME_COLUMNS[table], '%Y-%m')} = '${m}'`,
  );

describe.each(STORES)('retention: $name', ({ open }) => {
  let store: Store;
  let retention: StoreRetention;
  let cleanup: () => void;
  let dir: string;
  let archive: string;
  let runLog: string;
  beforeEach(async (ctx) => {
    dir = tempDir('retention-');
    archive = path.join(dir, 'archive');
    runLog = path.join(dir, 'retention-runs.jsonl');
    ({ store, cleanup } = await open({ archiveDir: archive }));
    // A store without the capability has no retention to test.
    if (!store.retention) return ctx.skip();
    retention = store.retention;
  });
  afterEach(async () => {
    await store.close();
    cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const service = (policy: Partial<RetentionPolicy>, withArchive = true): RetentionService =>
    new RetentionService(retention, {
      policy: { ...NONE, ...policy },
      archiveDir: withArchive ? archive : null,
      runLog,
      intervalMs: null,
    });
  const fill = async (months: string[]): Promise<void> => {
    for (const m of months) await store.write(month(m));
  };
  /** Every template over a range. */
  const answers = async (since: string, until: string): Promise<unknown[]> => {
    const q = new QueryService(store, () => NOW);
    return Promise.all(TEMPLATES.map((t) => q.run(t.name, { since, until })));
  };
  const counts = async (): Promise<number[]> =>
    Promise.all(
      RETAINED_TABLES.map(async (t) => Number((await store.query(`SELECT count(*) FROM ${t}`)).rows[0]?.[0])),
    );

  /** The measured size of a fresh store holding only these batches, compacted as a run leaves it. */
  const sizeOf = async (batches: RowBatch[]): Promise<number> => {
    const ref = await open({ archiveDir: archive });
    try {
      for (const b of batches) await ref.store.write(b);
      await ref.store.retention?.compact([...RETAINED_TABLES]);
      return (await ref.store.retention?.usage())?.usedBytes ?? 0;
    } finally {
      await ref.store.close();
      ref.cleanup();
    }
  };

  it('past a tiny size limit archives, then deletes, exactly the oldest months; the rest answers as before', async () => {
    const batches = MONTHS.map((m) => month(m));
    for (const b of batches) await store.write(b);
    const before = await retention.usage();
    // Halfway between the measured size of the newest two months and of the newest three.
    const maxBytes = Math.round(((await sizeOf(batches.slice(5))) + (await sizeOf(batches.slice(4)))) / 2);
    expect(maxBytes).toBeLessThan(before.usedBytes);
    const gone = MONTHS.slice(0, 5);
    const expected = new Map<string, string[]>();
    for (const t of RETAINED_TABLES)
      for (const m of gone) expected.set(`${t}/${m}`, await monthRows(store, t, m));
    const keys = (): Promise<string[][]> =>
      Promise.all(RETAINED_TABLES.map((t) => storeRows(store, `SELECT key FROM ${t}`)));
    const kept = await Promise.all(
      RETAINED_TABLES.map((t) =>
        storeRows(store, `SELECT key FROM ${t} WHERE ${TIME_COLUMNS[t]} >= '2026-10-01'`),
      ),
    );
    const answersBefore = await answers('2026-10-01', '2026-11-30');

    const svc = service({ maxBytes });
    const report = await svc.run({ now: NOW });

    expect(report.error).toBeNull();
    expect(report.slices.map((s) => `${s.month} ${s.table}`)).toEqual(
      gone.flatMap((m) => ['events', 'metric_points', 'spans'].map((t) => `${m} ${t}`)),
    );
    for (const s of report.slices) {
      // A later round of the run (the estimate was low) names its files <run id>-<round>.
      expect(s).toMatchObject({ reason: 'size', done: true });
      expect(path.relative(archive, s.file ?? '')).toMatch(
        new RegExp(`^${s.table}/${s.month}/${report.runId}(-\\d+)?\\.parquet$`),
      );
      expect(await fileRows(`SELECT * FROM read_parquet('${s.file}')`)).toEqual(
        expected.get(`${s.table}/${s.month}`),
      );
      // One archive shape whichever store wrote it: the schema's columns with DuckDB's types.
      expect(await fileColumns(s.file ?? '')).toEqual(
        TABLES[s.table].map((c) => [c.name, DUCKDB_TYPES[c.type]]),
      );
      expect(s.rows).toBe(expected.get(`${s.table}/${s.month}`)?.length);
    }
    expect(report.deleted).toEqual({ events: 5 * 1200, spans: 5 * 120, metric_points: 5 * 240 });
    expect(await keys()).toEqual(kept);
    expect(await answers('2026-10-01', '2026-11-30')).toEqual(answersBefore);
    expect(report.compacted.length).toBeGreaterThan(0);
    expect(report.bytesAfter).toBeLessThanOrEqual(maxBytes);
    expect(report.overLimit).toBe(false);

    // A second run finds nothing to do.
    const again = await svc.run({ now: NOW });
    expect(again.slices).toEqual([]);
    expect(again.deleted).toEqual({ events: 0, spans: 0, metric_points: 0 });
    const log = readFileSync(runLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { runId: string });
    expect(log.map((r) => r.runId)).toEqual([report.runId, again.runId]);
    expect((await svc.lastRun())?.runId).toBe(again.runId);
  });

  it('changes nothing on a dry run, and says what a run would do', async () => {
    await fill(MONTHS.slice(2));
    const all = async (): Promise<string[][]> =>
      Promise.all(RETAINED_TABLES.map((t) => storeRows(store, `SELECT * FROM ${t}`)));
    const before = await all();
    const report = await service({ maxAgeDays: 90, contentMaxAgeDays: 30 }).run({ dryRun: true, now: NOW });
    expect(report.plan.ageCutoff).toBe('2026-08-30T00:00:00.000Z');
    expect(report.slices.map((s) => `${s.table} ${s.month} ${s.until.slice(0, 10)} ${s.done}`)).toEqual([
      'events 2026-07 2026-08-01 false',
      'metric_points 2026-07 2026-08-01 false',
      'spans 2026-07 2026-08-01 false',
      'events 2026-08 2026-08-30 false',
      'metric_points 2026-08 2026-08-30 false',
      'spans 2026-08 2026-08-30 false',
    ]);
    expect(report.contentCleared.events).toBeGreaterThan(0);
    expect(await all()).toEqual(before);
    expect(existsSync(archive)).toBe(false);
    expect(existsSync(runLog)).toBe(false);
  });

  it('clears content past the content limit and keeps every count and cost', async () => {
    await fill(MONTHS.slice(4));
    const answersBefore = await answers('2026-09-01', '2026-11-30');
    const countsBefore = await counts();
    const svc = service({ maxAgeDays: 365, contentMaxAgeDays: 30 });
    const dry = await svc.run({ dryRun: true, now: NOW });
    const report = await svc.run({ now: NOW });
    expect(report.plan.contentCutoff).toBe('2026-10-29T00:00:00.000Z');
    expect(report.slices).toEqual([]);
    expect(report.contentCleared).toEqual(dry.contentCleared);
    expect(report.contentCleared.events).toBeGreaterThan(0);
    expect(await counts()).toEqual(countsBefore);
    expect(await answers('2026-09-01', '2026-11-30')).toEqual(answersBefore);
    const has = (key: string): string => `${store.dialect.jsonString('attributes', key)} IS NOT NULL`;
    const content = async (cmp: string): Promise<unknown[]> =>
      (
        await store.query(
          `SELECT count(*) FILTER (WHERE command IS NOT NULL OR ${has('prompt')} OR ${has('tool_parameters')})
           FROM events WHERE ts ${cmp} '2026-10-29'`,
        )
      ).rows[0] ?? [];
    expect(await content('<')).toEqual([0]);
    expect(Number((await content('>='))[0])).toBeGreaterThan(0);
    expect((await svc.run({ now: NOW })).contentCleared).toEqual({ events: 0, spans: 0, metric_points: 0 });
  });

  it("clears and deletes the tool hooks' commands with the events' content and rows", async () => {
    const outcome = (key: string, at: string): ToolOutcomeRow => ({
      key,
      session_id: `hooked-${key}`,
      tool_use_id: `toolu_${key}`,
      prompt_id: null,
      ts: Date.parse(at) * 1000,
      member: 'alice',
      tool_name: 'Bash',
      command: `SECRET_${key} npm test`,
      exit_code: 1,
      success: false,
      validation_kind: 'test',
    });
    await store.writeToolOutcomes([
      outcome('old', '2026-06-10T00:00:00Z'),
      outcome('mid', '2026-10-10T00:00:00Z'),
      outcome('new', '2026-11-20T00:00:00Z'),
    ]);
    const left = async (): Promise<unknown[][]> =>
      (await store.query('SELECT session_id, command FROM tool_outcomes ORDER BY session_id')).rows;
    await retention.clearContent({ until: new Date('2026-11-01T00:00:00Z') });
    expect(await left()).toEqual([
      ['hooked-mid', null],
      ['hooked-new', 'SECRET_new npm test'],
      ['hooked-old', null],
    ]);
    await retention.archiveAndDelete(
      { table: 'events', from: new Date('2026-06-01T00:00:00Z'), until: new Date('2026-07-01T00:00:00Z') },
      null,
    );
    expect((await left()).map((r) => r[0])).toEqual(['hooked-mid', 'hooked-new']);
  });

  it('archives a month cut by two age runs into two files, together all of its rows', async () => {
    await fill(['2026-08', '2026-09', '2026-10']);
    const august = await monthRows(store, 'events', '2026-08');
    const svc = service({ maxAgeDays: 90 });
    const first = await svc.run({ now: NOW });
    const second = await svc.run({ now: new Date('2026-12-05T10:00:00Z') });
    const files = readdirSync(path.join(archive, 'events', '2026-08')).sort();
    expect(files).toEqual([`${first.runId}.parquet`, `${second.runId}.parquet`].sort());
    const rows = await fileRows(
      `SELECT * FROM read_parquet(['${files.map((f) => path.join(archive, 'events', '2026-08', f)).join("', '")}'])`,
    );
    expect(rows).toEqual(august);
    expect(await monthRows(store, 'events', '2026-08')).toEqual([]);
    expect(
      second.slices.map((s) => `${s.table} ${s.month} ${s.from.slice(0, 10)} ${s.until.slice(0, 10)}`),
    ).toContain('events 2026-09 2026-09-01 2026-09-06');
  });

  it('deletes nothing when the archive cannot be written, and says so', async () => {
    await fill(MONTHS.slice(0, 3));
    const before = await counts();
    mkdirSync(archive, { recursive: true });
    writeFileSync(path.join(archive, 'events'), 'not a directory');
    const svc = service({ maxAgeDays: 90 });
    const err = await svc.run({ now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetentionRunError);
    const report = (err as RetentionRunError).report;
    expect(report.error).toMatch(/archiving events 2026-05 failed, so none of its rows were deleted/);
    expect(report.slices.every((s) => !s.done)).toBe(true);
    expect(await counts()).toEqual(before);
    expect((await svc.lastRun())?.error).toBe(report.error);
  });

  it('exports the rows of a range as JSON lines, oldest first, exactly the stored rows', async () => {
    await fill(['2026-09', '2026-10']);
    const range = { since: new Date('2026-09-20T00:00:00Z'), until: new Date('2026-10-05T00:00:00Z') };
    for (const table of RETAINED_TABLES) {
      let text = '';
      for await (const chunk of retention.exportRows(table, range)) text += chunk;
      const lines = text.trim().split('\n');
      const times = lines.map((l) =>
        String((JSON.parse(canonical(l)) as Record<string, unknown>)[TIME_COLUMNS[table]]),
      );
      expect(times).toEqual([...times].sort());
      const col = TIME_COLUMNS[table];
      expect(lines.map(canonical).sort()).toEqual(
        (
          await storeRows(
            store,
            `SELECT * FROM ${table} WHERE ${col} >= '2026-09-20' AND ${col} < '2026-10-05'`,
          )
        ).sort(),
      );
    }
  });

  it('deletes without an archive when archiving is off', async () => {
    await fill(MONTHS.slice(0, 2));
    const report = await service({ maxAgeDays: 90 }, false).run({ now: NOW });
    expect(report.slices.every((s) => s.done && s.file === null)).toBe(true);
    expect(await counts()).toEqual([0, 0, 0]);
    expect(existsSync(archive)).toBe(false);
  });
});
