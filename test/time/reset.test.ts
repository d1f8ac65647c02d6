// Moving deadlines after the fact: Sleep.reset/isElapsed/getDeadline and
// Interval.reset*, as tokio's Sleep::reset and Interval::reset_* behave.

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, Instant, interval, now, sleep, sleepUntil, spawn, yieldNow } from "../../src/index.js";
import { virtual } from "../support/runtimes.js";

test("a dropped sleep that is reset registers nothing until it is polled again", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const s = sleep(100);
      const h = spawn(s);
      yield* yieldNow();
      assert.equal(rt.metrics().pendingTimers, 1);
      h.abort();
      yield* yieldNow();
      assert.equal(rt.metrics().pendingTimers, 0);
      s.reset(now().add(500));
      assert.equal(rt.metrics().pendingTimers, 0, "no waiter: the reset leaves no entry in the wheel");
      yield* s;
      assert.equal(now().ms, 500);
    }),
  );
});

test("resetting a waiting sleep to a deadline already passed wakes its task at once", () => {
  const at = virtual().blockOn(
    future(function* () {
      const s = sleep(1000);
      const h = spawn(
        future(function* () {
          yield* s;
          return now().ms;
        }),
      );
      yield* sleep(10);
      s.reset(now());
      return yield* h;
    }),
  );
  assert.equal(at, 10);
});

test("resetting a waiting sleep later keeps its task waiting until the new deadline", () => {
  const at = virtual().blockOn(
    future(function* () {
      const s = sleep(100);
      const h = spawn(
        future(function* () {
          yield* s;
          return now().ms;
        }),
      );
      yield* sleep(50);
      s.reset(now().add(300));
      assert.equal(s.isElapsed, false);
      return yield* h;
    }),
  );
  assert.equal(at, 350);
});

test("resetting a waiting sleep earlier wakes it at the earlier deadline", () => {
  const at = virtual().blockOn(
    future(function* () {
      const s = sleep(10_000);
      const h = spawn(
        future(function* () {
          yield* s;
          return now().ms;
        }),
      );
      yield* yieldNow();
      s.reset(now().add(20));
      return yield* h;
    }),
  );
  assert.equal(at, 20);
});

test("a finished sleep that is reset is pending again and can be awaited once more", () => {
  const times = virtual().blockOn(
    future(function* () {
      const s = sleep(10);
      yield* s;
      assert.equal(s.isElapsed, true);
      s.reset(now().add(40));
      assert.equal(s.isElapsed, false);
      yield* s;
      return [now().ms, s.getDeadline().ms];
    }),
  );
  assert.deepEqual(times, [50, 50]);
});

test("isElapsed is false before the timer fires and true after; getDeadline is the deadline as an Instant", () => {
  virtual().blockOn(
    future(function* () {
      const s = sleep(25.5);
      assert.equal(s.isElapsed, false);
      const d = s.getDeadline();
      assert.ok(d instanceof Instant);
      assert.equal(d.ms, 26, "rounded up: a sleep never ends early");
      assert.equal(sleepUntil(now().add(7)).getDeadline().ms, 7);
      yield* s;
      assert.equal(s.isElapsed, true);
    }),
  );
});

test("reset refuses a non-Instant; outside a runtime, reset and getDeadline of an unstarted sleep say why", () => {
  virtual().blockOn(
    future(function* () {
      const s = sleep(1);
      assert.throws(
        () => s.reset(5 as never),
        (e: unknown) => e instanceof TypeError && /must be an Instant/.test(e.message),
      );
      yield* s;
    }),
  );
  const outside = sleep(5);
  assert.throws(() => outside.getDeadline(), /not fixed yet/);
  assert.throws(() => outside.reset(new Instant(3)), /no runtime is running/);
});

test("interval.reset(): the next tick is one period from now, missed ticks forgotten", () => {
  const ticks = virtual().blockOn(
    future(function* () {
      using every = interval(100);
      const out: number[] = [(yield* every.tick()).ms];
      yield* sleep(350); // three ticks missed
      every.reset();
      out.push((yield* every.tick()).ms, (yield* every.tick()).ms);
      return out;
    }),
  );
  assert.deepEqual(ticks, [0, 450, 550]);
});

test("interval.resetImmediately(): the next tick is now, then every period from now", () => {
  const ticks = virtual().blockOn(
    future(function* () {
      using every = interval(100);
      const out: number[] = [(yield* every.tick()).ms];
      yield* sleep(50);
      every.resetImmediately();
      out.push((yield* every.tick()).ms, (yield* every.tick()).ms);
      return out;
    }),
  );
  assert.deepEqual(ticks, [0, 50, 150]);
});

test("interval.resetAfter(ms) and resetAt(instant) move the next tick even beyond a period", () => {
  const ticks = virtual().blockOn(
    future(function* () {
      using every = interval(100);
      every.resetAfter(30);
      const out: number[] = [(yield* every.tick()).ms, (yield* every.tick()).ms];
      every.resetAt(now().add(1000));
      out.push((yield* every.tick()).ms);
      every.resetAt(new Instant(0)); // passed: due at once
      out.push((yield* every.tick()).ms);
      return out;
    }),
  );
  assert.deepEqual(ticks, [30, 130, 1130, 0]);
});

test("resetting an interval while a tick waits wakes the tick to wait for the new deadline", () => {
  const rt = virtual();
  const at = rt.blockOn(
    future(function* () {
      using every = interval(1000);
      yield* every.tick();
      const h = spawn(every.tick());
      yield* sleep(10);
      every.resetAfter(5);
      const tick = yield* h;
      assert.equal(rt.metrics().pendingTimers, 0);
      return [tick.ms, now().ms];
    }),
  );
  assert.deepEqual(at, [15, 15]);
});

test("a dropped tick then a reset leaves no timer behind", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      using every = interval(100);
      yield* every.tick();
      const h = spawn(every.tick());
      yield* yieldNow();
      h.abort();
      yield* yieldNow();
      every.reset();
      assert.equal(rt.metrics().pendingTimers, 0);
    }),
  );
});

test("interval resets refuse bad arguments with the rule", () => {
  virtual().blockOn(
    future(function* () {
      using every = interval(10);
      assert.throws(() => every.resetAfter(-1), RangeError);
      assert.throws(() => every.resetAfter("5" as never), TypeError);
      assert.throws(
        () => every.resetAt(5 as never),
        (e: unknown) => e instanceof TypeError && /must be an Instant/.test(e.message),
      );
      yield* every.tick();
    }),
  );
  assert.throws(() => interval(10).reset(), /no runtime is running/);
});
