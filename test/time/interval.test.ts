import assert from "node:assert/strict";
import { test } from "node:test";
import { future, interval, type MissedTickBehavior, now, sleep, spawn, time, yieldNow } from "../../src/index.js";
import { virtual } from "../support/runtimes.js";

/** Ticks at 0 and 10, then the task is busy until 35, then takes four more ticks. */
function ticksAfterStall(missedTick: MissedTickBehavior): Array<[number, number]> {
  return virtual().blockOn(
    future(function* () {
      const every = interval(10, { missedTick });
      const seen: Array<[number, number]> = [];
      for (let i = 0; i < 2; i++) seen.push([(yield* every.tick()).ms, now().ms]);
      time.advance(25); // busy: the ticks due at 20 and 30 are missed
      for (let i = 0; i < 4; i++) seen.push([(yield* every.tick()).ms, now().ms]);
      return seen;
    }),
  );
}

test("the first tick is immediate, then one every period", () => {
  const ticks = virtual().blockOn(
    future(function* () {
      const every = interval(25);
      const at: number[] = [];
      for (let i = 0; i < 4; i++) {
        yield* every.tick();
        at.push(now().ms);
      }
      return at;
    }),
  );
  assert.deepEqual(ticks, [0, 25, 50, 75]);
});

test("burst: missed ticks come at once, then the original schedule goes on", () => {
  // [scheduled instant, clock when the tick was taken]
  assert.deepEqual(ticksAfterStall("burst"), [
    [0, 0],
    [10, 10],
    [20, 35],
    [30, 35],
    [40, 40],
    [50, 50],
  ]);
});

test("delay: one tick now, then every period from now", () => {
  assert.deepEqual(ticksAfterStall("delay"), [
    [0, 0],
    [10, 10],
    [20, 35],
    [45, 45],
    [55, 55],
    [65, 65],
  ]);
});

test("skip: one tick now, then the next tick on the original schedule", () => {
  assert.deepEqual(ticksAfterStall("skip"), [
    [0, 0],
    [10, 10],
    [20, 35],
    [40, 40],
    [50, 50],
    [60, 60],
  ]);
});

test("dropping a tick future loses no tick and leaves no timer", () => {
  const rt = virtual();
  const at = rt.blockOn(
    future(function* () {
      const every = interval(100);
      yield* every.tick(); // 0
      const waiting = spawn(every.tick());
      yield* sleep(30);
      assert.equal(rt.metrics().pendingTimers, 1);
      waiting.abort();
      yield* yieldNow();
      assert.equal(rt.metrics().pendingTimers, 0);
      return (yield* every.tick()).ms;
    }),
  );
  assert.equal(at, 100);
});

test("disposing an interval cancels its timer", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      using every = interval(10);
      yield* every.tick();
      const h = spawn(every.tick());
      yield* yieldNow();
      assert.equal(rt.metrics().pendingTimers, 1);
      h.detach();
      every[Symbol.dispose]();
      assert.equal(rt.metrics().pendingTimers, 0);
    }),
  );
});

test("a zero, negative or NaN period, or an unknown behaviour, is a RangeError", () => {
  assert.throws(
    () => interval(0),
    (e: unknown) => e instanceof RangeError && /> 0/.test(e.message),
  );
  assert.throws(() => interval(-1), RangeError);
  assert.throws(() => interval(Number.NaN), RangeError);
  assert.throws(() => interval(10, { missedTick: "catch-up" as never }), /"burst", "delay" or "skip"/);
});

test("a burst of missed ticks spends budget: a tick() loop catching up still lets other tasks run", () => {
  const log = virtual().blockOn(
    future(function* () {
      const order: string[] = [];
      const every = interval(1);
      yield* every.tick(); // the immediate first tick
      time.advance(1000); // a thousand ticks are now due at once
      const other = spawn(
        future(function* () {
          order.push("other ran");
        }),
      );
      for (let i = 0; i < 1000; i++) {
        yield* every.tick();
        if (i === 999) order.push("caught up");
      }
      yield* other;
      return order;
    }),
  );
  assert.deepEqual(log, ["other ran", "caught up"]);
});
