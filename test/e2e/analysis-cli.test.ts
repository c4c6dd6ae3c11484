/**
 * The analysis commands as a user runs them (`node bin/unsilo.js …`): straight on the store file when
 * no collector runs (opened read-write, since the commands append), and through a collector that
 * requires tokens: a reviewer may sample and give verdicts, an author may not, and the CLI's JSON is
 * the API's JSON.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import { arm } from '../fixtures/change-dataset.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';
import type { Ran } from '../support/member-cli.js';
import { unsiloIn, unsiloJson } from '../support/unsilo-cli.js';

const team = signalDataset(60);
const WINDOW = ['--since', '2026-10-01', '--until', '2026-10-31'];

const unsilo = (cwd: string, ...args: string[]): Promise<Ran> => unsiloIn(cwd, args);
const json = <T>(cwd: string, ...args: string[]): Promise<T> => unsiloJson<T>(cwd, args);

interface Sampled {
  created: boolean;
  items: { session_id: string; position: number }[];
}

describe('analysis commands on the store file (no collector)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('analysis-cli-');
    const store = new DuckdbStore({ file: path.join(dir, 'unsilo.duckdb') });
    await store.start();
    await store.write({
      events: [
        ...team.events,
        ...arm({ id: 'a0', n: 400, bad: 120, fromIso: '2026-02-01', days: 28 }),
        ...arm({ id: 'a1', n: 400, bad: 60, fromIso: '2026-03-01', days: 28 }),
      ],
      spans: [],
      metrics: [],
    });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the loop: signals, a reproducible sample, a verdict, a pattern, a change and its measurement', async () => {
    const d = ['--data-dir', dir];
    const signals = await json<{ name: string; flagged: number }[]>(dir, 'signals', 'list', ...d, ...WINDOW);
    const want = team.sessions.filter((s) => s.expected.validation_failures! > 3).length;
    expect(signals.find((s) => s.name === 'validation_failures')?.flagged).toBe(want);

    const test = await json<{ value: number; events: unknown[] }>(
      dir,
      'signals',
      'test',
      'validation_failures',
      '--session',
      'sig-0001',
      ...d,
    );
    expect(test.events).toHaveLength(team.sessions[1]!.expected.validation_failures!);

    const sample = ['review', 'sample', '--name', 'w1', ...WINDOW, '--n', '10', '--seed', '3', ...d];
    const first = await json<Sampled>(dir, ...sample);
    const again = await json<Sampled>(dir, ...sample);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, items: first.items });

    const session = first.items[0]!.session_id;
    const note = await json<{ id: string; author: string }>(
      dir,
      'review',
      'verdict',
      'w1',
      session,
      'fail',
      '--note',
      'no acceptance criteria',
      '--author',
      'rita',
      ...d,
    );
    expect(note.author).toBe('rita');
    await json(dir, 'patterns', 'add', 'vague-spec', ...d);
    await json(dir, 'patterns', 'assign', note.id, 'vague-spec', ...d);
    const counts = await json<{ pattern: string; sessions: number }[]>(dir, 'patterns', 'count', 'w1', ...d);
    expect(counts).toMatchObject([{ pattern: 'vague-spec', sessions: 1 }]);

    const change = await json<{ id: string }>(
      dir,
      'changes',
      'add',
      '--kind',
      'spec_template',
      '--effective',
      '2026-03-01T00:00:00Z',
      '--patterns',
      'vague-spec',
      '--target',
      '-20%',
      ...d,
    );
    const measured = await unsilo(dir, 'changes', 'measure', change.id, ...d);
    expect(measured.code).toBe(0);
    expect(measured.stdout).toContain('verdict: VALIDATED');
    expect(measured.stdout).toContain('before: 120/400 = 30.0 %');

    const bad = await unsilo(dir, 'review', 'show', 'nope', ...d);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no review queue "nope"');
  });
});

describe('analysis commands through a collector that requires tokens', () => {
  let c: TestCollector;
  let reviewer: string;
  let author: string;
  const api = async (
    action: string,
    token: string | null,
    args: unknown,
  ): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${c.httpUrl}/api/analysis/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ args }),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    await c.store.write({ events: team.events, spans: [], metrics: [] });
    const admin = (await import('node:fs')).readFileSync(path.join(c.dataDir, 'admin-token'), 'utf8').trim();
    const add = async (name: string, role: string): Promise<string> => {
      const res = await fetch(`${c.httpUrl}/api/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ name, role }),
      });
      return ((await res.json()) as { token: string }).token;
    };
    reviewer = await add('rita', 'reviewer');
    author = await add('alex', 'author');
  });
  afterAll(() => c.dispose());

  it('lets a reviewer sample and judge, refuses an author and a missing token, and the CLI JSON is the API JSON', async () => {
    const srv = ['--server', c.httpUrl, '--token', reviewer];
    const sampled = await json<Sampled>(
      c.dataDir,
      'review',
      'sample',
      '--name',
      'w2',
      ...WINDOW,
      '--n',
      '5',
      ...srv,
    );
    expect(sampled.items).toHaveLength(5);
    const v = await json<{ author: string }>(
      c.dataDir,
      'review',
      'verdict',
      'w2',
      sampled.items[0]!.session_id,
      'pass',
      ...srv,
    );
    expect(v.author).toBe('rita');

    expect((await api('review.status', author, { queue: 'w2' })).status).toBe(403);
    expect((await api('review.status', null, { queue: 'w2' })).status).toBe(401);
    expect((await api('review.status', reviewer, { queue: 'nope' })).status).toBe(404);
    expect((await api('review.sample', reviewer, { name: 'x' })).status).toBe(400);

    const viaApi = await api('review.status', reviewer, { queue: 'w2' });
    const viaCli = await json(c.dataDir, 'review', 'status', 'w2', ...srv);
    expect(viaApi).toEqual({ status: 200, body: viaCli });
    expect(viaCli).toMatchObject({ total: 5, done: 1, by_reviewer: { rita: 1 } });
  });

  it('serves the review page beyond loopback once the reader token moved into a cookie', async () => {
    const page = `${c.httpUrl}/review/w2/1`;
    expect((await fetch(page)).status).toBe(401);
    expect((await fetch(`${page}?token=${author}`, { redirect: 'manual' })).status).toBe(403);
    const moved = await fetch(`${page}?token=${reviewer}`, { redirect: 'manual' });
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe('/review/w2/1');
    const cookie = moved.headers.get('set-cookie')!.split(';')[0]!;
    expect(moved.headers.get('set-cookie')).toContain('HttpOnly; SameSite=Strict');
    const html = await fetch(page, { headers: { cookie } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('item 1 of 5');
    const shown = (await api('review.show', reviewer, { queue: 'w2', item: '2' })).body as {
      item: { session_id: string };
    };
    const saved = await fetch(`${c.httpUrl}/api/analysis/review.verdict`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ args: { queue: 'w2', session: shown.item.session_id, verdict: 'fail' } }),
    });
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { author: string }).author).toBe('rita');
  });
});
