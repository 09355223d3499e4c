// The real-browser harness of the viewer tests: Debian's Chromium driven headless by
// playwright-core (which never downloads a browser). Without a Chromium, tests are skipped with
// the reason; `.ci/run` installs one. Also the waits the tests share (page ready, data-count changes).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = [process.env['CRYOPICK_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => p !== undefined && p !== '');

/** The Chromium executable, or undefined. */
export function chromiumPath(): string | undefined {
  return CANDIDATES.find((p) => existsSync(p));
}

/** Why browser tests are skipped here, or false when they can run. */
export function browserSkipReason(): string | false {
  return chromiumPath() === undefined
    ? 'skipped: no Chromium found (/usr/bin/chromium); install it with `apt-get install -y chromium` (.ci/run does) or set CRYOPICK_CHROMIUM'
    : false;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** Starts headless Chromium (playwright gives each launch a fresh temporary profile) without background networking; one page. */
export async function openBrowser(viewport = { width: 1400, height: 860 }): Promise<BrowserSession> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) throw new Error(browserSkipReason() as string);
  const browser = await chromium.launch({
    executablePath, headless: true, timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport });
  return {
    browser, page,
    close: () => browser.close(),
  };
}

/** Opens the viewer page and waits until it has loaded its session and first micrograph. */
export async function ready(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
}

/** The number an element shows in its data-count attribute. */
export const count = async (page: Page, sel: string): Promise<number> => Number(await page.getAttribute(sel, 'data-count'));

/** Polls `read` until `ok` holds (10 s at most); returns the last value. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the element's data-count differs from `before`, and returns it. */
export const countChange = (page: Page, sel: string, before: number): Promise<number> => until(() => count(page, sel), (n) => n !== before, `${sel} to change from ${before}`);
