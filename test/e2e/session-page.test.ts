/**
 * The session page in real headless Chromium (Debian's chromium through playwright-core) on a big
 * session: 1,500 events in 30 prompts (each tool call a tool_decision + tool_result pair sharing a
 * tool_use_id, a failing `npm test` every 40 calls) and 300 spans. Bounded rows (events, waterfall),
 * `]` in review mode reaching the 12th flagged event across pages, a long body fetched by htmx only
 * when expanded, the JavaScript it loads (gzipped, as transferred), no console error, nothing beyond
 * loopback, and a screenshot in .bench-out/session-page.png. Then without a browser: the /sessions
 * link, the plain-link body, 404s; and a session whose raw events retention deleted still shows its
 * notes with their evidence and says where the events went; beyond loopback the page needs a reader
 * token.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE } from '../../src/config/data-dir.js';
import type { EventRow, SpanRow } from '../../src/model/records.js';
import { vendorAssets } from '../../src/web/pages/vendor-assets.js';
import { eventRow, spanRow } from '../fixtures/rows.js';
import { launchChromium, watchLoopback, type PageWatch } from '../support/browser.js';
import { ROOT, startTestCollector, type TestCollector } from '../support/collector-fixture.js';

const T0 = Date.parse('2026-12-01T00:00:00Z') * 1000;
const SEC = 1_000_000;
const LONG_PROMPT = `Write chapter 7 as CSV tables. ${'The tables must keep every column of the source. '.repeat(12)}END-OF-PROMPT`;
const LONG_ERROR = `Exit code 1\n${'FAIL src/part.test.ts > keeps the columns\n'.repeat(12)}END-OF-ERROR`;
const failing = (g: number): boolean => g % 40 === 3;

/** Event i of prompt p = i / 50: a prompt, an API request, then 24 tool calls (decision + result). */
function bigEvents(): EventRow[] {
  return Array.from({ length: 1500 }, (_, i) => {
    const p = Math.floor(i / 50);
    const j = i % 50;
    const base = {
      key: `big-${String(i).padStart(4, '0')}`,
      session_id: 'big',
      prompt_id: `prompt-${p}`,
      ts: T0 + i * SEC,
      event_sequence: i,
      chapter: '07',
      feature: '017',
    };
    if (j === 0)
      return eventRow({
        ...base,
        event_name: 'user_prompt',
        cost_usd: null,
        attributes: JSON.stringify({ prompt: p === 0 ? LONG_PROMPT : `prompt number ${p}` }),
      });
    if (j === 1) return eventRow({ ...base, event_name: 'api_request', cost_usd: 0.02 });
    const g = p * 24 + ((j - 2) >> 1);
    const fails = failing(g);
    const command = fails ? `npm test -- part${g}` : `ls src/part${g}`;
    if (j % 2 === 0)
      return eventRow({
        ...base,
        event_name: 'tool_decision',
        tool_name: 'Bash',
        tool_use_id: `toolu_${g}`,
        decision: 'accept',
        source: 'config',
        cost_usd: null,
        attributes: JSON.stringify({ tool_parameters: JSON.stringify({ full_command: command }) }),
      });
    return eventRow({
      ...base,
      event_name: 'tool_result',
      tool_name: 'Bash',
      tool_use_id: `toolu_${g}`,
      command,
      success: !fails,
      error_type: fails ? 'ShellError' : null,
      validation_kind: fails ? 'test' : null,
      cost_usd: null,
      attributes: JSON.stringify(fails ? { error: g === 3 ? LONG_ERROR : 'Exit code 1' } : {}),
    });
  });
}
const BIG = bigEvents();
const FLAGGED = BIG.filter((e) => e.validation_kind !== null).map((e) => e.key);

/** Per prompt: an interaction, 3 llm_requests and 3 tools each with a tool.execution: 300 spans. */
function bigSpans(): SpanRow[] {
  const trace = 'b'.repeat(32);
  let n = 0;
  const span = (o: Partial<SpanRow> & { start: number; end: number }): SpanRow => {
    const id = (++n).toString(16).padStart(16, '0');
    const { start, end, ...rest } = o;
    return spanRow({
      key: trace + id,
      trace_id: trace,
      span_id: id,
      session_id: 'big',
      start_ts: start,
      end_ts: end,
      duration_ms: (end - start) / 1000,
      ...rest,
    });
  };
  return Array.from({ length: 30 }, (_, p) => {
    const t = T0 + p * 50 * SEC;
    const root = span({ name: 'claude_code.interaction', start: t, end: t + 49.5 * SEC });
    const kids = [0, 1, 2].flatMap((q) => {
      const at = t + (1 + q * 16) * SEC;
      const tool = span({
        name: 'claude_code.tool',
        parent_span_id: root.span_id,
        start: at + 2 * SEC,
        end: at + 12 * SEC,
        status_code: p === 0 && q === 0 ? 2 : 0,
        attributes: JSON.stringify({ tool_name: 'Bash' }),
      });
      return [
        span({ name: 'claude_code.llm_request', parent_span_id: root.span_id, start: at, end: at + 2 * SEC }),
        tool,
        span({
          name: 'claude_code.tool.execution',
          parent_span_id: tool.span_id,
          start: at + 3 * SEC,
          end: at + 11 * SEC,
        }),
      ];
    });
    return [root, ...kids];
  }).flat();
}

