import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  type Future,
  future,
  JoinError,
  OnceCell,
  PENDING,
  Runtime,
  SetError,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";
import { countingContext, cx, Gate } from "../support/futures.js";

/** An initialiser that records each call and hands out a gate to open by hand. */
function gated<T>(): { init: () => Future<T>; gates: Gate<T>[] } {
  const gates: Gate<T>[] = [];
  return {
    gates,
    init: () => {
      const g = new Gate<T>();
      gates.push(g);
      return g;
    },
  };
}

// --- cancellation and failure first -----------------------------------------

test("if the caller running the initialiser is dropped, the next waiting caller runs its own", () => {
  const cell = new OnceCell<string>();
  const first = gated<string>();
  const second = gated<string>();
  const a = cell.getOrInit(first.init);
  const b = cell.getOrInit(second.init);
  const { cx: cxB, wakes } = countingContext();
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cxB), PENDING);
  assert.equal(second.gates.length, 0, "b waits; its init is not called");
  a[Symbol.dispose]();
  assert.equal(first.gates[0]?.disposed, 1, "the initialiser's future was dropped");
  assert.equal(wakes(), 1, "b was woken to take its turn");
  assert.equal(b.poll(cxB), PENDING);
  assert.equal(second.gates.length, 1, "b runs its own initialiser");
  second.gates[0]?.open("from b");
  assert.equal(b.poll(cxB), "from b");
  assert.equal(cell.get(), "from b");
});

test("if the initialiser throws, that caller gets the error and the next waiting caller retries", () => {
  const cell = new OnceCell<number>();
  let calls = 0;
  const flaky = () =>
    future(function* () {
      calls++;
      yield* yieldNow();
      if (calls === 1) throw new Error("first attempt fails");
      return 42;
    });
  const caller = asyncFn(function* () {
    return yield* cell.getOrInit(flaky);
  });
  new Runtime().blockOn(
    future(function* () {
      const a = spawn(caller());
      const b = spawn(caller());
      const c = spawn(caller());
      let failure: unknown;
      try {
        yield* a;
      } catch (e) {
        failure = e;
      }
      assert.ok(failure instanceof JoinError && /first attempt fails/.test(String(failure.message)));
      assert.equal(yield* b, 42);
      assert.equal(yield* c, 42);
    }),
  );
  assert.equal(calls, 2, "one failed attempt, one retry, no more");
});

test("an init that throws synchronously or returns no future fails that caller, and the next retries", () => {
  const cell = new OnceCell<number>();
  const a = cell.getOrInit(() => {
    throw new Error("sync failure");
  });
  const b = cell.getOrInit(() => 5 as unknown as Future<number>);
  const c = cell.getOrInit(() => ({ poll: () => 7 }));
  assert.throws(() => a.poll(cx), /sync failure/);
  assert.throws(() => b.poll(cx), {
    name: "TypeError",
    message: "OnceCell.getOrInit(init): init() must return a future, got number 5",
  });
  assert.equal(c.poll(cx), 7);
});

test("a dropped waiting caller loses nothing: the others still get the value", () => {
  const cell = new OnceCell<number>();
  const { init, gates } = gated<number>();
  const a = cell.getOrInit(init);
  const b = cell.getOrInit(init);
  const c = cell.getOrInit(init);
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  assert.equal(c.poll(cx), PENDING);
  b[Symbol.dispose]();
  gates[0]?.open(1);
  assert.equal(a.poll(cx), 1);
  assert.equal(c.poll(cx), 1);
  assert.equal(gates.length, 1);
});

