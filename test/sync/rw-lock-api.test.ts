// RwLock: withMaxReaders, and the write guard's downgrade and map (tokio's
// with_max_readers, RwLockWriteGuard::downgrade and ::map).

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, PENDING, Runtime, RwLock, spawn, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";

test("a write dropped while waiting for readers capped by withMaxReaders lets the readers behind it in", () => {
  const lock = RwLock.withMaxReaders(0, 2);
  const { cx } = countingContext();
  const r1 = lock.tryRead();
  assert.ok(r1);
  const w = lock.write();
  assert.equal(w.poll(cx), PENDING);
  const r2 = lock.read();
  assert.equal(r2.poll(cx), PENDING, "queued behind the writer");
  w[Symbol.dispose]();
  assert.notEqual(r2.poll(cx), PENDING);
  assert.equal(lock.tryWrite(), undefined);
});

test("withMaxReaders lets at most that many readers in; a writer takes exactly that many", () => {
  const lock = RwLock.withMaxReaders("v", 2);
  assert.equal(lock.maxReaders, 2);
  const a = lock.tryRead();
  const b = lock.tryRead();
  assert.ok(a && b);
  assert.equal(lock.tryRead(), undefined);
  a.release();
  b.release();
  const w = lock.tryWrite();
  assert.ok(w);
  assert.equal(lock.tryRead(), undefined);
  w.release();
  assert.ok(lock.tryRead());
  assert.equal(new RwLock(1).maxReaders, RwLock.MAX_READS);
});

test("withMaxReaders refuses 0, fractions, too many and non-numbers", () => {
  assert.throws(() => RwLock.withMaxReaders(1, 0), RangeError);
  assert.throws(() => RwLock.withMaxReaders(1, 1.5), RangeError);
  assert.throws(() => RwLock.withMaxReaders(1, RwLock.MAX_READS + 1), RangeError);
  assert.throws(() => RwLock.withMaxReaders(1, "2" as never), TypeError);
});

test("downgrade keeps read access with no writer slipping in, and lets waiting readers in", () => {
  const lock = new RwLock(0);
  const { cx } = countingContext();
  const w = lock.tryWrite();
  assert.ok(w);
  const reader = lock.read();
  const writer = lock.write();
  assert.equal(reader.poll(cx), PENDING);
  assert.equal(writer.poll(cx), PENDING);
  w.value = 7;
  const r = w.downgrade();
  assert.equal(r.value, 7);
  const readGuard = reader.poll(cx);
  assert.notEqual(readGuard, PENDING, "the reader first in line got in");
  assert.equal(writer.poll(cx), PENDING, "the writer waits for both readers");
  assert.throws(() => w.value, /was released/);
  assert.throws(() => w.downgrade(), /was released/);
  w.release(); // holds nothing: gives nothing
  assert.equal(writer.poll(cx), PENDING);
  r.release();
  assert.equal(writer.poll(cx), PENDING, "one reader still holds the lock");
  if (readGuard !== PENDING) readGuard.release();
  assert.notEqual(writer.poll(cx), PENDING);
});

test("a downgraded guard, released, lets a waiting writer in", () => {
  const out = new Runtime().blockOn(
    future(function* () {
      const lock = new RwLock("a");
      const w = yield* lock.write();
      const h = spawn(
        future(function* () {
          using w2 = yield* lock.write();
          w2.value = "c";
        }),
      );
      yield* yieldNow();
      w.value = "b";
      const r = w.downgrade();
      yield* yieldNow();
      assert.equal(r.value, "b", "the writer could not get in while we read");
      r.release();
      yield* h;
      using last = yield* lock.read();
      return last.value;
    }),
  );
  assert.equal(out, "c");
});

test("map moves the write access to a part of the value; releasing it unlocks", () => {
  const lock = new RwLock({ queue: [] as number[], meta: { n: 0 } });
  const w = lock.tryWrite();
  assert.ok(w);
  const queue = w.map((s) => s.queue);
  assert.throws(() => w.value, /was released/, "the original guard gives no access after map");
  queue.value.push(1);
  assert.equal(lock.tryRead(), undefined, "still locked");
  queue.release();
  queue.release(); // idempotent
  assert.throws(() => queue.value, /was released/);
  const r = lock.tryRead();
  assert.deepEqual(r?.value.queue, [1]);
  r?.release();
});

test("a map whose project throws moves nothing; map of a released guard throws", () => {
  const lock = new RwLock({ a: { b: 1 } });
  const w = lock.tryWrite();
  assert.ok(w);
  assert.throws(
    () =>
      w.map(() => {
        throw new Error("no part");
      }),
    /no part/,
  );
  assert.equal(w.value.a.b, 1, "the guard still holds the lock");
  assert.throws(() => w.map(5 as never), /project must be a function/);
  const a = w.map((s) => s.a);
  const b = a.map((x) => x);
  assert.throws(() => a.value, /was released/);
  b[Symbol.dispose]();
  assert.throws(() => w.map((s) => s), /was released/);
  assert.ok(lock.tryWrite());
});
