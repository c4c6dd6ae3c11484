/**
 * The uPlot charts over a real collector: the change page's weekly chart holds `unsilo changes weekly
 * ID --format json`'s JSON (the CLI run against the collector) and a table of the same numbers; the
 * overview's cost and token charts hold the cost-by-day template's JSON for the same range. In
 * headless Chromium every chart draws a canvas of non-zero size, with no console error, no request
 * beyond loopback and under 60 KB of JavaScript transferred (gzipped) per page; screenshots go to
 * .bench-out/ (change-page-chart.png, overview-charts.png).
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeeklyRates } from '../../src/analysis/changes/weekly-rates.js';
import { interval } from '../../src/web/pages/patterns-html.js';
import { arm } from '../fixtures/change-dataset.js';
import { eventRow } from '../fixtures/rows.js';
import { signalDataset } from '../fixtures/signal-dataset.js';
import { launchChromium, watchLoopback } from '../support/browser.js';
import { BIN, ROOT, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const exec = promisify(execFile);
const OUT = path.join(ROOT, '.bench-out');
const RANGE = 'since=2026-10-01&until=2026-10-31';
const JS_BUDGET = 60 * 1024;
/** One priced request a day with tokens of each type, so the token chart has lines. */
const TOKENS = [1, 2, 3, 4, 5].map((d) =>
  eventRow({
    session_id: `tok-${d}`,
    ts: Date.parse(`2026-10-0${d}T15:00:00Z`) * 1000,
    event_name: 'api_request',
    cost_usd: 0.5,
    input_tokens: 1200 * d,
    output_tokens: 3000 + 400 * d,
    cache_read_tokens: 180_000 + 20_000 * d,
    cache_creation_tokens: 9000,
  }),
);

/** The JSON a `<figure data-chart id=…>` holds. */
function figureJson(html: string, id: string): { chart: unknown; data: unknown } {
  const m = new RegExp(
    `<figure class="chart" data-chart id="${id}">[\\s\\S]*?<script type="application/json">([\\s\\S]*?)</script>`,
  ).exec(html);
  expect(m, id).not.toBeNull();
  return JSON.parse(m![1]!) as { chart: unknown; data: unknown };
}

/** Script bytes as transferred (gzipped when the server gzips), counted per page load. */
function scriptBytes(page: Page): { total: number } {
  const counter = { total: 0 };
  page.on('requestfinished', (req) => {
    if (req.resourceType() !== 'script') return;
    void req.sizes().then((s) => (counter.total += s.responseBodySize));
  });
  return counter;
}

/** Every figure on the page was drawn: a uPlot canvas with a non-zero size. */
async function drawnCanvases(page: Page): Promise<{ id: string; w: number; h: number }[]> {
  await page.waitForSelector('figure.chart.drawn .uplot canvas');
  return page.$$eval('figure[data-chart]', (figs) =>
    figs.map((f) => {
      const c = f.querySelector('.uplot canvas');
      const r = c?.getBoundingClientRect();
      return { id: f.id, w: r?.width ?? 0, h: r?.height ?? 0 };
    }),
  );
}

