import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventRow, spanRow } from '../../../test/fixtures/rows.js';
import { fileRows, storeRows } from '../../../test/support/json-rows.js';
import type { EventRow } from '../../model/records.js';
import { DuckdbStore } from './duckdb-store.js';

const dirs: string[] = [];
const stores: DuckdbStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(): Promise<{ store: DuckdbStore; dir: string; archive: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'duckdb-retention-'));
  dirs.push(dir);
  const archive = path.join(dir, 'archive');
  const store = new DuckdbStore({ file: path.join(dir, 'unsilo.duckdb'), archiveDir: archive });
  stores.push(store);
  await store.start();
  return { store, dir, archive };
}

const at = (iso: string, i = 0): number => Date.parse(iso) * 1000 + i;
const AUGUST = { table: 'events', from: new Date('2026-08-01Z'), until: new Date('2026-09-01Z') } as const;

/** Events in July, August and September 2026. */
async function threeMonths(store: DuckdbStore): Promise<EventRow[]> {
  const events = [
    '2026-07-15T10:00:00Z',
    '2026-08-01T00:00:00Z',
    '2026-08-31T23:59:59Z',
    '2026-09-01T00:00:00Z',
  ].map((t, i) => eventRow({ ts: at(t, i), cost_usd: 0.1 + 0.2 * i }));
  await store.write({ events, spans: [], metrics: [] });
  return events;
}

const keys = async (store: DuckdbStore): Promise<unknown[]> =>
  (await store.query('SELECT key FROM events ORDER BY ts')).rows.map((r) => r[0]);

describe('DuckDB archive and delete', () => {
  it('writes the slice to Parquet, then deletes exactly its rows', async () => {
    const { store, archive } = await open();
    const events = await threeMonths(store);
    const expected = await storeRows(store, "SELECT * FROM events WHERE strftime(ts, '%Y-%m') = '2026-08'");
    const file = path.join(archive, 'events', '2026-08', 'run-1.parquet');
    expect(await store.retention.archiveAndDelete(AUGUST, file)).toBe(2);
    expect(await keys(store)).toEqual([events[0]?.key, events[3]?.key]);
    expect(await fileRows(`SELECT * FROM read_parquet('${file}')`)).toEqual(expected);
    expect(readdirSync(path.dirname(file))).toEqual(['run-1.parquet']);
  });

  it('deletes nothing and leaves no file when the archive cannot be written', async () => {
    const { store, dir } = await open();
    const events = await threeMonths(store);
    // Outside the archive directory: DuckDB refuses to write there.
    const outside = path.join(dir, 'elsewhere', 'run-1.parquet');
    await expect(store.retention.archiveAndDelete(AUGUST, outside)).rejects.toThrow(/Permission Error/);
    expect(await keys(store)).toEqual(events.map((e) => e.key));
    expect(existsSync(outside) || existsSync(`${outside}.tmp`)).toBe(false);
  });

  it('never overwrites an archive file', async () => {
    const { store, archive } = await open();
    const events = await threeMonths(store);
    const file = path.join(archive, 'events', '2026-08', 'run-1.parquet');
    await store.retention.archiveAndDelete(
      { ...AUGUST, from: new Date('2026-08-01Z'), until: new Date('2026-08-02Z') },
      file,
    );
    await expect(store.retention.archiveAndDelete(AUGUST, file)).rejects.toThrow(/never overwritten/);
    expect(await keys(store)).toEqual([events[0]?.key, events[2]?.key, events[3]?.key]);
    expect(await fileRows(`SELECT key FROM read_parquet('${file}')`)).toHaveLength(1);
  });

  it('writes no file for a slice with no rows', async () => {
    const { store, archive } = await open();
    await threeMonths(store);
    const file = path.join(archive, 'events', '2026-06', 'run-1.parquet');
    const june = { table: 'events', from: new Date('2026-06-01Z'), until: new Date('2026-07-01Z') } as const;
    expect(await store.retention.archiveAndDelete(june, file)).toBe(0);
    expect(existsSync(file) || existsSync(`${file}.tmp`)).toBe(false);
    expect(await keys(store)).toHaveLength(4);
  });

  it('deletes without a file when there is no archive', async () => {
    const { store, archive } = await open();
    await threeMonths(store);
    expect(await store.retention.archiveAndDelete(AUGUST, null)).toBe(2);
    expect(existsSync(archive)).toBe(false);
  });
});

