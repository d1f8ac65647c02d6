import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  type Future,
  future,
  JoinError,
  Mutex,
  now,
  type PENDING,
  Runtime,
  type Scope,
  type ScopeBody,
  SuppressedError,
  scope,
  select,
  sleep,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { Drops, failing, Held, sleepy } from "../support/probes.js";
import { virtual } from "../support/runtimes.js";

/** Runs `f` on `rt` and returns its error, failing if it returned. */
function errorOf(rt: Runtime, f: Future<unknown>): unknown {
  try {
    rt.blockOn(f);
  } catch (e) {
    return e;
  }
  assert.fail("expected the future to throw");
}

// --- failures --------------------------------------------------------------------

test("a failing child cancels its siblings and the body (each finally once), then the error is rethrown after they dropped", () => {
  const drops = new Drops();
  const boom = new Error("boom");
  const rt = virtual();
  let atCatch: { at: number; log: string[]; alive: number } | undefined;
  rt.blockOn(
    future(function* () {
      try {
        yield* scope(function* (s) {
          s.spawn(sleepy(drops, "sibling a", 100, 1));
          s.spawn(failing(drops, "bad", 10, boom));
          s.spawn(sleepy(drops, "sibling b", 200, 2));
          try {
            yield* sleep(1000);
          } finally {
            drops.log.push("body");
          }
        });
      } catch (e) {
        assert.equal(e, boom);
        atCatch = { at: now().ms, log: [...drops.log], alive: rt.aliveTasks };
      }
    }),
  );
  assert.equal(atCatch?.at, 10);
  assert.deepEqual(atCatch?.log.sort(), ["bad", "body", "sibling a", "sibling b"]);
  assert.equal(atCatch?.alive, 1, "only the root is left when the error reaches it");
  for (const name of ["bad", "body", "sibling a", "sibling b"]) assert.equal(drops.count(name), 1, name);
});

test("a failing body cancels every child, and its error is rethrown once they have dropped", () => {
  const drops = new Drops();
  const bad = new Error("body failed");
  const rt = virtual();
  const e = errorOf(
    rt,
    future(function* () {
      try {
        yield* scope(function* (s): Generator<typeof PENDING, number> {
          s.spawn(sleepy(drops, "a", 100, 1));
          s.spawn(sleepy(drops, "b", 100, 2));
          yield* sleep(5);
          throw bad;
        });
      } finally {
        drops.log.push(`caught with ${rt.aliveTasks} alive`);
      }
    }),
  );
  assert.equal(e, bad);
  assert.deepEqual(drops.log.slice(0, 2).sort(), ["a", "b"]);
  assert.equal(drops.log[2], "caught with 1 alive");
});

test("dropping the scope future aborts its children: each finally once, none alive after their turn", () => {
  const drops = new Drops();
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const r = yield* select(
        scope(function* (s) {
          s.spawn(sleepy(drops, "a", 100, 1));
          s.spawn(sleepy(drops, "b", 100, 2));
          try {
            yield* sleep(100);
          } finally {
            drops.log.push("body");
          }
        }),
        sleep(10),
      );
      assert.equal(r.index, 1);
      assert.deepEqual(drops.log, ["body"], "the body is dropped at once, inside the select");
      assert.equal(rt.aliveTasks, 3, "the children are aborted, dropped at their next turn");
      yield* yieldNow();
      assert.equal(rt.aliveTasks, 1);
    }),
  );
  assert.deepEqual(drops.log, ["body", "a", "b"]);
});

test("a child's failure fails the scope even when the body awaited its handle and caught the JoinError", () => {
  const boom = new Error("boom");
  const rt = virtual();
  const e = errorOf(
    rt,
    scope(function* (s) {
      const h = s.spawn(failing(new Drops(), "bad", 5, boom));
      try {
        yield* h;
      } catch (caught) {
        assert.fail(`the body is cancelled before it sees ${caught}`);
      }
      return "unreachable";
    }),
  );
  assert.equal(e, boom);
});

