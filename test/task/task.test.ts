import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Awaitable,
  asyncFn,
  awaitable,
  type Context,
  future,
  JoinError,
  type JoinHandle,
  Mutex,
  PENDING,
  type Poll,
  Runtime,
  sleep,
  spawn,
  type TraceEvent,
  type Waker,
  yieldNow,
} from "../../src/index.js";
import { Gate, never } from "../support/futures.js";
import { collectionsDuring } from "../support/gc.js";
import { Held } from "../support/probes.js";

/** A runtime that records which task ids were polled, in order. */
function recording(): { rt: Runtime; polls: number[]; events: TraceEvent[] } {
  const polls: number[] = [];
  const events: TraceEvent[] = [];
  const rt = new Runtime({
    trace: (e) => {
      events.push(e);
      if (e.kind === "poll") polls.push(e.task);
    },
  });
  return { rt, polls, events };
}

test("waking a task that is already queued does not queue it twice", () => {
  const { rt, events } = recording();
  const gate = new Gate<number>();
  rt.blockOn(
    future(function* () {
      const h = spawn(awaitable(gate));
      yield* yieldNow(); // h polls once and parks
      assert.equal(gate.polls, 1);
      gate.waker?.wake();
      gate.waker?.wake(); // double wake while queued
      gate.waker?.wakeByRef();
      yield* yieldNow();
      yield* yieldNow();
      assert.equal(gate.polls, 2, "three wakes, one queue entry, one more poll");
      gate.open(1);
      return yield* h;
    }),
  );
  const wakes = events.filter((e) => e.kind === "wake" && e.task === 2);
  assert.deepEqual(
    wakes.map((e) => e.kind === "wake" && e.queued),
    [true, false, false, true],
  );
});

test("a wake from inside the task's own poll re-queues it after the poll, without recursion", () => {
  let depth = 0;
  let maxDepth = 0;
  let polls = 0;
  const selfWaking = {
    poll(cx: Context): Poll<string> {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      polls++;
      try {
        if (polls === 3) return "done";
        cx.waker.wake();
        cx.waker.wake();
        return PENDING;
      } finally {
        depth--;
      }
    },
  };
  assert.equal(new Runtime().blockOn(selfWaking), "done");
  assert.equal(polls, 3, "each self-wake gave exactly one more poll");
  assert.equal(maxDepth, 1, "never polled from inside its own poll");
});

test("a task gets one Waker and one Context for its whole life", () => {
  const seen: Context[] = [];
  const wakers = new Set<Waker>();
  const f = {
    poll(cx: Context): Poll<number> {
      seen.push(cx);
      wakers.add(cx.waker);
      if (seen.length === 3) return 0;
      cx.waker.wakeByRef();
      return PENDING;
    },
  };
  new Runtime().blockOn(f);
  assert.equal(new Set(seen).size, 1);
  assert.equal(wakers.size, 1);
});

test("waking a completed task is a no-op", () => {
  const { rt, polls } = recording();
  let kept: Waker | undefined;
  rt.blockOn(
    future(function* () {
      const h = spawn({
        poll(cx: Context): Poll<number> {
          kept = cx.waker;
          return 1;
        },
      });
      yield* h;
    }),
  );
  const before = polls.length;
  kept?.wake();
  kept?.wakeByRef();
  rt.blockOn(future(function* () {}));
  assert.equal(polls.filter((id) => id === 2).length, 1);
  assert.equal(polls.length, before + 1, "only the new root was polled");
});

test("waking a task after it was dropped (aborted) is a no-op and its future is never polled again", () => {
  const gate = new Gate<number>();
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const h = spawn(awaitable(gate));
      yield* yieldNow();
      h.abort();
      try {
        yield* h;
      } catch {}
    }),
  );
  assert.equal(gate.disposed, 1);
  const polls = gate.polls;
  gate.open(5); // wakes the stale waker it kept
  rt.blockOn(future(function* () {}));
  assert.equal(gate.polls, polls);
});

