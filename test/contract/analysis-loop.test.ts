/**
 * The error-analysis loop on every store, through the actions the API and the CLI share: a
 * reproducible sample, verdicts with redacted notes and evidence, axial edits that keep every link,
 * counts equal to the labelled sessions (raw and reweighted), and before/after measurements with a
 * known effect, too few sessions, a Simpson trap and an overlapping change; then two reviewers with
 * reservations, the notes' export, an LLM draft imported as proposals, and a validated pattern that
 * regresses under `patterns watch`. The last suite checks both stores gave the same figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemReservation } from '../../src/analysis/review/review-reservations.js';
import { runAction, type ActionName, type ACTIONS } from '../../src/analysis/analysis-actions.js';
import { AnalysisError, type AnalysisContext } from '../../src/analysis/analysis-context.js';
import { textRedactor } from '../../src/analysis/analysis-redact.js';
import {
  renderErrorAnalysisHtml,
  renderErrorAnalysisMarkdown,
} from '../../src/analysis/report/error-analysis-report.js';
import { DEFAULT_REDACTION_SETTINGS } from '../../src/pipeline/redact/redaction-config.js';
import type { Store } from '../../src/store/store.js';
import { arm } from '../fixtures/change-dataset.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { STORES } from '../support/stores.js';

const team = signalDataset();
/** Per store, the figures the two stores must agree on. */
const figures = new Map<string, unknown>();
const KEY = 'sk-ant-api03-' + 'A'.repeat(93) + 'AA';

/** What action `N` answers (runAction's result is the action's own). */
type Result<N extends ActionName> = Awaited<ReturnType<(typeof ACTIONS)[N]['run']>>;

