/**
 * The HTML monthly report in real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core; `npm test` installs it via scripts/ensure-chromium.sh): built from the fixed team
 * data set, it loads with no errors and no network, shows the hand-computed figures, draws every
 * chart, and renders hostile data as text.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthlyReport, type MonthlyReport } from '../../src/query/reports/monthly-report.js';
import { renderHtml } from '../../src/query/reports/render-report-html.js';
import { QueryService } from '../../src/query/query-service.js';
import { DuckdbStore } from '../../src/store/duckdb/duckdb-store.js';
import { TEAM_EVENTS } from '../fixtures/team-dataset.js';
import { launchChromium } from '../support/browser.js';
import { tempDir } from '../support/collector-fixture.js';

const CHARTS = [
  'by_member',
  'by_chapter',
  'by_feature',
  'by_model',
  'by_day',
  'tokens_by_type',
  'daily_rates',
];
const HOSTILE = '<img src=x onerror=alert(1)></script><b>';

interface Loaded {
  page: Page;
  requests: string[];
  errors: string[];
  url: string;
}

interface CanvasInfo {
  id: string;
  width: number;
  height: number;
  painted: number;
  chart: boolean;
}

/** Per canvas: its size, how many pixels are not transparent, and whether Chart.js owns it. */
const CANVASES = `Array.from(document.querySelectorAll('canvas')).map((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
  return { id: c.id, width: c.width, height: c.height, painted, chart: !!Chart.getChart(c) };
})`;

describe('HTML monthly report in Chromium', () => {
  let dir: string;
  let store: DuckdbStore;
  let report: MonthlyReport;
  let html: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir('report-html-');
    store = new DuckdbStore({ file: path.join(dir, 'team.duckdb') });
    await store.start();
    await store.write({ events: TEAM_EVENTS, spans: [], metrics: [] });
    const svc = new QueryService(store);
    report = await monthlyReport(svc, '2026-11', new Date('2026-12-01T08:00:00Z'));
    html = renderHtml(report);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `content` to a file and opens it in a fresh page, recording requests and errors. */
  async function load(name: string, content: string): Promise<Loaded> {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(
      'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
    );
    return { page, requests, errors, url };
  }

  it('is built from the hand-computed month', () => {
    expect(report.totals.cost_usd).toBeCloseTo(0.85, 6);
    expect(report.sections.find((s) => s.key === 'by_member')?.rows.map((r) => [r[0], r[1]])).toEqual([
      ['alice', 0.65],
      ['bob', 0.2],
    ]);
  });

  it('loads with no errors and no network, shows the figures and draws every chart', async () => {
    const { page, requests, errors, url } = await load('report.html', html);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);

      const summary = await page.locator('#summary').innerText();
      expect(summary).toContain('$0.85');
      const members = await page.locator('table[data-section="by_member"] tbody tr').allInnerTexts();
      expect(members.map((r) => r.split('\t').slice(0, 2))).toEqual([
        ['alice', '$0.65'],
        ['bob', '$0.20'],
      ]);
      expect(await page.locator('table[data-section="by_feature"]').innerText()).toContain('(none)');

      const canvases = await page.evaluate<CanvasInfo[]>(CANVASES);
      expect(canvases.map((c) => c.id).sort()).toEqual(CHARTS.map((k) => `chart-${k}`).sort());
      for (const c of canvases) {
        expect(c.chart, c.id).toBe(true);
        expect(c.width * c.height, c.id).toBeGreaterThan(10_000);
        expect(c.painted, `${c.id} has drawn pixels`).toBeGreaterThan(500);
      }

      // Kept after the test (outside `dir`) so a person can look at it.
      const shot = path.join(tempDir('unsilo-report-shot-'), 'unsilo-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      copyFileSync(shot, '/tmp/unsilo-report.png');
      console.log(
        `report screenshot: ${shot} (copy at /tmp/unsilo-report.png); HTML ${Buffer.byteLength(html)} bytes`,
      );
    } finally {
      await page.close();
    }
  });

  it('links nothing on the network: URLs only in the inlined library license comments', () => {
    // exec, not toMatch: a failure then prints the offending text, not 200 kB of page.
    const first = (re: RegExp, text: string): string | undefined => re.exec(text)?.[0];
    expect(
      first(/\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)[^"'\s>]*/i, html),
    ).toBeUndefined();
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(first(/@import|url\(/i, css)).toBeUndefined();
    const withoutLicenses = html.replace(/\/\*![\s\S]*?\*\//g, '');
    expect(first(/.{0,60}https?:\/\/.{0,60}/i, withoutLicenses)).toBeUndefined();
    expect(html.length - withoutLicenses.length).toBeLessThan(400);
  });

  it('renders hostile names as text, in tables and in chart data', async () => {
    const hostile: MonthlyReport = {
      ...report,
      sections: report.sections.map((s) =>
        s.key === 'by_member'
          ? { ...s, rows: s.rows.map((r, i) => (i === 0 ? [HOSTILE, ...r.slice(1)] : r)) }
          : s,
      ),
    };
    const { page, errors } = await load('hostile.html', renderHtml(hostile));
    try {
      expect(errors).toEqual([]);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('main b').count()).toBe(0);
      expect(await page.locator('table[data-section="by_member"] tbody tr td').first().innerText()).toBe(
        HOSTILE,
      );
      const canvases = await page.evaluate<CanvasInfo[]>(CANVASES);
      expect(canvases).toHaveLength(CHARTS.length);
      const labels = await page.evaluate<string[]>(
        `Chart.getChart(document.getElementById('chart-by_member')).data.labels`,
      );
      expect(labels[0]).toBe(HOSTILE);
    } finally {
      await page.close();
    }
  });
});
