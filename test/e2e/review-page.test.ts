/**
 * The session page in review mode in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core), driven from the keyboard only: jump to a flagged event, mark it the first failure,
 * give a verdict, write a note, complete and advance; the item on screen is the one saved, even when
 * the save is slow (the advance waits for the acknowledgement); typing in the note never triggers a
 * key; a reload keeps the position and the draft; `t` picks an existing pattern and creates one, and
 * the saved note is linked to both; `?` lists the keys. Only loopback is reached.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { EventRow } from '../../src/model/records.js';
import { SESSION_SCRIPT } from '../../src/web/pages/session-script.js';
import { vendorAssets } from '../../src/web/pages/vendor-assets.js';
import { eventRow } from '../fixtures/rows.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { launchChromium } from '../support/browser.js';
import { ROOT, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

/** One session of 1,500 events on 2026-12-01: a failing `npm test` every 100 events (15 flagged), else Reads. */
const BIG: EventRow[] = Array.from({ length: 1500 }, (_, i) =>
  eventRow({
    key: `big-${String(i).padStart(4, '0')}`,
    session_id: 'big-session',
    ts: (Date.parse('2026-12-01T00:00:00Z') + i * 1000) * 1000,
    event_sequence: i,
    event_name: i === 0 ? 'user_prompt' : 'tool_result',
    tool_name: i === 0 ? null : i % 100 === 50 ? 'Bash' : 'Read',
    command: i % 100 === 50 ? `npm test -- part${i}` : null,
    validation_kind: i % 100 === 50 ? 'test' : null,
    success: i === 0 ? null : i % 100 !== 50,
  }),
);
const BIG_FLAGGED = BIG.filter((e) => e.validation_kind !== null).map((e) => e.key);

/** The fields of the action replies these tests read. */
interface Reply {
  item: { state: string; session_id: string };
  notes: Record<string, unknown>[];
  done: number;
}

