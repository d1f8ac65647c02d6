import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  awaitable,
  type Context,
  future,
  JoinError,
  Mutex,
  now,
  type Output,
  PENDING,
  type Poll,
  Runtime,
  race,
  type Sleep,
  SuppressedError,
  select,
  sleep,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { Drops, failing, Held, Probe, SelfWaking, sleepy } from "../support/probes.js";
import { virtual } from "../support/runtimes.js";
import { type Equal, expectType } from "../support/types.js";

/** Always ready with `value`. */
const ready = <T>(value: T) => awaitable({ poll: (_cx: Context): Poll<T> => value });

// --- dropping ----------------------------------------------------------------

test("the loser of a select runs its finally exactly once, before the awaiting code continues", () => {
  const drops = new Drops();
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const r = yield* select(sleepy(drops, "slow", 100, 1), sleepy(drops, "fast", 10, 2));
      const seen = [...drops.log];
      yield* sleep(200); // the loser's timer must not fire into anything
      return { r, seen, at: now().ms };
    }),
  );
  assert.deepEqual(out.r, { index: 1, value: 2 });
  assert.deepEqual(out.seen, ["fast", "slow"], "the loser was dropped inside the winning poll");
  assert.equal(drops.count("slow"), 1);
  assert.equal(drops.count("fast"), 1);
});

test("two branches ready in the same poll: exactly one is taken, the other is dropped unpolled", () => {
  for (let round = 0; round < 20; round++) {
    const a = new Probe<string>();
    const b = new Probe<string>();
    const s = select(a, b);
    const { cx } = countingContext();
    assert.equal(s.poll(cx), PENDING);
    a.open("a");
    b.open("b");
    const r = s.poll(cx);
    assert.notEqual(r, PENDING);
    if (r === PENDING) return;
    const [won, lost] = r.index === 0 ? [a, b] : [b, a];
    assert.equal(r.value, r.index === 0 ? "a" : "b");
    assert.equal(won.disposed, 0, "the winner has finished: it is not dropped");
    assert.equal(lost.disposed, 1);
    assert.equal(lost.polls, 1, "the loser was not polled again: a ready value it holds is not consumed");
  }
});

test("no loser ever holds a value: a branch that finished is the winner, so the values a select drops are never made", () => {
  // A select stops at the first ready branch and drops the rest unpolled
  // (the test above), so a loser never finished: it has no value to
  // dispose. Only the winner's value exists, and the caller receives it.
  const held = new Held("won");
  const a = new Probe<Held>();
  const b = new Probe<Held>();
  const s = select.biased(a, b);
  const { cx } = countingContext();
  assert.equal(s.poll(cx), PENDING);
  a.open(held);
  b.open(new Held("never made into a result"));
  assert.deepEqual(s.poll(cx), { index: 0, value: held });
  assert.equal(held.disposed, 0, "the caller owns it");
  assert.equal(b.polls, 1, "the loser was never polled again, so it never finished");
});

test("a winner whose losers throw while dropped is disposed before the error is rethrown: a lock it won is released", () => {
  const mutex = new Mutex(0);
  const oops = new Error("drop failed");
  const loser = {
    poll: (): Poll<never> => PENDING,
    [Symbol.dispose]: () => {
      throw oops;
    },
  };
  const s = select.biased(mutex.lock(), loser);
  assert.throws(() => s.poll(countingContext().cx), oops);
  assert.equal(mutex.isLocked, false, "nobody received the guard: it was released");
});

test("a winner that throws while a loser's drop throws too: both errors reach the caller, as a SuppressedError", () => {
  const first = new Error("the winner failed");
  const second = new Error("the loser's drop failed");
  const winner = {
    poll: (): Poll<never> => {
      throw first;
    },
  };
  const loser = {
    poll: (): Poll<never> => PENDING,
    [Symbol.dispose]: () => {
      throw second;
    },
  };
  const s = select.biased(winner, loser);
  assert.throws(
    () => s.poll(countingContext().cx),
    (e: unknown) => e instanceof SuppressedError && e.error === second && e.suppressed === first,
  );
});

test("a loser's drop error comes first; the winner's value failing to drop is kept with it, as a SuppressedError", () => {
  const second = new Error("disposing the won value failed");
  const oops = new Error("drop failed");
  const value = {
    [Symbol.dispose]: () => {
      throw second;
    },
  };
  const loser = {
    poll: (): Poll<never> => PENDING,
    [Symbol.dispose]: () => {
      throw oops;
    },
  };
  const s = select.biased(ready(value), loser);
  assert.throws(
    () => s.poll(countingContext().cx),
    (e: unknown) => e instanceof SuppressedError && e.error === second && e.suppressed === oops,
  );
});

test("dropping a select drops every branch once; a wake after that is a no-op", () => {
  const a = new Probe<number>();
  const b = new Probe<number>();
  const s = race(a, b);
  const { cx, wakes } = countingContext();
  s.poll(cx);
  const stale = a.waker;
  s[Symbol.dispose]();
  s[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed], [1, 1]);
  stale?.wake();
  assert.equal(wakes(), 1, "the stale waker is the task's own: at worst a spurious poll");
  assert.throws(() => s.poll(cx), /race\(\.\.\.futures\) was polled after it completed/);
});

