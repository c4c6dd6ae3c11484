/**
 * /review, /patterns/:slug and /signals over a real collector, with data placed relative to today
 * (the pages compute weeks from the clock): a queue with two reviewers' verdicts and reservations, an
 * LLM draft imported and partly confirmed, a change that validated a pattern, and the pattern's
 * detector. Every figure a page shows is its action's JSON (`review queues`, `patterns detail`,
 * `signals weekly`), carried in data-* attributes; the pages render in headless Chromium with no
 * console error and no request beyond loopback; with tokens required and none given they answer 401.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatternDetail } from '../../src/web/pages/pattern-page-html.js';
import type { QueueStatus } from '../../src/web/pages/queues-html.js';
import type { SignalWeekly } from '../../src/web/pages/signals-html.js';
import { weekStart } from '../../src/analysis/signals/signal-weeks.js';
import { arm } from '../fixtures/change-dataset.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { launchChromium, watchLoopback } from '../support/browser.js';
import {
  ROOT,
  startTestCollector,
  type TestCollector,
  statusesWithoutToken,
} from '../support/collector-fixture.js';

const OUT = path.join(ROOT, '.bench-out');
const DAY = 86_400_000;

const attrs = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/ data-([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
const rows = (html: string, re: RegExp): Record<string, string>[] =>
  [...html.matchAll(re)].map((m) => attrs(m[0]));
const weekRows = (html: string): Record<string, string>[] => rows(html, /<tr data-week="[^>]*>/g);
const asAttrs = (w: { week: string; n: number; x: number; rate: number; lo: number; hi: number }) => ({
  week: w.week,
  n: String(w.n),
  x: String(w.x),
  rate: String(w.rate),
  lo: String(w.lo),
  hi: String(w.hi),
});

describe('review queues, pattern and signals pages', () => {
  let c: TestCollector;
  const get = async (p: string): Promise<string> => {
    const res = await fetch(`${c.httpUrl}${p}`);
    expect(res.status, p).toBe(200);
    return res.text();
  };
  const api = async <T>(action: string, args: Record<string, unknown>, author = 'rita'): Promise<T> => {
    const res = await fetch(`${c.httpUrl}/api/analysis/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args, author }),
    });
    const body = (await res.json()) as T;
    expect(res.status, `${action}: ${JSON.stringify(body)}`).toBe(200);
    return body;
  };

  beforeAll(async () => {
    c = await startTestCollector();
    const monday = weekStart(new Date()).getTime();
    const effective = new Date(monday - 10 * 7 * DAY).toISOString();
    const teamStart = new Date(monday - 3 * 7 * DAY).toISOString();
    await c.store.write({
      events: [
        ...signalDataset(60, 7, teamStart).events,
        ...arm({
          id: 'b',
          n: 300,
          bad: 90,
          fromIso: new Date(monday - 14 * 7 * DAY).toISOString(),
          days: 28,
        }),
        ...arm({ id: 'a', n: 300, bad: 30, fromIso: effective, days: 28 }),
      ],
      spans: [],
      metrics: [],
    });
    const q = await api<{ items: { session_id: string }[] }>('review.sample', {
      name: 'w48',
      since: teamStart,
      n: 12,
      seed: 5,
    });
    await api('patterns.add', { slug: 'vague-spec', definition: 'the spec left <the format> open' });
    const notes: string[] = [];
    for (const [i, it] of q.items.slice(0, 4).entries()) {
      const v = await api<{ id: string }>(
        'review.verdict',
        { queue: 'w48', session: it.session_id, verdict: 'fail', note: `note ${i}` },
        i % 2 ? 'sam' : 'rita',
      );
      notes.push(v.id);
    }
    await api('patterns.assign', { note: notes[0], pattern: 'vague-spec' });
    await api('patterns.import', {
      draft: { patterns: [{ slug: 'vague-spec', notes: [notes[1], notes[2]] }] },
    });
    await api('patterns.confirm', { pattern: 'vague-spec', note: notes[1] });
    await api('review.next', { queue: 'w48' }, 'rita');
    await api('review.next', { queue: 'w48', hold: '2h' }, 'sam');
    const ch = await api<{ id: string }>('changes.add', {
      kind: 'spec_template',
      effective,
      patterns: ['vague-spec'],
    });
    expect((await api<{ verdict: string }>('changes.measure', { id: ch.id })).verdict).toBe('validated');
    await api('patterns.detector', { pattern: 'vague-spec', signal: 'validation_failures' });
  });
  afterAll(() => c.dispose());

  it("/review shows review queues' figures", async () => {
    const [q] = await api<QueueStatus[]>('review.queues', {});
    const html = await get('/review');
    const section = /<section class="queue"[^>]*>/.exec(html)![0];
    expect(attrs(section)).toEqual({
      queue: 'w48',
      total: String(q!.total),
      done: String(q!.done),
      deferred: String(q!.deferred),
      pending: String(q!.pending),
      failed: String(q!.failed),
      codes: String(q!.codes),
      'new-codes': String(q!.new_codes_last_20),
      saturated: String(q!.saturated),
    });
    expect(q).toMatchObject({ total: 12, done: 4, codes: 1 });
    expect(rows(html, /<tr data-reviewer="[^>]*data-reviewed[^>]*>/g)).toEqual(
      q!.reviewers.map((r) => ({
        reviewer: r.reviewer,
        reviewed: String(r.reviewed),
        deferred: String(r.deferred),
        notes: String(r.notes),
        holding: String(r.holding),
      })),
    );
    expect(q!.reviewers.map((r) => [r.reviewer, r.reviewed, r.holding])).toEqual([
      ['rita', 2, 1],
      ['sam', 2, 1],
    ]);
    expect(rows(html, /<tr data-position="[^>]*>/g)).toEqual(
      q!.reservations.map((r) => ({
        position: String(r.position),
        reviewer: r.reviewer,
        until: r.reserved_until,
      })),
    );
    expect(q!.reservations.map((r) => [r.position, r.reviewer])).toEqual([
      [5, 'rita'],
      [6, 'sam'],
    ]);
    // The item's review page says who holds it; a free item says nothing.
    const held = q!.reservations.find((r) => r.reviewer === 'sam')!;
    expect(await get('/review/w48/6')).toContain(`held by <b>sam</b> until ${held.reserved_until}`);
    expect(await get('/review/w48/7')).not.toContain('id="reservation"');
  });

  it("/patterns/:slug shows patterns detail's notes, sessions, history and weekly rates", async () => {
    const d = await api<PatternDetail>('patterns.detail', { pattern: 'vague-spec' });
    const html = await get('/patterns/vague-spec');
    expect(html).toContain('the spec left &lt;the format&gt; open');
    expect(rows(html, /<tr data-note="[^>]*>/g)).toEqual(
      d.notes.map((n) => ({ note: n.id, source: n.source, confirmed: String(n.confirmed) })),
    );
    expect(d.notes.map((n) => [n.source, n.confirmed])).toEqual([
      ['human', true],
      ['llm', true],
      ['llm', false],
    ]);
    const sessions = [
      .../<p id="sessions">(.*)<\/p>/.exec(html)![1]!.matchAll(/href="\/sessions\/([^"]+)"/g),
    ];
    expect(sessions.map((m) => decodeURIComponent(m[1]!))).toEqual(d.sessions);
    expect(d.sessions).toHaveLength(2);
    expect(rows(html, /<tr data-status="[^>]*>/g).map((r) => r.status)).toEqual(
      d.history.map((h) => h.status),
    );
    expect(d.history.map((h) => h.status)).toEqual(['identified', 'addressed', 'validated']);
    expect(weekRows(html)).toEqual(d.watch!.weeks.map(asAttrs));
    expect(d.watch!.weeks).toHaveLength(13);
    expect(d.watch!.weeks.reduce((s, w) => s + w.n, 0)).toBeGreaterThan(300);
    expect(attrs(/<p id="rule"[^>]*>/.exec(html)![0])).toEqual({
      x: String(d.watch!.rule!.x),
      n: String(d.watch!.rule!.n),
      lo: String(d.watch!.rule!.lo),
      'before-rate': String(d.watch!.rule!.before_rate),
      regressed: String(d.watch!.rule!.regressed),
    });
    // The page is a dry run: the status did not move, and watch reports no flip.
    expect(d.watch).toMatchObject({ flipped: false });
    expect((await fetch(`${c.httpUrl}/patterns/nope`)).status).toBe(404);
  });

  it("/signals shows signals weekly's rates per signal", async () => {
    const signals = await api<SignalWeekly[]>('signals.weekly', { since: '6w' });
    const html = await get('/signals?since=6w');
    const sections = html.split('<section class="signal"').slice(1);
    expect(sections.map((s) => attrs(`<x${s.slice(0, s.indexOf('>'))}>`))).toEqual(
      signals.map((s) => ({ signal: s.name, version: String(s.version) })),
    );
    for (const [i, s] of signals.entries()) expect(weekRows(sections[i]!)).toEqual(s.weeks.map(asAttrs));
    expect(signals[0]!.weeks).toHaveLength(7);
    expect((await fetch(`${c.httpUrl}/signals?since=soon`)).status).toBe(400);
  });

  it('renders the three in Chromium offline, with no console error, linked from the nav', async () => {
    mkdirSync(OUT, { recursive: true });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const { outside, errors } = await watchLoopback(page);
      await page.goto(`${c.httpUrl}/patterns`);
      await page.click('nav a[href="/review"]');
      await page.waitForSelector('section.queue');
      await page.screenshot({ path: path.join(OUT, 'review-queues-page.png'), fullPage: true });
      await page.click('nav a[href="/patterns"]');
      await page.click('a[href="/patterns/vague-spec"]');
      // The chart draws over the weeks of its table (13 here), the interval as a band.
      await page.waitForSelector('#rate-chart.drawn canvas');
      expect(await page.locator('#weeks tbody tr').count()).toBe(13);
      const drawn = await page
        .locator('#rate-chart')
        .evaluate(
          (f) => JSON.parse(f.querySelector('script')!.textContent!) as { data: { weeks: unknown[] } },
        );
      expect(drawn.data.weeks).toHaveLength(13);
      await page.screenshot({ path: path.join(OUT, 'pattern-page.png'), fullPage: true });
      await page.click('nav a[href="/signals"]');
      await page.waitForSelector('#chart-validation_failures.drawn canvas');
      expect(await page.locator('section.signal').count()).toBeGreaterThan(5);
      await page.screenshot({ path: path.join(OUT, 'signals-page.png'), fullPage: true });
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 60_000);
});

describe('review, pattern and signals pages beyond loopback', () => {
  it('answer 401 without a reader token', async () => {
    const paths = ['/review', '/signals', '/signals?since=4w', '/patterns/vague-spec'];
    expect(await statusesWithoutToken(paths)).toEqual(Object.fromEntries(paths.map((p) => [p, 401])));
  });
});