describe('uPlot charts on the change page and the overview', () => {
  let c: TestCollector;
  let changeId = '';
  const get = async (p: string): Promise<string> => {
    const res = await fetch(`${c.httpUrl}${p}`);
    expect(res.status, p).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    c = await startTestCollector();
    await c.store.write({
      events: [
        ...signalDataset(120).events,
        ...TOKENS,
        // 30 % → 15 %, change on Sunday 2026-03-01.
        ...arm({ id: 'a0', n: 300, bad: 90, fromIso: '2026-02-01', days: 28 }),
        ...arm({ id: 'a1', n: 300, bad: 45, fromIso: '2026-03-01', days: 28 }),
      ],
      spans: [],
      metrics: [],
    });
    const res = await fetch(`${c.httpUrl}/api/analysis/changes.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        args: { kind: 'spec_template', effective: '2026-03-01T00:00:00Z', target: '-20%' },
        author: 'rita',
      }),
    });
    expect(res.status).toBe(200);
    changeId = ((await res.json()) as { id: string }).id;
  }, 120_000);
  afterAll(() => c?.dispose());

  it("embeds `changes weekly --json` in the change page's chart, with a table of the same numbers", async () => {
    const cli = await exec(process.execPath, [
      BIN,
      'changes',
      'weekly',
      changeId,
      '--server',
      c.httpUrl,
      '--format',
      'json',
    ]);
    const weekly = JSON.parse(cli.stdout) as WeeklyRates;
    expect(weekly.weeks).toHaveLength(10);
    expect(weekly.sessions).toEqual({ before: 300, after: 300, excluded_spanning: 0 });
    const html = await get(`/changes/${changeId}`);
    expect(figureJson(html, 'weekly-chart').data).toEqual(weekly);
    const rows = [...html.matchAll(/<tr data-week="([^"]+)" data-arm="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => [r[1], r[2]])).toEqual(weekly.weeks.map((w) => [w.week, w.arm]));
    for (const [i, w] of weekly.weeks.entries()) {
      const cells = [...rows[i]![3]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      expect(cells.slice(3), w.week).toEqual([
        String(w.x),
        String(w.n),
        w.p === null ? '—' : interval(w.p, w.lo!, w.hi!),
      ]);
    }
    const table = await exec(process.execPath, [BIN, 'changes', 'weekly', changeId, '--server', c.httpUrl]);
    expect(table.stdout).toContain('2026-W09');
    expect(table.stdout).toContain('target -20 % → 24.0 %');
  });

  it("embeds the cost-by-day template's JSON in the overview's charts", async () => {
    const html = await get(`/overview?${RANGE}`);
    const api = (await (await fetch(`${c.httpUrl}/api/queries/cost-by-day?${RANGE}`)).json()) as {
      columns: string[];
      rows: unknown[][];
    };
    expect(api.rows.length).toBeGreaterThan(3);
    for (const id of ['cost-chart', 'tokens-chart'])
      expect(figureJson(html, id).data, id).toEqual({ columns: api.columns, rows: api.rows });
    expect(html).toContain('<table id="cost-by-day">');
  });

  it('draws every chart in Chromium offline, under the JavaScript budget, with no console error', async () => {
    mkdirSync(OUT, { recursive: true });
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const shots: [string, string, string[]][] = [
        [`/changes/${changeId}`, 'change-page-chart.png', ['weekly-chart']],
        [`/overview?${RANGE}`, 'overview-charts.png', ['cost-chart', 'tokens-chart']],
      ];
      for (const [url, file, ids] of shots) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const { outside, errors } = await watchLoopback(page);
        const js = scriptBytes(page);
        await page.goto(`${c.httpUrl}${url}`, { waitUntil: 'networkidle' });
        const canvases = await drawnCanvases(page);
        expect(
          canvases.map((x) => x.id),
          url,
        ).toEqual(ids);
        for (const x of canvases) {
          expect(x.w, x.id).toBeGreaterThan(300);
          expect(x.h, x.id).toBeGreaterThan(150);
        }
        // Drawn: the fallback table is out of sight but still in the page for screen readers.
        if (ids.includes('weekly-chart')) {
          const box = await page.locator('#weekly-chart .chart-table').boundingBox();
          expect(box?.width ?? 0).toBeLessThanOrEqual(1);
          expect(await page.locator('#weekly tr[data-week]').count()).toBe(10);
          // The legend reads the week and its rate under the cursor.
          await page.locator('#weekly-chart .u-over').scrollIntoViewIfNeeded();
          const over = (await page.locator('#weekly-chart .u-over').boundingBox())!;
          await page.mouse.move(over.x + over.width * 0.86, over.y + over.height / 2);
          const legend = page.locator('#weekly-chart .u-legend');
          await legend.filter({ hasText: /2026-W1[1-3]/ }).waitFor();
          expect(await legend.innerText()).toMatch(/2026-W1[1-3]/);
          expect(await legend.innerText()).toMatch(/after\s*\d+\.\d %/);
        }
        await page.screenshot({ path: path.join(OUT, file), fullPage: true });
        expect(js.total, url).toBeGreaterThan(20_000);
        expect(js.total, url).toBeLessThan(JS_BUDGET);
        expect(outside, url).toEqual([]);
        expect(errors, url).toEqual([]);
        await page.close();
      }
      // Without JavaScript: no chart, the table in plain sight.
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const bare = await ctx.newPage();
      await bare.goto(`${c.httpUrl}/changes/${changeId}`);
      expect(await bare.locator('#weekly-chart canvas').count()).toBe(0);
      expect((await bare.locator('#weekly').boundingBox())!.width).toBeGreaterThan(300);
      await ctx.close();
    } finally {
      await browser?.close();
    }
  }, 90_000);
});
