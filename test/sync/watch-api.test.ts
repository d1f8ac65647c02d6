// watch: sendIfModified, markChanged/markUnchanged, waitFor and subscribe,
// as tokio's send_if_modified, mark_changed/mark_unchanged, wait_for and
// Sender::subscribe behave.

import assert from "node:assert/strict";
import { test } from "node:test";
import { BUDGET, future, PENDING, RecvError, spawn, watch, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

// --- waitFor ------------------------------------------------------------------

test("a dropped waitFor leaves no waiter behind and is never woken; the values it refused stay seen", () => {
  const [tx, rx] = watch(0);
  const { cx, wakes } = countingContext();
  const f = rx.waitFor((v) => v >= 10);
  assert.equal(f.poll(cx), PENDING);
  tx.send(1);
  assert.equal(wakes(), 1);
  assert.equal(f.poll(cx), PENDING, "1 is refused");
  f[Symbol.dispose]();
  f[Symbol.dispose]();
  tx.send(2);
  assert.equal(wakes(), 1, "a dropped waitFor is not woken");
  assert.equal(rx.hasChanged(), true, "2 was never checked");
  rx.borrowAndUpdate();
  tx.send(3);
  rx.markUnchanged();
  assert.equal(rx.hasChanged(), false);
});

test("waitFor throws RecvError when the sender is dropped after the last value was refused, having checked that value", () => {
  const checked: number[] = [];
  const out = virtual().blockOn(
    future(function* () {
      const [tx, rx] = watch(0);
      const h = spawn(
        future(function* () {
          try {
            yield* rx.waitFor((v) => {
              checked.push(v);
              return v > 100;
            });
            return "found";
          } catch (e) {
            return e instanceof RecvError ? "closed" : e;
          }
        }),
      );
      yield* yieldNow();
      tx.send(5);
      tx[Symbol.dispose]();
      return yield* h;
    }),
  );
  assert.equal(out, "closed");
  assert.deepEqual(checked, [0, 5], "the last value was checked before the error");
});

test("waitFor on a closed channel still yields a current value that passes", () => {
  const [tx, rx] = watch("ready");
  tx[Symbol.dispose]();
  const { cx } = countingContext();
  assert.equal(rx.waitFor((v) => v === "ready").poll(cx), "ready");
  assert.throws(() => rx.waitFor((v) => v === "other").poll(cx), RecvError);
});

test("waitFor checks the current value even when it was already seen, and marks each checked value seen", () => {
  const [tx, rx] = watch(7);
  const { cx } = countingContext();
  rx.borrowAndUpdate();
  assert.equal(rx.waitFor((v) => v === 7).poll(cx), 7);
  tx.send(8);
  assert.equal(rx.hasChanged(), true);
  assert.equal(rx.waitFor((v) => v === 8).poll(cx), 8);
  assert.equal(rx.hasChanged(), false, "the value it returned is seen");
});

test("a predicate that throws propagates its error and leaves no waiter behind", () => {
  const [tx, rx] = watch(0);
  const { cx, wakes } = countingContext();
  const f = rx.waitFor((v) => {
    if (v === 1) throw new Error("bad value");
    return false;
  });
  assert.equal(f.poll(cx), PENDING);
  tx.send(1);
  assert.throws(() => f.poll(cx), /bad value/);
  tx.send(2);
  assert.equal(wakes(), 1);
  assert.throws(() => f.poll(cx), /after it completed/);
});

test("waitFor wakes on each send until the predicate passes", () => {
  const got = virtual().blockOn(
    future(function* () {
      const [tx, rx] = watch(0);
      const h = spawn(rx.waitFor((v) => v === 3));
      for (let i = 1; i <= 5; i++) {
        yield* yieldNow();
        tx.send(i);
      }
      return yield* h;
    }),
  );
  assert.equal(got, 3);
});

test("waitFor spends budget per value checked: a loop of passing waitFors still yields", () => {
  virtual().blockOn(
    future(function* () {
      const [, rx] = watch(1);
      let other = 0;
      const h = spawn(
        future(function* () {
          other++;
        }),
      );
      for (let i = 0; i < BUDGET * 2; i++) yield* rx.waitFor((v) => v === 1);
      assert.equal(other, 1, "the other task ran during the loop");
      yield* h;
    }),
  );
});

test("waitFor refuses a non-function predicate", () => {
  const [, rx] = watch(0);
  assert.throws(
    () => rx.waitFor(5 as never),
    (e: unknown) => e instanceof TypeError && /predicate must be a function/.test(e.message),
  );
});

// --- sendIfModified -------------------------------------------------------------

test("sendIfModified wakes nobody when modify says nothing changed, and everybody when it did", () => {
  const [tx, rx] = watch({ n: 0 });
  const { cx, wakes } = countingContext();
  const changed = rx.changed();
  assert.equal(changed.poll(cx), PENDING);
  assert.equal(
    tx.sendIfModified(() => false),
    false,
  );
  assert.equal(wakes(), 0);
  assert.equal(rx.hasChanged(), false);
  assert.equal(
    tx.sendIfModified((s) => {
      s.n = 1;
      return true;
    }),
    true,
  );
  assert.equal(wakes(), 1);
  assert.equal(changed.poll(cx), undefined);
  assert.equal(rx.borrow().n, 1);
});

test("sendIfModified works with no receivers; a throwing or non-boolean modify notifies nobody", () => {
  const [tx, rx] = watch({ n: 0 });
  const rx2 = tx.subscribe();
  assert.throws(
    () =>
      tx.sendIfModified((s) => {
        s.n = 5;
        throw new Error("half done");
      }),
    /half done/,
  );
  assert.equal(rx2.hasChanged(), false);
  assert.equal(rx2.borrow().n, 5, "what it changed before throwing stays changed");
  assert.throws(() => tx.sendIfModified((() => 1) as never), /must return true .* or false/);
  assert.throws(() => tx.sendIfModified("x" as never), /modify must be a function/);
  rx[Symbol.dispose]();
  rx2[Symbol.dispose]();
  assert.equal(
    tx.sendIfModified((s) => {
      s.n = 9;
      return true;
    }),
    true,
  );
  assert.equal(tx.borrow().n, 9);
});

// --- markChanged / markUnchanged / subscribe ------------------------------------------

test("markChanged makes the next changed() ready at once; markUnchanged makes it wait", () => {
  const [tx, rx] = watch("a");
  const { cx } = countingContext();
  rx.markChanged();
  assert.equal(rx.hasChanged(), true);
  assert.equal(rx.changed().poll(cx), undefined);
  tx.send("b");
  rx.markUnchanged();
  assert.equal(rx.changed().poll(cx), PENDING);
});

test("markChanged after the sender is dropped lets changed() report the value once, then RecvError", () => {
  const [tx, rx] = watch(1);
  const { cx } = countingContext();
  tx[Symbol.dispose]();
  rx.markChanged();
  assert.equal(rx.changed().poll(cx), undefined);
  assert.throws(() => rx.changed().poll(cx), RecvError);
});

test("a receiver from subscribe() has seen the current value; a dropped sender refuses to subscribe", () => {
  const [tx] = watch(1);
  tx.send(2);
  const rx = tx.subscribe();
  assert.equal(rx.hasChanged(), false);
  assert.equal(rx.borrow(), 2);
  tx[Symbol.dispose]();
  assert.throws(() => tx.subscribe(), /already disposed/);
});
