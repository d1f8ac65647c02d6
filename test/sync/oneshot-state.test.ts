// oneshot: isTerminated and isEmpty, as tokio's is_terminated and is_empty.

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, oneshot, PENDING, RecvError, Runtime, spawn, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";

test("a receiver whose sender was dropped unsent is empty, and terminated only once it reported RecvError", () => {
  const [tx, rx] = oneshot<number>();
  tx[Symbol.dispose]();
  assert.deepEqual([rx.isEmpty, rx.isTerminated], [true, false]);
  assert.throws(() => rx.tryRecv(), RecvError);
  assert.deepEqual([rx.isEmpty, rx.isTerminated], [true, true]);
});

test("a dropped await of the receiver drops the value with it: the receiver is empty afterwards", () => {
  const [tx, rx] = oneshot<string>();
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(rx);
      yield* yieldNow();
      h.abort();
      yield* yieldNow();
      assert.throws(() => tx.send("late"), /closed|dropped/);
    }),
  );
  assert.equal(rx.isEmpty, true);
  assert.equal(rx.isTerminated, false, "it never gave an outcome");
});

test("a closed receiver keeps a value sent before close: not empty, not terminated until taken", () => {
  const [tx, rx] = oneshot<number>();
  const { cx } = countingContext();
  assert.equal(rx.poll(cx), PENDING);
  assert.deepEqual([rx.isEmpty, rx.isTerminated], [true, false]);
  tx.send(5);
  rx.close();
  assert.deepEqual([rx.isEmpty, rx.isTerminated], [false, false]);
  assert.equal(rx.poll(cx), 5);
  assert.deepEqual([rx.isEmpty, rx.isTerminated], [true, true]);
});

test("a value that is undefined still makes the receiver non-empty", () => {
  const [tx, rx] = oneshot<undefined>();
  tx.send(undefined);
  assert.equal(rx.isEmpty, false);
  assert.equal(rx.tryRecv(), undefined);
  assert.equal(rx.isTerminated, true);
});
