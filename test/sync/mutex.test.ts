import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { asyncFn, future, JoinError, Mutex, PENDING, Runtime, spawn, yieldNow } from "../../src/index.js";
import { countingContext, cx, ready } from "../support/futures.js";

// --- cancellation first --------------------------------------------------

test("a dropped pending lock never leaves the mutex locked or a waiter stranded", () => {
  const m = new Mutex(0);
  const order: string[] = [];
  const locker = asyncFn(function* (name: string) {
    using g = yield* m.lock();
    order.push(name);
    g.value++;
    yield* yieldNow();
  });
  new Runtime().blockOn(
    future(function* () {
      const holder = m.tryLock();
      assert.ok(holder);
      const a = spawn(locker("a"));
      const b = spawn(locker("b"));
      const c = spawn(locker("c"));
      yield* yieldNow(); // all three wait
      b.abort();
      yield* yieldNow();
      holder.release();
      yield* a;
      yield* c;
      assert.equal(m.isLocked, false);
      assert.equal(m.tryLock()?.value, 2);
    }),
  );
  assert.deepEqual(order, ["a", "c"]);
});

test("a lock dropped after the mutex was handed to it, before it ran, passes the mutex on", () => {
  const m = new Mutex("x");
  const held = ready(m.lock());
  const handed = m.lock();
  const next = m.lock();
  assert.equal(handed.poll(cx), PENDING);
  assert.equal(next.poll(cx), PENDING);
  held.release(); // the mutex now belongs to `handed`
  assert.equal(m.isLocked, true);
  handed[Symbol.dispose]();
  const g = ready(next);
  assert.equal(g.value, "x");
  g.release();
  assert.equal(m.isLocked, false);
});

test("the only waiter, dropped after being handed the mutex, leaves it unlocked", () => {
  const m = new Mutex(1);
  const held = ready(m.lock());
  const handed = m.lock();
  assert.equal(handed.poll(cx), PENDING);
  held.release();
  handed[Symbol.dispose]();
  assert.equal(m.isLocked, false);
});

test("waking after drop is a no-op: a dropped lock's waker is never called", () => {
  const m = new Mutex(1);
  const held = ready(m.lock());
  const { cx: counted, wakes } = countingContext();
  const f = m.lock();
  assert.equal(f.poll(counted), PENDING);
  f[Symbol.dispose]();
  f[Symbol.dispose](); // idempotent
  held.release();
  assert.equal(wakes(), 0);
  assert.equal(m.isLocked, false);
});

test("a task that throws while holding the guard with `using` unlocks", () => {
  const m = new Mutex(0);
  const failing = asyncFn(function* () {
    using g = yield* m.lock();
    g.value = 1;
    yield* yieldNow();
    throw new Error("boom");
  });
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(failing());
      yield* yieldNow();
      assert.equal(m.isLocked, true);
      let failure: unknown;
      try {
        yield* h;
      } catch (e) {
        failure = e;
      }
      assert.ok(failure instanceof JoinError && failure.isFailure());
      assert.equal(m.isLocked, false);
      using g = yield* m.lock();
      assert.equal(g.value, 1);
    }),
  );
});

test("aborting a task that holds the guard unlocks", () => {
  const m = new Mutex(0);
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          using _g = yield* m.lock();
          for (;;) yield* yieldNow();
        }),
      );
      yield* yieldNow();
      assert.equal(m.isLocked, true);
      h.abort();
      yield* yieldNow();
      assert.equal(m.isLocked, false);
    }),
  );
});

// --- guards ----------------------------------------------------------------

test("releasing twice is harmless; using a guard after release throws a clear error", () => {
  const m = new Mutex({ n: 1 });
  const g = ready(m.lock());
  g.release();
  g.release();
  g[Symbol.dispose]();
  assert.equal(m.isLocked, false);
  assert.throws(() => g.value, {
    message: "this MutexGuard was released: it no longer gives access to the value (take a new one with lock())",
  });
  assert.throws(() => {
    g.value = { n: 2 };
  }, /MutexGuard was released/);
  const again = ready(m.lock());
  assert.deepEqual(again.value, { n: 1 }, "the write through the released guard did not happen");
});