test("abort drops the future at the task's next turn: finally runs and the handle reports cancellation", () => {
  const log: string[] = [];
  const rt = new Runtime();
  const err = rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          using _r = { [Symbol.dispose]: () => log.push("using") };
          try {
            for (;;) yield* yieldNow();
          } finally {
            log.push("finally");
          }
        }),
      );
      yield* yieldNow();
      h.abort();
      log.push("abort requested");
      assert.equal(h.isFinished(), false, "abort is a request, carried out at the task's turn");
      try {
        yield* h;
      } catch (e) {
        return e;
      }
    }),
  );
  assert.deepEqual(log, ["abort requested", "finally", "using"]);
  assert.ok(err instanceof JoinError);
  assert.equal(err.isCancelled(), true);
  assert.equal(err.isFailure(), false);
});

test("a task can abort itself; it is dropped after its current poll returns", () => {
  const log: string[] = [];
  const rt = new Runtime();
  let handle: JoinHandle<void> | undefined;
  rt.blockOn(
    future(function* () {
      handle = spawn(
        future(function* () {
          try {
            handle?.abort();
            log.push("still running this poll");
            yield* yieldNow();
            log.push("not reached");
          } finally {
            log.push("finally");
          }
        }),
      );
      yield* yieldNow();
      yield* yieldNow();
    }),
  );
  assert.deepEqual(log, ["still running this poll", "finally"]);
  assert.equal(handle?.isFinished(), true);
});

test("aborting a finished task does nothing and its value can still be read", () => {
  const rt = new Runtime();
  const v = rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          return 9;
        }),
      );
      yield* yieldNow();
      assert.equal(h.isFinished(), true);
      h.abort();
      h.abortHandle().abort();
      return yield* h;
    }),
  );
  assert.equal(v, 9);
});

test("a task that throws gives a JoinError carrying the cause, while the other tasks finish", () => {
  const rt = new Runtime();
  const cause = new Error("boom");
  const results = rt.blockOn(
    future(function* () {
      const ok1 = spawn(
        future(function* () {
          yield* yieldNow();
          return "a";
        }),
      );
      const bad = spawn(
        future(function* (): Generator<typeof PENDING, string> {
          yield* yieldNow();
          throw cause;
        }),
      );
      const ok2 = spawn(
        future(function* () {
          yield* yieldNow();
          yield* yieldNow();
          return "b";
        }),
      );
      const out: unknown[] = [yield* ok1];
      try {
        yield* bad;
      } catch (e) {
        out.push(e);
      }
      out.push(yield* ok2);
      return out;
    }),
  );
  assert.equal(results[0], "a");
  assert.equal(results[2], "b");
  const e = results[1];
  assert.ok(e instanceof JoinError);
  assert.equal(e.isFailure(), true);
  assert.equal(e.cause, cause);
  assert.match(e.message, /failed: boom/);
});

test("disposing a JoinHandle aborts its task (smol's rule)", () => {
  const gate = new Gate<number>();
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      {
        using _h = spawn(awaitable(gate));
        yield* yieldNow();
      }
      yield* yieldNow();
    }),
  );
  assert.equal(gate.disposed, 1);
  assert.equal(rt.aliveTasks, 0);
});

test("dropping the generator that awaits a JoinHandle aborts the awaited task", () => {
  const gate = new Gate<number>();
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const waiter = spawn(
        future(function* () {
          return yield* spawn(awaitable(gate));
        }),
      );
      yield* yieldNow();
      waiter.abort();
      yield* yieldNow();
      yield* yieldNow();
    }),
  );
  assert.equal(gate.disposed, 1);
  assert.equal(rt.aliveTasks, 0);
});

test("a detached task runs on after its handle is given up, and cannot be awaited", () => {
  let finished = false;
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          yield* yieldNow();
          yield* yieldNow();
          finished = true;
        }),
      );
      h.detach();
      h[Symbol.dispose](); // a dispose after detach does not abort
      assert.throws(() => h.poll({ waker: h.abortHandle() as never }), /detached/);
      for (let i = 0; i < 4; i++) yield* yieldNow();
    }),
  );
  assert.equal(finished, true);
});

