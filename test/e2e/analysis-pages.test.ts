/**
 * The patterns board and the change pages over a real collector, with a queue, labelled patterns and
 * a change with a known effect built through POST /api/analysis (the actions the CLI runs): every
 * count and interval on the board is `patterns count --json`'s; the change page's verdict, rates and
 * intervals are `changes measure --json`'s (and its strata with ?stratify=); both render in headless
 * Chromium with no console error and no request beyond loopback (screenshots in .bench-out/); with
 * tokens required and none given, they answer 401.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arm } from '../fixtures/change-dataset.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { launchChromium, watchLoopback } from '../support/browser.js';
import {
  ROOT,
  startTestCollector,
  type TestCollector,
  statusesWithoutToken,
} from '../support/collector-fixture.js';
import { interval, pct } from '../../src/web/pages/patterns-html.js';

const OUT = path.join(ROOT, '.bench-out');

interface Count {
  pattern: string;
  status: string;
  sessions: number;
  reviewed: number;
  unlabelled: number;
  rate: number;
  lo: number;
  hi: number;
  weighted_rate: number;
  weighted_lo: number;
  weighted_hi: number;
  recommendation: string | null;
}
interface Est {
  x: number;
  n: number;
  p: number;
  lo: number;
  hi: number;
}
interface Measured {
  verdict: string;
  sessions: { before: number; after: number; excluded_spanning: number };
  strata: { key: string; before: { x: number; n: number }; after: { x: number; n: number } }[];
  warnings: { code: string }[];
  result: {
    before: Est;
    after: Est;
    difference: { diff: number; lo: number; hi: number };
    relative: { rel: number; relLo: number; relHi: number } | null;
    adjusted: { diff: number; lo: number; hi: number } | null;
    mde: number;
    observed: { perArm: number; morePerArm: number };
  } | null;
}

const attrs = (tag: string): Record<string, string> =>
  Object.fromEntries([...tag.matchAll(/ data-([a-z-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
const unescape = (s: string): string =>
  s
    .replace(/<[^>]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

describe('patterns board and change pages', () => {
  let c: TestCollector;
  let changeId = '';
  const get = async (p: string): Promise<string> => {
    const res = await fetch(`${c.httpUrl}${p}`);
    expect(res.status, p).toBe(200);
    return res.text();
  };
  const api = async <T>(action: string, args: Record<string, unknown>): Promise<T> => {
    const res = await fetch(`${c.httpUrl}/api/analysis/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args, author: 'rita' }),
    });
    const body = (await res.json()) as T;
    expect(res.status, `${action}: ${JSON.stringify(body)}`).toBe(200);
    return body;
  };

  beforeAll(async () => {
    c = await startTestCollector();
    await c.store.write({
      events: [
        ...signalDataset(120).events,
        // 30 % → 15 %, 300 sessions per arm, change on 2026-03-01, split over two chapters.
        ...arm({ id: 'a0e', n: 200, bad: 50, fromIso: '2026-02-01', days: 28, chapter: 'easy' }),
        ...arm({ id: 'a0h', n: 100, bad: 40, fromIso: '2026-02-01', days: 28, chapter: 'hard' }),
        ...arm({ id: 'a1e', n: 150, bad: 15, fromIso: '2026-03-01', days: 28, chapter: 'easy' }),
        ...arm({ id: 'a1h', n: 150, bad: 30, fromIso: '2026-03-01', days: 28, chapter: 'hard' }),
      ],
      spans: [],
      metrics: [],
    });
    // An oversampled queue, so the reweighted rate differs from the raw one.
    const q = await api<{ items: { session_id: string; reason: string }[] }>('review.sample', {
      name: 'w48',
      since: '2026-10-01',
      until: '2026-10-31',
      n: 30,
      mix: 'signal:validation_failures=50,random=50',
      seed: 3,
    });
    await api('patterns.add', { slug: 'failing-tests', definition: 'tests fail <again> & again' });
    await api('patterns.add', { slug: 'vague-spec', name: 'Vague spec' });
    await api('patterns.add', { slug: 'flaky-env' });
    for (const [i, it] of q.items.slice(0, 20).entries()) {
      const v = await api<{ id: string }>('review.verdict', {
        queue: 'w48',
        session: it.session_id,
        verdict: 'fail',
        note: `note ${i}`,
      });
      if (it.reason.startsWith('signal:'))
        await api('patterns.assign', { note: v.id, pattern: 'failing-tests' });
      else if (i % 3 === 0) await api('patterns.assign', { note: v.id, pattern: 'vague-spec' });
    }
    await api('patterns.label', {
      queue: 'w48',
      session: q.items[1]!.session_id,
      pattern: 'flaky-env',
      present: true,
    });
    await api('patterns.recommend', {
      pattern: 'vague-spec',
      text: 'add an output-format line to the spec template',
    });
    await api('patterns.status', { pattern: 'flaky-env', status: 'regressed', reason: 'came back' });
    const ch = await api<{ id: string }>('changes.add', {
      kind: 'spec_template',
      ref: 'git:abc123',
      description: 'the <spec> template asks for the output format',
      effective: '2026-03-01T00:00:00Z',
      patterns: ['vague-spec'],
      target: '-20%',
    });
    changeId = ch.id;
    await api('changes.add', {
      kind: 'cc_version',
      ref: '2.0.14',
      effective: '2026-06-01T00:00:00Z',
      patterns: ['failing-tests'],
    });
  }, 120_000);
  afterAll(() => c?.dispose());

  it('the board prints `patterns count` per status column', async () => {
    const counts = await api<Count[]>('patterns.count', { queue: 'w48' });
    const html = await get('/patterns?queue=w48');
    const cards = [...html.matchAll(/<article class="card"[^>]*>[\s\S]*?<\/article>/g)].map((m) => m[0]);
    expect(cards).toHaveLength(counts.length);
    expect(counts.some((r) => Math.abs(r.weighted_rate - r.rate) > 1e-9)).toBe(true);
    for (const r of counts) {
      const card = cards.find((k) => k.includes(`data-pattern="${r.pattern}"`))!;
      const a = attrs(card.slice(0, card.indexOf('>')));
      expect(a, r.pattern).toEqual({
        pattern: r.pattern,
        sessions: String(r.sessions),
        reviewed: String(r.reviewed),
        unlabelled: String(r.unlabelled),
        rate: String(r.rate),
        lo: String(r.lo),
        hi: String(r.hi),
        'weighted-rate': String(r.weighted_rate),
        'weighted-lo': String(r.weighted_lo),
        'weighted-hi': String(r.weighted_hi),
      });
      expect(unescape(card)).toContain(interval(r.rate, r.lo, r.hi));
      if (r.recommendation) expect(unescape(card)).toContain(r.recommendation);
      const column = html
        .slice(0, html.indexOf(`data-pattern="${r.pattern}"`))
        .lastIndexOf('<section class="col" id="col-');
      expect(html.slice(column, column + 60), r.pattern).toContain(`id="col-${r.status}"`);
    }
    expect(counts.find((r) => r.pattern === 'flaky-env')?.status).toBe('regressed');
    expect(html).toContain('tests fail &lt;again&gt; &amp; again');
    expect(html).toContain(`<a href="/changes/${changeId}">`);
    // Without a queue: the board, no counts.
    const bare = await get('/patterns');
    expect(bare).toContain('id="col-addressed"');
    expect(bare).not.toContain('data-sessions=');
    expect((await fetch(`${c.httpUrl}/patterns?queue=nope`)).status).toBe(404);
  });

  it('the change page prints `changes measure`: verdict, rates, intervals, strata', async () => {
    const m = await api<Measured>('changes.measure', { id: changeId });
    expect(m.verdict).toBe('validated');
    const html = await get(`/changes/${changeId}`);
    expect(/<strong id="verdict"[^>]*>([^<]*)</.exec(html)?.[1]).toBe(m.verdict.replace('_', ' '));
    const r = m.result!;
    for (const k of ['before', 'after'] as const) {
      const tr = new RegExp(`<tr data-arm="${k}"[^>]*>`).exec(html)![0];
      expect(attrs(tr)).toEqual({
        arm: k,
        x: String(r[k].x),
        n: String(r[k].n),
        p: String(r[k].p),
        lo: String(r[k].lo),
        hi: String(r[k].hi),
      });
      expect(unescape(html)).toContain(interval(r[k].p, r[k].lo, r[k].hi));
    }
    expect(attrs(/<tr id="difference"[^>]*>/.exec(html)![0])).toEqual({
      diff: String(r.difference.diff),
      lo: String(r.difference.lo),
      hi: String(r.difference.hi),
    });
    expect(attrs(/<tr id="relative"[^>]*>/.exec(html)![0])).toEqual({
      rel: String(r.relative!.rel),
      lo: String(r.relative!.relLo),
      hi: String(r.relative!.relHi),
    });
    expect(attrs(/<tr id="mde"[^>]*>/.exec(html)![0])).toEqual({ mde: String(r.mde) });
    expect(unescape(html)).toContain(`≈${r.observed.morePerArm} more sessions per arm`);
    expect(unescape(html)).toContain(pct(r.mde));
    expect(html).toContain('the &lt;spec&gt; template');
    expect(html).toContain('<svg id="arms-chart"');
    expect(html.match(/<line class="ci"/g)).toHaveLength(2);
    for (const w of m.warnings) expect(html).toContain(`data-code="${w.code}"`);
    expect(html).not.toContain('<table id="strata">');

    const s = await api<Measured>('changes.measure', { id: changeId, stratify: ['chapter'] });
    const strat = await get(`/changes/${changeId}?stratify=chapter`);
    expect([...strat.matchAll(/<tr data-stratum="([^"]*)"/g)].map((x) => x[1])).toEqual(
      s.strata.map((x) => x.key),
    );
    expect(attrs(/<tr id="adjusted"[^>]*>/.exec(strat)![0])).toEqual({
      diff: String(s.result!.adjusted!.diff),
      lo: String(s.result!.adjusted!.lo),
      hi: String(s.result!.adjusted!.hi),
    });
    const three = await get(`/changes/${changeId}?stratify=chapter,member,cc_version`);
    expect(three).toContain('<table id="strata">');
    // Two stored snapshots; the page stored none of its own.
    expect(three.match(/<tr><td>m-/g)).toHaveLength(2);

    const list = await get('/changes');
    expect(list.match(/<tr data-change=/g)).toHaveLength(2);
    expect(list).toContain(`<a href="/changes/${changeId}">`);
    expect((await fetch(`${c.httpUrl}/changes/nope`)).status).toBe(404);
    expect((await fetch(`${c.httpUrl}/changes/${changeId}?stratify=shoe`)).status).toBe(400);
  });

  it('renders both in Chromium offline, with no console error', async () => {
    mkdirSync(OUT, { recursive: true });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const { outside, errors } = await watchLoopback(page);
      await page.goto(`${c.httpUrl}/patterns?queue=w48`);
      expect(await page.locator('.col .card').count()).toBe(3);
      await page.screenshot({ path: path.join(OUT, 'patterns-page.png'), fullPage: true });
      await page.click(`a[href="/changes/${changeId}"]`);
      await page.waitForSelector('#arms-chart');
      expect(await page.locator('#arms-chart rect').count()).toBe(2);
      await page.goto(`${c.httpUrl}/changes/${changeId}?stratify=chapter`);
      await page.screenshot({ path: path.join(OUT, 'change-page.png'), fullPage: true });
      await page.click('nav a[href="/changes"]');
      await page.waitForSelector('#changes');
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 60_000);
});

describe('analysis pages beyond loopback', () => {
  it('answers 401 without a reader token', async () => {
    const paths = ['/patterns', '/patterns?queue=w48', '/changes', '/changes/c-1234'];
    expect(await statusesWithoutToken(paths)).toEqual(Object.fromEntries(paths.map((p) => [p, 401])));
  });
});
