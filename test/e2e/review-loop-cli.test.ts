/**
 * The reservation, export, import and watch commands as a user runs them (`node bin/unsilo.js …`):
 * two reviewers with their own tokens asking a collector for the next item get different items, held
 * in their names; on the store file, the notes export as JSON lines, an LLM draft made from them
 * imports as proposals that count only once confirmed, and watch reports a detector's weekly rates.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { startTestCollector, tempDir, type TestCollector } from '../support/collector-fixture.js';
import type { Ran } from '../support/member-cli.js';
import { unsiloIn, unsiloJson } from '../support/unsilo-cli.js';

const team = signalDataset(60);
const WINDOW = ['--since', '2026-10-01', '--until', '2026-10-31'];

const unsilo = (cwd: string, ...args: string[]): Promise<Ran> => unsiloIn(cwd, args, { UNSILO_AUTHOR: '' });
const json = <T>(cwd: string, ...args: string[]): Promise<T> =>
  unsiloJson<T>(cwd, args, { UNSILO_AUTHOR: '' });

interface Next {
  item: { session_id: string; position: number } | null;
  reservation?: { reviewer: string; reserved_until: string };
}

describe('two reviewers through a collector that requires tokens', () => {
  let c: TestCollector;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    c = await startTestCollector({ auth: { requireToken: 'always' } });
    await c.store.write({ events: team.events, spans: [], metrics: [] });
    const admin = readFileSync(path.join(c.dataDir, 'admin-token'), 'utf8').trim();
    for (const name of ['rita', 'sam']) {
      const res = await fetch(`${c.httpUrl}/api/members`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ name, role: 'reviewer' }),
      });
      tokens[name] = ((await res.json()) as { token: string }).token;
    }
  });
  afterAll(() => c.dispose());

  it('review show --next gives each its own item, held in the name of its token; release is the holder’s', async () => {
    const as = (who: string): string[] => ['--server', c.httpUrl, '--token', tokens[who]!];
    await json(c.dataDir, 'review', 'sample', '--name', 'w2', ...WINDOW, '--n', '6', ...as('rita'));
    const rita = await json<Next>(c.dataDir, 'review', 'show', 'w2', '--next', ...as('rita'));
    const sam = await json<Next>(c.dataDir, 'review', 'show', 'w2', '--next', '--hold', '2h', ...as('sam'));
    expect([rita.item?.position, sam.item?.position]).toEqual([1, 2]);
    expect(rita.reservation?.reviewer).toBe('rita');
    expect(sam.reservation?.reviewer).toBe('sam');
    expect(Date.parse(sam.reservation!.reserved_until) - Date.now()).toBeGreaterThan(3_600_000);

    const text = await unsilo(c.dataDir, 'review', 'status', 'w2', ...as('rita'));
    expect(text.stdout).toContain('0/6 done');
    expect(text.stdout).toMatch(/1 +│ sig-\d+ +│ rita/);
    const taken = await unsilo(c.dataDir, 'review', 'release', 'w2', rita.item!.session_id, ...as('sam'));
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('rita holds');
    // --force is a coordinator's (or the admin's): a reviewer's token cannot free another's hold.
    const forced = await unsilo(
      c.dataDir,
      'review',
      'release',
      'w2',
      rita.item!.session_id,
      '--force',
      ...as('sam'),
    );
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain("only a coordinator or the admin can free rita's hold");
    const verdict = await unsilo(
      c.dataDir,
      'review',
      'verdict',
      'w2',
      rita.item!.session_id,
      'fail',
      ...as('rita'),
    );
    expect(verdict.code).toBe(0);
    const status = await json<{ reservations: { position: number; reviewer: string }[] }>(
      c.dataDir,
      'review',
      'status',
      'w2',
      ...as('sam'),
    );
    expect(status.reservations.map((r) => [r.position, r.reviewer])).toEqual([[2, 'sam']]);
    expect(
      await json(c.dataDir, 'review', 'release', 'w2', sam.item!.session_id, ...as('sam')),
    ).toMatchObject({
      released: true,
    });
  });
});

describe('export, import and watch on the store file', () => {
  let dir: string;
  const d = (): string[] => ['--data-dir', dir, '--author', 'rita'];
  beforeAll(async () => {
    dir = tempDir('review-loop-cli-');
    const store = new DuckdbStore({ file: path.join(dir, 'unsilo.duckdb') });
    await store.start();
    await store.write({ events: team.events, spans: [], metrics: [] });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports notes as JSON lines, imports a draft as proposals, confirms one, and watches a detector', async () => {
    const q = await json<{ items: { session_id: string }[] }>(
      dir,
      'review',
      'sample',
      '--name',
      'w',
      ...WINDOW,
      '--n',
      '4',
      ...d(),
    );
    for (const [i, it] of q.items.entries())
      expect(
        (
          await unsilo(
            dir,
            'review',
            'verdict',
            'w',
            it.session_id,
            'fail',
            ...(i < 3 ? ['--note', `spec ${i} left the format open`] : []),
            ...d(),
          )
        ).code,
      ).toBe(0);
    const exported = await unsilo(dir, 'review', 'export', 'w', '--notes', ...d());
    expect(exported.code).toBe(0);
    const lines = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; body: string });
    expect(lines.map((l) => l.body)).toEqual([0, 1, 2].map((i) => `spec ${i} left the format open`));

    const draft = path.join(dir, 'draft.json');
    writeFileSync(
      draft,
      JSON.stringify({
        patterns: [{ slug: 'vague-spec', name: 'Vague spec', notes: lines.map((l) => l.id) }],
      }),
    );
    expect(await json(dir, 'patterns', 'import', draft, ...d())).toMatchObject({ created: 1, proposed: 3 });
    const count = async (): Promise<number | undefined> =>
      (await json<{ pattern: string; sessions: number }[]>(dir, 'patterns', 'count', 'w', ...d())).find(
        (r) => r.pattern === 'vague-spec',
      )?.sessions;
    expect(await count()).toBe(0);
    expect(await json(dir, 'patterns', 'confirm', 'vague-spec', '--note', lines[0]!.id, ...d())).toEqual({
      pattern: 'vague-spec',
      confirmed: [lines[0]!.id],
    });
    expect(await count()).toBe(1);
    expect(await json(dir, 'patterns', 'import', draft, ...d())).toMatchObject({
      created: 0,
      proposed: 0,
      kept: 3,
    });
    writeFileSync(draft, '{"patterns": [');
    const broken = await unsilo(dir, 'patterns', 'import', draft, ...d());
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not JSON');

    expect((await unsilo(dir, 'patterns', 'watch', 'vague-spec', ...d())).stderr).toContain('no detector');
    await json(dir, 'patterns', 'detector', 'vague-spec', 'validation_failures', ...d());
    const watched = await json<{ weeks: { week: string; n: number }[]; validating: null; flipped: boolean }>(
      dir,
      'patterns',
      'watch',
      'vague-spec',
      '--since',
      '2026-09-28',
      ...d(),
    );
    expect(watched.weeks[0]!.week).toBe('2026-W40');
    expect(watched.weeks[0]!.n).toBe(60);
    expect(watched).toMatchObject({ validating: null, flipped: false });
    const table = await unsilo(dir, 'patterns', 'watch', 'vague-spec', '--since', '2026-09-28', ...d());
    expect(table.stdout).toContain('nothing to regress from');
    expect(table.stdout).toContain('status: identified');
  });
});
