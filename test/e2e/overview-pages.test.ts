/**
 * The overview and sessions pages over a real collector: every overview figure is the cell of the
 * template's JSON for the same range; ?signal= lists exactly the sessions the signal flags, paged by
 * 100, as `unsilo sessions --where SIGNAL` does; both pages render in headless Chromium with no console error and no request beyond loopback
 * (screenshots in .bench-out/); with tokens required and none given, both answer 401.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoundSession } from '../../src/analysis/signals/find-sessions.js';
import { computeSessionSignals } from '../../src/analysis/signals/session-signals.js';
import { OVERVIEW_TEMPLATES } from '../../src/web/pages/overview-html.js';
import { eventRow } from '../fixtures/rows.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { launchChromium, watchLoopback } from '../support/browser.js';
import {
  ROOT,
  startTestCollector,
  type TestCollector,
  statusesWithoutToken,
} from '../support/collector-fixture.js';
import { runUnsilo } from '../support/member-cli.js';

const RANGE = 'since=2026-10-01&until=2026-10-31';
const OUT = path.join(ROOT, '.bench-out');
/** Two priced requests with a feature, so cost-by-feature has more than the null feature. */
const FEATURED = ['tables', 'export'].map((feature, i) =>
  eventRow({
    session_id: `feat-${i}`,
    ts: Date.parse(`2026-10-0${i + 3}T12:00:00Z`) * 1000,
    event_name: 'api_request',
    member: 'erin',
    chapter: '02',
    feature,
    cost_usd: 0.25 * (i + 1),
    input_tokens: 100,
    output_tokens: 50,
    cache_read_tokens: 1000,
    cache_creation_tokens: 10,
  }),
);

const unescape = (s: string): string =>
  s
    .replace(/<[^>]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');

/** The body cells of table `id` in `html`, row by row. */
function tableCells(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = table.split('<tbody>')[1] ?? '';
  return [...body.matchAll(/<tr(?: [^>]*)?>([\s\S]*?)<\/tr>/g)]
    .filter((m) => !m[0].startsWith('<tr class="empty"'))
    .map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => unescape(c[1]!)));
}

