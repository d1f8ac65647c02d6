// Traces read back from JSON are untrusted input: the renderers must refuse
// what is malformed with a message that says what is allowed, never loop,
// never overflow the stack on a large run, and never let a field reach the
// markup unescaped.

import assert from "node:assert/strict";
import { test } from "node:test";
import { renderHtmlReport, renderSequenceSvg, type TraceStep } from "../../src/illustrate/index.js";
import { future, PENDING, Runtime } from "../../src/index.js";
import { assertWellFormed } from "../support/markup.js";
import { spawnAndJoin } from "../trace/support.js";

/** Steps as a program would read them from a JSON file: any shape at all. */
function fromJson(text: string): TraceStep[] {
  return JSON.parse(text);
}

test("a timed trace with a non-finite timestamp is refused, not drawn in an endless loop", () => {
  const steps = spawnAndJoin().map((e, i) => ({ ...e, at: i }));
  const json = JSON.stringify(steps).replace(/"at":3\b/, '"at":1e309');
  const read = fromJson(json);
  assert.equal(read.filter((s) => "at" in s && s.at === Number.POSITIVE_INFINITY).length, 1);
  assert.throws(() => renderHtmlReport(read), {
    name: "RangeError",
    message: /trace step 3 \(\w+\): at must be a finite number of milliseconds, got Infinity/,
  });
  assert.throws(() => renderSequenceSvg(read), { name: "RangeError", message: /trace step 3/ });
});

test("timestamps whose span overflows, or underflows a tick, give a step axis rather than an endless loop", () => {
  for (const [first, last] of [
    [-Number.MAX_VALUE, Number.MAX_VALUE],
    [0, Number.MIN_VALUE],
  ] as const) {
    const steps = spawnAndJoin().map((e, i, all) => ({ ...e, at: i === all.length - 1 ? last : first }));
    const html = renderHtmlReport(steps);
    assertWellFormed(html, { html: true });
    assert.match(html, />step<\/text>/);
  }
});

test("a timed trace of 2×10⁵ steps is drawn without overflowing the stack", () => {
  const steps: TraceStep[] = [{ kind: "spawn", task: 1, name: "busy", parent: undefined, at: 0 }];
  for (let i = 1; i < 200_000; i++) steps.push({ kind: i % 2 === 1 ? "poll" : "ready", task: 1, name: "busy", at: i });
  const html = renderHtmlReport(steps, { maxMessages: 50, maxTasks: 5 });
  assertWellFormed(html, { html: true });
});

test("String(rt.dump()) with 2×10⁵ live tasks is a table, not a stack overflow", () => {
  const rt = new Runtime({ clock: "virtual" });
  const parked = { poll: () => PENDING };
  for (let i = 0; i < 200_000; i++)
    rt.spawn(
      future(function* () {}),
      { name: i === 7 ? "seventh" : undefined },
    );
  rt.spawn(parked);
  const table = String(rt.dump());
  assert.match(table, /^200001 live tasks at 0 ms/);
  assert.match(table, /#8 +seventh/);
  rt.shutdown();
});

test("task ids and parents from untrusted JSON cannot inject markup: a non-integer id is refused", () => {
  const evil = '"><script>alert(1)</script>';
  const cases: [string, object][] = [
    ["task", { kind: "spawn", task: evil, parent: undefined }],
    ["parent", { kind: "spawn", task: 2, parent: evil }],
    ["cause.task", { kind: "wake", task: 1, queued: true, cause: { by: "task", task: evil } }],
    ["task", { kind: "note", text: "hi", task: evil }],
  ];
  for (const [field, step] of cases) {
    const trace = [{ kind: "spawn", task: 1, parent: undefined }, step];
    for (const render of [renderHtmlReport, renderSequenceSvg] as ((t: unknown[]) => string)[]) {
      assert.throws(
        () => render(trace),
        (e: unknown) =>
          e instanceof TypeError && e.message.includes(`trace step 1`) && e.message.includes(`${field} must be`),
        `${field} with markup`,
      );
    }
  }
  // Text fields are escaped, whatever they hold.
  const html = renderHtmlReport(fromJson(JSON.stringify([{ kind: "spawn", task: 1, name: evil, parent: undefined }])));
  assertWellFormed(html, { html: true });
  assert.ok(!html.includes("<script>"));
});

test("a malformed step says which step, what was wrong and what is allowed", () => {
  const bad: [unknown, RegExp][] = [
    [null, /trace step 0: a step must be an object with a kind, got null/],
    [{ kind: "jump", task: 1 }, /trace step 0: kind must be one of "spawn", "poll", .*"note", got the string "jump"/],
    [
      { kind: "wake", task: 1, queued: true },
      /trace step 0 \(wake\): cause must be \{ by: "task", task \}, \{ by: "timer" \} or \{ by: "host" \}, got undefined/,
    ],
    [{ kind: "poll", task: 1.5 }, /trace step 0 \(poll\): task must be a task id \(an integer ≥ 0\), got 1\.5/],
    [{ kind: "poll", task: 1, name: 3 }, /trace step 0 \(poll\): name must be a string or undefined, got number 3/],
    [{ kind: "note", text: 5 }, /trace step 0 \(note\): text must be a string, got number 5/],
    [
      { kind: "timer-fired", deadlineMs: "soon" },
      /trace step 0 \(timer-fired\): deadlineMs must be a finite number of milliseconds, got the string "soon"/,
    ],
  ];
  for (const [step, message] of bad) {
    assert.throws(() => renderSequenceSvg([step as TraceStep]), { message }, String(message));
  }
});