test("a child aborted through its handle has not failed: the scope goes on", () => {
  const drops = new Drops();
  const rt = virtual();
  const v = rt.blockOn(
    scope(function* (s) {
      const doomed = s.spawn(sleepy(drops, "doomed", 100, 1));
      const kept = s.spawn(sleepy(drops, "kept", 20, 2));
      yield* sleep(5);
      doomed.abort();
      try {
        yield* doomed;
      } catch (e) {
        assert.ok(e instanceof JoinError && e.isCancelled());
      }
      return (yield* kept) + 40;
    }),
  );
  assert.equal(v, 42);
  assert.deepEqual(drops.log, ["doomed", "kept"]);
});

test("the first failure wins: a second child failing while the scope cancels is not rethrown", () => {
  const first = new Error("first");
  const rt = virtual();
  const e = errorOf(
    rt,
    scope(function* (s) {
      s.spawn(failing(new Drops(), "a", 5, first));
      s.spawn(
        future(function* () {
          try {
            yield* sleep(100);
          } finally {
            // A cleanup that throws while the scope is cancelling it.
            // biome-ignore lint/correctness/noUnsafeFinally: the point of the test
            throw new Error("second, during cancellation");
          }
        }),
      );
      yield* sleep(100);
    }),
  );
  assert.equal(e, first);
  assert.equal(rt.aliveTasks, 0);
});

// --- the ordinary path --------------------------------------------------------

test("a scope waits for its children after its body returns, then yields the body's value", () => {
  const drops = new Drops();
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const v = yield* scope(function* (s) {
        s.spawn(sleepy(drops, "a", 10, 1));
        s.spawn(sleepy(drops, "b", 20, 2));
        return "body done at 0";
      });
      return { v, at: now().ms, alive: rt.aliveTasks };
    }),
  );
  assert.deepEqual(out, { v: "body done at 0", at: 20, alive: 1 });
});

test("a body's value held while the children run is disposed if a child then fails: a guard it returned is released", () => {
  const mutex = new Mutex(0);
  const boom = new Error("boom");
  const drops = new Drops();
  const rt = virtual();
  const e = errorOf(
    rt,
    scope(function* (s) {
      s.spawn(failing(drops, "child", 10, boom));
      return yield* mutex.lock(); // returns at once; the scope waits for the child
    }),
  );
  assert.equal(e, boom);
  assert.equal(mutex.isLocked, false, "nobody received the body's guard: it was released");
});

test("a child's failure and the body's finally throwing while it is dropped: both reach the caller, as a SuppressedError", () => {
  const boom = new Error("boom");
  const cleanup = new Error("the body's finally threw");
  const drops = new Drops();
  const rt = virtual();
  const e = errorOf(
    rt,
    scope(function* (s) {
      s.spawn(failing(drops, "child", 10, boom));
      try {
        yield* sleep(1000);
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the point of the test is a finally that throws
        throw cleanup;
      }
    }),
  );
  assert.ok(e instanceof SuppressedError, "the secondary error is kept, not dropped");
  assert.equal(e.error, cleanup);
  assert.equal(e.suppressed, boom);
});

test("a body's value that fails to drop after a child failed: the failure comes first, the drop error with it", () => {
  const boom = new Error("boom");
  const bad = new Error("disposing the body's value failed");
  const drops = new Drops();
  const rt = virtual();
  const e = errorOf(
    rt,
    scope(function* (s) {
      s.spawn(failing(drops, "child", 10, boom));
      return {
        [Symbol.dispose]: () => {
          throw bad;
        },
      };
    }),
  );
  assert.ok(e instanceof SuppressedError);
  assert.equal(e.error, bad);
  assert.equal(e.suppressed, boom);
});

test("a scope dropped while its body's value waits for the children disposes the value", () => {
  const held = new Held("body's value");
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const r = yield* select(
        scope(function* (s) {
          s.spawn(sleep(100));
          return held;
        }),
        sleep(10),
      );
      assert.equal(r.index, 1);
      assert.equal(held.disposed, 1);
    }),
  );
  assert.equal(held.disposed, 1, "once");
});