const post = async (c: TestCollector, action: string, args: unknown): Promise<Record<string, unknown>> => {
  const res = await fetch(`${c.httpUrl}/api/analysis/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  return (await res.json()) as Record<string, unknown>;
};

describe('the session page of a 1,500-event session with 300 spans', () => {
  let c: TestCollector;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  const active = (): Promise<string> =>
    // Runs in the page; the project's TypeScript has no DOM types.
    page.evaluate('document.activeElement?.dataset?.key ?? document.activeElement?.tagName');

  beforeAll(async () => {
    c = await startTestCollector();
    await c.store.write({ events: BIG, spans: bigSpans(), metrics: [] });
    await post(c, 'review.sample', { name: 'bigq', since: '2026-12-01', until: '2026-12-02', n: 1, seed: 1 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch = await watchLoopback(page);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await c?.dispose();
  });

  it('renders at most 350 events and 200 spans, turns with calls beside results, failures red', async () => {
    const sized: Promise<{ url: string; bytes: number }>[] = [];
    page.on('requestfinished', (r) => {
      if (r.resourceType() !== 'script') return;
      sized.push(r.sizes().then((s) => ({ url: new URL(r.url()).pathname, bytes: s.responseBodySize })));
    });
    await page.goto(`${c.httpUrl}/sessions/big`, { waitUntil: 'networkidle' });
    expect(await page.locator('.ev').count()).toBe(350);
    expect(await page.textContent('#pager')).toContain('events 1–350 of 1500');
    expect(await page.locator('.wf-row').count()).toBe(200);
    expect(await page.textContent('#waterfall h2')).toContain('1–200 of 300');
    expect(await page.locator('.wf-row.fail').count()).toBe(1);
    expect(await page.locator('details.turn').count()).toBe(7); // 350 events / 50 a prompt
    const pair = page.locator('.pair').first();
    expect(await pair.locator('.ev.call').getAttribute('data-key')).toBe('big-0002');
    expect(await pair.locator('.ev.result').getAttribute('data-key')).toBe('big-0003');
    const red = `getComputedStyle(document.querySelector('.ev.result.fail[data-key="${FLAGGED[0]}"]')).backgroundColor`;
    expect(await page.evaluate(red)).toBe('rgb(253, 236, 236)');
    expect(await page.textContent('header')).toContain('validation_failures');
    expect(await page.textContent('header')).toContain('chapter07');

    mkdirSync(path.join(ROOT, '.bench-out'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, '.bench-out', 'session-page.png') });

    const scripts = await Promise.all(sized);
    const total = scripts.reduce((s, x) => s + x.bytes, 0);
    expect(scripts.map((s) => s.url).sort()).toEqual([vendorAssets().htmx.url, '/assets/session.js'].sort());
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(60 * 1024);
  });

  it('loads a long body through htmx only when it is expanded (o), and shows it', async () => {
    expect(await page.locator('pre.body-text').count()).toBe(0);
    expect(await page.content()).not.toContain('END-OF-PROMPT');
    await page.keyboard.press('j'); // the first event: the long prompt
    expect(await active()).toBe('big-0000');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/sessions/big/events/big-0000/body?part=prompt')),
      page.keyboard.press('o'),
    ]);
    expect(req.headers()['hx-request']).toBe('true');
    await page.waitForSelector('[data-key="big-0000"] pre.body-text');
    expect(await page.textContent('[data-key="big-0000"] pre.body-text')).toBe(LONG_PROMPT);
  });

  it('jumps to the first event of a signal from its badge', async () => {
    await page.click('a.badge');
    expect(await active()).toBe(FLAGGED[0]);
  });

  it('in review mode, ] reaches the 12th flagged event, paging in as needed', async () => {
    await page.goto(`${c.httpUrl}/review/bigq/1`);
    expect(await page.locator('.ev').count()).toBeLessThanOrEqual(350);
    expect(await page.locator('.wf-row').count()).toBeLessThanOrEqual(200);
    for (const key of FLAGGED.slice(0, 12)) {
      await page.keyboard.press(']');
      await page.waitForFunction(`document.activeElement?.dataset?.key === ${JSON.stringify(key)}`);
    }
    expect(await active()).toBe(FLAGGED[11]);
    await page.keyboard.press('f');
    await page.keyboard.press('2');
    await page.screenshot({ path: path.join(ROOT, '.bench-out', 'session-review.png') });
    expect(new URL(page.url()).searchParams.get('from')).not.toBeNull();
    expect(await page.locator('.ev').count()).toBeLessThanOrEqual(350);
    expect(watch.outside).toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it('goes to the sessions list with g s', async () => {
    await Promise.all([
      page.waitForURL(/\/sessions$/),
      page.keyboard.press('g').then(() => page.keyboard.press('s')),
    ]);
    expect(await page.locator('table#sessions').count()).toBe(1);
  });

  it('works without script: /sessions links here, bodies by plain link, 404 for the unknown', async () => {
    const list = await (await fetch(`${c.httpUrl}/sessions?since=2026-11-30&until=2026-12-02`)).text();
    expect(list).toContain('href="/sessions/big"');
    const html = await (await fetch(`${c.httpUrl}/sessions/big`)).text();
    expect(html).toContain('href="/sessions/big/events/big-0000/body?part=prompt"');
    const second = await (await fetch(`${c.httpUrl}/sessions/big?from=350`)).text();
    expect(second).toContain('Prompt 8: “prompt number 7”'); // numbered in the session, not the page
    expect(second).toContain('events 351–700 of 1500');
    const body = await fetch(`${c.httpUrl}/sessions/big/events/${FLAGGED[0]}/body?part=error`);
    expect(body.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await body.text()).toBe(LONG_ERROR);
    const unknown = await fetch(`${c.httpUrl}/sessions/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('no session "nope"');
    expect((await fetch(`${c.httpUrl}/sessions/big/events/nope/body?part=prompt`)).status).toBe(404);
  });
});

