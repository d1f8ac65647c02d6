// The tour's HTML report, opened in a real browser (headless Chromium):
// its lanes and events are there, its text fits where the layout put it,
// it loads nothing from anywhere, and the console stays clean.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Narrator } from "../../examples/tour/narrator.js";
import { writeTourOutput } from "../../examples/tour/output.js";
import { SCENES } from "../../examples/tour/scenes.js";
import { haveChromium, launchChromium, SCREENSHOTS, watchProblems } from "../support/chromium.js";
import { serveStatic } from "../support/static-server.js";

test("the tour's report shows every run's lanes and events, and loads nothing else", async (t) => {
  if (!haveChromium(t)) return;
  const out = mkdtempSync(join(tmpdir(), "mini-tokio-report-"));
  const narrator = new Narrator({ write: () => {} });
  for (const scene of SCENES) await scene(narrator);
  writeTourOutput(narrator.scenes, out);
  const server = await serveStatic(out);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const problems = watchProblems(page);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${server.url}/report.html`);

    assert.equal(await page.title(), "mini-tokio, step by step");
    const sections = page.locator("section.run");
    assert.equal(await sections.count(), narrator.scenes.length);

    for (const [i, scene] of narrator.scenes.entries()) {
      const section = sections.nth(i);
      assert.equal(await section.locator("h2").textContent(), scene.title);
      const tasks = new Set(scene.steps.flatMap((s) => (s.kind === "spawn" ? [s.task] : [])));
      // Timeline: one row per task (plus the timers' and the host's when they woke someone).
      const rows = await section
        .locator("svg.mt-timeline g.row")
        .evaluateAll((gs) => gs.map((g) => g.getAttribute("data-row")));
      assert.deepEqual(
        rows.filter((r) => r?.startsWith("task-")),
        [...tasks].sort((a, b) => a - b).map((id) => `task-${id}`),
      );
      // Sequence: a lane per task, the executor and the waker; messages in order.
      const lanes = await section.locator("svg.mt-sequence .lane-title").allTextContents();
      assert.deepEqual(
        lanes.slice(0, tasks.size),
        [...tasks].sort((a, b) => a - b).map((id) => `Task #${id}`),
      );
      assert.ok(lanes.includes("Executor") && lanes.includes("Waker"), `${scene.title}: lanes ${lanes}`);
      const labels = await section.locator("svg.mt-sequence g.msg .label").allTextContents();
      assert.equal(labels[0], "spawn #1 main");
      assert.equal(labels[1], "poll");
      assert.ok(
        labels.some((l) => l.startsWith("Pending")),
        `${scene.title}: no Pending`,
      );
      // The event log has a row per message.
      assert.equal(await section.locator("details.log tbody tr").count(), labels.length);
    }

    // The select scene's loser ends cancelled; its winner Ready.
    const select = sections.filter({ hasText: "select: the loser is cancelled" });
    assert.equal(await select.locator('svg.mt-timeline [data-outcome="cancelled"]').count(), 1);
    assert.ok((await select.locator("svg.mt-sequence g.msg .label").allTextContents()).includes("abort() #3 far"));

    // The layout measured text with a monospace estimate: in a real browser,
    // every arrow's label fits between the lanes it joins, and no text
    // leaves its picture.
    const overflows = await page.locator("svg.mt-sequence, svg.mt-timeline").evaluateAll((svgs) => {
      const bad: string[] = [];
      for (const svg of svgs) {
        if (!(svg instanceof SVGSVGElement)) continue;
        const width = svg.width.baseVal.value;
        for (const text of svg.querySelectorAll("text")) {
          const box = text.getBBox();
          if (box.x < 0 || box.x + box.width > width + 0.5) bad.push(`outside: ${text.textContent}`);
        }
        for (const msg of svg.querySelectorAll("g.msg")) {
          const line = msg.querySelector("line");
          const label = msg.querySelector("text.label");
          if (!(line instanceof SVGLineElement) || !(label instanceof SVGTextElement)) continue;
          const span = Math.abs(line.x2.baseVal.value - line.x1.baseVal.value) + 14;
          if (label.getComputedTextLength() > span) bad.push(`too wide for its arrow: ${label.textContent}`);
        }
      }
      return bad;
    });
    assert.deepEqual(overflows, []);

    // At 1280 px every picture fits its box (scaled down, proportions kept),
    // nothing scrolls sideways, and the legend comes before the first run.
    const boxes = await page.locator("figure > svg").evaluateAll((svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const figure = svg.parentElement?.getBoundingClientRect();
        const view = svg instanceof SVGSVGElement ? svg.viewBox.baseVal : undefined;
        return {
          id: svg.id || svg.getAttribute("class"),
          right: box.right,
          limit: figure?.right ?? 0,
          ratio: box.width / box.height,
          viewRatio: view === undefined ? 0 : view.width / view.height,
        };
      }),
    );
    assert.ok(boxes.length >= 12, `only ${boxes.length} figures`);
    for (const b of boxes) {
      assert.ok(b.right <= b.limit + 0.5, `${b.id} is wider than its box: ${b.right} > ${b.limit}`);
      assert.ok(Math.abs(b.ratio / b.viewRatio - 1) < 0.02, `${b.id} is cropped or stretched`);
    }
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0);
    const legendTop = await page.locator(".legend").evaluate((el) => el.getBoundingClientRect().top);
    const firstRunTop = await sections.first().evaluate((el) => el.getBoundingClientRect().top);
    assert.ok(legendTop < firstRunTop, "the legend comes after the runs");

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "report-top.png") });
    await page.screenshot({ path: join(SCREENSHOTS, "report-full.png"), fullPage: true });
    const selectSection = sections.filter({ hasText: "select: the loser is cancelled" });
    await selectSection.locator("details.log summary").click(); // the event log, opened
    await selectSection.screenshot({ path: join(SCREENSHOTS, "report-select.png") });

    assert.deepEqual(problems, []);
    // Everything is inline: the page is the only thing fetched (and the icon Chromium asks for).
    assert.deepEqual(
      requests.filter((u) => !u.endsWith("/favicon.ico")),
      [`${server.url}/report.html`],
    );
  } finally {
    await browser.close();
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
});
