import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  awaitable,
  type Context,
  future,
  JoinError,
  now,
  PENDING,
  type Poll,
  sleep,
  spawn,
  TimeoutError,
  timeout,
  yieldNow,
} from "../../src/index.js";
import { Gate } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

test("timeout gives the inner value when it finishes in time, and leaves no timer behind", () => {
  const rt = virtual();
  const v = rt.blockOn(
    future(function* () {
      const out = yield* timeout(
        100,
        future(function* () {
          yield* sleep(40);
          return "in time";
        }),
      );
      assert.equal(rt.metrics().pendingTimers, 0);
      return [out, now().ms];
    }),
  );
  assert.deepEqual(v, ["in time", 40]);
});

test("when time runs out, timeout drops the inner future (its finally runs) and throws TimeoutError", () => {
  const rt = virtual();
  const log: string[] = [];
  const err = rt.blockOn(
    future(function* () {
      try {
        yield* timeout(
          50,
          future(function* () {
            try {
              yield* sleep(1000);
            } finally {
              log.push(`inner dropped at ${now().ms}`);
            }
          }),
        );
      } catch (e) {
        assert.equal(rt.metrics().pendingTimers, 0, "neither the limit nor the inner sleep is left in the wheel");
        return e;
      }
    }),
  );
  assert.ok(err instanceof TimeoutError);
  assert.equal(err.ms, 50);
  assert.match(err.message, /timed out after 50 ms/);
  assert.deepEqual(log, ["inner dropped at 50"]);
});

test("timeout on a JoinHandle aborts the task when time runs out", () => {
  const rt = virtual();
  const gate = new Gate<number>();
  rt.blockOn(
    future(function* () {
      const h = spawn(awaitable(gate));
      try {
        yield* timeout(10, h);
      } catch (e) {
        assert.ok(e instanceof TimeoutError);
      }
      yield* yieldNow();
    }),
  );
  assert.equal(gate.disposed, 1);
  assert.equal(rt.aliveTasks, 0);
});

test("a future ready on its first poll wins even with a zero timeout", () => {
  const v = virtual().blockOn(
    future(function* () {
      return yield* timeout(0, awaitable({ poll: (): Poll<number> => 7 }));
    }),
  );
  assert.equal(v, 7);
});

test("an error from the inner future passes through timeout and cancels its timer", () => {
  const rt = virtual();
  const failing = {
    polls: 0,
    poll(_cx: Context): Poll<never> {
      if (++this.polls === 2) throw new RangeError("inner failed");
      return PENDING;
    },
  };
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          const t = timeout(1000, failing);
          yield* awaitable({
            poll: (cx: Context): Poll<void> => {
              t.poll(cx);
              return undefined;
            },
          });
          yield* t;
        }),
      ),
    RangeError,
  );
  assert.equal(rt.metrics().pendingTimers, 0);
});

test("dropping a timeout drops the inner future and its timer", () => {
  const rt = virtual();
  const gate = new Gate<void>();
  rt.blockOn(
    future(function* () {
      const h = spawn(timeout(500, awaitable(gate)));
      yield* yieldNow();
      assert.equal(rt.metrics().pendingTimers, 1);
      h.abort();
      yield* yieldNow();
    }),
  );
  assert.equal(gate.disposed, 1);
  assert.equal(rt.metrics().pendingTimers, 0);
});

test("timeout rejects bad arguments with the rule", () => {
  assert.throws(() => timeout(-5, sleep(1)), RangeError);
  assert.throws(() => timeout(Number.NaN, sleep(1)), RangeError);
  assert.throws(() => timeout(10, Promise.resolve(1) as never), /timeout\(ms, f\): f must be a future/);
});

test("aborting a task deep inside nested futures drops every layer, innermost first, and leaves no timer", () => {
  const rt = virtual();
  const log: string[] = [];
  const leaf = asyncFn(function* () {
    try {
      yield* sleep(10_000);
    } finally {
      log.push(`leaf dropped at ${now().ms}`);
    }
  });
  const middle = asyncFn(function* () {
    using _r = { [Symbol.dispose]: () => log.push("middle resource closed") };
    return yield* timeout(60_000, leaf());
  });
  const outer = asyncFn(function* () {
    try {
      yield* middle();
    } finally {
      log.push("outer dropped");
    }
  });
  rt.blockOn(
    future(function* () {
      const h = spawn(outer());
      yield* sleep(500);
      assert.equal(rt.metrics().pendingTimers, 2, "the leaf's sleep and the timeout's limit (ours has fired)");
      h.abort();
      try {
        yield* h;
      } catch (e) {
        assert.ok(e instanceof JoinError && e.isCancelled());
      }
    }),
  );
  assert.deepEqual(log, ["leaf dropped at 500", "middle resource closed", "outer dropped"]);
  assert.equal(rt.metrics().pendingTimers, 0);
});

test("shutdown drops sleeping tasks and leaves the wheel empty", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      for (let i = 0; i < 100; i++) {
        spawn(
          future(function* () {
            yield* timeout(1_000 + i, sleep(5_000));
          }),
        ).detach();
      }
      yield* yieldNow();
    }),
  );
  assert.equal(rt.metrics().pendingTimers, 200);
  rt.shutdown();
  assert.equal(rt.metrics().pendingTimers, 0);
  assert.equal(rt.aliveTasks, 0);
});