describe('overview and sessions pages', () => {
  let c: TestCollector;
  const get = async (p: string): Promise<string> => {
    const res = await fetch(`${c.httpUrl}${p}`);
    expect(res.status, p).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    c = await startTestCollector();
    await c.store.write({ events: [...signalDataset(120).events, ...FEATURED], spans: [], metrics: [] });
  }, 60_000);
  afterAll(() => c?.dispose());

  it('prints every figure as the templates print it for the same range', async () => {
    const html = await get(`/overview?${RANGE}`);
    for (const [name] of OVERVIEW_TEMPLATES) {
      const res = await fetch(`${c.httpUrl}/api/queries/${name}?${RANGE}`);
      const json = (await res.json()) as { rows: unknown[][] };
      expect(json.rows.length, name).toBeGreaterThan(0);
      expect(tableCells(html, name), name).toEqual(json.rows.map((r) => r.map((v) => String(v ?? ''))));
    }
    expect(html).toContain('<figure class="chart" data-chart id="cost-chart">');
    expect(tableCells(html, 'cost-by-feature').map((r) => r[0])).toEqual(
      expect.arrayContaining(['tables', 'export']),
    );
    expect(await get('/')).toContain('<table id="cost-by-day">');
  });

  it('lists exactly the sessions a signal flags, 100 a page', async () => {
    const flagged = (
      await computeSessionSignals(c.store, {
        since: new Date('2026-10-01T00:00:00Z'),
        until: new Date('2026-11-01T00:00:00Z'),
      })
    )
      .filter((s) => s.flags.validation_failures)
      .map((s) => s.session_id);
    expect(flagged.length).toBeGreaterThan(0);
    const html = await get(`/sessions?${RANGE}&signal=validation_failures`);
    const ids = [...html.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids)).toEqual(new Set(flagged));
    expect(ids).toHaveLength(flagged.length);

    const all = await get(`/sessions?${RANGE}`);
    expect(all.match(/<tr data-session=/g)).toHaveLength(100);
    expect(all).toContain('sessions 1–100 of 122');
    const second = await get(`/sessions?${RANGE}&page=2`);
    expect(second.match(/<tr data-session=/g)).toHaveLength(22);
    const bob = await get(`/sessions?${RANGE}&member=bob`);
    expect(tableCells(bob, 'sessions').every((r) => r[2] === 'bob')).toBe(true);
    expect((await fetch(`${c.httpUrl}/sessions?signal=nope`)).status).toBe(400);
  });

  it("unsilo sessions --where gives /sessions?signal='s sessions, and thresholds and sort on the values", async () => {
    const cli = async (...args: string[]): Promise<FoundSession[]> => {
      const r = await runUnsilo(
        [
          'sessions',
          '--server',
          c.httpUrl,
          '--since',
          '2026-10-01',
          '--until',
          '2026-10-31',
          '--format',
          'json',
          ...args,
        ],
        { home: c.dataDir, claudeDir: c.dataDir },
      );
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as FoundSession[];
    };
    const html = await get(`/sessions?${RANGE}&signal=validation_failures`);
    const onPage = [...html.matchAll(/<tr data-session="([^"]+)"/g)].map((m) => m[1]);
    const flagged = await cli('--where', 'validation_failures');
    expect(new Set(flagged.map((s) => s.session_id))).toEqual(new Set(onPage));
    expect(flagged.every((s) => s.flagged.includes('validation_failures'))).toBe(true);

    const all = await computeSessionSignals(c.store, {
      since: new Date('2026-10-01T00:00:00Z'),
      until: new Date('2026-10-31T00:00:00Z'),
    });
    const over5 = await cli(
      '--where',
      'validation_failures>5',
      '--where',
      'validation_reruns>=1',
      '--sort',
      'cost_desc',
    );
    const expected = all.filter((s) => s.values.validation_failures! > 5 && s.values.validation_reruns! >= 1);
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(over5.map((s) => s.session_id))).toEqual(new Set(expected.map((s) => s.session_id)));
    expect(over5.map((s) => s.cost_usd)).toEqual([...over5.map((s) => s.cost_usd)].sort((a, b) => b - a));
    expect(over5[0]?.values).toEqual({
      validation_failures: expected.find((s) => s.session_id === over5[0]!.session_id)!.values
        .validation_failures,
      validation_reruns: expected.find((s) => s.session_id === over5[0]!.session_id)!.values
        .validation_reruns,
    });
    const bad = await runUnsilo(['sessions', '--server', c.httpUrl, '--where', 'validation_failure>3'], {
      home: c.dataDir,
      claudeDir: c.dataDir,
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/no signal "validation_failure"; known: .*validation_failures/);
  });

  it('renders both pages in Chromium offline, with no console error', async () => {
    mkdirSync(OUT, { recursive: true });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const { outside, errors } = await watchLoopback(page);
      await page.goto(`${c.httpUrl}/overview?${RANGE}`);
      expect(await page.locator('#cost-chart .uplot canvas').count()).toBe(1);
      await page.screenshot({ path: path.join(OUT, 'overview-page.png'), fullPage: true });
      await page.click('nav a[href="/sessions"]');
      await page.goto(`${c.httpUrl}/sessions?${RANGE}&signal=validation_failures`);
      expect(await page.locator('#sessions .badge').count()).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(OUT, 'sessions-page.png') });
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 60_000);
});

describe('pages beyond loopback', () => {
  it('answers 401 without a reader token', async () => {
    const paths = ['/', '/overview', '/sessions?signal=compactions'];
    expect(await statusesWithoutToken(paths)).toEqual(Object.fromEntries(paths.map((p) => [p, 401])));
  });
});
