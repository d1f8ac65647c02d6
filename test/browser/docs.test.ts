// The docs, built with TypeDoc into a temporary folder as `npm run docs`
// builds them (warnings are errors here), opened in a real browser: the guides are there with their
// figures drawn, the README's figure shows, and the console stays clean.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { figures, README_FIGURE } from "../../scripts/docs-figures.js";
import { haveChromium, launchChromium, SCREENSHOTS, watchProblems } from "../support/chromium.js";
import { serveStatic } from "../support/static-server.js";

/**
 * Builds the docs as `npm run docs` does — the guides' figures into their
 * folder, then TypeDoc — but in a copy of the project under `dir`, so the
 * work tree is left as it was.
 */
async function buildDocs(dir: string): Promise<string> {
  const project = join(dir, "project");
  for (const path of [
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "package.json",
    "typedoc.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "src",
    "docs",
  ]) {
    cpSync(path, join(project, path), { recursive: true });
  }
  symlinkSync(resolve("node_modules"), join(project, "node_modules"), "dir");
  for (const figure of await figures()) {
    if (figure.path === README_FIGURE) continue; // committed: test/docs/figures.test.ts checks it
    const path = join(project, relative(process.cwd(), figure.path));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, figure.svg);
  }
  const out = join(dir, "api");
  const build = spawnSync(
    process.execPath,
    [resolve("node_modules/typedoc/bin/typedoc"), "--out", out, "--treatWarningsAsErrors", "--skipErrorChecking"],
    {
      cwd: project,
      encoding: "utf8",
      timeout: 300_000, // a guard against a hang, not a time limit: a loaded machine is slow
    },
  );
  assert.equal(build.status, 0, `typedoc failed:\n${build.stdout}\n${build.stderr}`);
  return out;
}

/**
 * Every figure on the page is scaled into its column, proportions kept,
 * and the page does not scroll sideways: at the 1280 px viewport nothing
 * is cut off on the right. Returns how many figures it checked.
 */
async function assertFiguresFit(page: Page): Promise<number> {
  const figures = await page.locator(".tsd-typography img").evaluateAll((imgs) =>
    imgs.map((img) => {
      const box = img.getBoundingClientRect();
      const column = img.closest(".tsd-typography")?.getBoundingClientRect();
      const natural = img instanceof HTMLImageElement ? { w: img.naturalWidth, h: img.naturalHeight } : { w: 0, h: 0 };
      return {
        src: img.getAttribute("src"),
        box: { w: box.width, h: box.height, right: box.right },
        column: column?.right ?? 0,
        natural,
      };
    }),
  );
  for (const f of figures) {
    assert.ok(f.natural.w > 0, `${f.src} did not load`);
    assert.ok(
      f.box.right <= f.column + 1,
      `${f.src} sticks out of its column: right edge ${f.box.right} > ${f.column}`,
    );
    const ratio = f.box.w / f.box.h;
    const naturalRatio = f.natural.w / f.natural.h;
    assert.ok(Math.abs(ratio / naturalRatio - 1) < 0.02, `${f.src} is cropped or stretched, not scaled`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
  return figures.length;
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
      assert.equal(await assertFiguresFit(page), 1);
      await page.screenshot({ path: join(SCREENSHOTS, "docs-index.png") });

      // The guides, in order, from the navigation.
      await page.goto(`${server.url}/documents/mini-tokio.Guides.html`);
      const nav = await page.locator(".tsd-navigation a").allTextContents();
      const guides = [
        "A tour of the model",
        "The Poll contract",
        "Wakers and the RawWaker vtable",
        "Pin in TypeScript",
        "Cooperative scheduling and the budget",
        "Cancellation as drop",
        "Our unsafe",
        "Time",
        "Channels",
        "Locks, semaphores and notifications",
        "Composition and structured concurrency",
        "Streams",
        "Living next to Promises",
        "Seeing the runtime work",
        "Departures from tokio",
        "Benchmarks",
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

      // Every guide's figures fit the column at 1280 px (the widest are the
      // budget's, with the run queue, and select's).
      let checked = 0;
      for (const guide of [
        "The_Poll_contract",
        "Wakers_and_the_RawWaker_vtable",
        "Pin_in_TypeScript",
        "Cooperative_scheduling_and_the_budget",
        "Cancellation_as_drop",
      ]) {
        await page.goto(`${server.url}/documents/mini-tokio.Guides.${guide}.html`);
        checked += await assertFiguresFit(page);
      }
      assert.ok(checked >= 6, `only ${checked} figures found in the guides`);

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
