import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { asyncFn, future, JoinError, PENDING, Runtime, RwLock, spawn, yieldNow } from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";
import { countingContext, cx, ready } from "../support/futures.js";

// --- cancellation first --------------------------------------------------

test("a dropped pending write lets the readers queued behind it proceed at once", () => {
  const lock = new RwLock(0);
  const reading = ready(lock.read());
  const w = lock.write();
  const r = lock.read();
  assert.equal(w.poll(cx), PENDING, "a reader holds the lock");
  assert.equal(r.poll(cx), PENDING, "a new reader queues behind the waiting writer");
  w[Symbol.dispose]();
  const g = ready(r);
  assert.equal(g.value, 0);
  g.release();
  reading.release();
  assert.ok(lock.tryWrite(), "nothing is left locked");
});

test("a pending write dropped after readers finished hands its permits to the readers behind it", () => {
  const lock = new RwLock(0);
  const r1 = ready(lock.read());
  const r2 = ready(lock.read());
  const w = lock.write();
  const later = lock.read();
  assert.equal(w.poll(cx), PENDING);
  assert.equal(later.poll(cx), PENDING);
  r1.release(); // assigned to the writer, which still waits for r2
  assert.equal(later.poll(cx), PENDING);
  w[Symbol.dispose]();
  ready(later).release();
  r2.release();
  assert.ok(lock.tryWrite());
});

test("a dropped pending read frees its place: the writer behind it gets the lock", () => {
  const lock = new RwLock("v");
  const writing = ready(lock.write());
  const r = lock.read();
  const w = lock.write();
  assert.equal(r.poll(cx), PENDING);
  assert.equal(w.poll(cx), PENDING);
  r[Symbol.dispose]();
  writing.release();
  const g = ready(w);
  g.value = "w";
  g.release();
  assert.equal(lock.tryRead()?.value, "w");
});

test("waking after drop is a no-op: a dropped read's and write's wakers are never called", () => {
  const lock = new RwLock(0);
  const writing = ready(lock.write());
  const { cx: counted, wakes } = countingContext();
  const r = lock.read();
  const w = lock.write();
  assert.equal(r.poll(counted), PENDING);
  assert.equal(w.poll(counted), PENDING);
  r[Symbol.dispose]();
  w[Symbol.dispose]();
  writing.release();
  assert.equal(wakes(), 0);
});

test("a task that throws while holding a write guard with `using` releases it", () => {
  const lock = new RwLock(0);
  const failing = asyncFn(function* () {
    using w = yield* lock.write();
    w.value = 1;
    yield* yieldNow();
    throw new Error("boom");
  });
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(failing());
      yield* yieldNow();
      assert.equal(lock.tryRead(), undefined);
      try {
        yield* h;
      } catch {}
      using r = yield* lock.read();
      assert.equal(r.value, 1);
    }),
  );
});

// --- guards ----------------------------------------------------------------

test("readers share; a write guard excludes everyone; releasing twice is harmless", () => {
  const lock = new RwLock(1);
  const a = ready(lock.read());
  const b = ready(lock.read());
  assert.equal(a.value + b.value, 2);
  assert.equal(lock.tryWrite(), undefined);
  a.release();
  a.release();
  assert.equal(lock.tryWrite(), undefined, "one reader is left");
  b.release();
  const w = lock.tryWrite();
  assert.ok(w);
  assert.equal(lock.tryRead(), undefined);
  assert.equal(lock.tryWrite(), undefined);
  w.value = 5;
  w[Symbol.dispose]();
  w.release();
  assert.equal(lock.tryRead()?.value, 5);
});

test("guards throw a clear error once released; a read guard's value cannot be written", () => {
  const lock = new RwLock({ a: 1 });
  const r = ready(lock.read());
  // Not allowed by the types; a JavaScript caller gets an error instead.
  assert.throws(() => Reflect.set(r, "value", { a: 2 }), {
    name: "TypeError",
    message: /RwLockReadGuard\.value is read-only/,
  });
  r.release();
  assert.throws(() => r.value, /this RwLockReadGuard was released: .* read\(\)/);
  const w = ready(lock.write());
  w.release();
  assert.throws(() => w.value, /this RwLockWriteGuard was released: .* write\(\)/);
});

