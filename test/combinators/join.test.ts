import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  awaitable,
  consumeBudget,
  type Future,
  future,
  type GeneratorFuture,
  join,
  joinAll,
  Mutex,
  now,
  type Output,
  PENDING,
  type Poll,
  Runtime,
  Semaphore,
  type Sleep,
  select,
  sleep,
  spawn,
  tryJoin,
  tryJoinAll,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { Drops, failing, Held, Probe, SelfWaking, sleepy } from "../support/probes.js";
import { virtual } from "../support/runtimes.js";
import { type Equal, expectType } from "../support/types.js";

// --- dropping ----------------------------------------------------------------

test("dropping a join drops every unfinished branch exactly once, and never a finished one", () => {
  const a = new Probe<number>();
  const b = new Probe<string>();
  const c = new Probe<boolean>();
  const j = join(a, b, c);
  const { cx } = countingContext();
  a.open(1);
  assert.equal(j.poll(cx), PENDING);
  j[Symbol.dispose]();
  j[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed, c.disposed], [0, 1, 1]);
  b.open("late"); // a wake after the drop reaches nobody
  assert.equal(b.polls, 1);
});

test("tryJoin: the first error drops the unfinished siblings at once, each finally once, and is rethrown", () => {
  const drops = new Drops();
  const boom = new Error("boom");
  const rt = virtual();
  const caught = rt.blockOn(
    future(function* () {
      try {
        yield* tryJoin(sleepy(drops, "slow", 100, 1), failing(drops, "bad", 10, boom), sleepy(drops, "slower", 200, 2));
        return undefined;
      } catch (e) {
        return { e, at: now().ms, dropsAtCatch: [...drops.log] };
      }
    }),
  );
  assert.equal(caught?.e, boom);
  assert.equal(caught?.at, 10, "rethrown at once, not after the siblings would have finished");
  assert.deepEqual(caught?.dropsAtCatch.sort(), ["bad", "slow", "slower"], "siblings dropped before the catch");
  assert.deepEqual(
    ["bad", "slow", "slower"].map((n) => drops.count(n)),
    [1, 1, 1],
  );
});

test("join lets every branch run to its end, then rethrows the first error", () => {
  const drops = new Drops();
  const first = new Error("first");
  const second = new Error("second");
  const rt = virtual();
  const caught = rt.blockOn(
    future(function* () {
      try {
        yield* join(failing(drops, "a", 20, second), sleepy(drops, "b", 30, 1), failing(drops, "c", 10, first));
        return undefined;
      } catch (e) {
        return { e, at: now().ms };
      }
    }),
  );
  assert.equal(caught?.e, first, "the error thrown first in time, not in argument order");
  assert.equal(caught?.at, 30, "after the last branch ended");
  assert.deepEqual(drops.log, ["c", "a", "b"]);
});

test("a join whose branch throws while being dropped still drops the others, then throws that error", () => {
  const a = new Probe<number>();
  const c = new Probe<number>();
  const oops = new Error("drop failed");
  const b = {
    poll: () => PENDING,
    [Symbol.dispose]: () => {
      throw oops;
    },
  };
  const j = join(a, b, c);
  j.poll(countingContext().cx);
  assert.throws(() => j[Symbol.dispose](), oops);
  assert.deepEqual([a.disposed, c.disposed], [1, 1]);
});

// --- the values of finished branches ----------------------------------------

test("dropping a join after its lock() branch finished releases the guard: the mutex is free", () => {
  const mutex = new Mutex(0);
  virtual().blockOn(
    future(function* () {
      // The lock branch finishes at once; the join still waits for the sleep,
      // holding the guard, when the select drops it at 10 ms.
      const r = yield* select(join(mutex.lock(), sleep(100)), sleep(10));
      assert.equal(r.index, 1);
      const guard = mutex.tryLock();
      assert.ok(guard !== undefined, "the guard held by the dropped join was released");
      guard.release();
    }),
  );
});