describe('review page, keyboard only', () => {
  let c: TestCollector;
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const errors: string[] = [];
  const api = async (action: string, args: unknown): Promise<Reply> => {
    const res = await fetch(`${c.httpUrl}/api/analysis/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    return (await res.json()) as Reply;
  };

  beforeAll(async () => {
    c = await startTestCollector();
    await c.store.write({ events: [...signalDataset(30).events, ...BIG], spans: [], metrics: [] });
    await api('review.sample', {
      name: 'w48',
      since: '2026-10-01',
      until: '2026-10-31',
      n: 5,
      mix: 'signal:validation_failures=100',
      seed: 7,
    });
    await api('review.sample', { name: 'big', since: '2026-12-01', until: '2026-12-02', n: 1, seed: 1 });
    await api('patterns.add', { slug: 'vague-spec', name: 'Vague spec' });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === '127.0.0.1') return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    page.on('pageerror', (e) => errors.push(e.message));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await c?.dispose();
  });

  const active = (): Promise<string> =>
    page.evaluate(
      // Runs in the page; the project's TypeScript has no DOM types.
      'document.activeElement.tagName + ":" + (document.activeElement.dataset.key ?? document.activeElement.id ?? "")',
    );

  it('marks the first failure, judges, notes, and advances to the next item once saved', async () => {
    await page.goto(`${c.httpUrl}/review/w48/1`);
    expect(await page.locator('#waterfall').count()).toBe(0); // no spans: a strip of event times instead
    expect(await page.locator('#strip .tick').count()).toBe(60);
    mkdirSync(path.join(ROOT, '.bench-out'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, '.bench-out', 'review-page.png') });
    await page.keyboard.press(']');
    const focused = await active();
    expect(focused).toMatch(/^DIV:/);
    const key = focused.slice(4);
    expect(await page.getAttribute(`[data-key="${key}"]`, 'data-flagged')).toBe('1');
    await page.keyboard.press('f');
    expect(await page.textContent('#first-event')).toBe(key);
    await page.keyboard.press('2');
    expect(await page.textContent('#verdict')).toBe('fail');
    await page.keyboard.press('n');
    await page.keyboard.type('spec never said tables must be CSV; just kept re-running');
    expect(await active()).toBe('TEXTAREA:note'); // j, k, n, f typed in the note stay text
    await page.keyboard.press('Escape');
    expect(await active()).not.toBe('TEXTAREA:note');
    await Promise.all([page.waitForURL(/\/review\/w48\/2$/), page.keyboard.press('Control+Enter')]);

    const first = await api('review.show', { queue: 'w48', item: '1' });
    expect(first.item.state).toBe('done');
    expect(first.notes).toHaveLength(1);
    expect(first.notes[0]).toMatchObject({
      verdict: 'fail',
      first_event: key,
      body: 'spec never said tables must be CSV; just kept re-running',
    });
  });

  it('keeps the position and the draft note across a reload', async () => {
    await page.keyboard.press('n');
    await page.keyboard.type('draft for two');
    await page.keyboard.press('Escape');
    await page.reload();
    expect(page.url()).toMatch(/\/review\/w48\/2$/);
    expect(await page.inputValue('#note')).toBe('draft for two');
    expect(await page.textContent('header')).toContain('item 2 of 5');
  });

  it('waits for a slow save before advancing, and marks the right item', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/analysis/review.verdict', async (route) => {
      await held;
      await route.continue();
    });
    await page.keyboard.press('1');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('body[data-saving="1"]');
    await page.keyboard.press('Control+Enter'); // a second press while saving does nothing
    expect(page.url()).toMatch(/\/review\/w48\/2$/);
    const second = (await api('review.show', { queue: 'w48', item: '2' })).item.session_id;
    expect((await api('review.show', { queue: 'w48', item: '2' })).item.state).toBe('pending');
    await Promise.all([page.waitForURL(/\/review\/w48\/3$/), release()]);
    await page.unroute('**/api/analysis/review.verdict');
    const shown = await api('review.show', { queue: 'w48', item: second });
    expect(shown.notes).toHaveLength(1);
    expect(shown.notes[0]).toMatchObject({ verdict: 'pass', body: 'draft for two' });
    expect((await api('review.show', { queue: 'w48', item: '3' })).item.state).toBe('pending');
    expect((await api('review.status', { queue: 'w48' })).done).toBe(2);
  });

  it('picks an existing pattern and creates one with t, and links the saved note to both, once after a failed save', async () => {
    expect(page.url()).toMatch(/\/review\/w48\/3$/);
    await page.keyboard.press('2');
    await page.keyboard.press('t');
    expect(await active()).toBe('INPUT:picker-input');
    await page.keyboard.type('vag');
    expect(await page.textContent('#picker-list li[aria-selected="true"]')).toContain('vague-spec');
    await page.keyboard.press('Enter');
    await page.keyboard.type('missing-csv');
    expect(await page.textContent('#picker-list li[aria-selected="true"]')).toBe('create “missing-csv”');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    expect(await page.locator('dialog#picker[open]').count()).toBe(0);
    expect(await page.textContent('#chips')).toBe('vague-specmissing-csv (new)');
    const third = (await api('review.show', { queue: 'w48', item: '3' })).item.session_id;
    // The first link fails: the page stays, says so, and the retry saves no second verdict.
    let failOnce = true;
    await page.route('**/api/analysis/patterns.assign', async (route) => {
      if (!failOnce) return route.continue();
      failOnce = false;
      await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"store busy"}' });
    });
    await page.keyboard.press('Control+Enter');
    await page.locator('#save-state', { hasText: /^not saved: store busy/ }).waitFor();
    expect(page.url()).toMatch(/\/review\/w48\/3$/);
    await Promise.all([page.waitForURL(/\/review\/w48\/4$/), page.keyboard.press('Control+Enter')]);
    await page.unroute('**/api/analysis/patterns.assign');

    const shown = await api('review.show', { queue: 'w48', item: third });
    expect(shown.notes).toHaveLength(1);
    const noteId = shown.notes[0]!.id;
    for (const slug of ['vague-spec', 'missing-csv']) {
      const p = (await api('patterns.show', { pattern: slug })) as unknown as { notes: string[] };
      expect(p.notes).toEqual([noteId]);
    }
    const counts = (await api('patterns.count', { queue: 'w48' })) as unknown as {
      pattern: string;
      sessions: number;
    }[];
    const present = counts.filter((r) => r.sessions > 0).map((r) => [r.pattern, r.sessions]);
    expect(present.sort()).toEqual([
      ['missing-csv', 1],
      ['vague-spec', 1],
    ]);
  });

  it('lists every key on ?, and reached nothing beyond loopback, with no script error', async () => {
    await page.keyboard.press('?');
    const help = await page.textContent('dialog#help[open]');
    for (const k of [
      'j / k',
      '] / [',
      'o',
      'f',
      '1 / 2 / 3',
      'n',
      't',
      'Ctrl+Enter',
      '→ / ←',
      'Esc',
      '?',
      'g s',
    ])
      expect(help).toContain(k);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('pages a 1,500-event session: at most 350 rows, ] reaches the 12th flagged event, the verdict stays', async () => {
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${c.httpUrl}/review/big/1`);
    expect(await page.locator('#events .ev').count()).toBeLessThanOrEqual(350);
    expect(await page.textContent('#pager')).toContain('events 1–350 of 1500');
    await page.keyboard.press('2');
    for (const key of BIG_FLAGGED.slice(0, 12)) {
      await page.keyboard.press(']');
      await page.waitForFunction(`document.activeElement?.dataset?.key === ${JSON.stringify(key)}`);
    }
    expect(await active()).toBe(`DIV:${BIG_FLAGGED[11]}`);
    expect(await page.locator('#events .ev').count()).toBeLessThanOrEqual(350);
    expect(await page.textContent('#verdict')).toBe('fail');
    for (const key of BIG_FLAGGED.slice(0, 11).reverse()) {
      await page.keyboard.press('[');
      await page.waitForFunction(`document.activeElement?.dataset?.key === ${JSON.stringify(key)}`);
    }
    expect(new Set(scripts)).toEqual(new Set(['/assets/session.js', vendorAssets().htmx.url]));
    expect(gzipSync(SESSION_SCRIPT).length + vendorAssets().htmx.gzipped.length).toBeLessThan(60 * 1024);
  });
});
