// CancellationToken.runUntilCancelled (tokio-util's run_until_cancelled).

import assert from "node:assert/strict";
import { test } from "node:test";
import { CancellationToken, future, mpsc, PENDING, sleep, spawn, yieldNow } from "../../src/index.js";
import { countingContext, Gate } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

test("a dropped runUntilCancelled drops the work and leaves the token's wait list: cancelling later wakes nobody", () => {
  const token = new CancellationToken();
  const work = new Gate<number>();
  const { cx, wakes } = countingContext();
  const f = token.runUntilCancelled(work);
  assert.equal(f.poll(cx), PENDING);
  f[Symbol.dispose]();
  f[Symbol.dispose]();
  assert.equal(work.disposed, 1);
  token.cancel();
  assert.equal(wakes(), 0);
});

test("cancelling the token drops the work (its finally runs) and yields undefined", () => {
  let cleaned = false;
  const out = virtual().blockOn(
    future(function* () {
      const token = new CancellationToken();
      const h = spawn(
        token.runUntilCancelled(
          future(function* () {
            try {
              yield* sleep(1000);
              return "done";
            } finally {
              cleaned = true;
            }
          }),
        ),
      );
      yield* sleep(10);
      token.cancel();
      return yield* h;
    }),
  );
  assert.equal(out, undefined);
  assert.ok(cleaned);
});

test("a cancelled parent cancels a child's runUntilCancelled", () => {
  const out = virtual().blockOn(
    future(function* () {
      const parent = new CancellationToken();
      const child = parent.child();
      const h = spawn(child.runUntilCancelled(sleep(1000)));
      yield* yieldNow();
      parent.cancel();
      return [yield* h, child.isCancelled];
    }),
  );
  assert.deepEqual(out, [undefined, true]);
});

test("a value that is ready wins over a cancellation seen in the same poll, even on a token cancelled before", () => {
  const token = new CancellationToken();
  token.cancel();
  const { cx } = countingContext();
  const [tx, rx] = mpsc.unbounded<string>();
  tx.send("kept");
  assert.equal(token.runUntilCancelled(rx.recv()).poll(cx), "kept", "the message is not lost");
  assert.equal(token.runUntilCancelled(rx.recv()).poll(cx), undefined, "nothing ready: cancelled");
});

test("the work's error propagates and leaves nothing registered", () => {
  const token = new CancellationToken();
  const { cx, wakes } = countingContext();
  const f = token.runUntilCancelled({
    poll: () => {
      throw new Error("work failed");
    },
  });
  assert.throws(() => f.poll(cx), /work failed/);
  token.cancel();
  assert.equal(wakes(), 0);
  assert.throws(() => f.poll(cx), /after it completed/);
});

test("the work finishing first yields its value; runUntilCancelled refuses a non-future", () => {
  const out = virtual().blockOn(
    future(function* () {
      const token = new CancellationToken();
      return yield* token.runUntilCancelled(
        future(function* () {
          yield* sleep(5);
          return 42;
        }),
      );
    }),
  );
  assert.equal(out, 42);
  assert.throws(
    () => new CancellationToken().runUntilCancelled(Promise.resolve(1) as never),
    (e: unknown) => e instanceof TypeError && /must be a future/.test(e.message),
  );
});

test("rt.dump() names what the work waits on", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const token = new CancellationToken();
      const h = spawn(token.runUntilCancelled(sleep(500)));
      yield* yieldNow();
      assert.match(String(rt.dump()), /runUntilCancelled of Sleep\(until 500 ms\)/);
      token.cancel();
      yield* h;
    }),
  );
});
