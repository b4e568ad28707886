// Opens a report in Debian's headless Chromium through playwright-core, collecting console errors
// and page errors. Playwright never downloads a browser here: it drives /usr/bin/chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Browser tests skip only on a developer machine without Chromium; in CI (where .ci/run installs
 * the package) a missing browser fails the test instead.
 */
export const skipBrowserTests = !existsSync(CHROMIUM_PATH) && !process.env.CI;
if (skipBrowserTests) {
  console.warn(`Skipping report browser tests: ${CHROMIUM_PATH} not found (install Debian's chromium package).`);
}

export interface OpenReport {
  page: Page;
  /** Console messages of type error, and uncaught page errors, in order. */
  errors: string[];
  close(): Promise<void>;
}

export async function openReport(htmlPath: string): Promise<OpenReport> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'cosa-report-chromium-'));
  // A persistent context is how playwright passes Chromium its --user-data-dir.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };

  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));

    // The report must not need the network: any request other than the file itself fails the test.
    await page.route(/^(?!file:)/, async (route) => {
      errors.push(`network request to ${route.request().url()}`);
      await route.abort();
    });

    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    return { page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Counts of drawn points read back from ECharts' own option for the chart in `selector`. */
export async function chartSeriesCounts(page: Page, selector: string): Promise<Record<string, number>> {
  return page.$eval(selector, (element) => {
    const chart = (window as unknown as { echarts: typeof import('echarts') }).echarts.getInstanceByDom(element as HTMLElement);
    if (chart === undefined) throw new Error('no chart in element');
    const series = chart.getOption().series as { id: string; data: unknown[] }[];
    return Object.fromEntries(series.map((item) => [item.id, item.data.length]));
  });
}
