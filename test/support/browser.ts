/**
 * Debian's Chromium (installed by scripts/ensure-chromium.sh), driven by playwright-core: never a
 * browser download. The flags keep it off the network (this machine's is closed) and quiet.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/** What a page did that a page served by the collector must not: leave loopback, or fail. */
export interface PageWatch {
  /** URLs the page asked for beyond 127.0.0.1 (each aborted). */
  outside: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/** Aborts and records every request beyond 127.0.0.1, and records page and console errors. */
export async function watchLoopback(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { outside: [], errors: [] };
  await page.route('**/*', (route) => {
    if (new URL(route.request().url()).hostname === '127.0.0.1') return route.continue();
    watch.outside.push(route.request().url());
    return route.abort();
  });
  page.on('pageerror', (e) => watch.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
  });
  return watch;
}