test("the guard reads and replaces the value, which outlives the guard", () => {
  const m = new Mutex<number[]>([]);
  {
    using g = ready(m.lock());
    g.value.push(1);
    g.value = [...g.value, 2];
  }
  using g = ready(m.lock());
  assert.deepEqual(g.value, [1, 2]);
});

test("tryLock gives a guard only when the mutex is free and nobody waits", () => {
  const m = new Mutex(0);
  const g = m.tryLock();
  assert.ok(g);
  assert.equal(m.tryLock(), undefined);
  const waiter = m.lock();
  assert.equal(waiter.poll(cx), PENDING);
  g.release(); // handed to the waiter
  assert.equal(m.tryLock(), undefined, "does not take the lock from the waiter it was handed to");
  ready(waiter).release();
  assert.ok(m.tryLock());
});

test("the guard is the lock future itself: locking allocates one object", () => {
  const m = new Mutex(0);
  const f = m.lock();
  assert.equal(ready(f), f);
});

// --- fairness and exclusion --------------------------------------------------

test("FIFO-fair: tasks get the lock in the order they asked, even when the holder yields", () => {
  const m = new Mutex<number[]>([]);
  const locker = asyncFn(function* (i: number) {
    using g = yield* m.lock();
    yield* yieldNow();
    g.value.push(i);
  });
  const order = new Runtime().blockOn(
    future(function* () {
      const hs = Array.from({ length: 8 }, (_, i) => spawn(locker(i)));
      for (const h of hs) yield* h;
      using g = yield* m.lock();
      return g.value;
    }),
  );
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7]);
});

test("a lock that is ready at once spends budget: an always-ready lock/unlock loop cannot starve another task", () => {
  const m = new Mutex(0);
  let seenAt = -1;
  const spinner = asyncFn(function* () {
    for (let i = 0; i < 100_000 && seenAt < 0; i++) {
      using g = yield* m.lock();
      g.value++;
    }
  });
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(spinner());
      const other = spawn(
        future(function* () {
          using g = yield* m.lock();
          seenAt = g.value;
        }),
      );
      yield* h;
      yield* other;
    }),
  );
  assert.ok(seenAt >= 0 && seenAt <= 128, `the other task ran after ${seenAt} locks`);
});

test("under any seed, with random holds and random aborts, the mutex is never held twice and every waiter gets it", () => {
  const plan = fc.record({
    tasks: fc.array(fc.record({ delay: fc.nat(3), hold: fc.nat(3), rounds: fc.integer({ min: 1, max: 3 }) }), {
      minLength: 1,
      maxLength: 8,
    }),
    aborts: fc.array(fc.record({ at: fc.nat(12), task: fc.nat(7) }), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, { tasks, aborts }) => {
      const m = new Mutex(0);
      let holders = 0;
      let entries = 0;
      const worker = asyncFn(function* (delay: number, hold: number, rounds: number) {
        for (let r = 0; r < rounds; r++) {
          for (let d = 0; d < delay; d++) yield* yieldNow();
          using g = yield* m.lock();
          holders++;
          try {
            assert.equal(holders, 1, "the mutex is held twice");
            entries++;
            g.value++;
            for (let h = 0; h < hold; h++) {
              yield* yieldNow();
              assert.equal(holders, 1, "the mutex is held twice");
            }
          } finally {
            holders--;
          }
        }
      });
      new Runtime({ seed }).blockOn(
        future(function* () {
          const hs = tasks.map((t) => spawn(worker(t.delay, t.hold, t.rounds)));
          for (let step = 0; step <= 12; step++) {
            for (const a of aborts) if (a.at === step) hs[a.task % hs.length]?.abort();
            yield* yieldNow();
          }
          for (const h of hs) {
            try {
              yield* h;
            } catch (e) {
              assert.ok(e instanceof JoinError && e.isCancelled(), `a worker failed: ${e}`);
            }
          }
        }),
      );
      assert.equal(m.isLocked, false, "nothing is left locked");
      const g = m.tryLock();
      assert.equal(g?.value, entries, "every entry was exclusive");
    }),
    { numRuns: 300 },
  );
});
