// tokio's rule: every waiting operation spends budget, also when it fails
// or ends. A loop that retries an operation failing at once (a closed
// channel, a closed semaphore) must still let the other tasks run.

import assert from "node:assert/strict";
import { test } from "node:test";
import { mpsc, oneshot, Semaphore, watch } from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";

/** Within about one budget (128), the other task got its turn. */
function assertYields(seenAt: number, what: string): void {
  assert.ok(seenAt >= 0 && seenAt <= 129, `the other task ran after ${seenAt} ${what}`);
}

test("watch changed() on a channel whose sender is gone spends budget as it throws", () => {
  const [tx, rx] = watch(0);
  tx[Symbol.dispose]();
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    try {
      yield* rx.changed();
    } catch {}
  });
  assertYields(seenAt, "failed changed() calls");
});

test("Semaphore.acquire() on a closed semaphore spends budget as it throws", () => {
  const sem = new Semaphore(1);
  sem.close();
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    try {
      yield* sem.acquire();
    } catch {}
  });
  assertYields(seenAt, "failed acquires");
});

test("mpsc send() and reserve() on a closed channel spend budget as they throw", () => {
  const [tx, rx] = mpsc.channel<number>(4);
  rx.close();
  assertYields(
    roundsBeforeOtherTaskRuns(function* () {
      try {
        yield* tx.send(1);
      } catch {}
    }),
    "failed sends",
  );
  assertYields(
    roundsBeforeOtherTaskRuns(function* () {
      try {
        using _permit = yield* tx.reserve();
      } catch {}
    }),
    "failed reserves",
  );
});

test("a oneshot receive whose sender is gone spends budget as it throws", () => {
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    const [tx, rx] = oneshot<number>();
    tx[Symbol.dispose]();
    try {
      yield* rx;
    } catch {}
  });
  assertYields(seenAt, "failed receives");
});