test("awaiting a child's handle inside the scope works; s.size counts the children still running", () => {
  const rt = virtual();
  const v = rt.blockOn(
    scope(function* (s) {
      const a = s.spawn(sleepy(new Drops(), "", 10, 20));
      const b = s.spawn(sleepy(new Drops(), "", 5, 22));
      assert.equal(s.size, 2);
      const sum = (yield* a) + (yield* b);
      assert.equal(s.size, 0);
      return sum;
    }),
  );
  assert.equal(v, 42);
});

test("children may spawn siblings through s while the scope runs, and the scope waits for them too", () => {
  const rt = virtual();
  const log: string[] = [];
  const grandchild = asyncFn(function* (s: Scope, depth: number) {
    yield* sleep(10);
    log.push(`depth ${depth} at ${now().ms}`);
    if (depth < 3) s.spawn(grandchild(s, depth + 1));
  });
  rt.blockOn(
    future(function* () {
      yield* scope(function* (s) {
        s.spawn(grandchild(s, 1));
      });
      log.push(`scope ended at ${now().ms}`);
    }),
  );
  assert.deepEqual(log, ["depth 1 at 10", "depth 2 at 20", "depth 3 at 30", "scope ended at 30"]);
});

test("a child held with `using` is aborted when the body's block ends (Effection's rule, per child)", () => {
  const drops = new Drops();
  const rt = virtual();
  const at = rt.blockOn(
    future(function* () {
      yield* scope(function* (s) {
        using _heartbeat = s.spawn(sleepy(drops, "heartbeat", 1_000_000, 0));
        yield* sleep(10);
      });
      return now().ms;
    }),
  );
  assert.equal(at, 10);
  assert.deepEqual(drops.log, ["heartbeat"]);
});

test("a scope body can be a hoisted asyncFn taking s", () => {
  const body = asyncFn(function* (s: Scope) {
    const h = s.spawn(sleepy(new Drops(), "", 3, 5));
    return (yield* h) * 2;
  });
  assert.equal(virtual().blockOn(scope(body)), 10);
});

test("s.spawn after the scope ended is an error; inside a cancelling scope the child is aborted before it runs", () => {
  const rt = virtual();
  let kept: Scope | undefined;
  rt.blockOn(
    scope(function* (s) {
      kept = s;
    }),
  );
  assert.throws(() => kept?.spawn(sleep(1)), /s\.spawn\(\) was called after its scope ended/);

  let ranLate = false;
  const late = asyncFn(function* () {
    ranLate = true;
  });
  const boom = new Error("boom");
  const e = errorOf(
    rt,
    scope(function* (s) {
      s.spawn(failing(new Drops(), "bad", 1, boom));
      s.spawn(
        future(function* () {
          try {
            yield* sleep(100);
          } finally {
            s.spawn(late()); // spawned during cancellation
          }
        }),
      );
      yield* sleep(100);
    }),
  );
  assert.equal(e, boom);
  assert.equal(ranLate, false);
  assert.equal(rt.aliveTasks, 0);
});

test("bad input: a non-future child or body result is a TypeError; so is a non-function body", () => {
  const rt = virtual();
  assert.throws(
    () =>
      rt.blockOn(
        scope(function* (s) {
          s.spawn(Promise.resolve(1) as unknown as Future<number>);
        }),
      ),
    (e: unknown) => e instanceof TypeError && /s\.spawn\(future\): future must be a future.*Promise/.test(e.message),
  );
  assert.throws(
    () => scope(42 as unknown as ScopeBody<number>),
    (e: unknown) => e instanceof TypeError && /scope\(body\): body must be a generator function/.test(e.message),
  );
  assert.throws(
    () => rt.blockOn(scope((() => 7) as unknown as ScopeBody<number>)),
    (e: unknown) => e instanceof TypeError && /it returned number 7/.test(e.message),
  );
  assert.equal(rt.aliveTasks, 0);
});