test("a detached task's failure is reported to onTaskError, not lost", () => {
  const reported: JoinError[] = [];
  const rt = new Runtime({ onTaskError: (e) => reported.push(e) });
  rt.blockOn(
    future(function* () {
      spawn(
        future(function* (): Generator<typeof PENDING, void> {
          yield* yieldNow();
          throw new Error("nobody listens");
        }),
      ).detach();
      yield* yieldNow();
      yield* yieldNow();
    }),
  );
  assert.equal(reported.length, 1);
  assert.match(String(reported[0]?.cause), /nobody listens/);
});

test("disposing the JoinHandle of a finished task disposes the value nobody took: a guard is released", () => {
  const mutex = new Mutex(0);
  new Runtime().blockOn(
    future(function* () {
      {
        using _h = spawn(mutex.lock());
        yield* yieldNow(); // the task finishes, holding the guard for the handle
        assert.equal(mutex.isLocked, true);
      }
      assert.equal(mutex.isLocked, false);
    }),
  );
});

test("detaching a finished task disposes its value; a task detached earlier has its value disposed when it finishes", () => {
  const early = new Held("early");
  const late = new Held("late");
  new Runtime().blockOn(
    future(function* () {
      const finished = spawn(
        future(function* () {
          return early;
        }),
      );
      yield* yieldNow();
      finished.detach();
      assert.equal(early.disposed, 1);
      spawn(
        future(function* () {
          yield* yieldNow();
          return late;
        }),
      ).detach();
      assert.equal(late.disposed, 0);
      yield* yieldNow();
      yield* yieldNow();
      assert.equal(late.disposed, 1, "nobody can receive it: dropped when the task finished");
    }),
  );
  assert.equal(early.disposed, 1, "once");
});

test("a value taken through the handle is the caller's: disposing or detaching the handle afterwards leaves it alone", () => {
  const held = new Held("taken");
  new Runtime().blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          return held;
        }),
      );
      assert.equal(yield* h, held);
      h.detach();
      h[Symbol.dispose]();
    }),
  );
  assert.equal(held.disposed, 0);
});

test("a detached task whose value throws when disposed is reported to onTaskError as failed", () => {
  const reported: JoinError[] = [];
  const oops = new Error("dispose failed");
  const rt = new Runtime({ onTaskError: (e) => reported.push(e) });
  rt.blockOn(
    future(function* () {
      spawn(
        future(function* () {
          yield* yieldNow();
          return new Held("h", undefined, oops);
        }),
      ).detach();
      yield* yieldNow();
      yield* yieldNow();
    }),
  );
  assert.equal(reported.length, 1);
  assert.equal(reported[0]?.cause, oops);
});

test("awaiting a JoinHandle a second time throws instead of hanging", () => {
  const rt = new Runtime();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          const h = spawn(
            future(function* () {
              return 1;
            }),
          );
          yield* h;
          yield* h;
        }),
      ),
    /already gave its result/,
  );
});

test("a task whose future throws from dispose during abort fails with that error", () => {
  const rt = new Runtime();
  const err = rt.blockOn(
    future(function* () {
      const h = spawn({
        poll: (): Poll<number> => PENDING,
        [Symbol.dispose]() {
          throw new Error("cleanup failed");
        },
      });
      yield* yieldNow();
      h.abort();
      try {
        yield* h;
      } catch (e) {
        return e;
      }
    }),
  );
  assert.ok(err instanceof JoinError);
  assert.equal(err.isFailure(), true);
  assert.match(String(err.cause), /cleanup failed/);
});

const value = asyncFn(function* (i: number) {
  return i;
});