test("tryJoin failing fast while another branch holds a semaphore permit gives the permit back", () => {
  const sem = new Semaphore(1);
  const drops = new Drops();
  const boom = new Error("boom");
  const caught = virtual().blockOn(
    future(function* () {
      try {
        yield* tryJoin(sem.acquire(), failing(drops, "bad", 10, boom), sleepy(drops, "slow", 100, 1));
        return undefined;
      } catch (e) {
        return e;
      }
    }),
  );
  assert.equal(caught, boom);
  assert.equal(sem.availablePermits, 1, "the permit the finished branch held is back");
});

test("join rethrowing a branch's error drops the values of the branches that finished", () => {
  const mutex = new Mutex(0);
  const drops = new Drops();
  const boom = new Error("boom");
  virtual().blockOn(
    future(function* () {
      try {
        yield* join(mutex.lock(), failing(drops, "bad", 10, boom));
        assert.fail("join should have thrown");
      } catch (e) {
        assert.equal(e, boom);
      }
    }),
  );
  assert.equal(mutex.isLocked, false, "nobody received the guard: it was released");
});

for (const [name, make] of [
  ["join", (fs: Future<unknown>[]) => join(...fs)],
  ["tryJoin", (fs: Future<unknown>[]) => tryJoin(...fs)],
  ["joinAll", (fs: Future<unknown>[]) => joinAll(fs)],
  ["tryJoinAll", (fs: Future<unknown>[]) => tryJoinAll(fs)],
] as const) {
  test(`${name}: dropped, it disposes each finished Disposable value once, after the unfinished branches`, () => {
    const log: string[] = [];
    const a = new Probe<Held>();
    const b = {
      drops: 0,
      poll: (): Poll<number> => PENDING,
      [Symbol.dispose]() {
        this.drops++;
        log.push("b dropped");
      },
    };
    const c = new Probe<Held>();
    const d = new Probe<string>();
    const j = make([a, b, c, d]);
    const { cx } = countingContext();
    const heldA = new Held("a", log);
    const heldC = new Held("c", log);
    c.open(heldC);
    a.open(heldA);
    d.open("not disposable");
    assert.equal(j.poll(cx), PENDING);
    j[Symbol.dispose]();
    j[Symbol.dispose]();
    assert.equal(b.drops, 1, "the unfinished branch was dropped once");
    assert.deepEqual(log, ["b dropped", "a", "c"], "the unfinished branch first, then each value once, in input order");
    assert.deepEqual([heldA.disposed, heldC.disposed], [1, 1]);
  });
}

test("a join that completes hands its values out and disposes none of them", () => {
  const held = new Held("a");
  const [a, b] = [new Probe<Held>(), new Probe<number>()];
  const j = join(a, b);
  a.open(held);
  b.open(1);
  assert.deepEqual(j.poll(countingContext().cx), [held, 1]);
  j[Symbol.dispose]();
  assert.equal(held.disposed, 0, "the caller owns the values now");
});

test("a value whose disposal throws does not stop the others: every one is disposed, the first error is rethrown", () => {
  const first = new Error("first");
  const second = new Error("second");
  const [a, b, c, d] = [new Probe<Held>(), new Probe<Held>(), new Probe<Held>(), new Probe<number>()];
  const held = [new Held("a", undefined, first), new Held("b", undefined, second), new Held("c")] as const;
  const j = join(a, b, c, d);
  a.open(held[0]);
  b.open(held[1]);
  c.open(held[2]);
  assert.equal(j.poll(countingContext().cx), PENDING);
  assert.throws(() => j[Symbol.dispose](), first);
  assert.deepEqual(
    held.map((h) => h.disposed),
    [1, 1, 1],
  );
  assert.equal(d.disposed, 1);
});

test("a branch whose drop throws comes first: its error is rethrown, and the finished values are still disposed", () => {
  const dropError = new Error("drop failed");
  const valueError = new Error("dispose failed");
  const a = new Probe<Held>();
  const held = new Held("a", undefined, valueError);
  const b = {
    poll: () => PENDING,
    [Symbol.dispose]: () => {
      throw dropError;
    },
  };
  const j = join(a, b);
  a.open(held);
  assert.equal(j.poll(countingContext().cx), PENDING);
  assert.throws(() => j[Symbol.dispose](), dropError);
  assert.equal(held.disposed, 1);
});

