// The dashboard's browser tests share one way to find and start Chromium (Debian's, driven by
// playwright-core) and to collect a page's script errors. CI installs Chromium (.ci/run); elsewhere
// a browser test says it is skipped rather than pretending.
import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

/** `describe` where Chromium is, else `describe.skip` with a warning naming the test. */
export function browserDescribe(what: string): jest.Describe {
  if (!haveBrowser) console.warn(`${what} skipped: no Chromium at ${CHROMIUM}`);
  return haveBrowser ? describe : describe.skip;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A page of that size whose uncaught errors and console errors are pushed onto `errors`. */
export async function pageCollectingErrors(browser: Browser, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return page;
}

/** Waits until the dashboard has drawn again after `change` (a selection, a click, a reload). */
export async function redrawnAfter(page: Page, change: () => Promise<unknown>, timeout = 30_000): Promise<void> {
  await page.evaluate(() => document.body.removeAttribute('data-ready'));
  await change();
  await page.waitForSelector('body[data-ready=true]', { timeout });
}

/** Opens the dashboard at `base` with no session left from before and signs in with a service token. */
export async function signInToDashboard(page: Page, base: string, token: string, timeout = 30_000): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.evaluate(() => sessionStorage.clear());
  await page.fill('#token', token);
  await redrawnAfter(page, () => page.click('#login button[type=submit]'), timeout);
}
