/**
 * `unsilo sql` as a user runs it: through the running collector (DuckDB allows one writing process),
 * then straight from the file once the collector has stopped; table, JSON and CSV output; clear errors.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture } from '../fixtures/captures.js';
import { BIN, spawnCollector, tempDir, type SpawnedCollector } from '../support/collector-fixture.js';

const run = promisify(execFile);

async function unsilo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const QUERY = 'SELECT event_name, count(*) AS n FROM events GROUP BY 1 ORDER BY 1';

describe('unsilo sql', () => {
  let dir: string;
  let collector: SpawnedCollector;
  beforeAll(async () => {
    dir = tempDir('cli-sql-');
    collector = await spawnCollector(dir);
    for (const file of ['http-json/logs-1.json', 'http-json/logs-2.json']) {
      const res = await fetch(`${collector.httpUrl}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: capture(file),
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    collector.child.kill('SIGTERM');
    await collector.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers through the running collector, as JSON row objects', async () => {
    const deadline = Date.now() + 10_000;
    let rows: { event_name: string; n: number }[] = [];
    while (Date.now() < deadline) {
      const r = await unsilo('sql', '--data-dir', dir, '--format', 'json', QUERY);
      expect(r.code).toBe(0);
      rows = JSON.parse(r.stdout) as typeof rows;
      if (rows.reduce((a, x) => a + x.n, 0) === 10) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(rows).toContainEqual({ event_name: 'api_request', n: 2 });
    expect(rows).toContainEqual({ event_name: 'tool_result', n: 1 });
    expect(rows.reduce((a, x) => a + x.n, 0)).toBe(10);
  });

  it('prints a table and CSV, and takes --server', async () => {
    const table = await unsilo('sql', '--server', collector.httpUrl, QUERY);
    expect(table.stdout).toMatch(/│ api_request\s+│ 2 │/);
    expect(table.stdout).toMatch(/\(7 rows\)/);
    const csv = await unsilo('sql', '--data-dir', dir, '--format', 'csv', QUERY);
    expect(csv.stdout.split('\n')[0]).toBe('event_name,n');
    expect(csv.stdout).toContain('api_request,2');
  });

  it('refuses anything but a read-only query, saying why', async () => {
    const r = await unsilo('sql', '--data-dir', dir, 'DELETE FROM events');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/only read-only queries are allowed.*DELETE/);
  });

  it('says what to do when there is no store and no collector', async () => {
    const empty = tempDir('cli-empty-');
    const r = await unsilo('sql', '--data-dir', empty, 'SELECT 1');
    rmSync(empty, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no store at .* start one with `npx unsilo serve`/);
  });

  it('reads the DuckDB file directly once the collector has stopped', async () => {
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toBe(0);
    const r = await unsilo(
      'sql',
      '--data-dir',
      dir,
      '--format',
      'json',
      "SELECT count(*) AS n FROM events WHERE event_name = 'api_request'",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ n: 2 }]);
  });
});
