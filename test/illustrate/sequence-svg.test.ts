import assert from "node:assert/strict";
import { test } from "node:test";
import { renderSequenceSvg, type TraceStep } from "../../src/illustrate/index.js";
import { awaitable, future, Runtime, spawn } from "../../src/index.js";
import { Gate } from "../support/futures.js";
import { assertWellFormed, decodeEntities, texts } from "../support/markup.js";
import { child, spawnAndJoin, spawnMany } from "../trace/support.js";

/** [tone, from lane, to lane, label] of every message, top to bottom. */
function messages(svg: string): string[][] {
  const found: string[][] = [];
  const group =
    /<g class="msg" data-step="\d+" data-tone="([^"]*)" data-from="([^"]*)" data-to="([^"]*)">[\s\S]*?<text class="label"[^>]*>([^<]*)<\/text>/g;
  for (const m of svg.matchAll(group)) found.push([m[1] ?? "", m[2] ?? "", m[3] ?? "", decodeEntities(m[4] ?? "")]);
  return found;
}

test("the diagram of a known run has a lane per task, the executor and the waker", () => {
  const svg = renderSequenceSvg(spawnAndJoin());
  assertWellFormed(svg);
  assert.deepEqual(texts(svg, "lane-title"), ["Task #1", "Task #2", "Executor", "Waker"]);
  assert.deepEqual(texts(svg, "lane-subtitle"), ["main", "child", "run queue", "wake() → schedule"]);
});

test("the diagram's messages are the run's steps, in order, between the right lanes", () => {
  const svg = renderSequenceSvg(spawnAndJoin());
  assert.deepEqual(messages(svg), [
    ["spawn", "executor", "executor", "spawn #1 main"],
    ["poll", "executor", "task-1", "poll"],
    ["spawn", "task-1", "executor", "spawn #2 child"],
    ["pending", "task-1", "executor", 'Pending: JoinHandle(#2 "child")'],
    ["poll", "executor", "task-2", "poll"],
    ["wake", "task-2", "waker", "wake() itself"],
    ["pending", "task-2", "executor", "Pending ↻ requeued"],
    ["poll", "executor", "task-2", "poll"],
    ["ready", "task-2", "executor", "Ready"],
    ["wake", "task-2", "waker", "wake() #1 main"],
    ["schedule", "waker", "executor", "schedule #1 main"],
    ["poll", "executor", "task-1", "poll"],
    ["ready", "task-1", "executor", "Ready"],
  ]);
});

test("the seed's picture: poll → Pending → wake() → schedule → poll → Ready, the wake from the host", async () => {
  const steps: TraceStep[] = [];
  const rt = new Runtime({ trace: (e) => steps.push(e) });
  const gate = new Gate<string>();
  setTimeout(() => {
    steps.push({ kind: "note", text: "host opens the gate" });
    gate.open("v");
  }, 1);
  await rt.run(
    future(function* () {
      return yield* awaitable(gate);
    }),
  );
  const svg = renderSequenceSvg(steps, { title: "the waker contract" });
  assertWellFormed(svg);
  assert.deepEqual(texts(svg, "lane-title"), ["Task #1", "Executor", "Waker", "Host"]);
  assert.deepEqual(
    messages(svg).map(([, from, to, label]) => `${from} → ${to}: ${label}`),
    [
      "executor → executor: spawn #1 main",
      "executor → task-1: poll",
      "task-1 → executor: Pending: Gate",
      "host → host: host opens the gate",
      "host → waker: wake() #1 main",
      "waker → executor: schedule #1 main",
      "executor → task-1: poll",
      "task-1 → executor: Ready",
    ],
  );
});

test("text from the trace is escaped, and characters XML forbids are replaced", () => {
  const evil = `<script>alert("x")</script> & 'co' \u0000\u0007 ]]>`;
  const steps: TraceStep[] = [];
  const rt = new Runtime({ trace: (e) => steps.push(e) });
  rt.blockOn(
    future(function* () {
      steps.push({ kind: "note", task: 1, text: evil });
      yield* spawn(child(), { name: evil });
    }),
    { name: evil },
  );
  const svg = renderSequenceSvg(steps, { title: evil });
  assertWellFormed(svg);
  assert.ok(!svg.includes("<script"), "a name became markup");
  assert.ok(svg.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"));
  assert.ok(texts(svg, "lane-subtitle").some((t) => t.startsWith('<script>alert("x")')));
  assert.ok(texts(svg, "label").some((t) => t.includes("\ufffd\ufffd ]]>")));
});

test("an empty trace renders a valid document with the executor's and the waker's lanes", () => {
  const svg = renderSequenceSvg([]);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="\d+" height="\d+"/);
  assert.match(svg, /<\/svg>$/);
  assertWellFormed(svg);
  assert.deepEqual(texts(svg, "lane-title"), ["Executor", "Waker"]);
  assert.deepEqual(messages(svg), []);
  assert.deepEqual(texts(svg, "empty"), ["(empty trace: nothing happened)"]);
});

