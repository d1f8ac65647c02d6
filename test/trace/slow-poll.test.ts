import assert from "node:assert/strict";
import { test } from "node:test";
import { asyncFn, future, Runtime, type SlowPollEvent, sleep, spawn, yieldNow } from "../../src/index.js";
import { lineOf, record } from "./support.js";

const here = import.meta.url;

/** A clock the test moves by hand: a poll "takes" whatever the task adds to it. */
const fakeClock = (): { now: number; read: () => number } => {
  const clock = { now: 0, read: () => clock.now };
  return clock;
};

test("a poll that runs longer than slowPollMs is reported with the task's name and where it stopped", () => {
  const clock = fakeClock();
  const reports: SlowPollEvent[] = [];
  const rt = new Runtime({
    clock: "virtual",
    slowPollMs: 10,
    timestamps: clock.read,
    captureLocations: true,
    onSlowPoll: (e) => reports.push(e),
  });
  const events = record(rt);
  const busy = asyncFn(function* () {
    clock.now += 4; // quick
    yield* yieldNow();
    clock.now += 25; // too long without yielding
    yield* sleep(5); // ← slow poll ends here
    clock.now += 10; // exactly the threshold: not reported
  });
  rt.blockOn(
    future(function* () {
      yield* spawn(busy(), { name: "cruncher" });
    }),
  );
  assert.equal(reports.length, 1);
  const [report] = reports;
  assert.equal(report?.name, "cruncher");
  assert.equal(report?.durationMs, 25);
  assert.equal(report?.thresholdMs, 10);
  assert.ok(report?.location?.startsWith(lineOf(here, "← slow poll ends here")), report?.location);
  // The event reaches listeners right after the poll's end.
  const at = events.findIndex((e) => e.kind === "slow-poll");
  assert.equal(events[at - 1]?.kind, "pending");
  assert.equal(events[at], report);
});

test("a slow last poll is reported where the task was spawned", () => {
  const clock = fakeClock();
  const reports: SlowPollEvent[] = [];
  const rt = new Runtime({
    slowPollMs: 1,
    timestamps: clock.read,
    captureLocations: true,
    onSlowPoll: (e) => reports.push(e),
  });
  rt.blockOn(
    future(function* () {
      const finisher = future(function* () {
        clock.now += 3;
      });
      yield* spawn(finisher, { name: "finisher" }); // ← spawn: finisher
    }),
  );
  assert.deepEqual(
    reports.map((r) => [r.name, r.durationMs]),
    [["finisher", 3]],
  );
  assert.ok(reports[0]?.location?.startsWith(lineOf(here, "← spawn: finisher")), reports[0]?.location);
});

test("by default a slow poll is one console.warn line, which says how to see where when locations are off", (t) => {
  const warnings: string[] = [];
  t.mock.method(console, "warn", (line: string) => warnings.push(line));
  const clock = fakeClock();
  const rt = new Runtime({ slowPollMs: true, timestamps: clock.read });
  rt.blockOn(
    future(function* () {
      clock.now += 12.5; // over the default of 10 ms
      yield* yieldNow();
      clock.now += 9;
    }),
  );
  assert.deepEqual(warnings, [
    'mini-tokio: task #1 "main" ran 12.5 ms without yielding (slowPollMs: 10) (new Runtime({ captureLocations: true }) shows where)',
  ]);
});

test("slow polls are off by default and the options are checked", () => {
  const rt = new Runtime();
  assert.equal(rt.metrics().busyMs, undefined, "no clock is read");
  assert.throws(() => new Runtime({ slowPollMs: -1 }), RangeError);
  assert.throws(() => new Runtime({ slowPollMs: Number.NaN }), /slowPollMs.*finite number of ms/);
  assert.throws(() => new Runtime({ timestamps: "yes" as never }), TypeError);
  assert.throws(() => new Runtime({ onSlowPoll: 1 as never }), TypeError);
  assert.throws(() => new Runtime({ captureLocations: 1 as never }), TypeError);
  assert.throws(() => new Runtime({ slowPollMs: "10" as never }), TypeError, "not a number: a TypeError");
  assert.throws(
    () => new Runtime({ onSlowPoll: () => {} }),
    /set slowPollMs too/,
    "a callback that could never be called",
  );
  new Runtime({ slowPollMs: 5, onSlowPoll: () => {} }); // together they are fine
});