describe('DuckDB compaction', () => {
  it('gives back the space of deleted rows, which a DELETE alone keeps (the rows stay stored)', async () => {
    const { store } = await open();
    await store.retention.compact([]);
    // What an empty store takes (its tables, indexes and catalog), so the comparison below is of data.
    const empty = (await store.retention.usage()).usedBytes;
    const old = Array.from({ length: 60_000 }, (_, i) =>
      eventRow({
        ts: at('2026-07-01T00:00:00Z', i * 1000),
        attributes: JSON.stringify({ pad: 'x'.repeat(200), i }),
      }),
    );
    const recent = Array.from({ length: 5_000 }, (_, i) =>
      eventRow({ ts: at('2026-09-01T00:00:00Z', i * 1000) }),
    );
    await store.write({ events: [...old, ...recent], spans: [], metrics: [] });
    await store.retention.compact([]);
    const before = await store.retention.usage();
    await store.retention.archiveAndDelete(
      { table: 'events', from: new Date('2026-07-01Z'), until: new Date('2026-08-01Z') },
      null,
    );
    await store.retention.compact([]);
    const deleted = await store.retention.usage();
    expect(deleted.tables[0]).toMatchObject({ rows: 5_000, storedRows: 65_000 });
    await store.retention.compact(['events', 'metric_points']);
    const compacted = await store.retention.usage();
    expect(compacted.tables[0]).toMatchObject({ rows: 5_000, storedRows: 5_000 });
    expect(compacted.usedBytes).toBeLessThan(deleted.usedBytes);
    // 5,000 of 65,000 rows, and the thin ones: at most half the data's space is still used. (Enough
    // data that DuckDB's 256 KiB blocks, allocated per table, cannot decide the comparison.)
    expect(compacted.usedBytes - empty).toBeLessThanOrEqual((before.usedBytes - empty) / 2);
    expect(compacted.days).toEqual([{ table: 'events', day: '2026-09-01', rows: 5_000 }]);
    // Still the same tables: the same column types, the key refuses a duplicate, the view reads.
    const r = await store.write({ events: recent.slice(0, 3), spans: [], metrics: [] });
    expect(r.events).toEqual({ inserted: 0, duplicates: 3 });
    expect((await store.query('SELECT count(*) FROM metric_increments')).rows).toEqual([[0]]);
    const types = await store.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name IN ('ts', 'attributes', 'success') ORDER BY 1",
    );
    expect(types.rows).toEqual([
      ['attributes', 'JSON'],
      ['success', 'BOOLEAN'],
      ['ts', 'TIMESTAMP'],
    ]);
  });
});