test("the first waiter, woken to take its turn but dropped before it ran, passes the turn on", () => {
  const cell = new OnceCell<number>();
  const { init, gates } = gated<number>();
  const a = cell.getOrInit(init);
  const b = cell.getOrInit(init);
  const c = cell.getOrInit(init);
  const { cx: cxC, wakes } = countingContext();
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  assert.equal(c.poll(cxC), PENDING);
  a[Symbol.dispose](); // b's turn
  b[Symbol.dispose](); // before it ran
  assert.equal(wakes(), 1, "c was woken");
  assert.equal(c.poll(cxC), PENDING);
  gates[1]?.open(3);
  assert.equal(c.poll(cxC), 3);
});

test("a newcomer does not jump ahead of a waiter woken to take its turn", () => {
  const cell = new OnceCell<string>();
  const first = gated<string>();
  const waiting = gated<string>();
  const newcomer = gated<string>();
  const a = cell.getOrInit(first.init);
  const b = cell.getOrInit(waiting.init);
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  a[Symbol.dispose]();
  const n = cell.getOrInit(newcomer.init);
  assert.equal(n.poll(cx), PENDING);
  assert.equal(newcomer.gates.length, 0, "the newcomer queues");
  assert.equal(b.poll(cx), PENDING);
  assert.equal(waiting.gates.length, 1, "b, first in line, runs its initialiser");
});

test("waking after drop is a no-op: a dropped waiting caller's waker is never called", () => {
  const cell = new OnceCell<number>();
  const { init, gates } = gated<number>();
  const a = cell.getOrInit(init);
  const b = cell.getOrInit(init);
  const { cx: counted, wakes } = countingContext();
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(counted), PENDING);
  b[Symbol.dispose]();
  b[Symbol.dispose]();
  gates[0]?.open(1);
  assert.equal(a.poll(cx), 1);
  assert.equal(wakes(), 0);
});

// --- sharing one initialisation --------------------------------------------

test("concurrent callers share one initialisation: init runs once and everyone gets its value", () => {
  const cell = new OnceCell<object>();
  let calls = 0;
  const make = () =>
    future(function* () {
      calls++;
      yield* yieldNow();
      yield* yieldNow();
      return { made: calls };
    });
  const caller = asyncFn(function* () {
    return yield* cell.getOrInit(make);
  });
  const values = new Runtime({ seed: 3 }).blockOn(
    future(function* () {
      const hs = Array.from({ length: 5 }, () => spawn(caller()));
      const out: object[] = [];
      for (const h of hs) out.push(yield* h);
      out.push(yield* cell.getOrInit(make));
      return out;
    }),
  );
  assert.equal(calls, 1);
  for (const v of values) assert.equal(v, values[0]);
});

test("init is lazy: not called until polled, and not called at all once the cell has a value", () => {
  const cell = new OnceCell<number>();
  let calls = 0;
  const init = () => {
    calls++;
    return { poll: () => 1 };
  };
  const f = cell.getOrInit(init);
  assert.equal(calls, 0);
  assert.equal(f.poll(cx), 1);
  assert.equal(cell.getOrInit(init).poll(cx), 1);
  assert.equal(calls, 1);
});

test("a getOrInit ready at once spends budget: a loop of them cannot starve another task", () => {
  const cell = new OnceCell<number>();
  cell.set(1);
  const init = () => ({ poll: () => 2 });
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    yield* cell.getOrInit(init);
  });
  assert.ok(seenAt >= 0 && seenAt <= 128, `the other task ran after ${seenAt} calls`);
});

// --- set and get -----------------------------------------------------------

test("set, get and isInitialized; a second set throws a SetError carrying the value back", () => {
  const cell = new OnceCell<string>();
  assert.equal(cell.get(), undefined);
  assert.equal(cell.isInitialized, false);
  cell.set("a");
  assert.equal(cell.get(), "a");
  assert.equal(cell.isInitialized, true);
  assert.throws(
    () => cell.set("b"),
    (e: unknown) =>
      e instanceof SetError &&
      e.name === "SetError" &&
      e.value === "b" &&
      e.reason === "initialized" &&
      /set once/.test(e.message),
  );
  assert.equal(cell.get(), "a");
});