test("a scope is lazy: its body does not run until it is polled", () => {
  let ran = false;
  const f = scope(function* () {
    ran = true;
  });
  assert.equal(ran, false);
  virtual().blockOn(f);
  assert.equal(ran, true);
});

// --- property --------------------------------------------------------------------

/** What a random child does. */
interface ChildPlan {
  readonly ms: number;
  readonly outcome: "ok" | "fail" | "abortSelf" | "nested";
}

const childArb: fc.Arbitrary<ChildPlan> = fc.record({
  ms: fc.nat(30),
  outcome: fc.constantFrom("ok", "ok", "fail", "abortSelf", "nested"),
});

test("property: under many seeds, scopes with children that fail, abort or nest never leak a task, and run every finally once", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.array(childArb, { maxLength: 8 }),
      fc.option(fc.nat(30)),
      (seed, plans, bodyFailsAt) => {
        const rt = new Runtime({ clock: "virtual", seed });
        const entered: string[] = [];
        const left: string[] = [];
        const child = asyncFn(function* (s: Scope, plan: ChildPlan, name: string) {
          entered.push(name);
          try {
            yield* sleep(plan.ms);
            if (plan.outcome === "fail") throw new Error(name);
            if (plan.outcome === "abortSelf") {
              const me = s.spawn(sleep(1_000)); // a sibling it then aborts
              me.abort();
            }
            if (plan.outcome === "nested") {
              yield* scope(function* (inner) {
                inner.spawn(sleepy(new Drops(), "", plan.ms, 0));
                inner.spawn(sleepy(new Drops(), "", 2 * plan.ms, 0));
              });
            }
            return name;
          } finally {
            left.push(name);
          }
        });
        let error: unknown;
        try {
          rt.blockOn(
            scope(function* (s) {
              plans.forEach((plan, i) => {
                s.spawn(child(s, plan, `c${i}`));
              });
              if (bodyFailsAt !== null) {
                yield* sleep(bodyFailsAt);
                throw new Error("body");
              }
              return "ok";
            }),
          );
        } catch (e) {
          error = e;
        }
        assert.equal(rt.aliveTasks, 0, "no task outlives the scope");
        assert.deepEqual([...left].sort(), [...entered].sort(), "every child that started ran its finally");
        assert.equal(new Set(left).size, left.length, "and ran it once");
        const anyFails = bodyFailsAt !== null || plans.some((p) => p.outcome === "fail");
        assert.equal(error !== undefined, anyFails);
      },
    ),
    { numRuns: 200 },
  );
});

test("a scope inside a task that is aborted takes its children with it", () => {
  const drops = new Drops();
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const h = spawn(
        scope(function* (s) {
          s.spawn(sleepy(drops, "a", 100, 1));
          s.spawn(sleepy(drops, "b", 100, 2));
          yield* sleep(100);
        }),
      );
      yield* sleep(5);
      assert.equal(rt.aliveTasks, 4);
      h.abort();
      yield* yieldNow();
      yield* yieldNow();
      assert.equal(rt.aliveTasks, 1);
    }),
  );
  assert.deepEqual(drops.log.sort(), ["a", "b"]);
});

test("grandchildren cannot outlive the outer scope: a nested scope dropped with its cancelled child hands its children up", () => {
  const drops = new Drops();
  const boom = new Error("boom");
  const rt = virtual();
  let aliveAtCatch = -1;
  rt.blockOn(
    future(function* () {
      try {
        yield* scope(function* (s) {
          s.spawn(
            scope(function* (inner) {
              inner.spawn(sleepy(drops, "grandchild a", 100, 1));
              inner.spawn(sleepy(drops, "grandchild b", 100, 2));
              yield* sleep(100);
            }),
          );
          s.spawn(failing(drops, "bad", 10, boom));
        });
      } catch (e) {
        assert.equal(e, boom);
        aliveAtCatch = rt.aliveTasks;
      }
    }),
  );
  assert.equal(aliveAtCatch, 1, "the grandchildren had dropped before the outer scope ended");
  assert.deepEqual(drops.log.sort(), ["bad", "grandchild a", "grandchild b"]);
});
