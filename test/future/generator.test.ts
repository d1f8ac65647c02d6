import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Awaitable,
  asyncFn,
  awaitable,
  future,
  GeneratorFuture,
  PENDING,
  type Poll,
  Runtime,
  yieldNow,
} from "../../src/index.js";
import { countingContext, cx, Gate } from "../support/futures.js";

test("a generator future is lazy: its body runs only when polled", () => {
  let ran = false;
  const f = future(function* () {
    ran = true;
    return 1;
  });
  assert.equal(ran, false);
  assert.equal(f.poll(cx), 1);
  assert.equal(ran, true);
});

test("yield* on a ready future does not suspend the body", () => {
  class Ready extends Awaitable<number> {
    poll(): Poll<number> {
      return 20;
    }
  }
  const f = future(function* () {
    const a = yield* new Ready();
    const b = yield* new Ready();
    return a + b + 2;
  });
  assert.equal(f.poll(cx), 42, "ready on the first poll");
});

test("a pending await suspends the body and the next poll re-polls the awaited future", () => {
  const gate = new Gate<string>();
  const f = future(function* () {
    return `got ${yield* awaitable(gate)}`;
  });
  const counting = countingContext();
  assert.equal(f.poll(counting.cx), PENDING);
  assert.equal(gate.polls, 1);
  assert.equal(gate.waker, counting.cx.waker, "the awaited future stored the task's waker");
  assert.equal(f.poll(counting.cx), PENDING, "a spurious poll is harmless");
  gate.open("it");
  assert.equal(counting.wakes(), 1);
  assert.equal(f.poll(counting.cx), "got it");
  assert.equal(gate.polls, 3);
});

test("an exception thrown by an awaited future reaches the awaiting code", () => {
  const failing = awaitable({
    poll(): Poll<number> {
      throw new RangeError("bad");
    },
  });
  const f = future(function* () {
    try {
      yield* failing;
      return "not reached";
    } catch (e) {
      return e instanceof RangeError ? "caught" : "wrong";
    }
  });
  assert.equal(f.poll(cx), "caught");
});

test("an exception escaping the body is thrown from poll, and polling again explains why", () => {
  const f = future(function* (): Generator<typeof PENDING, void> {
    throw new Error("boom");
  });
  assert.throws(() => f.poll(cx), /boom/);
  assert.throws(() => f.poll(cx), /polled after it threw/);
});

test("polling a finished generator future throws a clear error", () => {
  const f = future(function* () {
    return 1;
  });
  assert.equal(f.poll(cx), 1);
  assert.throws(() => f.poll(cx), /polled after it completed/);
});

test("dispose mid-flight runs finally blocks and using disposals, innermost first", () => {
  const log: string[] = [];
  const gate = new Gate<void>();
  const inner = asyncFn(function* () {
    using _r = { [Symbol.dispose]: () => log.push("inner using") };
    try {
      yield* awaitable(gate);
    } finally {
      log.push("inner finally");
    }
  });
  const outer = future(function* () {
    try {
      yield* inner();
      log.push("not reached");
    } finally {
      log.push("outer finally");
    }
  });
  assert.equal(outer.poll(cx), PENDING);
  outer[Symbol.dispose]();
  assert.deepEqual(log, ["inner finally", "inner using", "outer finally"]);
  assert.equal(gate.disposed, 1, "the awaited leaf future was dropped too");
  outer[Symbol.dispose]();
  assert.equal(gate.disposed, 1, "dispose is idempotent");
  assert.throws(() => outer.poll(cx), /polled after it was dropped/);
});

test("disposing a never-polled generator future runs nothing", () => {
  let ran = false;
  const f = future(function* () {
    try {
      ran = true;
      yield* yieldNow();
    } finally {
      ran = true;
    }
  });
  f[Symbol.dispose]();
  assert.equal(ran, false);
});

test("awaiting inside finally while the future is being dropped throws at that await", () => {
  let seen: unknown;
  const f = future(function* () {
    try {
      yield* awaitable(new Gate<void>());
    } finally {
      try {
        yield* yieldNow();
      } catch (e) {
        seen = e;
      }
    }
  });
  assert.equal(f.poll(cx), PENDING);
  f[Symbol.dispose]();
  assert.match(String(seen), /cannot await while a future is being dropped/);
});

test("awaiting a library future outside any poll throws a clear error", () => {
  assert.throws(() => yieldNow().next(), /outside a poll/);
});

test("a bare yield (without the star) is a TypeError that names the mistake", () => {
  const f = new GeneratorFuture(
    (function* () {
      yield 5 as never;
    })(),
  );
  assert.throws(
    () => f.poll(cx),
    (e: unknown) => e instanceof TypeError && /yield\* f/.test(e.message),
  );
});

test("future() and asyncFn() reject a non-generator function with a TypeError naming the argument", () => {
  assert.throws(() => future((() => 1) as never), /future\(body\): body must be a generator function/);
  assert.throws(() => future(42 as never), /future\(body\): body must be a generator function.*number 42/);
  assert.throws(() => asyncFn((async () => {}) as never), /asyncFn\(body\)/);
});

test("asyncFn passes its arguments and `this`, and each call is a fresh lazy future", () => {
  let calls = 0;
  const add = asyncFn(function* (a: number, b: number) {
    calls++;
    return a + b;
  });
  const f1 = add(1, 2);
  const f2 = add(3, 4);
  assert.equal(calls, 0);
  assert.equal(f2.poll(cx), 7);
  assert.equal(f1.poll(cx), 3);
});

test("awaitable() wraps a foreign { poll } object and forwards its dispose", () => {
  let disposed = 0;
  const foreign = { poll: (): Poll<number> => PENDING, [Symbol.dispose]: () => disposed++ };
  const a = awaitable(foreign);
  assert.equal(a.poll(cx), PENDING);
  a[Symbol.dispose]();
  assert.equal(disposed, 1);
  const y = yieldNow();
  assert.equal(awaitable(y), y, "library futures are returned as they are");
  assert.throws(() => awaitable({} as never), /awaitable\(f\): f must be a future/);
});

test("plain generator functions compose with yield* without a wrapper", () => {
  function* helper(n: number): Generator<typeof PENDING, number> {
    yield* yieldNow();
    return n * 2;
  }
  const rt = new Runtime();
  const v = rt.blockOn(
    future(function* () {
      return (yield* helper(2)) + (yield* helper(3));
    }),
  );
  assert.equal(v, 10);
});

test("a body that returns PENDING fails with a TypeError instead of leaving its task waiting forever", () => {
  const rt = new Runtime({ clock: "virtual" });
  const returnsPending = future(function* (): Generator<typeof PENDING, symbol, unknown> {
    yield* yieldNow();
    return PENDING;
  });
  const error = rt.blockOn(
    future(function* () {
      try {
        yield* returnsPending;
        return undefined;
      } catch (e) {
        return e;
      }
    }),
  );
  assert.ok(error instanceof TypeError);
  assert.match(error.message, /returned PENDING, which to its poller means "not ready yet"/);
  // Polled again, it says it threw, as any failed generator future does.
  assert.throws(() => returnsPending.poll(cx), /polled after it threw/);
  rt.shutdown();
});