test("set while an initialiser runs throws SetError('initializing'); the initialiser's value wins", () => {
  const cell = new OnceCell<number>();
  const { init, gates } = gated<number>();
  const a = cell.getOrInit(init);
  assert.equal(a.poll(cx), PENDING);
  assert.throws(
    () => cell.set(9),
    (e: unknown) => e instanceof SetError && e.reason === "initializing",
  );
  gates[0]?.open(1);
  assert.equal(a.poll(cx), 1);
});

test("a stored undefined is a value: isInitialized tells it from an empty cell", () => {
  const cell = new OnceCell<undefined>();
  assert.equal(cell.getOrInit(() => ({ poll: () => undefined })).poll(cx), undefined);
  assert.equal(cell.isInitialized, true);
  assert.throws(() => cell.set(undefined), SetError);
});

test("getOrInit refuses a non-function with a TypeError that says what is allowed", () => {
  const cell = new OnceCell<number>();
  assert.throws(() => cell.getOrInit(5 as unknown as () => Future<number>), {
    name: "TypeError",
    message: /OnceCell\.getOrInit\(init\): init must be a function returning a future .* got number 5/,
  });
  // A future given directly (not a function making one) is refused too: it would not be lazy.
  assert.throws(() => cell.getOrInit({ poll: () => 1 } as unknown as () => Future<number>), TypeError);
});

test("under any seed, with random failures and aborts, the cell ends with one value that every finished caller saw", () => {
  const plan = fc.record({
    callers: fc.array(fc.record({ delay: fc.nat(3), work: fc.nat(3), fails: fc.boolean() }), {
      minLength: 1,
      maxLength: 8,
    }),
    aborts: fc.array(fc.record({ at: fc.nat(10), task: fc.nat(7) }), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, { callers, aborts }) => {
      const cell = new OnceCell<number>();
      let running = 0;
      let successes = 0;
      const caller = asyncFn(function* (i: number, delay: number, work: number, fails: boolean) {
        for (let d = 0; d < delay; d++) yield* yieldNow();
        return yield* cell.getOrInit(() =>
          future(function* () {
            running++;
            try {
              assert.equal(running, 1, "two initialisers ran at once");
              for (let w = 0; w < work; w++) yield* yieldNow();
              if (fails) throw new Error(`caller ${i} fails`);
              successes++;
              return i;
            } finally {
              running--;
            }
          }),
        );
      });
      const results = new Runtime({ seed }).blockOn(
        future(function* () {
          const hs = callers.map((c, i) => spawn(caller(i, c.delay, c.work, c.fails)));
          for (let step = 0; step <= 10; step++) {
            for (const a of aborts) if (a.at === step) hs[a.task % hs.length]?.abort();
            yield* yieldNow();
          }
          const out: (number | "failed" | "cancelled")[] = [];
          for (const h of hs) {
            try {
              out.push(yield* h);
            } catch (e) {
              assert.ok(e instanceof JoinError);
              if (e.isCancelled()) out.push("cancelled");
              else {
                assert.match(String(e.message), /fails/);
                out.push("failed");
              }
            }
          }
          return out;
        }),
      );
      assert.ok(successes <= 1, "at most one initialiser succeeded");
      const values = results.filter((r) => typeof r === "number");
      for (const v of values) assert.equal(v, cell.get(), "everyone saw the stored value");
      for (const [i, r] of results.entries()) {
        if (r === "failed") assert.equal(callers[i]?.fails, true, "only a failing initialiser's caller fails");
      }
      // Nobody was left waiting: every caller finished one way or another.
      assert.equal(cell.waiters.size, 0);
      assert.equal(cell.initializing, undefined);
      const anyoneSucceeded = results.some((r, i) => r !== "cancelled" && callers[i]?.fails === false);
      if (anyoneSucceeded) assert.equal(cell.isInitialized, true);
    }),
    { numRuns: 300 },
  );
});