describe.each(STORES)('the error-analysis loop on $name', (storeCase) => {
  let store: Store;
  let cleanup: () => void;
  let ctx: AnalysisContext;
  const run = <N extends ActionName>(action: N, args: Record<string, unknown>): Promise<Result<N>> =>
    runAction(ctx, action, args) as Promise<Result<N>>;

  beforeAll(async () => {
    ({ store, cleanup } = await storeCase.open());
    const events = [
      ...team.events,
      // A: 30 % → 20 %, 1,000 sessions per arm, change on 2026-03-01.
      ...arm({ id: 'a0', n: 1000, bad: 300, fromIso: '2026-02-01', days: 28 }),
      ...arm({ id: 'a1', n: 1000, bad: 200, fromIso: '2026-03-01', days: 28 }),
      // B: the same effect with 50 per arm, 2026-06-01.
      ...arm({ id: 'b0', n: 50, bad: 15, fromIso: '2026-05-04', days: 28 }),
      ...arm({ id: 'b1', n: 50, bad: 10, fromIso: '2026-06-01', days: 28 }),
      // C: Simpson: 20 % → 15 % on easy chapters, 60 % → 45 % on hard ones; after leans to hard ones.
      ...arm({ id: 'c0e', n: 400, bad: 80, fromIso: '2026-08-04', days: 28, chapter: 'easy' }),
      ...arm({ id: 'c0h', n: 100, bad: 60, fromIso: '2026-08-04', days: 28, chapter: 'hard' }),
      ...arm({ id: 'c1e', n: 100, bad: 15, fromIso: '2026-09-01', days: 28, chapter: 'easy' }),
      ...arm({ id: 'c1h', n: 400, bad: 180, fromIso: '2026-09-01', days: 28, chapter: 'hard' }),
    ];
    await store.write({ events, spans: [], metrics: [] });
    ctx = {
      store,
      author: 'rita',
      now: () => new Date('2026-11-28T12:00:00Z'),
      redact: textRedactor(DEFAULT_REDACTION_SETTINGS),
    };
  });
  afterAll(async () => {
    await store.close();
    cleanup();
  });

  const SAMPLE = {
    since: '2026-10-01',
    until: '2026-10-31',
    n: 40,
    mix: 'random=50,signal:validation_failures=30,outlier:cost_per_prompt=20',
    strata: 'chapter',
    seed: 7,
  };

  it('samples reproducibly, once per session, and a repeat is a no-op', async () => {
    const first = await run('review.sample', { name: 'w48', ...SAMPLE });
    const twin = await run('review.sample', { name: 'w48-twin', ...SAMPLE });
    const again = await run('review.sample', { name: 'w48', ...SAMPLE });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.items).toEqual(first.items);
    expect(twin.items).toEqual(first.items);
    expect(new Set(first.items.map((i) => i.session_id)).size).toBe(40);
    expect(first.items.filter((i) => i.reason === 'signal:validation_failures')).toHaveLength(12);
    expect(new Set(first.items.map((i) => i.stratum)).size).toBe(6);
    await expect(run('review.sample', { name: 'w48', ...SAMPLE, seed: 8 })).rejects.toThrow(AnalysisError);
  });

  let notes: string[] = [];
  let sessions: string[] = [];

  it('records verdicts with redacted notes and an evidence excerpt, and reports progress', async () => {
    const queue = (await run('review.sample', { name: 'w48', ...SAMPLE })).items;
    sessions = queue.slice(0, 6).map((i) => i.session_id);
    const first = await run('review.show', { queue: 'w48' });
    expect(first.item?.position).toBe(1);
    const event = (await run('signals.test', { signal: 'edit_failures', session: sessions[0] })).events[0];
    notes = [];
    for (const [i, s] of sessions.entries()) {
      const v = await run('review.verdict', {
        queue: 'w48',
        session: s,
        verdict: i === 5 ? 'pass' : 'fail',
        note: i === 0 ? `the spec pasted the key ${KEY} into the prompt` : `note ${i}`,
        ...(i === 0 && event ? { firstEvent: event.key } : {}),
      });
      notes.push(v.id);
    }
    const shown = await run('review.show', { queue: 'w48', item: sessions[0] });
    expect(shown.notes?.[0]?.body).not.toContain(KEY);
    expect(shown.notes?.[0]?.body).toContain('[REDACTED:');
    expect(JSON.stringify(shown.notes?.[0]?.evidence).length).toBeLessThanOrEqual(2048);
    if (event) expect(shown.notes?.[0]?.evidence).toMatchObject({ event: { key: event.key } });
    await run('review.verdict', { queue: 'w48', session: queue[6]!.session_id, verdict: 'defer' });
    const status = await run('review.status', { queue: 'w48' });
    expect(status).toMatchObject({
      total: 40,
      done: 6,
      deferred: 1,
      pending: 33,
      failed: 5,
      by_reviewer: { rita: 6 },
    });
    expect((await run('review.show', { queue: 'w48' })).item?.position).toBe(8);
    await expect(
      run('review.verdict', { queue: 'w48', session: 'not-queued', verdict: 'pass' }),
    ).rejects.toThrow('not in queue');
  });

  it('merge, rename and split keep every link; counts equal the labelled sessions', async () => {
    await run('patterns.add', { slug: 'vague-spec', definition: 'the spec left the format open' });
    await run('patterns.add', { slug: 'unclear-spec' });
    await run('patterns.add', { slug: 'flaky-env' });
    await run('patterns.assign', { note: notes[0], pattern: 'vague-spec' });
    await run('patterns.assign', { note: notes[1], pattern: 'vague-spec' });
    await run('patterns.assign', { note: notes[2], pattern: 'unclear-spec' });
    await run('patterns.assign', { note: notes[3], pattern: 'unclear-spec' });
    await run('patterns.assign', { note: notes[4], pattern: 'flaky-env' });
    const count = async (slug: string): Promise<Result<'patterns.count'>[number] | undefined> =>
      (await run('patterns.count', { queue: 'w48' })).find((r) => r.pattern === slug);
    expect((await count('unclear-spec'))?.sessions).toBe(2);

    await run('patterns.merge', { from: 'unclear-spec', into: 'vague-spec' });
    expect((await count('vague-spec'))?.sessions).toBe(4);
    expect(await count('unclear-spec')).toBeUndefined();
    expect((await run('patterns.show', { pattern: 'vague-spec' })).notes.sort()).toEqual(
      notes.slice(0, 4).sort(),
    );

    await run('patterns.rename', { from: 'vague-spec', to: 'underspecified' });
    expect((await count('underspecified'))?.sessions).toBe(4);
    expect((await run('patterns.show', { pattern: 'underspecified' })).notes).toHaveLength(4);

    await run('patterns.split', { from: 'underspecified', to: 'missing-format', notes: [notes[2]] });
    expect((await count('underspecified'))?.sessions).toBe(3);
    expect((await count('missing-format'))?.sessions).toBe(1);
    expect((await run('patterns.show', { pattern: 'missing-format' })).notes).toEqual([notes[2]]);
    expect((await run('patterns.show', { pattern: 'underspecified' })).notes).toHaveLength(3);

    await run('patterns.label', { queue: 'w48', session: sessions[5], pattern: 'flaky-env', present: true });
    await run('patterns.label', { queue: 'w48', session: sessions[4], pattern: 'flaky-env', present: false });
    const flaky = await count('flaky-env');
    expect(flaky).toMatchObject({ sessions: 1, reviewed: 6 });
    expect(flaky!.lo).toBeLessThan(1 / 6);
    expect(flaky!.hi).toBeGreaterThan(1 / 6);

    const merged = await run('patterns.show', { pattern: 'unclear-spec' });
    expect(merged.status).toBe('merged');
    expect(merged.history.map((h) => h.status)).toEqual(['identified', 'merged']);
    const status = await run('review.status', { queue: 'w48' });
    expect(status.codes).toBe(3);
  });

  it('reweights a count when the signal stratum was oversampled', async () => {
    const q = await run('review.sample', {
      name: 'oversampled',
      since: '2026-10-01',
      until: '2026-10-31',
      n: 40,
      mix: 'signal:validation_failures=50,random=50',
      seed: 3,
    });
    await run('patterns.add', { slug: 'failing-tests' });
    for (const it of q.items) {
      const v = await run('review.verdict', {
        queue: 'oversampled',
        session: it.session_id,
        verdict: 'fail',
      });
      if (it.reason.startsWith('signal:'))
        await run('patterns.assign', { note: v.id, pattern: 'failing-tests' });
    }
    const row = (await run('patterns.count', { queue: 'oversampled' })).find(
      (r) => r.pattern === 'failing-tests',
    );
    expect(row?.sessions).toBe(20);
    expect(row?.rate).toBe(0.5);
    expect(row!.weighted_rate).toBeLessThan(0.5);
  });

  it('a known effect, 30 % → 20 % with 1,000 sessions per arm, is validated with the CI holding −0.10', async () => {
    const ch = await run('changes.add', {
      kind: 'spec_template',
      ref: 'git:abc123',
      effective: '2026-03-01T00:00:00Z',
      patterns: ['underspecified'],
      target: '-20%',
    });
    expect(ch.before).toMatchObject({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect((await run('patterns.show', { pattern: 'underspecified' })).status).toBe('addressed');
    const m = await run('changes.measure', { id: ch.id });
    expect(m.sessions).toEqual({ before: 1000, after: 1000, excluded_spanning: 0 });
    expect(m.verdict).toBe('validated');
    expect(m.result!.difference.lo).toBeLessThan(-0.1);
    expect(m.result!.difference.hi).toBeGreaterThan(-0.1);
    expect(m.warnings).toEqual([]);
    const history = (await run('patterns.show', { pattern: 'underspecified' })).history.map((h) => h.status);
    expect(history).toEqual(['identified', 'addressed', 'validated']);

    // Another change inside the windows: the next measurement warns; the first snapshot is unchanged.
    await run('changes.add', { kind: 'cc_version', effective: '2026-03-10T00:00:00Z' });
    const again = await run('changes.measure', { id: ch.id });
    expect(again.warnings.map((w) => w.code)).toContain('overlapping_change');
    const shown = await run('changes.show', { id: ch.id });
    expect(shown.measurements).toHaveLength(2);
    expect(shown.measurements[0]).toEqual(m);

    // Windows moved after a measurement: logged as a revision, warned; old snapshots keep theirs.
    await run('changes.edit', { id: ch.id, after: '14d', reason: 'the template shipped late' });
    const edited = await run('changes.measure', { id: ch.id });
    expect(edited.warnings.map((w) => w.code)).toContain('windows_edited');
    expect(edited.sessions.after).toBe(500);
    expect((await run('changes.show', { id: ch.id })).measurements[0]).toEqual(m);
  });

  it('the same effect with 50 per arm is inconclusive, with its MDE and the sessions per arm needed', async () => {
    const ch = await run('changes.add', {
      kind: 'spec_template',
      effective: '2026-06-01T00:00:00Z',
      target: '-20%',
    });
    const m = await run('changes.measure', { id: ch.id });
    expect(m.verdict).toBe('inconclusive');
    expect(m.result!.mde).toBeCloseTo(0.26, 2);
    expect(m.result!.observed).toEqual({ perArm: 294, morePerArm: 244 });
  });

  it("Simpson's trap: crude and stratified estimates side by side, with the confounding warning", async () => {
    const ch = await run('changes.add', { kind: 'spec_template', effective: '2026-09-01T00:00:00Z' });
    const crude = await run('changes.measure', { id: ch.id });
    expect(crude.result!.difference.diff).toBeCloseTo(0.11, 10);
    expect(crude.verdict).toBe('not_validated');
    const m = await run('changes.measure', { id: ch.id, stratify: ['chapter'] });
    expect(m.result!.difference.diff).toBeCloseTo(0.11, 10);
    expect(m.result!.adjusted!.diff).toBeCloseTo(-0.1, 10);
    expect(m.verdict).toBe('validated');
    expect(m.warnings.map((w) => w.code)).toContain('confounded');
    expect(m.strata.map((s) => s.key)).toEqual(['easy', 'hard']);
  });

  it('writes the findings up: patterns with counts and intervals, recommendations, change verdicts', async () => {
    await run('patterns.recommend', {
      pattern: 'missing-format',
      text: 'add an output-format line to the spec template',
    });
    const r = await run('report.error_analysis', { queue: 'w48' });
    expect(r.status).toMatchObject({ done: 6, total: 40 });
    expect(r.patterns.map((p) => [p.pattern, p.sessions])).toEqual([
      ['underspecified', 3],
      ['flaky-env', 1],
      ['missing-format', 1],
      ['failing-tests', 0], // patterns are the team's, not the queue's
    ]);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ patterns: ['underspecified'], verdict: 'validated' });
    const md = renderErrorAnalysisMarkdown(r);
    expect(md).toContain('| missing-format | identified | 1 | 6 | 16.7 % (');
    expect(md).toContain('add an output-format line to the spec template');
    expect(md).toContain('| validated |');
    expect(renderErrorAnalysisHtml({ ...r, queue: '<w48>' })).toContain('queue &lt;w48&gt;');
  });

  const as = (author: string, at = '2026-11-28T12:00:00Z'): AnalysisContext => ({
    ...ctx,
    author,
    now: () => new Date(at),
  });
  const runAs = <N extends ActionName>(
    author: string,
    action: N,
    args: Record<string, unknown>,
    at?: string,
  ): Promise<Result<N>> => runAction(as(author, at), action, args) as Promise<Result<N>>;
  const mine: Record<string, unknown> = {};

  it('reserves the next item per reviewer: two reviewers get different items; release, verdict and expiry end a hold', async () => {
    const r1 = await runAs('rita', 'review.next', { queue: 'w48' });
    const s1 = await runAs('sam', 'review.next', { queue: 'w48', hold: '10m' });
    expect(r1.item?.position).toBe(8);
    expect(s1.item?.position).toBe(9);
    expect(r1.reservation).toMatchObject({ reviewer: 'rita', reserved_until: '2026-11-28T12:30:00.000Z' });
    expect((await runAs('rita', 'review.next', { queue: 'w48' })).item?.position).toBe(8);
    expect(await itemReservation(ctx, 'w48', s1.item!.session_id)).toMatchObject({
      reviewer: 'sam',
      reserved_until: '2026-11-28T12:10:00.000Z',
    });
    let status = await run('review.status', { queue: 'w48' });
    expect(status.reservations.map((r) => [r.position, r.reviewer])).toEqual([
      [8, 'rita'],
      [9, 'sam'],
    ]);
    expect(status.reviewers.find((r) => r.reviewer === 'sam')).toEqual({
      reviewer: 'sam',
      reviewed: 0,
      deferred: 0,
      notes: 0,
      holding: 1,
    });
    await expect(
      runAs('sam', 'review.release', { queue: 'w48', session: r1.item!.session_id }),
    ).rejects.toThrow('rita holds');
    expect(
      await runAs('sam', 'review.release', { queue: 'w48', session: s1.item!.session_id }),
    ).toMatchObject({
      released: true,
      holder: 'sam',
    });
    expect(await itemReservation(ctx, 'w48', s1.item!.session_id)).toBeNull();

    // A verdict by the holder ends the hold; an expired hold blocks nobody.
    await runAs('rita', 'review.verdict', { queue: 'w48', session: r1.item!.session_id, verdict: 'fail' });
    expect(await itemReservation(ctx, 'w48', r1.item!.session_id)).toBeNull();
    expect((await runAs('sam', 'review.next', { queue: 'w48', hold: '10m' })).item?.position).toBe(9);
    expect((await runAs('rita', 'review.next', { queue: 'w48' })).item?.position).toBe(10);
    const later = '2026-11-28T12:11:00Z';
    expect((await runAs('uma', 'review.next', { queue: 'w48' }, later)).item?.position).toBe(9);

    // Asked at the same moment, two reviewers still get different items.
    const [a, b] = await Promise.all([
      runAs('vic', 'review.next', { queue: 'w48' }, later),
      runAs('wes', 'review.next', { queue: 'w48' }, later),
    ]);
    expect(new Set([a.item?.position, b.item?.position])).toEqual(new Set([11, 12]));
    status = await runAction(as('rita', later), 'review.status', { queue: 'w48' }).then(
      (x) => x as Result<'review.status'>,
    );
    expect(status.reservations.map((r) => [r.position, r.reviewer]).sort()).toEqual(
      [
        [9, 'uma'],
        [10, 'rita'],
        [a.item!.position, 'vic'],
        [b.item!.position, 'wes'],
      ].sort(),
    );
    // Which of the two racing reviewers won item 11 may differ; the items held may not.
    mine.reservations = status.reservations.map((r) => [
      r.position,
      ['vic', 'wes'].includes(r.reviewer) ? 'vic|wes' : r.reviewer,
    ]);
    await expect(run('review.next', { queue: 'w48', hold: '2d' })).rejects.toThrow('--hold');
  });

  it("two reviewers' notes on one session both persist; the queue counts the item once", async () => {
    const before = await run('review.status', { queue: 'w48' });
    await runAs('uma', 'review.verdict', {
      queue: 'w48',
      session: sessions[1],
      verdict: 'fail',
      note: 'uma: no acceptance criteria',
    });
    await runAs('vic', 'review.verdict', {
      queue: 'w48',
      session: sessions[1],
      verdict: 'fail',
      note: 'vic: the test list was missing',
    });
    const shown = await run('review.show', { queue: 'w48', item: sessions[1] });
    expect(shown.notes?.map((n) => [n.author, n.body])).toEqual([
      ['rita', 'note 1'],
      ['uma', 'uma: no acceptance criteria'],
      ['vic', 'vic: the test list was missing'],
    ]);
    const after = await run('review.status', { queue: 'w48' });
    expect(after.done).toBe(before.done);
    expect(after.reviewers.map((r) => [r.reviewer, r.reviewed])).toEqual([
      ['rita', 7],
      ['uma', 1],
      ['vic', 1],
      ['wes', 0],
    ]);
  });

  let exported: Result<'review.export'> = [];

  it('exports the notes for an LLM draft, redacted, with their links', async () => {
    exported = await run('review.export', { queue: 'w48', notes: true });
    const all = await run('review.export', { queue: 'w48' });
    expect(exported.every((n) => (n.body ?? '') !== '')).toBe(true);
    expect(all.length).toBeGreaterThan(exported.length);
    expect(exported[0]).toMatchObject({
      id: notes[0],
      session_id: sessions[0],
      author: 'rita',
      verdict: 'fail',
    });
    expect(exported[0]!.body).toContain('[REDACTED:');
    expect(JSON.stringify(exported)).not.toContain(KEY);
    expect(exported[0]!.patterns).toEqual([{ pattern: 'underspecified', source: 'human', confirmed: true }]);
    expect(exported.map((n) => n.body).slice(-2)).toEqual([
      'uma: no acceptance criteria',
      'vic: the test list was missing',
    ]);
  });

  it('imports an LLM draft as unconfirmed proposals that count only once confirmed; re-import is a no-op', async () => {
    const [uma, vic] = exported.slice(-2).map((n) => n.id);
    const draft = {
      patterns: [
        {
          slug: 'missing-criteria',
          name: 'No acceptance criteria',
          definition: 'the spec gave no test',
          notes: [uma, vic, notes[4]],
        },
        { slug: 'flaky-env', notes: [notes[3]] },
      ],
    };
    const count = async (slug: string) =>
      (await run('patterns.count', { queue: 'w48' })).find((r) => r.pattern === slug)?.sessions;
    const codes = (await run('review.status', { queue: 'w48' })).codes;
    const first = await run('patterns.import', { draft });
    expect(first).toMatchObject({ created: 1, proposed: 4, kept: 0 });
    expect(await count('missing-criteria')).toBe(0);
    expect(await count('flaky-env')).toBe(1);
    expect((await run('review.status', { queue: 'w48' })).codes).toBe(codes);
    const detail = await run('patterns.detail', { pattern: 'missing-criteria' });
    expect(detail.notes.map((n) => [n.id, n.source, n.confirmed])).toEqual([
      [uma, 'llm', false],
      [vic, 'llm', false],
      [notes[4], 'llm', false],
    ]);
    expect(detail.sessions).toEqual([]);
    expect(
      (await run('review.export', { queue: 'w48', notes: true })).find((n) => n.id === uma)?.patterns,
    ).toEqual([{ pattern: 'missing-criteria', source: 'llm', confirmed: false }]);

    expect(await run('patterns.import', { draft })).toMatchObject({ created: 0, proposed: 0, kept: 4 });
    await expect(run('patterns.confirm', { pattern: 'missing-criteria' })).rejects.toThrow('--note');
    expect(await run('patterns.confirm', { pattern: 'missing-criteria', note: uma })).toEqual({
      pattern: 'missing-criteria',
      confirmed: [uma],
    });
    expect(await count('missing-criteria')).toBe(1);
    expect(await run('patterns.reject', { pattern: 'missing-criteria', all: true })).toEqual({
      pattern: 'missing-criteria',
      rejected: [vic, notes[4]],
    });
    expect(await run('patterns.confirm', { pattern: 'flaky-env', all: true })).toEqual({
      pattern: 'flaky-env',
      confirmed: [notes[3]],
    });
    expect(await count('flaky-env')).toBe(2);
    expect(await run('patterns.import', { draft })).toMatchObject({ created: 0, proposed: 0, kept: 4 });
    expect(await count('missing-criteria')).toBe(1);
    const after = await run('patterns.detail', { pattern: 'missing-criteria' });
    expect(after.notes.map((n) => [n.id, n.confirmed])).toEqual([[uma, true]]);
    expect(after.sessions).toEqual([sessions[1]]);
    await expect(
      run('patterns.import', { draft: { patterns: [{ slug: 'x', notes: ['n-nope'] }] } }),
    ).rejects.toThrow('no note "n-nope"');
    expect((await run('patterns.list', {})).some((p) => p.slug === 'x')).toBe(false);
    mine.counts = (await run('patterns.count', { queue: 'w48' })).map((r) => [
      r.pattern,
      r.sessions,
      r.lo,
      r.hi,
    ]);
  });

  it('watches a validated pattern through its detector and flips it to regressed when the rate returns', async () => {
    await expect(run('patterns.watch', { pattern: 'underspecified' })).rejects.toThrow('no detector');
    expect(
      await run('patterns.detector', { pattern: 'underspecified', signal: 'validation_failures' }),
    ).toEqual({
      pattern: 'underspecified',
      detector: 'validation_failures@1',
    });
    const quiet = await run('patterns.watch', { pattern: 'underspecified' });
    expect(quiet.weeks).toHaveLength(13);
    expect(quiet.weeks[0]).toMatchObject({ week: '2026-W36', from: '2026-08-31T00:00:00.000Z' });
    expect(quiet.weeks.at(-1)).toMatchObject({ week: '2026-W48', complete: false });
    expect(quiet.validating).toMatchObject({ before_rate: 0.3 });
    expect(quiet.rule).toMatchObject({
      weeks: ['2026-W44', '2026-W45', '2026-W46', '2026-W47'],
      n: 0,
      regressed: false,
    });
    expect(quiet).toMatchObject({ status: 'validated', flipped: false });

    // 40 % of the sessions of the last four complete weeks are bad again: 160/400, lower bound ≈ 35 % ≥ 30 %.
    await store.write({
      events: arm({ id: 'w', n: 400, bad: 160, fromIso: '2026-10-26', days: 28 }),
      spans: [],
      metrics: [],
    });
    const dry = await run('patterns.watch', { pattern: 'underspecified', dryRun: true });
    expect(dry.rule).toMatchObject({ x: 160, n: 400, rate: 0.4, regressed: true });
    expect(dry.rule!.lo).toBeGreaterThan(0.3);
    expect(dry).toMatchObject({ status: 'validated', flipped: false });
    expect((await run('patterns.show', { pattern: 'underspecified' })).status).toBe('validated');

    const watched = await run('patterns.watch', { pattern: 'underspecified' });
    expect(watched).toMatchObject({ status: 'regressed', flipped: true });
    expect(watched.weeks.slice(8, 12).map((w) => [w.week, w.n, w.x])).toEqual([
      ['2026-W44', 100, 40],
      ['2026-W45', 100, 40],
      ['2026-W46', 100, 40],
      ['2026-W47', 100, 40],
    ]);
    const shown = await run('patterns.show', { pattern: 'underspecified' });
    expect(shown.history.map((h) => h.status)).toEqual(['identified', 'addressed', 'validated', 'regressed']);
    expect(shown.history.at(-1)!.reason).toContain('160/400 = 40.0 %');
    expect((await run('patterns.watch', { pattern: 'underspecified' })).flipped).toBe(false);
    const { reason: _ids, ...rule } = watched.rule!; // (the reason names random ids)
    mine.watch = { weeks: watched.weeks, rule };
    const weekly = await run('signals.weekly', {});
    expect(weekly.find((s) => s.name === 'validation_failures')!.weeks).toEqual(watched.weeks);
    figures.set(storeCase.name, mine);
  });
});

describe('both stores', () => {
  it('give identical reservations, counts after an import, and weekly rates', () => {
    const [first, ...rest] = [...figures.values()];
    expect(figures.size).toBe(STORES.length);
    for (const other of rest) expect(other).toEqual(first);
  });
});
