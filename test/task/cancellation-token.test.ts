import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { CancellationToken, future, now, PENDING, select, sleep, spawn } from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

// --- ugly paths first ----------------------------------------------------------

test("a dropped cancelled() leaves the wait list: cancel then wakes nobody stale", () => {
  const token = new CancellationToken();
  const kept = countingContext();
  const dropped = countingContext();
  const a = token.cancelled();
  const b = token.cancelled();
  assert.equal(a.poll(kept.cx), PENDING);
  assert.equal(b.poll(dropped.cx), PENDING);
  b[Symbol.dispose]();
  b[Symbol.dispose]();
  token.cancel();
  assert.equal(kept.wakes(), 1);
  assert.equal(dropped.wakes(), 0);
  assert.equal(a.poll(kept.cx), undefined);
});

test("a cancelled() that loses a select loop over and over leaves nothing behind, and wins once cancelled", () => {
  const rt = virtual();
  const token = new CancellationToken();
  const ticks = rt.blockOn(
    future(function* () {
      spawn(
        future(function* () {
          yield* sleep(1000);
          token.cancel();
        }),
      ).detach();
      let n = 0;
      for (;;) {
        const r = yield* select(token.cancelled(), sleep(10));
        if (r.index === 0) return n;
        n++;
      }
    }),
  );
  assert.equal(ticks, 99, "ticks at 10, 20, …, 990; the tick at 1000 ties with the cancel and the cancel is seen");
});

test("cancelling the parent cancels children and grandchildren; cancelling a child never reaches the parent", () => {
  const root = new CancellationToken();
  const a = root.child();
  const b = root.child();
  const a1 = a.child();
  a.cancel();
  assert.deepEqual([root.isCancelled, a.isCancelled, a1.isCancelled, b.isCancelled], [false, true, true, false]);
  const wait = b.cancelled();
  const { cx, wakes } = countingContext();
  wait.poll(cx);
  root.cancel();
  root.cancel();
  assert.deepEqual([root.isCancelled, b.isCancelled], [true, true]);
  assert.equal(wakes(), 1, "a child's waiter is woken by the parent's cancel, once");
});

test("a child of a cancelled token is born cancelled", () => {
  const t = new CancellationToken();
  t.cancel();
  const c = t.child();
  assert.equal(c.isCancelled, true);
  assert.equal(c.cancelled().poll(countingContext().cx), undefined);
});

test("a disposed child is unlinked in O(1): its parent no longer cancels it, and a long-lived parent does not keep it", () => {
  const parent = new CancellationToken();
  const keep = parent.child();
  for (let i = 0; i < 100_000; i++) {
    using _c = parent.child(); // made and released: nothing accumulates
  }
  const released = parent.child();
  released[Symbol.dispose]();
  released[Symbol.dispose]();
  parent.cancel();
  assert.equal(keep.isCancelled, true);
  assert.equal(released.isCancelled, false, "released: the parent forgot it");
  released.cancel();
  assert.equal(released.isCancelled, true, "it still works on its own");
});

test("cancelling a chain of 100,000 tokens does not overflow the stack", () => {
  const root = new CancellationToken();
  let t = root;
  for (let i = 0; i < 100_000; i++) t = t.child();
  root.cancel();
  assert.equal(t.isCancelled, true);
});

// --- drop guard ----------------------------------------------------------------

test("a drop guard cancels its token when disposed, however the block is left; disarm gives the token back", () => {
  const a = new CancellationToken();
  assert.throws(() => {
    using _g = a.dropGuard();
    throw new Error("left by a throw");
  });
  assert.equal(a.isCancelled, true);

  const b = new CancellationToken();
  {
    using g = b.dropGuard();
    assert.equal(g.disarm(), b);
    assert.throws(() => g.disarm(), /already disarmed/);
  }
  assert.equal(b.isCancelled, false);

  const c = new CancellationToken();
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const r = yield* select(
        future(function* () {
          using _g = c.dropGuard();
          yield* sleep(100);
        }),
        sleep(10),
      );
      assert.equal(r.index, 1);
    }),
  );
  assert.equal(c.isCancelled, true, "a dropped future's guard cancels too");
});

// --- AbortSignal bridge --------------------------------------------------------

test("toAbortSignal: one signal per token, aborted when the token is cancelled (at once if it was)", () => {
  const t = new CancellationToken();
  const s = t.toAbortSignal();
  assert.equal(t.toAbortSignal(), s);
  assert.equal(s.aborted, false);
  t.child().cancel();
  assert.equal(s.aborted, false);
  t.cancel();
  assert.equal(s.aborted, true);
  const done = new CancellationToken();
  done.cancel();
  assert.equal(done.toAbortSignal().aborted, true);
  const parent = new CancellationToken();
  const childSignal = parent.child().toAbortSignal();
  parent.cancel();
  assert.equal(childSignal.aborted, true, "a child's signal aborts with the parent");
});

test("fromAbortSignal: cancelled when the signal aborts; the listener is removed on abort, cancel or dispose", () => {
  const c1 = new AbortController();
  const t1 = CancellationToken.fromAbortSignal(c1.signal);
  assert.equal(getEventListeners(c1.signal, "abort").length, 1);
  c1.abort();
  assert.equal(t1.isCancelled, true);
  assert.equal(getEventListeners(c1.signal, "abort").length, 0);

  const long = new AbortController(); // a server's shutdown signal, say
  for (let i = 0; i < 1000; i++) {
    using _t = CancellationToken.fromAbortSignal(long.signal);
  }
  const cancelled = CancellationToken.fromAbortSignal(long.signal);
  cancelled.cancel();
  assert.equal(getEventListeners(long.signal, "abort").length, 0, "disposed and cancelled tokens stop listening");

  const aborted = new AbortController();
  aborted.abort();
  const t3 = CancellationToken.fromAbortSignal(aborted.signal);
  assert.equal(t3.isCancelled, true);
  assert.equal(getEventListeners(aborted.signal, "abort").length, 0);
});

test("round trip: token → signal → token", () => {
  const a = new CancellationToken();
  const b = CancellationToken.fromAbortSignal(a.toAbortSignal());
  const rt = virtual();
  const at = rt.blockOn(
    future(function* () {
      spawn(
        future(function* () {
          yield* sleep(25);
          a.cancel();
        }),
      ).detach();
      yield* b.cancelled();
      return now().ms;
    }),
  );
  assert.equal(at, 25);
});

test("fromAbortSignal with something that is not an AbortSignal is a TypeError", () => {
  assert.throws(
    () => CancellationToken.fromAbortSignal({} as AbortSignal),
    (e: unknown) => e instanceof TypeError && /signal must be an AbortSignal/.test(e.message),
  );
});
