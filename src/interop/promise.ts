/**
 * Futures and Promises, both ways.
 *
 * - `toPromise(f)` runs a future as a task and gives a promise of its
 *   value, for code that `await`s.
 * - `fromPromise((signal) => fetch(url, { signal }))` turns promise-based
 *   work into a lazy, cancellable future: the work starts at the first
 *   poll, and dropping the future aborts the signal it was handed.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { THREAD } from "../context/context.js";
import { currentRuntime } from "../context/current.js";
import { type Handle, isHandle } from "../context/handle.js";
import { type HostOperation, hostOperation } from "../context/host-operation.js";
import { type Context, describe, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { Runtime } from "../runtime/runtime.js";
import type { HostAbortSignal } from "../task/abort-signal.js";
import { notAFuture } from "../util/check.js";
import { storeWaker } from "../util/list.js";

/**
 * Promises made by {@link toPromise}, with the runtime that settles them.
 * A `fromPromise` awaiting one of these on that same runtime is not
 * waiting for the host: the runtime itself will settle it, so it must not
 * hold virtual time still (that would stall a test whose inner future
 * sleeps).
 */
const settledBy = new WeakMap<PromiseLike<unknown>, Handle>();

/**
 * The runtime `toPromise` and `toAsyncIterable` run on: the one given, the
 * current one, or none (the caller makes a fresh one).
 *
 * @internal
 */
export function pickRuntime(api: string, runtime: Handle | undefined): Handle | undefined {
  if (runtime !== undefined) {
    if (!isHandle(runtime)) {
      throw new TypeError(`${api}: runtime must be a Runtime (new Runtime()), got ${describe(runtime, "spawn")}`);
    }
    return runtime;
  }
  return currentRuntime();
}

/**
 * Runs `future` as a task and returns a promise of its value: it resolves
 * with the value the future returns and rejects with the error it throws,
 * as it is (not wrapped).
 *
 * Where it runs: on `runtime` if given; otherwise on the runtime whose task
 * is running (so a task can hand a promise to Promise-based code); outside
 * any runtime, on a fresh `new Runtime()` that lives until the future
 * settles and is then shut down (any task it left behind is dropped). It
 * is `rt.run(future)`: in Node, if the event loop runs dry while the
 * future is pending, the promise rejects with a `StallError`.
 *
 * The future is spawned now, and will run even if nobody awaits the
 * promise; a promise cannot cancel it (keep the future and drop it, or
 * spawn it and keep the JoinHandle, if you need to).
 *
 * @throws TypeError if `future` is not a future or `runtime` is not a
 *   Runtime.
 * @example
 * ```ts
 * import { future, sleep, toPromise } from "mini-tokio";
 * const answer = await toPromise(future(function* () {
 *   yield* sleep(10);
 *   return 42;
 * }));
 * ```
 */
export function toPromise<T>(future: Future<T>, runtime?: Handle): Promise<T> {
  if (!isFuture(future)) throw notAFuture("toPromise(future)", "future", future);
  const rt = pickRuntime("toPromise(future, runtime)", runtime);
  if (rt !== undefined) {
    const promise = rt.run(future);
    settledBy.set(promise, rt);
    return promise;
  }
  const fresh = new Runtime();
  return fresh.run(future).finally(() => fresh.shutdown());
}

/** What a {@link FromPromise} is doing. */
const IDLE = 0;
const WAITING = 1;
const SETTLED = 2;
const DONE = 3;

/**
 * The future {@link fromPromise} returns: starts the promise at its first
 * poll, waits for it with a host operation held, and aborts its signal if
 * dropped first.
 */
class FromPromise<T> extends Awaitable<T> {
  private state = IDLE;
  private make: ((signal: HostAbortSignal) => PromiseLike<T>) | undefined;
  private controller: AbortController | undefined = undefined;
  private operation: HostOperation | undefined = undefined;
  /** The value, boxed (it may be any T, `undefined` included), once fulfilled. */
  private fulfilled: { readonly value: T } | undefined = undefined;
  private rejection: unknown = undefined;
  /** The waiting task's waker (public for `storeWaker`). @internal */
  waker: Waker | undefined = undefined;

  constructor(make: (signal: HostAbortSignal) => PromiseLike<T>) {
    super();
    this.make = make;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "fromPromise (a host promise)";
  }

  poll(cx: Context): Poll<T> {
    switch (this.state) {
      case IDLE:
        this.start();
        break;
      case SETTLED: {
        this.state = DONE;
        const fulfilled = this.fulfilled;
        this.fulfilled = undefined;
        if (fulfilled !== undefined) return fulfilled.value;
        const error = this.rejection;
        this.rejection = undefined;
        throw error; // as it is: no wrapping
      }
      case DONE:
        throw new Error("fromPromise(): the future was polled after it completed or was dropped");
    }
    // start() may have settled at once (the maker threw).
    if (this.state === SETTLED) return this.poll(cx);
    storeWaker(this, cx);
    return PENDING;
  }

