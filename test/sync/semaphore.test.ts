import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  AcquireError,
  asyncFn,
  future,
  JoinError,
  PENDING,
  Runtime,
  Semaphore,
  spawn,
  wakerFromFn,
  yieldNow,
} from "../../src/index.js";
import { Acquire } from "../../src/sync/semaphore.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";
import { countingContext, cx, ready } from "../support/futures.js";

// --- cancellation first --------------------------------------------------

test("a dropped pending acquire passes the permits already assigned to it to the next waiter", () => {
  const sem = new Semaphore(2);
  const a1 = ready(sem.acquire());
  const a2 = ready(sem.acquire());
  const big = sem.acquire(2);
  const small = sem.acquire(1);
  assert.equal(big.poll(cx), PENDING);
  assert.equal(small.poll(cx), PENDING);
  a1.release(); // assigned to `big`, which still needs one
  assert.equal(sem.availablePermits, 0);
  assert.equal(small.poll(cx), PENDING, "small waits behind big");
  big[Symbol.dispose](); // its assigned permit goes on
  const p = ready(small);
  assert.equal(p.permits, 1);
  assert.equal(sem.availablePermits, 0);
  a2.release();
  p.release();
  assert.equal(sem.availablePermits, 2, "no permit leaked");
});

test("a dropped acquire frees its place in line: the one behind it is served next", () => {
  const rt = new Runtime();
  const order: string[] = [];
  const taker = asyncFn(function* (name: string, n: number) {
    using _p = yield* sem.acquire(n);
    order.push(name);
  });
  const sem = new Semaphore(0);
  rt.blockOn(
    future(function* () {
      const a = spawn(taker("a", 1));
      const b = spawn(taker("b", 1));
      yield* yieldNow(); // both wait, a first
      a.abort();
      yield* yieldNow();
      sem.addPermits(1);
      yield* b;
      assert.equal(sem.availablePermits, 1);
    }),
  );
  assert.deepEqual(order, ["b"]);
});

test("an acquire dropped after it was granted but before it ran gives its permits back", () => {
  const sem = new Semaphore(1);
  const held = ready(sem.acquire());
  const granted = sem.acquire();
  const next = sem.acquire();
  assert.equal(granted.poll(cx), PENDING);
  assert.equal(next.poll(cx), PENDING);
  held.release(); // handed to `granted`, which has not run yet
  assert.equal(sem.availablePermits, 0);
  granted[Symbol.dispose]();
  assert.equal(ready(next).permits, 1, "the permit went on to the next waiter");
});

test("waking after drop is a no-op: a dropped acquire's waker is never called", () => {
  const sem = new Semaphore(0);
  const { cx: counted, wakes } = countingContext();
  const f = sem.acquire();
  assert.equal(f.poll(counted), PENDING);
  f[Symbol.dispose]();
  sem.addPermits(1);
  sem.close();
  assert.equal(wakes(), 0);
  assert.equal(sem.availablePermits, 1);
});

test("a task that throws while holding a permit with `using` gives it back", () => {
  const sem = new Semaphore(1);
  const rt = new Runtime();
  const failing = asyncFn(function* () {
    using _p = yield* sem.acquire();
    yield* yieldNow();
    throw new Error("boom");
  });
  rt.blockOn(
    future(function* () {
      const h = spawn(failing());
      yield* yieldNow();
      assert.equal(sem.availablePermits, 0);
      try {
        yield* h;
      } catch {}
      assert.equal(sem.availablePermits, 1);
    }),
  );
});

test("aborting a task that holds a permit gives it back", () => {
  const sem = new Semaphore(1);
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          using _p = yield* sem.acquire();
          for (;;) yield* yieldNow();
        }),
      );
      yield* yieldNow();
      assert.equal(sem.availablePermits, 0);
      h.abort();
      yield* yieldNow();
      assert.equal(sem.availablePermits, 1);
    }),
  );
});

// --- closing ---------------------------------------------------------------

test("close() makes pending acquires throw AcquireError and returns the permits assigned to them", () => {
  const sem = new Semaphore(1);
  const held = ready(sem.acquire());
  const big = sem.acquire(3);
  assert.equal(big.poll(cx), PENDING);
  sem.addPermits(1); // assigned to big
  assert.equal(sem.availablePermits, 0);
  const { cx: counted, wakes } = countingContext();
  assert.equal(big.poll(counted), PENDING);
  sem.close();
  assert.equal(wakes(), 1, "the waiter was woken");
  assert.throws(() => big.poll(counted), AcquireError);
  assert.equal(sem.availablePermits, 1, "its assigned permit is back");
  held.release();
  assert.equal(sem.availablePermits, 2, "held permits stay valid after close");
  assert.equal(sem.isClosed, true);
});

