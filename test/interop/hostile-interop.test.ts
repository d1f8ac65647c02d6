// Promise and async-iterable interop against hostile foreign objects: a
// thenable whose then() throws, an iterator whose return() throws or
// rejects. No host operation may leak (it would freeze virtual time), no
// item already read may be lost, and every error is reported.

import assert from "node:assert/strict";
import { test } from "node:test";
import { fromAsyncIterable, fromPromise, future, now, Runtime, select, sleep, yieldNow } from "../../src/index.js";
import { virtual } from "../support/runtimes.js";

/** Thenables that fail in `then` itself: the method throws, or reading it does. */
const hostileThenables = (boom: Error): [string, PromiseLike<unknown>][] => [
  [
    "whose then() throws",
    {
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
      then(): never {
        throw boom;
      },
    },
  ],
  [
    "whose then getter throws",
    {
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is the point
      get then(): PromiseLike<unknown>["then"] {
        throw boom;
      },
    },
  ],
];

const thenFailed = new Error("then failed");
for (const [how, thenable] of hostileThenables(thenFailed)) {
  test(`fromPromise with a thenable ${how} rejects with that error and releases its host operation`, () => {
    const rt = virtual();
    const [caught, elapsed] = rt.blockOn(
      future(function* () {
        let error: unknown;
        try {
          yield* fromPromise(() => thenable);
        } catch (e) {
          error = e;
        }
        // Virtual time must still move: the host operation was released.
        const start = now();
        yield* sleep(1000);
        return [error, now().since(start)] as const;
      }),
    );
    assert.equal(caught, thenFailed);
    assert.equal(elapsed, 1000);
  });
}

/** An async iterator over `items` whose return() fails as `how` says, counting its calls. */
function closingBadly(items: number[], how: "throws" | "rejects") {
  const error = new Error(`return() ${how}`);
  const calls = { returns: 0 };
  let i = 0;
  const iterator: AsyncIterableIterator<number> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => Promise.resolve(i < items.length ? { done: false, value: items[i++] ?? 0 } : { done: true, value: 0 }),
    return: () => {
      calls.returns++;
      if (how === "throws") throw error;
      return Promise.reject(error);
    },
  };
  return { iterator, error, calls };
}

/**
 * Runs `body`, collecting the unhandled rejections the host reports
 * meanwhile (in place of the test runner, which would fail the test).
 */
async function reportedRejections(body: () => Promise<void>): Promise<unknown[]> {
  const reported: unknown[] = [];
  const listener = (reason: unknown): void => {
    reported.push(reason);
  };
  const runners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", listener);
  try {
    await body();
    // Unhandled rejections are reported after the microtasks drain.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", listener);
    for (const runner of runners) process.on("unhandledRejection", runner);
  }
  return reported;
}

for (const how of ["throws", "rejects"] as const) {
  test(`fromAsyncIterable whose return() ${how}: the items read are delivered, and the error is reported to the host`, async () => {
    const { iterator, error, calls } = closingBadly([1, 2, 3, 4], how);
    let got: number[] = [];
    const reported = await reportedRejections(async () => {
      got = await new Runtime().run(fromAsyncIterable(iterator).take(2).collect());
    });
    assert.deepEqual(got, [1, 2]);
    assert.equal(calls.returns, 1);
    assert.deepEqual(reported, [error]);
  });
}

test("fromPromise makes no AbortController per call for a maker that takes no signal; one that does gets a live one", async () => {
  const Real = globalThis.AbortController;
  let made = 0;
  globalThis.AbortController = class Counting extends Real {
    constructor() {
      super();
      made++;
    }
  };
  try {
    const rt = virtual();
    await rt.run(
      future(function* () {
        for (let i = 0; i < 100; i++) yield* fromPromise(() => Promise.resolve(i));
      }),
    );
    assert.ok(made <= 1, `${made} AbortControllers for 100 calls that never read the signal`);
    const before = made;
    let signal: AbortSignal | undefined;
    const f = fromPromise((s) => {
      signal = s;
      return new Promise<never>(() => {});
    });
    await rt.run(
      future(function* () {
        const first = yield* select(f, yieldNow());
        assert.equal(first.index, 1);
      }),
    );
    assert.equal(made, before + 1);
    assert.equal(signal?.aborted, true, "dropping the future aborts the signal it handed out");
  } finally {
    globalThis.AbortController = Real;
  }
});