  private start(): void {
    const make = this.make;
    this.make = undefined;
    if (make === undefined) return;
    if (typeof AbortController !== "function") {
      throw new Error("fromPromise(): this host has no AbortController, which the maker's signal needs");
    }
    // An AbortController costs microseconds (it is an EventTarget), more
    // than the rest of the call: make one only for a maker that declares
    // the signal parameter. `() => promise` gets a shared, never-aborted one.
    const controller = make.length === 0 ? undefined : new AbortController();
    let promise: PromiseLike<T>;
    let then: unknown;
    try {
      promise = make(controller === undefined ? idleSignal() : controller.signal);
      // Read once: a foreign thenable's `then` may be a getter, and may throw.
      then = typeof promise === "object" || typeof promise === "function" ? promise?.then : undefined;
    } catch (error) {
      // A maker (or a `then` getter) that throws is a promise that rejected at once.
      this.settle(undefined, error);
      return;
    }
    if (typeof then !== "function") {
      this.settle(
        undefined,
        new TypeError(
          `fromPromise(make): make must return a promise, got ${describe(promise, "then")}; did you forget \`async\` or \`return\`?`,
        ),
      );
      return;
    }
    this.state = WAITING;
    this.controller = controller;
    // The reply comes from the host, so hold virtual time still until then
    // (unless the runtime itself is what settles it: see settledBy).
    const rt = currentRuntime();
    if (rt !== undefined && settledBy.get(promise) !== rt) this.operation = hostOperation();
    try {
      then.call(
        promise,
        (value: T) => {
          if (this.state === WAITING) this.settle({ value }, undefined);
        },
        (error: unknown) => {
          if (this.state === WAITING) this.settle(undefined, error);
        },
      );
    } catch (error) {
      // A thenable whose then() throws rejected: settle, which also ends
      // the host operation (held on, it would freeze virtual time for good).
      if (this.state === WAITING) this.settle(undefined, error);
    }
  }

  private settle(fulfilled: { readonly value: T } | undefined, rejection: unknown): void {
    this.state = SETTLED;
    this.fulfilled = fulfilled;
    this.rejection = rejection;
    this.controller = undefined;
    this.operation?.end();
    this.operation = undefined;
    const waker = this.waker;
    this.waker = undefined;
    waker?.wake();
  }

  /**
   * Drop: if the promise is still pending, aborts its signal and stops
   * waiting for it (its settling later wakes no one); ends the host
   * operation. Idempotent.
   */
  override [Symbol.dispose](): void {
    if (this.state === DONE) return;
    const controller = this.state === WAITING ? this.controller : undefined;
    this.state = DONE;
    this.make = undefined;
    this.controller = undefined;
    this.fulfilled = undefined;
    this.rejection = undefined;
    this.waker = undefined;
    this.operation?.end();
    this.operation = undefined;
    controller?.abort();
  }
}

/** The signal of makers that declare no parameter: made once per thread, never aborted. */
function idleSignal(): AbortSignal {
  THREAD.idleSignal ??= new AbortController().signal;
  return THREAD.idleSignal;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    "then" in value &&
    typeof value.then === "function"
  );
}

/**
 * A future of a promise's value, made lazily and cancellable: `make` is
 * called at the first poll with an `AbortSignal`, and its promise is
 * awaited. Its value is returned and its rejection thrown, as they are.
 *
 * - While the promise is pending the future holds a host operation (see
 *   `hostOperation`), so virtual time does not jump past a reply still on
 *   its way; a promise from `toPromise` on the same runtime does not count,
 *   since the runtime itself settles it.
 * - Dropping the future before the promise settles aborts the signal (pass
 *   it on: `fetch(url, { signal })` then cancels the request) and forgets
 *   the promise: settling later wakes no one.
 * - A promise never starts when the future is never polled.
 * - The `AbortController` is made only for a maker that declares the
 *   `signal` parameter (`make.length >= 1`): `() => promise` costs none,
 *   and is handed a shared signal that never aborts. So a maker that reads
 *   its signal through a rest parameter or `arguments` must name it
 *   instead: `(signal) => …`.
 *
 * **Cancel safety:** dropping it aborts the work and loses its result.
 *
 * @throws TypeError if `make` is not a function; from the poll, if `make`
 *   returns something that is not a promise (or a thenable).
 * @example
 * ```ts
 * import { fromPromise, future, timeout } from "mini-tokio";
 * const page = future(function* () {
 *   // Dropped by the timeout after 5 s: the request is aborted.
 *   const res = yield* timeout(5000, fromPromise((signal) => fetch("https://example.com", { signal })));
 *   return res.status;
 * });
 * ```
 */
export function fromPromise<T>(make: (signal: HostAbortSignal) => PromiseLike<T>): Awaitable<T> {
  if (typeof make !== "function") {
    throw new TypeError(
      `fromPromise(make): make must be a function (signal) => promise, got ${describe(make, "then")}${isThenable(make) ? " (pass a function that makes the promise: () => promise, so it starts lazily and can be aborted)" : ""}`,
    );
  }
  return new FromPromise(make);
}