test("acquires after close throw AcquireError, with a message saying why; tryAcquire gives undefined", () => {
  const sem = new Semaphore(5);
  sem.close();
  sem.close(); // idempotent
  assert.throws(
    () => sem.acquire().poll(cx),
    (e: unknown) => e instanceof AcquireError && e.name === "AcquireError" && /semaphore is closed/.test(e.message),
  );
  assert.equal(sem.tryAcquire(), undefined);
});

// --- fairness --------------------------------------------------------------

test("FIFO: a small acquire never overtakes a large earlier one, which collects permits as they come", () => {
  const sem = new Semaphore(3);
  const held = [ready(sem.acquire()), ready(sem.acquire()), ready(sem.acquire())];
  const big = sem.acquire(3);
  const small = sem.acquire(1);
  assert.equal(big.poll(cx), PENDING);
  assert.equal(small.poll(cx), PENDING);
  held[0]?.release();
  held[1]?.release();
  assert.equal(small.poll(cx), PENDING, "two permits are free in total, but both are big's");
  assert.equal(sem.tryAcquire(), undefined, "tryAcquire does not jump the line either");
  assert.equal(sem.availablePermits, 0);
  held[2]?.release();
  const b = ready(big);
  assert.equal(b.permits, 3);
  assert.equal(small.poll(cx), PENDING);
  b.release();
  assert.equal(ready(small).permits, 1);
  assert.equal(sem.availablePermits, 2);
});

test("waiters are served in the order they asked, across tasks", () => {
  const sem = new Semaphore(1);
  const order: number[] = [];
  const taker = asyncFn(function* (i: number) {
    using _p = yield* sem.acquire();
    order.push(i);
    yield* yieldNow();
  });
  new Runtime().blockOn(
    future(function* () {
      const hs = [0, 1, 2, 3, 4].map((i) => spawn(taker(i)));
      for (const h of hs) yield* h;
    }),
  );
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test("acquire(0) is ready at once, but waits its turn behind earlier waiters", () => {
  const sem = new Semaphore(0);
  assert.equal(ready(sem.acquire(0)).permits, 0);
  const first = sem.acquire(1);
  const zero = sem.acquire(0);
  assert.equal(first.poll(cx), PENDING);
  assert.equal(zero.poll(cx), PENDING, "behind a waiter");
  first[Symbol.dispose](); // the zero-permit waiter is now first and needs nothing
  assert.equal(ready(zero).permits, 0);
});

// --- permits ---------------------------------------------------------------

test("release, dispose and forget are idempotent: a double release gives the permits back once", () => {
  const sem = new Semaphore(3);
  const p = ready(sem.acquire(2));
  assert.equal(p.permits, 2);
  p.release();
  p.release();
  p[Symbol.dispose]();
  p.forget();
  assert.equal(p.permits, 0);
  assert.equal(sem.availablePermits, 3);
});

test("forget() keeps the permits out for good", () => {
  const sem = new Semaphore(3);
  const p = ready(sem.acquire(2));
  p.forget();
  p.release();
  assert.equal(sem.availablePermits, 1);
  sem.addPermits(Semaphore.MAX_PERMITS - 1); // the forgotten two no longer count toward the maximum
  assert.throws(() => sem.addPermits(1), RangeError);
});

test("tryAcquire takes free permits or gives undefined, and its permit releases like any other", () => {
  const sem = new Semaphore(2);
  const p = sem.tryAcquire(2);
  assert.equal(p?.permits, 2);
  assert.equal(sem.tryAcquire(), undefined);
  p?.release();
  assert.equal(sem.availablePermits, 2);
});

test("addPermits hands permits to waiters first, in order", () => {
  const sem = new Semaphore(0);
  const a = sem.acquire(2);
  const b = sem.acquire(1);
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  sem.addPermits(4);
  assert.equal(ready(a).permits, 2);
  assert.equal(ready(b).permits, 1);
  assert.equal(sem.availablePermits, 1);
});

test("the permit is the acquire future itself: acquiring allocates one object", () => {
  const sem = new Semaphore(1);
  const f = sem.acquire();
  assert.equal(f.poll(cx), f);
  assert.throws(() => f.poll(cx), /polled after it completed/);
});

test("a pending acquire keeps one waker and replaces it only when willWake says it changed", () => {
  const sem = new Semaphore(0);
  const woken: string[] = [];
  const onA = () => woken.push("a");
  const a1 = wakerFromFn(onA);
  const a2 = wakerFromFn(onA); // another object that wakes the same target
  const b = wakerFromFn(() => woken.push("b"));
  const f = sem.acquire();
  assert.equal(f.poll({ waker: a1 }), PENDING);
  assert.equal(f.poll({ waker: a2 }), PENDING);
  assert.equal((f as unknown as { waker: unknown }).waker, a1, "kept: a2 wakes the same target");
  assert.equal(f.poll({ waker: b }), PENDING);
  sem.addPermits(1);
  assert.deepEqual(woken, ["b"], "the newest target is woken, once");
});

// --- budget ----------------------------------------------------------------

test("an acquire that is ready at once spends budget: an always-ready acquire/release loop cannot starve another task", () => {
  const sem = new Semaphore(1);
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    using _p = yield* sem.acquire();
  });
  assert.ok(seenAt >= 0 && seenAt <= 128, `the other task ran after ${seenAt} acquires`);
});