describe('DuckDB content clearing', () => {
  it('clears prompts, responses and tool input and output, keeping rows and numbers', async () => {
    const { store } = await open();
    const t = at('2026-08-10T00:00:00Z');
    const prompt = eventRow({
      ts: t,
      event_name: 'user_prompt',
      prompt_length: 11,
      attributes: JSON.stringify({ 'event.name': 'user_prompt', prompt: 'fix the bug', prompt_length: '11' }),
    });
    const tool = eventRow({
      ts: t,
      event_name: 'tool_result',
      tool_name: 'Bash',
      success: false,
      command: 'npm test',
      validation_kind: 'test',
      error: 'Exit code 1\nFAIL src/a.test.ts',
      attributes: JSON.stringify({
        'event.name': 'tool_result',
        tool_parameters: '{"full_command":"npm test"}',
        error: 'Exit code 1\nFAIL src/a.test.ts',
        duration_ms: '86',
      }),
    });
    const apiError = eventRow({ ts: t, event_name: 'api_error', error: 'Overloaded', status_code: 529 });
    const cost = eventRow({ ts: t, cost_usd: 0.25 });
    const recent = eventRow({
      ts: at('2026-09-10T00:00:00Z'),
      event_name: 'user_prompt',
      attributes: JSON.stringify({ prompt: 'keep me' }),
    });
    const span = spanRow({
      start_ts: t,
      name: 'claude_code.tool',
      attributes: JSON.stringify({ full_command: 'npm test', tool_name: 'Bash' }),
      events: JSON.stringify([
        { time_us: 1, name: 'tool.output', attributes: { output: 'FAIL', output_truncated: false } },
        { time_us: 2, name: 'gen_ai.request.attempt', attributes: { attempt: 1 } },
      ]),
    });
    await store.write({ events: [prompt, tool, apiError, cost, recent], spans: [span], metrics: [] });
    const range = { until: new Date('2026-09-01Z') };
    const totals = 'SELECT sum(cost_usd), sum(input_tokens), sum(duration_ms), count(*) FROM events';
    const before = (await store.query(totals)).rows;

    expect(await store.retention.countContent(range)).toEqual({ events: 2, spans: 1, metric_points: 0 });
    expect(await store.retention.clearContent(range)).toEqual({ events: 2, spans: 1, metric_points: 0 });
    expect(await store.retention.countContent({})).toEqual({ events: 1, spans: 0, metric_points: 0 });
    expect(await store.retention.clearContent(range)).toEqual({ events: 0, spans: 0, metric_points: 0 });

    const row = async (key: string): Promise<Record<string, unknown>> => {
      const r = await store.query('SELECT * FROM events WHERE key = $1', [key]);
      return Object.fromEntries(r.columns.map((c, i) => [c, r.rows[0]?.[i]]));
    };
    const p = await row(prompt.key);
    expect(JSON.parse(String(p.attributes))).toEqual({
      'event.name': 'user_prompt',
      prompt_length: '11',
      'unsilo.content_cleared': true,
    });
    expect(p.prompt_length).toBe(11);
    const tr = await row(tool.key);
    expect(tr).toMatchObject({
      command: null,
      error: null,
      success: false,
      validation_kind: 'test',
      duration_ms: 100,
    });
    expect(JSON.parse(String(tr.attributes))).toEqual({
      'event.name': 'tool_result',
      duration_ms: '86',
      'unsilo.content_cleared': true,
    });
    expect(await row(apiError.key)).toMatchObject({ error: 'Overloaded', status_code: 529 });
    expect(JSON.parse(String((await row(recent.key)).attributes))).toEqual({ prompt: 'keep me' });
    expect((await store.query(totals)).rows).toEqual(before);
    const s = (await store.query('SELECT attributes, events FROM spans')).rows[0];
    expect(JSON.parse(String(s?.[0]))).toEqual({ tool_name: 'Bash', 'unsilo.content_cleared': true });
    expect(JSON.parse(String(s?.[1]))).toEqual([
      { time_us: 1, name: 'tool.output', attributes: { 'unsilo.content_cleared': true } },
      { time_us: 2, name: 'gen_ai.request.attempt', attributes: { attempt: 1 } },
    ]);
  });
});

describe('DuckDB file access', () => {
  it('lets SQL read the archive directory and nothing else', async () => {
    const { store, dir, archive } = await open();
    await threeMonths(store);
    const file = path.join(archive, 'events', '2026-08', 'run-1.parquet');
    await store.retention.archiveAndDelete(AUGUST, file);
    writeFileSync(path.join(dir, 'admin-token'), 'uns_secret\n');
    expect((await store.query(`SELECT count(*) FROM read_parquet('${file}')`)).rows).toEqual([[2]]);
    for (const sql of [
      `SELECT * FROM read_text('${path.join(dir, 'admin-token')}')`,
      `SELECT * FROM read_text('${archive}/../admin-token')`,
      `SELECT * FROM read_csv('/etc/passwd')`,
      `SELECT * FROM glob('${dir}/*')`,
    ]) {
      await expect(store.query(sql), sql).rejects.toThrow(/Permission Error/);
    }
    await expect(store.query("SET allowed_directories = ['/']")).rejects.toThrow(/Cannot change/);
  });
});

describe('DuckDB export', () => {
  it('reads the rows of a time range out as JSON lines, oldest first', async () => {
    const { store } = await open();
    const events = await threeMonths(store);
    const lines: string[] = [];
    for await (const chunk of store.retention.exportRows('events', { since: new Date('2026-08-01Z') }))
      lines.push(...chunk.split('\n').filter(Boolean));
    expect(lines.map((l) => (JSON.parse(l) as { key: string }).key)).toEqual(
      events.slice(1).map((e) => e.key),
    );
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(first.ts).toBe('2026-08-01 00:00:00.000001');
    expect(first.cost_usd).toBe(0.1 + 0.2);
    expect(first.attributes).toEqual(JSON.parse(events[1]?.attributes ?? ''));
  });
});