test("a throwing branch wins: the others are dropped and its error is rethrown", () => {
  const drops = new Drops();
  const boom = new Error("boom");
  const rt = virtual();
  const caught = rt.blockOn(
    future(function* () {
      try {
        yield* select(sleepy(drops, "slow", 100, 1), failing(drops, "bad", 10, boom));
        return undefined;
      } catch (e) {
        return { e, at: now().ms, seen: [...drops.log] };
      }
    }),
  );
  assert.equal(caught?.e, boom);
  assert.equal(caught?.at, 10);
  assert.deepEqual(caught?.seen, ["bad", "slow"]);
});

test("a JoinHandle that loses a race aborts its task (the cancel-safety table says so)", () => {
  const rt = virtual();
  const drops = new Drops();
  const err = rt.blockOn(
    future(function* () {
      const h = spawn(sleepy(drops, "task", 100, 1));
      const probe = h.abortHandle();
      const v = yield* race(h, sleep(10));
      expectType<Equal<typeof v, number | Output<Sleep>>>();
      yield* yieldNow();
      return { finished: probe.isFinished(), v };
    }),
  );
  assert.deepEqual(err, { finished: true, v: undefined });
  assert.equal(drops.count("task"), 1);
  assert.equal(rt.aliveTasks, 0);
  assert.ok(JoinError);
});

test("a branch that wakes itself during its poll: no recursion, the select completes", () => {
  const spinning = new SelfWaking(3, "spun");
  const rt = new Runtime();
  const r = rt.blockOn(select(spinning, new Probe<string>()));
  assert.deepEqual(r, { index: 0, value: "spun" });
  assert.equal(spinning.maxDepth, 1);
});

// --- fairness and order ------------------------------------------------------

test("select starts at a random branch: two always-ready branches both win often", () => {
  const wins = [0, 0, 0];
  const { cx } = countingContext();
  for (let i = 0; i < 3000; i++) {
    const r = select(ready(0), ready(1), ready(2)).poll(cx);
    if (r !== PENDING) wins[r.index] = (wins[r.index] ?? 0) + 1;
  }
  for (const w of wins) assert.ok(w > 700, `each branch wins about a third of the time: ${wins}`);
});

test("select.biased and race.biased poll in argument order", () => {
  const { cx } = countingContext();
  for (let i = 0; i < 100; i++) {
    assert.deepEqual(select.biased(ready("a"), ready("b")).poll(cx), { index: 0, value: "a" });
    assert.equal(race.biased(ready("a"), ready("b")).poll(cx), "a");
  }
  const first = new Probe<number>();
  const second = new Probe<number>();
  const s = select.biased(first, second);
  second.open(2);
  assert.deepEqual(s.poll(cx), { index: 1, value: 2 }, "a pending first branch does not block the second");
});

test("with a seeded runtime, the same seed replays the same winners", () => {
  const loop = asyncFn(function* () {
    const winners: number[] = [];
    for (let i = 0; i < 64; i++) winners.push((yield* select(ready(0), ready(1), ready(2), ready(3))).index);
    return winners;
  });
  const run = (seed: number): number[] => new Runtime({ seed }).blockOn(loop());
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

// --- types and bad input -------------------------------------------------------

test("select's result is a union over the branches: checking index narrows value", () => {
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const r = yield* select(
        future(function* () {
          yield* sleep(5);
          return 42;
        }),
        sleep(10),
        future(function* () {
          yield* sleep(20);
          return "late";
        }),
      );
      if (r.index === 0) {
        expectType<Equal<typeof r.value, number>>();
        return r.value + 1;
      }
      if (r.index === 2) {
        expectType<Equal<typeof r.value, string>>();
        return r.value.length;
      }
      expectType<Equal<typeof r.index, 1>>();
      return -1;
    }),
  );
  assert.equal(out, 43);
  const sleeps: Sleep[] = [sleep(1), sleep(2)];
  const many = select(...sleeps); // an array, not a tuple: the index is a number
  expectType<
    Equal<
      typeof many extends { poll(cx: Context): Poll<infer R> } ? R : never,
      { readonly index: number; readonly value: Output<Sleep> }
    >
  >();
});

test("an empty select or race is a RangeError; a non-future argument a TypeError naming its position", () => {
  assert.throws(
    () => select(),
    (e: unknown) => e instanceof RangeError && /select\(\.\.\.futures\): needs at least one future/.test(e.message),
  );
  assert.throws(() => race(), RangeError);
  assert.throws(() => select.biased(), RangeError);
  assert.throws(() => race.biased(), RangeError);
  assert.throws(
    () => select(sleep(1), undefined as unknown as Sleep),
    (e: unknown) => e instanceof TypeError && /select\(\.\.\.futures\): futures\[1\] must be a future/.test(e.message),
  );
  assert.throws(
    () => race(sleep(1), sleep(1), { resolve() {} } as unknown as Sleep),
    (e: unknown) => e instanceof TypeError && /race\(\.\.\.futures\): futures\[2\]/.test(e.message),
  );
});

// --- property --------------------------------------------------------------------

test("property: under a seeded random start, the winner is always a ready branch; every other branch is dropped once", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }).filter((r) => r.includes(true)),
      (seed, readiness) => {
        const probes = readiness.map(() => new Probe<number>());
        readiness.forEach((isReady, i) => {
          if (isReady) probes[i]?.open(i);
        });
        const r = new Runtime({ seed }).blockOn(select(...probes));
        assert.equal(readiness[r.index], true, `branch ${r.index} won but was not ready`);
        assert.equal(r.value, r.index);
        probes.forEach((p, i) => {
          assert.equal(p.disposed, i === r.index ? 0 : 1);
        });
      },
    ),
    { numRuns: 300 },
  );
});
