// tokio's watch::Sender is Clone: the channel stays open until the last
// sender is dropped.

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, RecvError, Runtime, watch } from "../../src/index.js";

test("a cloned watch sender sends too, and changed() throws RecvError only once every sender is dropped", () => {
  const [tx, rx] = watch(0);
  const tx2 = tx.clone();
  const seen = new Runtime().blockOn(
    future(function* () {
      const got: unknown[] = [];
      tx2.send(1);
      yield* rx.changed();
      got.push(rx.borrowAndUpdate());
      tx[Symbol.dispose]();
      tx[Symbol.dispose](); // idempotent: counts once
      tx2.send(2); // the clone keeps the channel open
      yield* rx.changed();
      got.push(rx.borrowAndUpdate());
      assert.equal(rx.hasChanged(), false);
      tx2[Symbol.dispose]();
      try {
        yield* rx.changed();
      } catch (error) {
        got.push(error instanceof RecvError ? "closed" : error);
      }
      return got;
    }),
  );
  assert.deepEqual(seen, [1, 2, "closed"]);
  assert.throws(() => tx.clone(), /disposed|dropped/);
});
