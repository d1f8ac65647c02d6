// tokio's rule: a permit keeps the mpsc channel open. While one is out the
// receiver's recv() waits for it, so isClosed must not say the channel is
// closed either.

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, mpsc, Runtime } from "../../src/index.js";

test("rx.isClosed is false while an outstanding permit can still send, and true once it is used", () => {
  const [tx, rx] = mpsc.channel<string>(2);
  const got = new Runtime().blockOn(
    future(function* () {
      const permit = yield* tx.reserve();
      tx[Symbol.dispose](); // the last sender is gone; the permit is not
      assert.equal(rx.isClosed, false, "a permit can still send");
      permit.send("late");
      assert.equal(rx.isClosed, true);
      return [yield* rx.recv(), yield* rx.recv()];
    }),
  );
  assert.deepEqual(got, ["late", undefined]);
});

test("rx.isClosed turns true when the last outstanding permit is dropped unused", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  new Runtime().blockOn(
    future(function* () {
      const permit = yield* tx.reserve();
      tx[Symbol.dispose]();
      assert.equal(rx.isClosed, false);
      permit[Symbol.dispose]();
      assert.equal(rx.isClosed, true);
    }),
  );
});