test("a long trace is cut at maxMessages, and the cut is said", () => {
  const steps = spawnAndJoin();
  const svg = renderSequenceSvg(steps, { maxMessages: 5 });
  assertWellFormed(svg);
  assert.equal(messages(svg).length, 5);
  assert.deepEqual(texts(svg, "more"), ["… 8 more messages not drawn (maxMessages: 5)"]);
});

test("the run queue column replays the queue after each step", () => {
  const svg = renderSequenceSvg(spawnAndJoin());
  // main queued; taken; child queued; child taken; child requeued (self-wake);
  // taken; main woken; taken.
  assert.deepEqual(texts(svg, "queue"), ["#1", "—", "#2", "—", "#2", "—", "#1", "—"]);
  assert.deepEqual(texts(renderSequenceSvg(spawnAndJoin(), { showQueue: false }), "queue"), []);
});

test("bad options are refused with a message saying what is allowed", () => {
  assert.throws(() => renderSequenceSvg([], { maxMessages: -1 }), {
    name: "RangeError",
    message: /maxMessages.*integer ≥ 0, got -1/,
  });
  assert.throws(() => renderSequenceSvg([], { idPrefix: "1 bad" }), { name: "TypeError", message: /idPrefix/ });
  // @ts-expect-error: options must be an object
  assert.throws(() => renderSequenceSvg([], 3), { name: "TypeError", message: /options must be an object/ });
  // @ts-expect-error: a title is text
  assert.throws(() => renderSequenceSvg([], { title: 7 }), {
    name: "TypeError",
    message: /title must be a string, got number 7/,
  });
  // @ts-expect-error: a count, not a string
  assert.throws(() => renderSequenceSvg([], { maxMessages: "9" }), { name: "TypeError", message: /maxMessages/ });
});

test("ids are prefixed, so two diagrams inlined in one page do not clash", () => {
  const a = renderSequenceSvg(spawnAndJoin(), { idPrefix: "a" });
  const b = renderSequenceSvg(spawnAndJoin(), { idPrefix: "b" });
  const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids(a).length > 0);
  assert.ok(ids(a).every((id) => id?.startsWith("a-")));
  assert.ok(ids(b).every((id) => id?.startsWith("b-")));
  for (const m of a.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids(a).includes(m[1]), `dangling reference #${m[1]}`);
});

test("a long run draws only its first messages, the lanes they touch, and the front of a long queue", () => {
  const svg = renderSequenceSvg(spawnMany(1000), { maxMessages: 50 });
  assertWellFormed(svg);
  assert.equal(messages(svg).length, 50);
  // The first 50 messages are main spawning tasks: one task lane, not 1,001.
  assert.deepEqual(texts(svg, "lane-title"), ["Task #1", "Executor", "Waker"]);
  const queue = texts(svg, "queue");
  assert.equal(queue.at(-1), "#2 #3 #4 #5 #6 #7 #8 #9 … +40");
  assert.ok(svg.length < 100_000, `${svg.length} characters for 50 messages`);
});

test("an arrow's label has a paper backing as wide as its text, so lifelines it passes do not cross the words", () => {
  const svg = renderSequenceSvg(spawnAndJoin());
  const arrows = [...svg.matchAll(/<g class="msg"[^>]*>(.*?)<\/g>/gs)]
    .map((m) => m[1] ?? "")
    .filter((g) => g.includes("<line"));
  assert.ok(arrows.length > 0);
  for (const g of arrows) {
    const backing = /<rect class="label-backing" x="([\d.-]+)" y="[\d.-]+" width="([\d.]+)"/.exec(g);
    const label = /<text class="label" x="([\d.-]+)"[^>]*>([^<]*)<\/text>/.exec(g);
    assert.ok(backing !== null && label !== null, g);
    assert.ok(g.indexOf("label-backing") < g.indexOf('class="label"'), "the backing is drawn under the label");
    const [left, width, center] = [Number(backing[1]), Number(backing[2]), Number(label[1])];
    assert.ok(Math.abs(left + width / 2 - center) < 0.5, "the backing is centred on the label");
    assert.ok(
      width >= decodeEntities(label[2] ?? "").length * 6,
      `the backing (${width}) is narrower than "${label[2]}"`,
    );
  }
});