// --- bad input -------------------------------------------------------------

test("bad counts throw RangeError or TypeError naming the method and what is allowed", () => {
  assert.throws(() => new Semaphore(-1), {
    name: "RangeError",
    message: "new Semaphore(permits): permits must be an integer from 0 to 1073741823, got -1",
  });
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.throws(() => new Semaphore(Semaphore.MAX_PERMITS + 1), RangeError);
  assert.throws(() => new Semaphore("3" as unknown as number), {
    name: "TypeError",
    message: /new Semaphore\(permits\): permits must be an integer .* got the string "3"/,
  });
  const sem = new Semaphore(1);
  assert.throws(() => sem.acquire(-1), /Semaphore\.acquire\(n\): n must be an integer from 0 to/);
  assert.throws(() => sem.acquire(Number.NaN), RangeError);
  assert.throws(() => sem.tryAcquire(0.5), /Semaphore\.tryAcquire\(n\)/);
  assert.throws(() => sem.addPermits(-2), /Semaphore\.addPermits\(n\)/);
  assert.throws(() => sem.addPermits(Semaphore.MAX_PERMITS), {
    name: "RangeError",
    message: `Semaphore.addPermits(n): n must be an integer from 0 to ${Semaphore.MAX_PERMITS - 1}, got ${Semaphore.MAX_PERMITS}`,
  });
  assert.equal(sem.availablePermits, 1, "a refused call changes nothing");
});

// --- properties under many schedules ---------------------------------------

test("under any seed, random acquires held across yields and randomly aborted: permits conserved, granted first-in first-out", () => {
  const plan = fc.record({
    total: fc.integer({ min: 1, max: 6 }),
    tasks: fc.array(
      fc.record({ delay: fc.nat(3), count: fc.nat(6), hold: fc.nat(4), rounds: fc.integer({ min: 1, max: 3 }) }),
      { minLength: 1, maxLength: 8 },
    ),
    aborts: fc.array(fc.record({ at: fc.nat(15), task: fc.nat(7) }), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, { total, tasks, aborts }) => {
      const sem = new Semaphore(total);
      /** Acquires that joined the line and are not finished, in the order they joined. */
      const live: Acquire<unknown>[] = [];
      let checks = 0;
      const check = (): void => {
        checks++;
        let out = 0;
        let waitingSeen = false;
        for (const f of live) {
          const has = f.outstanding;
          out += has;
          if (f.linked) {
            if (waitingSeen) assert.equal(has, 0, "only the first waiter is assigned permits");
            waitingSeen = true;
          } else if (waitingSeen) {
            assert.equal(has, 0, "a later acquire holds permits while an earlier one still waits");
          }
        }
        assert.equal(sem.availablePermits + out, total, "available + held + assigned = total");
        if (waitingSeen) assert.equal(sem.availablePermits, 0, "no permit is free while anyone waits");
      };
      const worker = asyncFn(function* (delay: number, count: number, hold: number, rounds: number) {
        for (let r = 0; r < rounds; r++) {
          for (let d = 0; d < delay; d++) {
            yield* yieldNow();
            check();
          }
          const f = sem.acquire(Math.min(count, total));
          assert.ok(f instanceof Acquire);
          live.push(f);
          try {
            using permit = yield* f;
            assert.equal(permit.permits, Math.min(count, total));
            check();
            for (let h = 0; h < hold; h++) {
              yield* yieldNow();
              check();
            }
          } finally {
            live.splice(live.indexOf(f), 1);
          }
          check();
        }
      });
      const rt = new Runtime({ seed });
      rt.blockOn(
        future(function* () {
          const hs = tasks.map((t) => spawn(worker(t.delay, t.count, t.hold, t.rounds)));
          for (let step = 0; step <= 15; step++) {
            for (const a of aborts) if (a.at === step) hs[a.task % hs.length]?.abort();
            yield* yieldNow();
            check();
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
      assert.equal(live.length, 0);
      assert.equal(sem.availablePermits, total, "every permit came back");
      assert.ok(checks > 0);
    }),
    { numRuns: 300 },
  );
});
