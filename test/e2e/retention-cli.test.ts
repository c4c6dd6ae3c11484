/**
 * `unsilo retention status|run` and `unsilo export` as a user runs them: against a running collector
 * (sizes, next run, what would go; a dry run that changes nothing; a run that archives and deletes;
 * exports in Parquet, JSON lines and CSV that read back with exactly the stored rows), then on the
 * DuckDB file once the collector has stopped. Beyond loopback a run needs the admin token.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE } from '../../src/config/data-dir.js';
import type { RetentionRunReport, RetentionStatus } from '../../src/retention/retention-report.js';
import { DUCKDB_TYPES } from '../../src/store/duckdb/duckdb-schema.js';
import { TABLES } from '../../src/store/schema.js';
import { RETAINED_TABLES, type RetainedTable } from '../../src/store/store-retention.js';
import { eventRow, metricRow, spanRow } from '../fixtures/rows.js';
import { BIN, startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';
import { canonical, fileRows, storeRows } from '../support/json-rows.js';

const run = promisify(execFile);

async function unsilo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, UNSILO_TOKEN: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const DAY = 86_400_000;
const RETENTION = { enabled: true, maxAgeDays: 90, contentMaxAgeDays: 30 };
/** Times this many days ago, in the store's microseconds. */
const ago = (days: number, i = 0): number => (Date.now() - days * DAY) * 1000 + i;
const monthOf = (days: number): string => new Date(Date.now() - days * DAY).toISOString().slice(0, 7);

/** read_csv column types from the schema, as the export wrote them. */
const csvColumns = (table: RetainedTable): string =>
  `{${TABLES[table].map((c) => `'${c.name}': '${DUCKDB_TYPES[c.type]}'`).join(', ')}}`;