describe('a session whose raw events retention deleted', () => {
  let c: TestCollector;
  const DAY = 86_400_000;
  const ago = (days: number, i = 0): number => (Date.now() - days * DAY) * 1000 + i;
  const month = new Date(Date.now() - 120 * DAY).toISOString().slice(0, 7);

  beforeAll(async () => {
    c = await startTestCollector({ retention: { enabled: true, maxAgeDays: 90 } });
    await c.store.write({
      events: [
        eventRow({ key: 'old-1', session_id: 'old', ts: ago(120), event_name: 'user_prompt' }),
        eventRow({
          key: 'old-2',
          session_id: 'old',
          ts: ago(120, 1),
          event_name: 'tool_result',
          tool_name: 'Bash',
          command: 'npm test -- tables',
          success: false,
          validation_kind: 'test',
        }),
      ],
      spans: [],
      metrics: [],
    });
    const since = new Date(Date.now() - 121 * DAY).toISOString();
    const until = new Date(Date.now() - 119 * DAY).toISOString();
    await post(c, 'review.sample', { name: 'old', since, until, n: 1, seed: 1 });
    await post(c, 'review.verdict', {
      queue: 'old',
      session: 'old',
      verdict: 'fail',
      firstEvent: 'old-2',
      note: 'tables were never specified as CSV',
    });
    const run = await fetch(`${c.httpUrl}/api/retention/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(run.status).toBe(200);
  }, 60_000);
  afterAll(async () => c?.dispose());

  it('still shows the notes with their evidence and says where the events went', async () => {
    const left = await c.store.query("SELECT count(*) FROM events WHERE session_id = 'old'");
    expect(Number(left.rows[0]?.[0])).toBe(0);
    for (const url of ['/sessions/old', '/review/old/1']) {
      const res = await fetch(`${c.httpUrl}${url}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('id="archived"');
      expect(html).toContain(`/events/${month}/*.parquet`);
      expect(html).toContain('tables were never specified as CSV');
      expect(html).toContain('npm test -- tables'); // the evidence excerpt's first-failure event
      expect(html).toContain('<code>old-2</code> <span class="muted">(in the retention archive');
      expect(html).not.toMatch(/class="ev[ "]/);
    }
  });
});

describe('the session page beyond loopback', () => {
  it('needs a reader token: 401 without, the page with ?token= (moved into a cookie)', async () => {
    const c = await startTestCollector({ auth: { requireToken: 'always' } });
    try {
      await c.store.write({ events: BIG.slice(0, 60), spans: [], metrics: [] });
      for (const p of ['/sessions/big', '/sessions/big/events/big-0000/body?part=prompt'])
        expect((await fetch(`${c.httpUrl}${p}`)).status, p).toBe(401);
      const admin = readFileSync(path.join(c.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
      const moved = await fetch(`${c.httpUrl}/sessions/big?token=${admin}`, { redirect: 'manual' });
      expect(moved.status).toBe(303);
      expect(moved.headers.get('location')).toBe('/sessions/big');
      const cookie = moved.headers.get('set-cookie')!.split(';')[0]!;
      const res = await fetch(`${c.httpUrl}/sessions/big`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('data-key="big-0059"');
    } finally {
      await c.dispose();
    }
  });
});