test("tryJoin failing fast rethrows the branch's error even when disposing a finished value throws", () => {
  const boom = new Error("boom");
  const [a, b, c] = [new Probe<Held>(), new Probe<number>(), new Probe<number>()];
  const held = new Held("a", undefined, new Error("dispose failed"));
  const j = tryJoin(a, b, c);
  const { cx } = countingContext();
  a.open(held);
  assert.equal(j.poll(cx), PENDING);
  b.fail(boom);
  assert.throws(() => j.poll(cx), boom);
  assert.equal(held.disposed, 1);
  assert.equal(c.disposed, 1);
});

// --- waking --------------------------------------------------------------------

test("a join polls only the branches that were woken since its last poll", () => {
  const probes = [new Probe<number>(), new Probe<number>(), new Probe<number>(), new Probe<number>()];
  const j = joinAll(probes);
  const { cx, wakes } = countingContext();
  assert.equal(j.poll(cx), PENDING);
  assert.deepEqual(
    probes.map((p) => p.polls),
    [1, 1, 1, 1],
  );
  probes[2]?.waker?.wake();
  assert.equal(wakes(), 1, "a branch's wake wakes the task polling the join");
  assert.equal(j.poll(cx), PENDING);
  assert.deepEqual(
    probes.map((p) => p.polls),
    [1, 1, 2, 1],
  );
  assert.equal(j.poll(cx), PENDING, "a spurious poll polls nobody");
  assert.deepEqual(
    probes.map((p) => p.polls),
    [1, 1, 2, 1],
  );
  probes[3]?.open(3);
  probes[0]?.open(0);
  probes[1]?.open(1);
  probes[2]?.open(2);
  assert.deepEqual(j.poll(cx), [0, 1, 2, 3]);
});

test("a wake after a branch finished is a no-op: nothing is woken, nothing polled", () => {
  const done = new Probe<string>();
  const pending = new Probe<string>();
  const j = join(done, pending);
  const { cx, wakes } = countingContext();
  j.poll(cx);
  const stale = done.waker; // the branch's own waker, kept as a timer or channel would
  done.open("x");
  j.poll(cx);
  const before = wakes();
  stale?.wake();
  stale?.wakeByRef();
  assert.equal(wakes(), before);
  j.poll(cx);
  assert.equal(done.polls, 2, "never polled after it finished");
});

test("a branch that wakes itself during its poll is polled again at the next poll, not in the same one", () => {
  const spinning = new SelfWaking(3, "spun");
  const other = new Probe<number>();
  const j = join(spinning, other);
  const { cx, wakes } = countingContext();
  assert.equal(j.poll(cx), PENDING);
  assert.equal(spinning.polls, 1);
  assert.equal(wakes(), 1, "its self-wake reached the task");
  j.poll(cx);
  assert.equal(spinning.polls, 2);
  other.open(7);
  assert.deepEqual(j.poll(cx), ["spun", 7]);
  assert.equal(spinning.maxDepth, 1, "never polled from inside its own poll");
});

test("a join of always-ready branches spends the task's budget and lets other tasks run", () => {
  const busy = asyncFn(function* (n: number) {
    for (let i = 0; i < n; i++) yield* consumeBudget();
    return n;
  });
  const rt = new Runtime();
  const seen = rt.blockOn(
    future(function* () {
      let ticks = 0;
      const ticker = spawn(
        future(function* () {
          for (;;) {
            ticks++;
            yield* yieldNow();
          }
        }),
      );
      const [a, b] = yield* join(busy(1000), busy(1000));
      ticker.abort();
      return { a, b, ticks };
    }),
  );
  assert.equal(seen.a + seen.b, 2000);
  assert.ok(seen.ticks >= 10, `the other task ran while the join worked (${seen.ticks} ticks)`);
});

// --- values and types --------------------------------------------------------

test("join yields a tuple typed element by element", () => {
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const [n, s, v, h] = yield* join(
        future(function* () {
          return 1;
        }),
        future(function* () {
          yield* sleep(5);
          return "two";
        }),
        sleep(3),
        spawn(
          future(function* () {
            return true;
          }),
        ),
      );
      expectType<Equal<typeof n, number>>();
      expectType<Equal<typeof s, string>>();
      expectType<Equal<typeof v, void>>();
      expectType<Equal<typeof h, boolean>>();
      return [n, s, v, h, now().ms] as const;
    }),
  );
  assert.deepEqual(out, [1, "two", undefined, true, 5]);
  const j = join(sleep(1), awaitable({ poll: () => 1 as const }));
  expectType<Equal<typeof j extends Future<infer T> ? T : never, [Output<Sleep>, 1]>>();
});

