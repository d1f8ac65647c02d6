// tryJoinNext() does not wait, so the cooperative budget has no say in it:
// with the budget spent it still hands out every task that has finished.

import assert from "node:assert/strict";
import { test } from "node:test";
import { consumeBudget, future, JoinSet, Runtime, remainingBudget, yieldNow } from "../../src/index.js";

test("tryJoinNext() hands out every finished task even when the budget is spent", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      for (let i = 0; i < 1000; i++)
        set.spawn(
          future(function* () {
            return i;
          }),
        );
      yield* yieldNow(); // every task runs and finishes
      while (remainingBudget() > 0) yield* consumeBudget(); // spends the rest of this poll's budget
      assert.equal(remainingBudget(), 0);
      let n = 0;
      while (set.tryJoinNext() !== undefined) n++;
      return n;
    }),
  );
  assert.equal(got, 1000);
});
