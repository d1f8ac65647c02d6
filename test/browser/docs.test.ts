// The docs, built with TypeDoc into a temporary folder as `npm run docs`
// builds them (warnings are errors here), opened in a real browser: the guides are there with their
// figures drawn, the README's figure shows, and the console stays clean.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { test } from "node:test";
import { figures, README_FIGURE } from "../../scripts/docs-figures.js";
import { haveChromium, launchChromium, SCREENSHOTS, watchProblems } from "../support/chromium.js";
import { serveStatic } from "../support/static-server.js";

/**
 * Builds the docs as `npm run docs` does — the guides' figures into their
 * gitignored folder, then TypeDoc — but into `dir`, not docs/api.
 */
async function buildDocs(dir: string): Promise<string> {
  for (const figure of await figures()) {
    if (figure.path === README_FIGURE) continue; // committed: test/docs/figures.test.ts checks it
    mkdirSync(dirname(figure.path), { recursive: true });
    writeFileSync(figure.path, figure.svg);
  }
  const out = join(dir, "api");
  const build = spawnSync(
    process.execPath,
    ["node_modules/typedoc/bin/typedoc", "--out", out, "--treatWarningsAsErrors", "--skipErrorChecking"],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  assert.equal(build.status, 0, `typedoc failed:\n${build.stdout}\n${build.stderr}`);
  return out;
}

test("the docs show the guides with their figures, and the README with its own", async (t) => {
  if (!haveChromium(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-docs-"));
  const browser = await launchChromium();
  try {
    const server = await serveStatic(await buildDocs(dir));
    try {
      const page = await browser.context.newPage();
      const problems = watchProblems(page);
      mkdirSync(SCREENSHOTS, { recursive: true });

      // The front page is the README: the tour's section and its figure.
      await page.goto(`${server.url}/index.html`);
      assert.ok((await page.locator("h2").allTextContents()).some((h) => h.includes("The tour")));
      const readmeFigure = page.locator(`img[src$="${basename(README_FIGURE)}"]`);
      assert.equal(await readmeFigure.count(), 1);
      assert.ok((await readmeFigure.evaluate((img) => (img instanceof HTMLImageElement ? img.naturalWidth : 0))) > 0);
      await page.screenshot({ path: join(SCREENSHOTS, "docs-index.png") });

      // The guides, in order, from the navigation.
      await page.goto(`${server.url}/documents/mini-tokio.Guides.html`);
      const nav = await page.locator(".tsd-navigation a").allTextContents();
      const guides = [
        "The Poll contract",
        "Wakers and the RawWaker vtable",
        "Pin in TypeScript",
        "Cooperative scheduling and the budget",
        "Cancellation as drop",
        "Our unsafe",
      ];
      assert.deepEqual(
        nav.filter((n) => guides.includes(n.trim())).map((n) => n.trim()),
        guides,
      );

      // A guide: its figures are drawn traces, loaded, with the lanes in them.
      await page.goto(`${server.url}/documents/mini-tokio.Guides.The_Poll_contract.html`);
      assert.equal((await page.locator("h1").first().textContent())?.trim(), "The Poll contract");
      const images = page.locator(".tsd-typography img");
      assert.equal(await images.count(), 2);
      for (const img of await images.all()) {
        assert.ok(
          (await img.evaluate((el) => (el instanceof HTMLImageElement ? el.naturalWidth : 0))) > 0,
          "a figure did not load",
        );
      }
      const src = await images.first().getAttribute("src");
      const svg = await (await page.request.get(new URL(src ?? "", page.url()).href)).text();
      for (const lane of ["Task #1", "Executor", "Waker", "Host"]) assert.ok(svg.includes(`>${lane}</text>`), lane);
      for (const message of ["poll", "Pending: Gate", "wake() #1 main", "schedule #1 main", "Ready"]) {
        assert.ok(svg.includes(`>${message}</text>`), message);
      }
      await page.screenshot({ path: join(SCREENSHOTS, "docs-guide.png"), fullPage: true });

      // And the API reference has the renderers, in their own entry.
      await page.goto(`${server.url}/functions/mini-tokio_illustrate.renderSequenceSvg.html`);
      assert.match((await page.locator(".tsd-typography").first().textContent()) ?? "", /sequence diagram/);

      assert.deepEqual(problems, []);
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
