import assert from "node:assert/strict";
import { test } from "node:test";
import { renderHtmlReport } from "../../src/illustrate/index.js";
import { assertWellFormed } from "../support/markup.js";
import { spawnAndJoin, spawnMany } from "../trace/support.js";

test("the report of one run has its timeline rows, its diagram, its tasks and its metrics", () => {
  const html = renderHtmlReport(spawnAndJoin(), { title: "spawn and join", metrics: { polls: 4, busyMs: 0.5 } });
  assertWellFormed(html, { html: true });
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  assert.match(html, /<title>spawn and join<\/title>/);
  // Timeline: a row per task, segments in it, the wake from child to main.
  assert.deepEqual(
    [...html.matchAll(/<g class="row" data-row="([^"]+)">/g)].map((m) => m[1]),
    ["task-1", "task-2"],
  );
  assert.ok(html.includes('data-task="2" data-state="running"'));
  assert.match(html, /<line class="wake" data-task="1"/);
  // The sequence diagram is inlined, with its lanes.
  assert.match(html, /<svg [^>]*class="mt-sequence"/);
  assert.equal([...html.matchAll(/<g class="lane" /g)].length, 4);
  // Tasks: polls, waits, wakes, outcome.
  assert.match(
    html,
    /<tr data-task="2"><td>#2<\/td><td>child<\/td><td>#1<\/td><td class="n">2<\/td><td class="n">0<\/td><td class="n">0 \/ 1<\/td>/,
  );
  // Metrics, as given.
  assert.match(html, /<td><code>busyMs<\/code><\/td><td class="n">0\.5<\/td>/);
});

test("a report of several runs has a section each, and a table of contents", () => {
  const html = renderHtmlReport(
    [
      { title: "first", trace: spawnAndJoin(), description: "one" },
      { title: "second", trace: spawnAndJoin("other") },
    ],
    { title: "two runs" },
  );
  assertWellFormed(html, { html: true });
  assert.deepEqual(
    [...html.matchAll(/<section class="run" id="(run-\d)">/g)].map((m) => m[1]),
    ["run-1", "run-2"],
  );
  assert.match(html, /<nav class="toc"><ul>\n<li><a href="#run-1">first<\/a><\/li>/);
  // Ids stay unique across the inlined pictures.
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
});

test("the report loads nothing: no script, no external stylesheet, font or image", () => {
  const html = renderHtmlReport(spawnAndJoin());
  assert.doesNotMatch(html, /<script|<link|@import|@font-face|<img|<iframe/i);
  // The only URL is the SVG namespace, which is a name, not a fetch.
  const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
  assert.deepEqual([...new Set(urls)], ["http://www.w3.org/2000/svg"]);
});

test("names, notes, titles and metrics are escaped in the report", () => {
  const evil = "<img src=x onerror=alert(1)> & \u0000";
  const steps = spawnAndJoin(evil);
  steps.push({ kind: "note", text: evil });
  const html = renderHtmlReport([{ title: evil, trace: steps, description: evil, metrics: { [evil]: evil } }], {
    title: evil,
  });
  assertWellFormed(html, { html: true });
  assert.doesNotMatch(html, /<img/);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt; &amp; \ufffd"));
});

test("an empty trace gives a valid page that says nothing ran", () => {
  const html = renderHtmlReport([]);
  assertWellFormed(html, { html: true });
  assert.match(html, /No task ran\./);
  assert.match(html, /\(empty trace: nothing happened\)/);
});

test("a trace that is not a list is refused with a clear message", () => {
  // @ts-expect-error: not a trace
  assert.throws(() => renderHtmlReport(42), { name: "TypeError", message: /trace must be a list of trace steps/ });
  // @ts-expect-error: options must be an object
  assert.throws(() => renderHtmlReport([], "x"), { name: "TypeError", message: /options must be an object/ });
  // @ts-expect-error: a description is text
  assert.throws(() => renderHtmlReport([], { description: {} }), {
    name: "TypeError",
    message: /description must be a string/,
  });
});

test("with timestamps, the timeline's axis is time, and a step's place follows its time", () => {
  // Steps 1 ms apart, but the last one a second later: on a time axis it is far right.
  const steps = spawnAndJoin().map((e, i, all) => ({ ...e, at: i === all.length - 1 ? 1000 + i : i }));
  const html = renderHtmlReport(steps);
  const ticks = [...html.matchAll(/<text class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(ticks.slice(0, 3), ["0", "100 ms", "200 ms"]);
  assert.equal(ticks.at(-1), "1 s");
  // The root's last segment (queued, then polled) ends at the far right.
  const segments = [...html.matchAll(/data-task="1" data-state="(\w+)" x="([\d.]+)"[^>]* width="([\d.]+)"/g)].map(
    (m) => [m[1], Number(m[2]), Number(m[3])] as const,
  );
  const [, x, w] = segments.at(-1) ?? [];
  assert.ok(x !== undefined && w !== undefined && x + w > 700, `the last segment ends at ${x} + ${w}`);
  // Without timestamps on every step, the axis is steps.
  const untimed = renderHtmlReport(spawnAndJoin());
  assert.deepEqual([...untimed.matchAll(/<text class="tick"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).slice(0, 2), [
    "1",
    "2",
  ]);
  // The caption says which: a timed run's columns are not steps.
  assert.match(html, /One row per task; across, time in ms from the run's start\./);
  assert.doesNotMatch(html, /one column per step/);
  assert.match(untimed, /One row per task; across, one column per step\./);
});

test("the legend comes before the runs, where a reader meets the colours first", () => {
  const html = renderHtmlReport(spawnAndJoin());
  const legend = html.indexOf('<aside class="legend">');
  assert.ok(legend > 0 && legend < html.indexOf('<section class="run"'));
});

test("a report of a large run stays bounded: maxTasks rows and table lines, the rest counted", () => {
  const steps = spawnMany(500);
  const html = renderHtmlReport(steps, { maxTasks: 20, maxMessages: 100 });
  assertWellFormed(html, { html: true });
  assert.equal([...html.matchAll(/<g class="row" data-row="task-/g)].length, 20);
  assert.match(html, /… 481 more tasks not drawn \(maxTasks: 20\)/);
  assert.equal([...html.matchAll(/<tr data-task=/g)].length, 20);
  assert.match(html, /… and 481 more tasks \(maxTasks: 20\)/);
  assert.ok(html.length < 1_500_000, `${html.length} characters`);
  assert.throws(() => renderHtmlReport(steps, { maxTasks: 1.5 }), {
    name: "RangeError",
    message: /maxTasks.*integer ≥ 0, got 1\.5/,
  });
});

test("metrics JSON cannot show (a BigInt, a cycle) are written as text, not thrown", () => {
  const cycle: { self?: unknown } = {};
  cycle.self = cycle;
  const html = renderHtmlReport(spawnAndJoin(), { metrics: { bytes: 12345678901234567890n, loop: cycle } });
  assert.match(html, /12345678901234567890/);
  assert.match(html, /<code>loop<\/code>/);
});