test("joinAll and tryJoinAll yield the values in input order, not completion order", () => {
  const drops = new Drops();
  const rt = virtual();
  const [all, tried] = rt.blockOn(
    future(function* () {
      const a = yield* joinAll([30, 10, 20].map((ms) => sleepy(drops, `${ms}`, ms, ms)));
      const t = yield* tryJoinAll(new Set([sleepy(drops, "x", 5, 5), sleepy(drops, "y", 1, 1)]));
      return [a, t];
    }),
  );
  assert.deepEqual(all, [30, 10, 20]);
  assert.deepEqual(tried, [5, 1]);
  expectType<Equal<typeof all, number[]>>();
});

test("a join of nothing yields an empty tuple at once", () => {
  const { cx } = countingContext();
  assert.deepEqual(join().poll(cx), []);
  assert.deepEqual(joinAll([]).poll(cx), []);
});

test("polling a join after it completed throws", () => {
  const { cx } = countingContext();
  const j = join(awaitable({ poll: () => 1 }));
  j.poll(cx);
  assert.throws(() => j.poll(cx), /join\(\.\.\.futures\) was polled after it completed/);
});

// --- bad input ---------------------------------------------------------------

test("a non-future argument is a TypeError naming its position", () => {
  const ok = sleep(1);
  assert.throws(
    () => join(ok, 5 as unknown as Sleep),
    (e: unknown) => e instanceof TypeError && /join\(\.\.\.futures\): futures\[1\] must be a future/.test(e.message),
  );
  assert.throws(
    () => tryJoin(Promise.resolve(1) as unknown as Sleep),
    (e: unknown) => e instanceof TypeError && /futures\[0\].*a Promise is not a future/.test(e.message),
  );
  assert.throws(
    () => joinAll([ok, ok, sleepy as unknown as Sleep]),
    (e: unknown) => e instanceof TypeError && /joinAll\(futures\): futures\[2\].*call it/.test(e.message),
  );
  assert.throws(
    () => joinAll(42 as unknown as Sleep[]),
    (e: unknown) => e instanceof TypeError && /futures must be an iterable/.test(e.message),
  );
});

// --- property --------------------------------------------------------------------

/** What a random branch does before returning its value. */
type Shape = { kind: "ready" } | { kind: "yield"; times: number } | { kind: "sleep"; ms: number };

const shapeArb: fc.Arbitrary<Shape> = fc.oneof(
  fc.constant<Shape>({ kind: "ready" }),
  fc.record({ kind: fc.constant("yield" as const), times: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant("sleep" as const), ms: fc.integer({ min: 0, max: 50 }) }),
);

const branch = asyncFn(function* (shape: Shape, value: number) {
  if (shape.kind === "yield") for (let i = 0; i < shape.times; i++) yield* yieldNow();
  else if (shape.kind === "sleep") yield* sleep(shape.ms);
  return value;
});

test("property: join of N random futures equals awaiting them one after another, and ends at the longest sleep", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(shapeArb, fc.integer()), { maxLength: 12 }), fc.integer(), (specs, seed) => {
      const make = (): GeneratorFuture<number>[] => specs.map(([shape, v]) => branch(shape, v));
      const sequential = new Runtime({ clock: "virtual", seed }).blockOn(
        future(function* () {
          const out: number[] = [];
          for (const f of make()) out.push(yield* f);
          return out;
        }),
      );
      const rt = new Runtime({ clock: "virtual", seed });
      const [joined, ended] = rt.blockOn(
        future(function* () {
          const values = yield* joinAll(make());
          return [values, now().ms] as const;
        }),
      );
      assert.deepEqual(joined, sequential);
      const longest = Math.max(0, ...specs.map(([s]) => (s.kind === "sleep" ? s.ms : 0)));
      assert.equal(ended, longest, "the branches slept concurrently");
    }),
    { numRuns: 150 },
  );
});