describe('unsilo retention and export', () => {
  let c: TestCollector;
  let out: string;
  let config: string;
  const count = async (table: string): Promise<number> =>
    Number((await c.store.query(`SELECT count(*) FROM ${table}`)).rows[0]?.[0]);

  beforeAll(async () => {
    c = await startTestCollector({ retention: RETENTION });
    out = tempDir('retention-cli-out-');
    config = path.join(out, 'unsilo.config.json');
    writeFileSync(config, JSON.stringify({ retention: RETENTION }));
    const at = [200, 120, 60, 2];
    await c.store.write({
      events: at.flatMap((d) => [
        eventRow({ ts: ago(d), cost_usd: 0.1 + d / 1000 }),
        eventRow({
          ts: ago(d, 1),
          event_name: 'user_prompt',
          attributes: JSON.stringify({ 'event.name': 'user_prompt', prompt: `the prompt of ${d} days ago` }),
        }),
        eventRow({ ts: ago(d, 2), event_name: 'tool_result', command: 'npm test', success: false }),
      ]),
      spans: at.map((d) => spanRow({ start_ts: ago(d), end_ts: ago(d) + 1000 })),
      metrics: at.map((d) => metricRow({ ts: ago(d), start_ts: ago(d) - 1000 })),
    });
  });
  afterAll(async () => {
    await c.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it('shows sizes, oldest and newest data, the next run and what a run would do', async () => {
    const r = await unsilo('retention', 'status', '--server', c.httpUrl, '--format', 'json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as RetentionStatus;
    expect(s.usage.tables.map((t) => [t.table, t.rows])).toEqual([
      ['events', 12],
      ['spans', 4],
      ['metric_points', 4],
    ]);
    expect(s.usage.tables[0]?.oldest?.slice(0, 10)).toBe(
      new Date(ago(200) / 1000).toISOString().slice(0, 10),
    );
    expect(s.usage.usedBytes).toBeGreaterThan(0);
    expect(Date.parse(s.nextRunAt ?? '')).toBeGreaterThan(Date.now());
    expect(s.intervalMinutes).toBe(1440);
    expect(s.policy).toEqual({ maxAgeDays: 90, maxBytes: 100_000_000_000, contentMaxAgeDays: 30 });
    const gone = s.wouldRun.slices.map((x) => `${x.table} ${x.month} ${x.rows}`);
    expect(gone).toContain(`events ${monthOf(200)} 3`);
    expect(gone).toContain(`events ${monthOf(120)} 3`);
    expect(s.wouldRun.slices.every((x) => x.reason === 'age' && !x.done)).toBe(true);
    expect(s.wouldRun.contentCleared.events).toBe(6);

    // No --server: the CLI finds the collector of --data-dir.
    const text = await unsilo('retention', 'status', '--data-dir', c.dataDir);
    expect(text.stdout).toMatch(/^Store: .* used of the 100\.0 GB limit/m);
    expect(text.stdout).toMatch(/Limits: age 90 days, content 30 days; archive: .*archive/);
    expect(text.stdout).toMatch(
      new RegExp(`archive and delete events ${monthOf(200)} .*: 3 rows, age limit`),
    );
    expect(text.stdout).toMatch(/clear the content of rows before \d{4}-\d{2}-\d{2}: events 6/);
  });

  it('changes nothing on a dry run', async () => {
    const r = await unsilo('retention', 'run', '--dry-run', '--server', c.httpUrl);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Dry run .* \(nothing changed\); a run would:/);
    expect(r.stdout).toMatch(new RegExp(`archive and delete spans ${monthOf(120)}`));
    expect([await count('events'), await count('spans'), await count('metric_points')]).toEqual([12, 4, 4]);
    expect(existsSync(path.join(c.dataDir, 'archive'))).toBe(false);
  });

  it('exports Parquet, JSON lines and CSV that read back with exactly the stored rows', async () => {
    for (const format of ['parquet', 'jsonl', 'csv'] as const) {
      const dir = path.join(out, format);
      const r = await unsilo('export', '--server', c.httpUrl, '--format', format, '--out', dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`events: 12 rows → ${path.join(dir, `events.${format}`)}`);
      for (const table of RETAINED_TABLES) {
        const file = path.join(dir, `${table}.${format}`);
        const stored = await storeRows(c.store, `SELECT * FROM ${table}`);
        if (format === 'jsonl') {
          const lines = readFileSync(file, 'utf8').trim().split('\n');
          const byKey = (a: string, b: string): number =>
            String((JSON.parse(a) as { key: string }).key).localeCompare(
              (JSON.parse(b) as { key: string }).key,
            );
          expect(lines.sort(byKey).map((l) => JSON.parse(canonical(l)) as unknown)).toEqual(
            stored.sort(byKey).map((l) => JSON.parse(l) as unknown),
          );
        } else {
          const read =
            format === 'parquet'
              ? `read_parquet('${file}')`
              : `read_csv('${file}', header = true, columns = ${csvColumns(table)})`;
          expect(await fileRows(`SELECT * FROM ${read}`)).toEqual(stored);
        }
      }
    }
    const ranged = await unsilo(
      'export',
      '--server',
      c.httpUrl,
      '--since',
      '100d',
      '--table',
      'events,spans',
      '--format',
      'jsonl',
      '--out',
      path.join(out, 'ranged'),
    );
    expect(ranged.stdout.trim().split('\n')).toEqual([
      `events: 6 rows → ${path.join(out, 'ranged', 'events.jsonl')}`,
      `spans: 2 rows → ${path.join(out, 'ranged', 'spans.jsonl')}`,
    ]);
    const again = await unsilo(
      'export',
      '--server',
      c.httpUrl,
      '--format',
      'csv',
      '--out',
      path.join(out, 'csv'),
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /events\.csv, .*metric_points\.csv exist already: pick another --out or remove them/,
    );
  });

  it('runs: archives and deletes past the age limit, clears old content, counts it in /metrics', async () => {
    const r = await unsilo('retention', 'run', '--server', c.httpUrl, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as RetentionRunReport;
    expect(report.deleted).toEqual({ events: 6, spans: 2, metric_points: 2 });
    // Content goes first, so the archive of an old month holds none either.
    expect(report.contentCleared.events).toBe(6);
    for (const s of report.slices) expect(existsSync(s.file ?? '')).toBe(true);
    expect(readdirSync(path.join(c.dataDir, 'archive', 'events', monthOf(200)))).toEqual([
      `${report.runId}.parquet`,
    ]);
    expect([await count('events'), await count('spans'), await count('metric_points')]).toEqual([6, 2, 2]);
    const metrics = await (await fetch(`${c.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/unsilo_retention_rows_total\{table="events",action="archived"\} 6/);
    expect(metrics).toMatch(/unsilo_retention_rows_total\{table="events",action="content_cleared"\} 6/);
    expect(metrics).toMatch(/unsilo_retention_runs_total\{outcome="ok"\} 1/);
    const status = JSON.parse(
      (await unsilo('retention', 'status', '--server', c.httpUrl, '--format', 'json')).stdout,
    ) as RetentionStatus;
    expect(status.lastRun?.runId).toBe(report.runId);
    expect(status.wouldRun.slices).toEqual([]);
  });

  it('lets SQL read the archive, and still no other file', async () => {
    const file = path.join(c.dataDir, 'archive', 'events', monthOf(200));
    const sql = async (
      q: string,
    ): Promise<{ status: number; body: { rows?: unknown[][]; error?: string } }> => {
      const res = await fetch(`${c.httpUrl}/api/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: q }),
      });
      return { status: res.status, body: (await res.json()) as { rows?: unknown[][]; error?: string } };
    };
    expect((await sql(`SELECT count(*) FROM read_parquet('${file}/*.parquet')`)).body.rows).toEqual([[3]]);
    const secret = await sql(`SELECT * FROM read_text('${path.join(c.dataDir, ADMIN_TOKEN_FILE)}')`);
    expect(secret.status).toBe(400);
    expect(secret.body.error).toMatch(/Permission Error/);
  });

  it('works on the DuckDB file once the collector has stopped', async () => {
    await c.close();
    const s = await unsilo(
      'retention',
      'status',
      '--data-dir',
      c.dataDir,
      '--config',
      config,
      '--format',
      'json',
    );
    expect(s.code, s.stderr).toBe(0);
    const status = JSON.parse(s.stdout) as RetentionStatus;
    expect(status.nextRunAt).toBeNull();
    expect(status.usage.tables[0]?.rows).toBe(6);
    const text = await unsilo('retention', 'status', '--data-dir', c.dataDir, '--config', config);
    expect(text.stdout).toMatch(
      /no collector is running; it runs retention 5 min after start, then every 1440 min/,
    );
    const dry = await unsilo('retention', 'run', '--dry-run', '--data-dir', c.dataDir, '--config', config);
    expect(dry.stdout).toMatch(/a run would:\n {2}nothing/);
    const e = await unsilo(
      'export',
      '--data-dir',
      c.dataDir,
      '--format',
      'jsonl',
      '--out',
      path.join(out, 'local'),
    );
    expect(e.stdout).toContain('events: 6 rows');
  });
});

describe('retention beyond loopback', () => {
  let c: TestCollector;
  let admin: string;
  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    admin = readFileSync(path.join(c.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
  });
  afterAll(() => c.dispose());

  const call = (method: string, p: string, token: string | null, body?: unknown): Promise<Response> =>
    fetch(`${c.httpUrl}${p}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('reads with a reader token; runs only with the admin token', async () => {
    const reviewer = (
      (await (await call('POST', '/api/members', admin, { name: 'rita', role: 'reviewer' })).json()) as {
        token: string;
      }
    ).token;
    expect((await call('GET', '/api/retention', null)).status).toBe(401);
    expect((await call('GET', '/api/export/events', null)).status).toBe(401);
    expect((await call('GET', '/api/retention', reviewer)).status).toBe(200);
    expect((await call('GET', '/api/export/events', reviewer)).status).toBe(200);
    const refused = await call('POST', '/api/retention/run', reviewer, { dryRun: true });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /rita is a reviewer: this needs the admin token/,
    );
    expect((await call('POST', '/api/retention/run', admin, { dryRun: true })).status).toBe(200);
    const cli = await unsilo('retention', 'run', '--dry-run', '--server', c.httpUrl, '--token', reviewer);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/needs the admin token/);
  });
});
