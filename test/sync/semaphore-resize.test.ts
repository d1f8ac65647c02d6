// Semaphore: forgetPermits, and permit merge/split (tokio's forget_permits,
// SemaphorePermit::merge and ::split), and resizing a pool at run time.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { future, PENDING, Runtime, Semaphore, type SemaphorePermit, spawn, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";

test("forgetPermits takes only what is free now: waiters keep their place and the permits assigned to them", () => {
  const sem = new Semaphore(3);
  const { cx, wakes } = countingContext();
  const held = sem.tryAcquire(2);
  const waiting = sem.acquire(3);
  assert.equal(waiting.poll(cx), PENDING); // takes the 1 free, waits for 2 more
  assert.equal(sem.forgetPermits(5), 0, "nothing is free while anyone waits");
  held?.release();
  assert.equal(wakes(), 1, "the waiter still gets its permits");
  const permit = waiting.poll(cx);
  assert.notEqual(permit, PENDING);
});

test("a dropped waiter's permits come back free and can then be forgotten", () => {
  const sem = new Semaphore(2);
  const { cx } = countingContext();
  const held = sem.tryAcquire(1);
  const waiting = sem.acquire(2);
  assert.equal(waiting.poll(cx), PENDING);
  waiting[Symbol.dispose]();
  assert.equal(sem.forgetPermits(2), 1);
  held?.release();
  assert.equal(sem.availablePermits, 1, "the pool shrank by one for good");
});

test("forgetPermits refuses a bad count and returns 0 for n = 0", () => {
  const sem = new Semaphore(1);
  assert.throws(() => sem.forgetPermits(-1), RangeError);
  assert.throws(() => sem.forgetPermits(1.5), RangeError);
  assert.throws(() => sem.forgetPermits("1" as never), TypeError);
  assert.equal(sem.forgetPermits(0), 0);
  assert.equal(sem.availablePermits, 1);
});

test("growing with addPermits and shrinking with forgetPermits at run time never makes anyone wait on the resize", () => {
  const rt = new Runtime({ seed: 7 });
  rt.blockOn(
    future(function* () {
      const pool = new Semaphore(4);
      let running = 0;
      let most = 0;
      const jobs = Array.from({ length: 20 }, () =>
        spawn(
          future(function* () {
            using _ = yield* pool.acquire();
            running++;
            most = Math.max(most, running);
            yield* yieldNow();
            yield* yieldNow();
            running--;
          }),
        ),
      );
      yield* yieldNow();
      pool.addPermits(2); // grow: waiters are served at once
      for (let i = 0; i < 3; i++) yield* yieldNow();
      const removed = pool.forgetPermits(6); // shrink by what is free, never blocking this task
      assert.ok(removed >= 0 && removed <= 6);
      for (const h of jobs) yield* h;
      assert.ok(most <= 6);
      assert.equal(pool.availablePermits, 6 - removed);
    }),
  );
});

test("merge moves every permit of the other into this one; releasing gives back both", () => {
  const sem = new Semaphore(5);
  const a = sem.tryAcquire(1);
  const b = sem.tryAcquire(3);
  assert.ok(a && b);
  a.merge(b);
  assert.deepEqual([a.permits, b.permits], [4, 0]);
  b.release(); // holds nothing: gives nothing
  assert.equal(sem.availablePermits, 1);
  a.release();
  assert.equal(sem.availablePermits, 5);
});

test("merge refuses another semaphore's permit, itself, a released permit and a lock guard", () => {
  const sem = new Semaphore(3);
  const other = new Semaphore(1);
  const a = sem.tryAcquire(1);
  const b = sem.tryAcquire(1);
  const foreign = other.tryAcquire(1);
  assert.ok(a && b && foreign);
  assert.throws(() => a.merge(foreign), /same semaphore/);
  assert.throws(() => a.merge(a), /into itself/);
  b.release();
  assert.throws(() => a.merge(b), /already released/);
  assert.throws(() => a.merge({ permits: 1 } as unknown as SemaphorePermit), TypeError);
  a.release();
  const c = sem.tryAcquire(1);
  assert.ok(c);
  assert.throws(() => a.merge(c), /this permit was already released/);
  assert.equal(c.permits, 1, "a refused merge moves nothing");
});

test("split moves n permits into a new permit, or nothing if this holds fewer", () => {
  const sem = new Semaphore(4);
  const all = sem.tryAcquire(4);
  assert.ok(all);
  assert.equal(all.split(5), undefined);
  assert.equal(all.permits, 4);
  const one = all.split(1);
  assert.ok(one);
  assert.deepEqual([all.permits, one.permits], [3, 1]);
  one.release();
  assert.equal(sem.availablePermits, 1);
  assert.throws(() => all.split(-1), RangeError);
  all.release();
  assert.equal(all.split(0), undefined, "a released permit holds nothing to split");
  assert.equal(sem.availablePermits, 4);
});

test("any sequence of splits, merges, releases, forgets and forgetPermits keeps free + held = total", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 12 }),
      fc.array(
        fc.tuple(
          fc.constantFrom("acquire", "split", "merge", "release", "forget", "forgetPermits", "add"),
          fc.nat(20),
          fc.nat(20),
        ),
        { maxLength: 40 },
      ),
      (start, ops) => {
        const sem = new Semaphore(start);
        let total = start;
        const permits: SemaphorePermit[] = [];
        for (const [op, x, y] of ops) {
          const p = permits.length === 0 ? undefined : permits[x % permits.length];
          if (op === "acquire") {
            const got = sem.tryAcquire(x % 4);
            if (got) permits.push(got);
          } else if (op === "split" && p) {
            const part = p.split(y % 5);
            if (part) permits.push(part);
          } else if (op === "merge" && p) {
            const q = permits[y % permits.length];
            if (q && q !== p && q.permits > 0 && p.permits > 0) p.merge(q);
          } else if (op === "release" && p) {
            p.release();
          } else if (op === "forget" && p) {
            total -= p.permits;
            p.forget();
          } else if (op === "forgetPermits") {
            total -= sem.forgetPermits(x % 5);
          } else if (op === "add") {
            sem.addPermits(x % 3);
            total += x % 3;
          }
          const held = permits.reduce((n, q) => n + q.permits, 0);
          assert.equal(sem.availablePermits + held, total);
        }
      },
    ),
    { numRuns: 300 },
  );
});
