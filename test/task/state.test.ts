// The task state word, driven through its named transitions by random
// sequences of what can happen to a task (wakes from anywhere, aborts,
// turns that end Pending, Ready or by throwing, detach), against a model
// run queue. The rules hold for every sequence: a task is in the run queue
// exactly when its word says SCHEDULED, so it is queued at most once; it
// is never queued and running at once; no wake is lost (a wake during a
// poll re-queues it after); nothing changes a completed task but
// detach/take.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  ending,
  isAborting,
  isComplete,
  isScheduled,
  LATER,
  NOTHING,
  QUEUE,
  REQUEUE,
  SPAWNED,
  type StateCell,
  stateName,
  transitionToAborted,
  transitionToComplete,
  transitionToDetached,
  transitionToIdle,
  transitionToNotified,
  transitionToRunning,
} from "../../src/task/state.js";

type Step =
  | { kind: "wake" }
  | { kind: "abort" }
  | { kind: "turn"; wakeDuring: boolean; outcome: "pending" | "ready" | "throw" }
  | { kind: "detach" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: "wake" }),
  fc.constant<Step>({ kind: "abort" }),
  fc.constant<Step>({ kind: "detach" }),
  fc.record({
    kind: fc.constant("turn" as const),
    wakeDuring: fc.boolean(),
    outcome: fc.constantFrom("pending" as const, "ready" as const, "throw" as const),
  }),
);

/** Plays `steps` on one task cell and a model run queue; checks the rules after each. */
function play(steps: readonly Step[]): void {
  const cell: StateCell = { state: SPAWNED };
  let queued = 1; // spawn queues it
  let wokenSinceLastTurn = false;
  for (const s of steps) {
    const before = cell.state;
    if (s.kind === "wake") {
      const t = transitionToNotified(cell);
      if (t === QUEUE) queued++;
      if (!isComplete(before)) wokenSinceLastTurn = true;
      if (isComplete(before)) assert.equal(t, NOTHING, "a wake after completion changes nothing");
      if (isScheduled(before)) assert.equal(t, NOTHING, "a queued task is not queued twice");
    } else if (s.kind === "abort") {
      const t = transitionToAborted(cell);
      if (t === QUEUE) queued++;
      if (isComplete(before)) assert.equal(t, NOTHING);
    } else if (s.kind === "detach") {
      const first = transitionToDetached(cell);
      assert.equal(transitionToDetached(cell), false, "detach is idempotent");
      void first;
    } else {
      if (queued === 0) continue; // only a queued task gets a turn
      queued--;
      if (isComplete(cell.state)) continue; // dropped while queued: its turn does nothing
      wokenSinceLastTurn = false;
      const aborting = isAborting(cell.state);
      transitionToRunning(cell);
      assert.equal(stateName(cell.state), "running");
      assert.ok(!isScheduled(cell.state), "never queued and running at once");
      if (s.wakeDuring) {
        assert.equal(transitionToNotified(cell), LATER, "a wake during the poll is deferred, not queued");
        assert.equal(transitionToNotified(cell), NOTHING, "a second wake during the poll adds nothing");
        wokenSinceLastTurn = true;
      }
      if (aborting) {
        transitionToComplete(cell, "cancelled");
      } else if (s.outcome === "pending") {
        const after = transitionToIdle(cell);
        if (wokenSinceLastTurn) assert.equal(after, REQUEUE, "a wake during the poll is not lost");
        if (after === REQUEUE) queued++;
      } else {
        transitionToComplete(cell, s.outcome === "ready" ? "ready" : "failed");
      }
    }
    // The rules, after every step.
    assert.equal(queued, isScheduled(cell.state) ? 1 : 0, "in the run queue exactly when SCHEDULED");
    if (isComplete(cell.state)) {
      assert.ok(ending(cell.state) !== undefined);
      assert.ok(!isScheduled(cell.state) && stateName(cell.state) !== "running");
    }
  }
}

test("every sequence of wakes, aborts, turns and detaches keeps the state word's rules", () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => play(steps)),
    { numRuns: 2000 },
  );
});

test("a wake during the task's own poll re-queues it after the poll, once", () => {
  const cell: StateCell = { state: SPAWNED };
  transitionToRunning(cell);
  assert.equal(transitionToNotified(cell), LATER);
  assert.equal(transitionToIdle(cell), REQUEUE);
  assert.ok(isScheduled(cell.state));
  assert.equal(transitionToNotified(cell), NOTHING);
});

test("an abort of an idle task queues it once and its turn is a drop", () => {
  const cell: StateCell = { state: SPAWNED };
  transitionToRunning(cell);
  transitionToIdle(cell);
  assert.equal(transitionToAborted(cell), QUEUE);
  assert.equal(transitionToAborted(cell), NOTHING);
  assert.equal(transitionToNotified(cell), NOTHING, "already queued");
  assert.ok(isAborting(cell.state));
  assert.equal(stateName(cell.state), "aborting");
});

test("completion keeps only what the handle still needs to know", () => {
  const cell: StateCell = { state: SPAWNED };
  transitionToDetached(cell);
  transitionToRunning(cell);
  transitionToNotified(cell);
  transitionToComplete(cell, "failed");
  assert.equal(ending(cell.state), "failed");
  assert.equal(transitionToDetached(cell), false, "still detached");
  assert.equal(transitionToNotified(cell), NOTHING);
  assert.equal(transitionToAborted(cell), NOTHING);
});
