// tokio's rule for timeout: when the inner future used up the budget, the
// timer is still polled (with the budget unconstrained), so a timeout
// fires even around a future that keeps the task busy.

import assert from "node:assert/strict";
import { test } from "node:test";
import { consumeBudget, future, Runtime, spawn, TimeoutError, time, timeout, yieldNow } from "../../src/index.js";

test("timeout(d, f) fires even when f exhausts the budget on every poll", () => {
  let rounds = 0;
  const greedy = future(function* () {
    // Spends the whole budget each poll; gives up after a bound so a
    // broken timeout ends the test instead of hanging it.
    while (rounds < 100_000) {
      yield* consumeBudget();
      rounds++;
    }
    return "the timer starved";
  });
  const outcome = new Runtime({ clock: "virtual" }).blockOn(
    future(function* () {
      // The greedy task never lets the runtime idle, so virtual time moves
      // only when told: another task moves it past the deadline.
      spawn(
        future(function* () {
          yield* yieldNow();
          time.advance(10);
        }),
      ).detach();
      try {
        return yield* timeout(5, greedy);
      } catch (error) {
        return error;
      }
    }),
  );
  assert.ok(outcome instanceof TimeoutError, `the timeout never fired: got ${String(outcome)} after ${rounds} rounds`);
});
