// Headless Chromium for the browser tests: Debian's `chromium` package,
// driven by playwright-core. Never a downloaded browser.
//
// On a dev machine without /usr/bin/chromium the tests skip and say why; in
// CI (`CI` set) a missing browser is a failure, since .ci/run installs it.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * True when the browser is there. Otherwise skips the test with the reason
 * (false), or, in CI, throws.
 */
export function haveChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return true;
  const why = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    throw new Error(`${why}. CI must run them: .ci/run installs it.`);
  }
  t.skip(why);
  return false;
}

/** A fresh browser profile in a temporary folder; `close()` removes it. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "mini-tokio-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects what went wrong in a page: console errors, uncaught errors, failed or refused loads. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`failed to load ${r.url()}: ${r.failure()?.errorText ?? ""}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  return problems;
}

/**
 * Where the browser tests leave their screenshots: a folder under the
 * system's temporary directory (tests never write into the work tree), or
 * `MINI_TOKIO_SCREENSHOTS` to keep them somewhere to look at.
 */
export const SCREENSHOTS = process.env.MINI_TOKIO_SCREENSHOTS || join(tmpdir(), "mini-tokio-screenshots");
