/**
 * A real browser for the web UI tests: Debian's chromium, headless, driven by playwright-core.
 * Every page collects console errors and uncaught exceptions, which a test asserts are none.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and page errors so far. */
  errors: string[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  return { page, errors };
}

/** A folder for screenshots that outlives the test's temp dirs, printed so a person can look at them. */
export function screenshotDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  console.log(`screenshots of the web UI: ${dir}`);
  return dir;
}
