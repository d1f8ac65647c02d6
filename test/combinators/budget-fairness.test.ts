// The cooperative budget through the combinators: a select whose branch is
// always ready still yields once the budget is spent (tokio's select!), and
// a join rotates which branch it polls first, so a branch that spends the
// whole budget each poll cannot starve its siblings (tokio's join!).

import assert from "node:assert/strict";
import { test } from "node:test";
import { type Context, consumeBudget, future, join, type Poll, Runtime, select, tryJoin } from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";

/** Ready at once and spends no budget: a hand-written leaf that forgot the rule. */
const readyNow = { poll: (_cx: Context): Poll<number> => 1 };

test("a loop over a select with an always-ready branch yields once the budget is spent", () => {
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    yield* select(consumeBudget(), readyNow);
  });
  assert.ok(seenAt >= 0 && seenAt <= 1000, `the other task ran after ${seenAt} selects`);
});

test("a select polled with its budget spent returns Pending and wakes its task", () => {
  const rt = new Runtime();
  const out = rt.blockOn(
    future(function* () {
      for (let i = 0; i < 128; i++) yield* consumeBudget();
      // The budget is spent: this select must not run a branch now.
      const r = yield* select(readyNow, { poll: (_cx: Context): Poll<number> => 2 });
      return r.value;
    }),
  );
  assert.equal(out, 1);
  assert.ok(rt.metrics().budgetForcedYields >= 1);
});

for (const [name, combine] of [
  ["join", join],
  ["tryJoin", tryJoin],
] as const) {
  test(`${name} rotates which branch it polls first: a branch that spends the whole budget each poll does not starve its sibling`, () => {
    let greedyRounds = 0;
    let siblingDoneAt = -1;
    const greedy = future(function* () {
      while (siblingDoneAt < 0 && greedyRounds < 20_000) {
        yield* consumeBudget();
        greedyRounds++;
      }
    });
    const sibling = future(function* () {
      yield* consumeBudget();
      siblingDoneAt = greedyRounds;
    });
    new Runtime().blockOn(
      future(function* () {
        yield* combine(greedy, sibling);
      }),
    );
    assert.ok(siblingDoneAt >= 0 && siblingDoneAt <= 1000, `the sibling finished after ${siblingDoneAt} greedy rounds`);
  });
}
