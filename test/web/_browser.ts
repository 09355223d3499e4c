// The real-browser harness of the viewer tests: Debian's Chromium driven headless by
// playwright-core (which never downloads a browser). Without a Chromium, tests are skipped with
// the reason; `.ci/run` installs one.
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
