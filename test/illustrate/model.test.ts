import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { TraceStep } from "../../src/illustrate/index.js";
import { modelRun } from "../../src/illustrate/model.js";
import { asyncFn, awaitable, future, type JoinHandle, Runtime, sleep, spawn, yieldNow } from "../../src/index.js";
import { Gate } from "../support/futures.js";

/** A task that yields `yields` times, sleeps `ms` (virtual) and joins `inner` if given. */
const worker = asyncFn(function* (yields: number, ms: number, inner: JoinHandle<number> | undefined) {
  for (let i = 0; i < yields; i++) yield* yieldNow();
  if (ms > 0) yield* sleep(ms);
  return inner === undefined ? 1 : 1 + (yield* inner);
});

interface Plan {
  readonly seed: number;
  readonly tasks: readonly { yields: number; ms: number; joinsPrevious: boolean; abort: boolean }[];
}

/** Runs a random program on a seeded, virtual-time runtime; returns its trace. */
function record(plan: Plan): TraceStep[] {
  const steps: TraceStep[] = [];
  const rt = new Runtime({ seed: plan.seed, clock: "virtual", trace: (e) => steps.push(e) });
  rt.blockOn(
    future(function* () {
      const handles: JoinHandle<number>[] = [];
      let previous: JoinHandle<number> | undefined;
      for (const [i, t] of plan.tasks.entries()) {
        const h = spawn(worker(t.yields, t.ms, t.joinsPrevious ? previous : undefined), { name: `w${i}` });
        if (t.joinsPrevious)
          previous = undefined; // handed to the new task
        else if (previous !== undefined) handles.push(previous);
        previous = h;
      }
      if (previous !== undefined) handles.push(previous);
      yield* yieldNow();
      plan.tasks.forEach((t, i) => {
        if (t.abort) handles[i]?.abort();
      });
      for (const h of handles) {
        try {
          yield* h;
        } catch {}
      }
    }),
  );
  rt.shutdown();
  return steps;
}

const plans = fc.record({
  seed: fc.integer({ min: 0, max: 1000 }),
  tasks: fc.array(
    fc.record({
      yields: fc.integer({ min: 0, max: 3 }),
      ms: fc.integer({ min: 0, max: 50 }),
      joinsPrevious: fc.boolean(),
      abort: fc.boolean(),
    }),
    { maxLength: 6 },
  ),
});

test("every task the executor polls or drops was in the replayed run queue, for any program and seed", () => {
  fc.assert(
    fc.property(plans, (plan) => {
      const trace = record(plan);
      const model = modelRun(trace);
      trace.forEach((event, i) => {
        if (event.kind !== "poll" && event.kind !== "drop") return;
        const before = model.queues[i - 1] ?? [];
        // A drop at shutdown may find the task parked rather than queued.
        if (event.kind === "poll")
          assert.ok(before.includes(event.task), `#${event.task} polled at step ${i + 1} but not queued`);
        assert.ok(!(model.queues[i] ?? []).includes(event.task), `#${event.task} still queued after its turn`);
      });
      assert.deepEqual(model.queues.at(-1) ?? [], [], "the queue is empty once the runtime has shut down");
    }),
    { numRuns: 150 },
  );
});

test("each task's segments tile its life without gaps, and it ends as the trace says", () => {
  fc.assert(
    fc.property(plans, (plan) => {
      const model = modelRun(record(plan));
      for (const task of model.tasks) {
        assert.ok(task.segments.length > 0);
        task.segments.forEach((seg, i) => {
          assert.ok(seg.start <= seg.end);
          const next = task.segments[i + 1];
          if (next !== undefined) assert.equal(next.start, seg.end, `#${task.id}: a gap between segments`);
        });
        assert.equal(task.segments[0]?.start, task.firstStep);
        assert.equal(task.segments.at(-1)?.end, task.endStep);
        assert.ok(task.outcome !== undefined, `#${task.id} never ended`);
        assert.equal(task.polls, task.segments.filter((s) => s.state === "running").length);
      }
      const { counts } = model;
      assert.equal(
        counts.tasks,
        counts.ready + counts.failed + counts.cancelled,
        "spawned = ready + failed + cancelled",
      );
    }),
    { numRuns: 150 },
  );
});

test("each wake comes from where its cause says: the task itself, a timer, the host", async () => {
  const steps: TraceStep[] = [];
  // Virtual time: on the real clock a loaded machine can pass the sleep's
  // deadline before the sleep registers, and then no timer wakes it.
  const rt = new Runtime({ clock: "virtual", trace: (e) => steps.push(e) });
  const gate = new Gate<void>();
  await rt.run(
    future(function* () {
      yield* yieldNow(); // woken by itself
      yield* sleep(1); // woken by the timer wheel
      setTimeout(() => gate.open(), 1);
      yield* awaitable(gate); // woken by a host callback
    }),
  );
  const model = modelRun(steps);
  assert.deepEqual(
    model.wakes.map((w) => [w.task, w.by, w.queued]),
    [
      [1, 1, false],
      [1, "timer", true],
      [1, "host", true],
    ],
  );
  assert.deepEqual(
    model.lanes.map((l) => l.key),
    ["task-1", "executor", "waker", "timer", "host"],
  );
  // The timer's firing is drawn on the timers' lane, before the wake it causes.
  const fired = model.messages.findIndex((m) => m.from === "timer" && m.to === "timer");
  assert.ok(fired >= 0);
  assert.deepEqual([model.messages[fired + 1]?.from, model.messages[fired + 1]?.label], ["timer", "wake() #1 main"]);
});

test("a note without a task is said by the host, and brings the host's lane", () => {
  const model = modelRun([{ kind: "note", text: "hello" }]);
  assert.deepEqual(
    model.lanes.map((l) => l.key),
    ["executor", "waker", "host"],
  );
  assert.deepEqual(
    model.messages.map((m) => [m.from, m.to, m.label]),
    [["host", "host", "hello"]],
  );
});
