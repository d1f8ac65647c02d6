import assert from "node:assert/strict";
import { test } from "node:test";
import {
  fromPromise,
  future,
  JoinError,
  now,
  PENDING,
  Runtime,
  sleep,
  spawn,
  timeout,
  toPromise,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// --- fromPromise: ugly paths first ---------------------------------------------------

test("a dropped fromPromise aborts its signal and no longer wakes the task when the promise settles later", async () => {
  const d = deferred<number>();
  let signal: AbortSignal | undefined;
  const f = fromPromise((s) => {
    signal = s;
    return d.promise;
  });
  const { cx, wakes } = countingContext();
  assert.equal(f.poll(cx), PENDING);
  assert.equal(signal?.aborted, false);
  f[Symbol.dispose]();
  assert.equal(signal?.aborted, true);
  assert.equal(signal?.reason instanceof Error && signal.reason.name, "AbortError");
  d.resolve(1);
  await turn();
  assert.equal(wakes(), 0, "the settled promise woke no one");
  assert.throws(() => f.poll(cx), /polled after it completed or was dropped/, "nor did it bring the future back");
  f[Symbol.dispose](); // idempotent
  assert.equal(wakes(), 0);
});

test("a fromPromise dropped by a timeout aborts the request the maker started", async () => {
  const rt = new Runtime();
  let aborted = false;
  const outcome = await rt.run(
    future(function* () {
      try {
        yield* timeout(
          5,
          fromPromise(
            (signal) =>
              new Promise<string>((resolve) => {
                const timer = setTimeout(() => resolve("too late"), 10_000);
                signal.addEventListener("abort", () => {
                  aborted = true;
                  clearTimeout(timer);
                });
              }),
          ),
        );
        return "finished";
      } catch (e) {
        return e instanceof Error ? e.name : "?";
      }
    }),
  );
  assert.equal(outcome, "TimeoutError");
  assert.equal(aborted, true);
});

test("dropping a pending fromPromise ends its host operation: virtual time moves again", () => {
  const rt = virtual();
  const at = rt.blockOn(
    future(function* () {
      const waiting = spawn(fromPromise(() => new Promise<never>(() => {})));
      yield* yieldNow(); // it starts, and holds time still
      waiting.abort();
      yield* yieldNow();
      yield* sleep(1000); // would stall if time were still held
      return now().ms;
    }),
  );
  assert.equal(at, 1000);
});

test("the maker runs at the first poll, not before: a future never polled starts nothing", () => {
  let made = 0;
  const f = fromPromise(() => {
    made++;
    return Promise.resolve(1);
  });
  assert.equal(made, 0);
  f[Symbol.dispose]();
  assert.equal(made, 0, "dropped before its first poll: the promise never starts");
});

test("a rejection is rethrown as it is, whatever it is", async () => {
  const rt = new Runtime();
  const reason = new RangeError("out of range");
  await assert.rejects(rt.run(fromPromise(() => Promise.reject(reason))), (e) => e === reason);
  const weird = { not: "an error" };
  await assert.rejects(rt.run(fromPromise(() => Promise.reject(weird))), (e) => e === weird);
});

test("a maker that throws is a promise that rejected at once; one that returns no promise is a TypeError", async () => {
  const rt = new Runtime();
  const boom = new Error("maker threw");
  await assert.rejects(
    rt.run(
      fromPromise(() => {
        throw boom;
      }),
    ),
    (e) => e === boom,
  );
  const notAPromise = (() => 5) as unknown as () => Promise<number>;
  await assert.rejects(rt.run(fromPromise(notAPromise)), /make must return a promise, got number 5/);
});

test("while a fromPromise is pending, virtual time does not jump past it", async () => {
  const rt = virtual();
  const seen = await rt.run(
    future(function* () {
      const sleeper = spawn(
        future(function* () {
          yield* sleep(60_000);
          return now().ms;
        }),
      );
      // A real host reply, a few real milliseconds away.
      const reply = yield* fromPromise(() => new Promise<string>((resolve) => setTimeout(() => resolve("reply"), 5)));
      const at = now().ms;
      const slept = yield* sleeper;
      return { reply, at, slept };
    }),
  );
  assert.deepEqual(seen, { reply: "reply", at: 0, slept: 60_000 });
});

test("fromPromise of a resolved promise gives the value once, then polling again is an error", async () => {
  const rt = new Runtime();
  const f = fromPromise(() => Promise.resolve(undefined));
  assert.equal(await rt.run(f), undefined, "undefined is a value like any other for a future");
  assert.throws(() => f.poll(countingContext().cx), /polled after it completed/);
});

test("bad input: fromPromise wants a function, toPromise a future and a Runtime", () => {
  assert.throws(
    () => fromPromise(Promise.resolve(1) as never),
    (e) =>
      e instanceof TypeError &&
      /fromPromise\(make\): make must be a function/.test(e.message) &&
      /lazily/.test(e.message),
  );
  assert.throws(() => toPromise(Promise.resolve(1) as never), /toPromise\(future\): future must be a future/);
  assert.throws(() => toPromise(yieldNow(), {} as never), /runtime must be a Runtime/);
});

// --- toPromise -----------------------------------------------------------------

test("toPromise keeps values and errors: the error is the future's own, not wrapped", async () => {
  assert.equal(
    await toPromise(
      future(function* () {
        yield* yieldNow();
        return "value";
      }),
    ),
    "value",
  );
  const own = new TypeError("mine");
  await assert.rejects(
    toPromise(
      future(function* () {
        yield* yieldNow();
        throw own;
      }),
    ),
    (e) => e === own,
  );
});

test("round trips Future → Promise → Future keep values and errors, on the same runtime and across runtimes", async () => {
  const own = new Error("inner failed");
  const inner = (fail: boolean) =>
    future(function* () {
      yield* sleep(1000);
      if (fail) throw own;
      return now().ms;
    });
  const rt = virtual();
  // Same runtime: the promise is settled by the runtime itself, so it holds
  // no host operation and the inner sleep's virtual second passes at once.
  const same = await rt.run(
    future(function* () {
      const value = yield* fromPromise(() => toPromise(inner(false)));
      let error: unknown;
      try {
        yield* fromPromise(() => toPromise(inner(true)));
      } catch (e) {
        error = e;
      }
      return { value, error };
    }),
  );
  assert.equal(same.value, 1000);
  assert.equal(same.error, own);
  // Another runtime settles it: a host operation for this one.
  const other = virtual();
  const across = await rt.run(
    future(function* () {
      return yield* fromPromise(() => toPromise(inner(false), other));
    }),
  );
  assert.equal(across, 1000);
});

test("toPromise outside any runtime runs on a fresh one, and shuts it down when the future settles", async () => {
  let leftBehind = "running";
  const value = await toPromise(
    future(function* () {
      const h = spawn(
        future(function* () {
          try {
            yield* sleep(1_000_000);
          } finally {
            leftBehind = "dropped";
          }
        }),
      );
      h.detach();
      yield* yieldNow();
      return 7;
    }),
  );
  assert.equal(value, 7);
  assert.equal(leftBehind, "dropped", "the fresh runtime was shut down, dropping the detached task");
});

test("toPromise from inside a task runs on that task's runtime", async () => {
  const rt = virtual();
  const promise = rt.blockOn(
    future(function* () {
      yield* sleep(500);
      return toPromise(
        future(function* () {
          yield* sleep(500);
          return now().ms;
        }),
      );
    }),
  );
  assert.equal(await promise, 1000, "same clock: it went on from 500");
});

test("toPromise of a future whose runtime is shut down rejects with a cancelled JoinError", async () => {
  const rt = new Runtime();
  const p = toPromise(sleep(60_000), rt);
  await turn();
  rt.shutdown();
  await assert.rejects(p, (e) => e instanceof JoinError && e.isCancelled());
});