test("1,000,000 spawned tasks all join with the right values", () => {
  const n = 1_000_000;
  const rt = new Runtime();
  const sum = rt.blockOn(
    future(function* () {
      const handles: JoinHandle<number>[] = new Array(n);
      for (let i = 0; i < n; i++) handles[i] = spawn(value(i));
      let s = 0;
      for (let i = 0; i < n; i++) {
        const h = handles[i];
        if (h === undefined) throw new Error("missing handle");
        const v = yield* h;
        if (v !== i) throw new Error(`task ${i} gave ${v}`);
        s += v;
      }
      return s;
    }),
  );
  assert.equal(sum, (n * (n - 1)) / 2);
  assert.equal(rt.aliveTasks, 0);
});

test("joining a never-ready task and aborting it leaves no live task", () => {
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const h = spawn(never);
      yield* yieldNow();
      h.abort();
      yield* yieldNow();
    }),
  );
  assert.equal(rt.aliveTasks, 0);
});

test("joining many finished tasks spends budget, so the joiner yields to others", () => {
  const order: string[] = [];
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      const handles = Array.from({ length: 300 }, (_, i) => spawn(value(i)));
      yield* yieldNow(); // all 300 finish
      const other = spawn(
        future(function* () {
          order.push("other ran");
        }),
      );
      for (const [i, h] of handles.entries()) {
        yield* h;
        if (i === 299) order.push("joined all");
      }
      yield* other;
    }),
  );
  assert.deepEqual(order, ["other ran", "joined all"]);
});

test("polling allocates nothing: two million polls of a self-waking future trigger no garbage collection", async () => {
  class SelfWaking {
    left: number;
    garbage: unknown = undefined;
    constructor(
      polls: number,
      readonly allocate: boolean,
    ) {
      this.left = polls;
    }
    poll(cx: Context): Poll<number> {
      // The control: two objects per poll, enough garbage to fill even the
      // larger young generation of newer V8s (Node 24, 26) several times over.
      if (this.allocate) this.garbage = { left: this.left, also: [this.left, this.left, this.left, this.left] };
      if (--this.left === 0) return 0;
      cx.waker.wakeByRef();
      return PENDING;
    }
  }
  const rt = new Runtime();
  for (let i = 0; i < 3; i++) rt.blockOn(new SelfWaking(200_000, false)); // let V8 optimise first
  // The control proves the count sees garbage made inside the body. One
  // collection is proof enough: newer V8s (Node 24) have a young generation
  // large enough that this much garbage fills it only two or three times.
  assert.ok((await collectionsDuring(() => rt.blockOn(new SelfWaking(2_000_000, true)))) > 0, "the control allocates");
  assert.equal(await collectionsDuring(() => rt.blockOn(new SelfWaking(2_000_000, false))), 0);
});

test("awaiting a ready future with yield* allocates nothing (shared step results)", async () => {
  class AlwaysReady extends Awaitable<number> {
    poll(): Poll<number> {
      return 1;
    }
  }
  const ready = new AlwaysReady();
  const sum = asyncFn(function* (n: number) {
    let total = 0;
    for (let i = 0; i < n; i++) total += yield* ready;
    return total;
  });
  const rt = new Runtime();
  for (let i = 0; i < 3; i++) rt.blockOn(sum(200_000));
  let total = 0;
  assert.equal(await collectionsDuring(() => (total = rt.blockOn(sum(2_000_000)))), 0);
  assert.equal(total, 2_000_000);
});

test("a JoinHandle's and a sleep's yield* methods are Awaitable's own, so a compiled future polls them directly", () => {
  // A compiled machine knows a library future by these very functions; a
  // class with copies of them would be driven through V8's yield*, a
  // generator object per await (the compiled spawn + join bench row).
  // The two classes cannot extend Awaitable: they extend Waker and Timer.
  const rt = new Runtime();
  for (const f of [rt.spawn(future(function* () {})), sleep(1)]) {
    assert.equal(f[Symbol.iterator], Awaitable.prototype[Symbol.iterator]);
    assert.equal(f.next, Awaitable.prototype.next);
    assert.equal(Reflect.get(f, "return"), Awaitable.prototype.return);
    assert.equal(Object.keys(Object.getPrototypeOf(f)).includes("next"), false, "methods are not enumerable");
  }
  rt.shutdown();
});