// --- fairness --------------------------------------------------------------

test("fair: a waiting writer blocks new readers, and readers queued behind it go after it", () => {
  const lock = new RwLock<string[]>([]);
  const log: string[] = [];
  const reader = asyncFn(function* (name: string) {
    using r = yield* lock.read();
    log.push(`${name} reads ${r.value.join("")}`);
    yield* yieldNow();
  });
  const writer = asyncFn(function* (name: string) {
    using w = yield* lock.write();
    log.push(`${name} writes`);
    w.value = [...w.value, name];
    yield* yieldNow();
  });
  new Runtime().blockOn(
    future(function* () {
      const hs = [spawn(reader("r1")), spawn(writer("W")), spawn(reader("r2")), spawn(reader("r3"))];
      for (const h of hs) yield* h;
    }),
  );
  assert.deepEqual(log, ["r1 reads ", "W writes", "r2 reads W", "r3 reads W"]);
});

test("writers are not starved by a stream of readers", () => {
  const lock = new RwLock(0);
  let readsBeforeWrite = -1;
  let reads = 0;
  const reader = asyncFn(function* () {
    while (readsBeforeWrite < 0) {
      using _r = yield* lock.read();
      reads++;
      yield* yieldNow(); // overlapping reads: one reader always holds the lock
    }
  });
  new Runtime().blockOn(
    future(function* () {
      const readers = [spawn(reader()), spawn(reader()), spawn(reader())];
      yield* yieldNow();
      const w = yield* lock.write();
      readsBeforeWrite = reads;
      w.release();
      for (const h of readers) yield* h;
    }),
  );
  assert.ok(readsBeforeWrite >= 0 && readsBeforeWrite < 10, `the writer waited for ${readsBeforeWrite} reads`);
});

test("read and write that are ready at once spend budget: an always-ready loop cannot starve another task", () => {
  const lock = new RwLock(0);
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    {
      using _r = yield* lock.read();
    }
    using _w = yield* lock.write();
  });
  assert.ok(seenAt >= 0 && seenAt <= 64, `the other task ran after ${seenAt} rounds`);
});

test("under any seed, with random readers, writers and aborts, a writer never holds the lock with anyone else", () => {
  const plan = fc.record({
    tasks: fc.array(
      fc.record({ write: fc.boolean(), delay: fc.nat(3), hold: fc.nat(3), rounds: fc.integer({ min: 1, max: 3 }) }),
      { minLength: 1, maxLength: 8 },
    ),
    aborts: fc.array(fc.record({ at: fc.nat(12), task: fc.nat(7) }), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, { tasks, aborts }) => {
      const lock = new RwLock(0);
      let readers = 0;
      let writers = 0;
      let writes = 0;
      const check = (): void => {
        assert.ok(writers <= 1, "two writers");
        assert.ok(writers === 0 || readers === 0, "a writer with readers");
      };
      const worker = asyncFn(function* (write: boolean, delay: number, hold: number, rounds: number) {
        for (let r = 0; r < rounds; r++) {
          for (let d = 0; d < delay; d++) yield* yieldNow();
          if (write) {
            using w = yield* lock.write();
            writers++;
            try {
              check();
              w.value++;
              writes++;
              for (let h = 0; h < hold; h++) {
                yield* yieldNow();
                check();
              }
            } finally {
              writers--;
            }
          } else {
            using g = yield* lock.read();
            readers++;
            try {
              check();
              assert.equal(g.value, writes, "a reader sees every finished write");
              for (let h = 0; h < hold; h++) {
                yield* yieldNow();
                check();
              }
            } finally {
              readers--;
            }
          }
        }
      });
      new Runtime({ seed }).blockOn(
        future(function* () {
          const hs = tasks.map((t) => spawn(worker(t.write, t.delay, t.hold, t.rounds)));
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
      const w = lock.tryWrite();
      assert.ok(w, "nothing is left locked");
      assert.equal(w.value, writes);
    }),
    { numRuns: 300 },
  );
});
