import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  consumeBudget,
  future,
  JoinError,
  type JoinHandle,
  Runtime,
  type RuntimeMetrics,
  sleep,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { never } from "../support/futures.js";

/** The rule every snapshot keeps. */
function assertAddsUp(m: RuntimeMetrics, when: string): void {
  assert.equal(
    m.tasksSpawned,
    m.tasksCompleted + m.tasksFailed + m.tasksAborted + m.liveTasks,
    `${when}: spawned ${m.tasksSpawned} ≠ completed ${m.tasksCompleted} + failed ${m.tasksFailed} + aborted ${m.tasksAborted} + live ${m.liveTasks}`,
  );
}

type Kind = "value" | "throw" | "sleep" | "park" | "yield" | "spawner";

const body = asyncFn(function* (kind: Kind, ms: number, counts: { grandchildren: number }) {
  switch (kind) {
    case "value":
      return 1;
    case "throw":
      yield* yieldNow();
      throw new Error("task failed on purpose");
    case "sleep":
      yield* sleep(ms);
      return 1;
    case "park":
      yield* sleep(1_000_000);
      return 1;
    case "yield":
      for (let i = 0; i < ms % 5; i++) yield* yieldNow();
      return 1;
    case "spawner": {
      // A grandchild, detached: it counts in the metrics but nobody joins it.
      spawn(sleep(ms)).detach();
      counts.grandchildren++;
      return 1;
    }
  }
});

test("metrics add up at every step of random programs: spawned = completed + failed + aborted + live, each matching what the handles saw", () => {
  const task = fc.record({
    kind: fc.constantFrom<Kind>("value", "throw", "sleep", "park", "yield", "spawner"),
    ms: fc.integer({ min: 1, max: 40 }),
    abortAt: fc.option(fc.nat(4), { nil: undefined }),
  });
  fc.assert(
    fc.property(fc.integer(), fc.array(task, { maxLength: 12 }), (seed, tasks) => {
      const rt = new Runtime({ clock: "virtual", seed });
      const handles: JoinHandle<number>[] = [];
      const seen = { values: 0, failed: 0, cancelled: 0 };
      const counts = { grandchildren: 0 };
      const liveNow = (): number => 1 + handles.filter((h) => !h.isFinished()).length;
      rt.blockOn(
        future(function* () {
          for (const t of tasks) {
            handles.push(spawn(body(t.kind, t.ms, counts)));
            assertAddsUp(rt.metrics(), "after a spawn");
          }
          for (let step = 0; step < 5; step++) {
            yield* step % 2 === 0 ? yieldNow() : sleep(7);
            tasks.forEach((t, i) => {
              if (t.abortAt === step) handles[i]?.abort();
            });
            const m = rt.metrics();
            assertAddsUp(m, `at step ${step}`);
            if (counts.grandchildren === 0) assert.equal(m.liveTasks, liveNow());
          }
          for (const h of handles) if (!h.isFinished()) h.abort(); // the parked ones, at least
          for (const h of handles) {
            try {
              yield* h;
              seen.values++;
            } catch (e) {
              assert.ok(e instanceof JoinError);
              if (e.isCancelled()) seen.cancelled++;
              else seen.failed++;
            }
            assertAddsUp(rt.metrics(), "while joining");
          }
        }),
      );
      const end = rt.metrics();
      const grandchildren = counts.grandchildren;
      assertAddsUp(end, "after blockOn");
      assert.equal(end.tasksSpawned, 1 + tasks.length + grandchildren);
      assert.equal(end.tasksFailed, seen.failed);
      assert.equal(end.liveTasks, end.tasksSpawned - end.tasksCompleted - end.tasksFailed - end.tasksAborted);
      rt.shutdown(); // drops the grandchildren still asleep
      const after = rt.metrics();
      assertAddsUp(after, "after shutdown");
      assert.equal(after.liveTasks, 0);
      // Only grandchildren can still be asleep at the end: shutdown drops them.
      assert.equal(after.tasksAborted, seen.cancelled + end.liveTasks);
      assert.equal(after.tasksCompleted, 1 + seen.values + grandchildren - end.liveTasks);
    }),
    { seed: 6, numRuns: 200 },
  );
});

test("polls and wakes count every poll and every call of a waker, including wakes that queue nothing", () => {
  const rt = new Runtime({ clock: "virtual" });
  rt.blockOn(
    future(function* () {
      yield* yieldNow(); // a self-wake while running: 1 wake, 2 polls
      const h = spawn(sleep(10)); // 2 polls; its timer's wake
      yield* h; // main waits: woken by h finishing
    }),
  );
  const m = rt.metrics();
  assert.equal(m.polls, 3 + 2);
  assert.equal(m.wakes, 3);
  assert.equal(m.timersFired, 1);
  assert.equal(m.pendingTimers, 0);
});

test("runQueueDepth is the queue now and runQueueMaxDepth the deepest it ever was", () => {
  const rt = new Runtime({ clock: "virtual" });
  const inside: RuntimeMetrics[] = [];
  rt.blockOn(
    future(function* () {
      const hs: JoinHandle<void>[] = [];
      for (let i = 0; i < 10; i++) hs.push(spawn(sleep(i + 1)));
      inside.push(rt.metrics());
      for (const h of hs) yield* h;
    }),
  );
  assert.equal(inside[0]?.runQueueDepth, 10, "ten spawned, main running");
  assert.equal(inside[0]?.pendingTimers, 0, "nothing polled yet: sleeps register at their first poll");
  const m = rt.metrics();
  assert.equal(m.runQueueDepth, 0);
  assert.equal(m.runQueueMaxDepth, 10);
});

test("budgetForcedYields counts the polls the budget cut short, inside the runtime's turns and after", () => {
  const rt = new Runtime({ clock: "virtual" });
  let during = -1;
  rt.blockOn(
    future(function* () {
      for (let i = 0; i < 128 * 3 + 10; i++) yield* consumeBudget();
      during = rt.metrics().budgetForcedYields;
    }),
  );
  assert.equal(during, 3);
  assert.equal(rt.metrics().budgetForcedYields, 3);
  const other = new Runtime({ clock: "virtual" });
  other.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.equal(other.metrics().budgetForcedYields, 0, "each runtime counts its own");
});

test("busyMs is undefined unless polls are timed; timed, it adds up the polls' durations", () => {
  assert.equal(new Runtime().metrics().busyMs, undefined);
  let clock = 0;
  const rt = new Runtime({ clock: "virtual", timestamps: () => clock });
  rt.blockOn(
    future(function* () {
      clock += 2;
      yield* sleep(100); // virtual time passes; the fake poll clock does not
      clock += 5;
    }),
  );
  assert.equal(rt.metrics().busyMs, 7);
});

test("a task still waiting counts as live, and shutdown turns it into an aborted one", () => {
  const rt = new Runtime({ clock: "virtual" });
  rt.spawn(never).detach();
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.deepEqual([rt.metrics().liveTasks, rt.metrics().tasksCompleted, rt.metrics().tasksAborted], [1, 1, 0]);
  rt.shutdown();
  assert.deepEqual([rt.metrics().liveTasks, rt.metrics().tasksCompleted, rt.metrics().tasksAborted], [0, 1, 1]);
});
