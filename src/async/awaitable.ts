/**
 * How `yield*` awaits a future inside a generator future.
 *
 * `const v = yield* f` asks `f` for an iterator and calls its `next()`
 * until it says `done`. Every library future is its own iterator, and its
 * `next()` polls it with the context of the poll in progress:
 *
 * ```text
 *  executor ── poll(cx) ──▶ GeneratorFuture ── gen.next() ──▶ your generator
 *                                                               │ yield* f
 *                                      f.next() ◀── V8 delegates ┘
 *                                      f.poll(cx) → value   ⇒ yield* evaluates to value, no suspension
 *                                                 → PENDING ⇒ the generator suspends, poll returns PENDING
 * ```
 *
 * When the task is woken, the executor polls again, the generator resumes
 * inside the same `yield*`, and V8 calls `f.next()` once more: `f` is polled
 * again. A future that is ready when first awaited never suspends the
 * generator at all. Disposing the generator future calls `return()` on the
 * generator, which V8 forwards to `f.return()`: `f` is disposed first, then
 * the generator's `finally` blocks run (Rust drops the awaited future the
 * same way). No step allocates: the iterator is the future itself and the
 * step results are shared.
 *
 * @module
 */

import "../future/symbols.js";
import { currentPoll, THREAD } from "../context/context.js";
import type { AwaitIterator, Context, Future } from "../future/future.js";
import { describe, isFuture, waitDescription } from "../future/future.js";
import { PENDING, type Poll, type Suspend } from "../future/poll.js";

const PENDING_STEP: IteratorYieldResult<Suspend> = Object.freeze({ done: false, value: PENDING });
/**
 * Reused for every ready await. V8's `yield*` reads `value` out of it at
 * once and never keeps the object, so one shared result serves all awaits.
 */
const READY_STEP: { done: true; value: unknown } = { done: true, value: undefined };

/**
 * One `yield*` step: polls `f` with the current context.
 *
 * @internal
 */
export function awaitStep<T>(f: Future<T>): IteratorResult<Suspend, T> {
  const cx = currentPoll();
  if (cx === undefined) throw awaitOutsidePoll();
  const p: Poll<T> = f.poll(cx);
  if (p === PENDING) {
    // Tell the task what it waits on (one store). Outer awaits come later
    // and overwrite inner ones, so the task keeps the outermost future it
    // waits on (a timeout, not the sleep inside it); generator futures do
    // not report themselves (awaitNestedStep), so a `yield* helper()`
    // leaves what the helper waits on.
    if (cx.onPending !== undefined) cx.onPending(f);
    return PENDING_STEP;
  }
  return readyStep(p);
}

/**
 * The `yield*` step of a generator future awaited by another: as
 * {@link awaitStep}, but it leaves the record of what is awaited to the
 * futures the inner generator awaits.
 *
 * @internal
 */
export function awaitNestedStep<T>(f: Future<T>): IteratorResult<Suspend, T> {
  const cx = currentPoll();
  if (cx === undefined) throw awaitOutsidePoll();
  const p: Poll<T> = f.poll(cx);
  if (p === PENDING) return PENDING_STEP;
  return readyStep(p);
}

function readyStep<T>(p: T): IteratorReturnResult<T> {
  READY_STEP.value = p;
  // SAFETY: READY_STEP.value was just set to `p`, a T; the result is read by
  // `yield*` before any other await can overwrite it.
  return READY_STEP as IteratorReturnResult<T>;
}

/**
 * The iterator's `return()`: the awaiting generator is being dropped, so
 * drop `f` too.
 *
 * @internal
 */
export function awaitReturn(f: Future<unknown>, value?: unknown): IteratorReturnResult<unknown> {
  f[Symbol.dispose]?.();
  return { done: true, value };
}

function awaitOutsidePoll(): Error {
  if (THREAD.dropping) {
    return new Error(
      "cannot await while a future is being dropped: cleanup in `finally` and `using` is synchronous (like Rust's drop). Spawn a task for asynchronous cleanup instead.",
    );
  }
  return new Error(
    "a future was awaited with `yield*` outside a poll: `yield*` works inside future(function* …) or asyncFn(…) while an executor polls it (spawn it, or use rt.blockOn).",
  );
}

/**
 * The base class of every future the library returns: a {@link Future}
 * that is also its own iterator, so `const v = yield* f` awaits it inside a
 * generator future and types `v`. Subclasses implement `poll` and, when they
 * register anything, `[Symbol.dispose]`.
 *
 * @example
 * ```ts
 * import { Awaitable, PENDING, future, type Context, type Poll } from "mini-tokio";
 * class Ready<T> extends Awaitable<T> {
 *   constructor(private readonly value: T) { super(); }
 *   poll(_cx: Context): Poll<T> { return this.value; }
 * }
 * const f = future(function* () {
 *   const n = yield* new Ready(41);
 *   return n + 1;
 * });
 * ```
 */
export abstract class Awaitable<T> implements Future<T>, AwaitIterator<T> {
  /** Polls the future: the value, or {@link PENDING} with the waker stored. */
  abstract poll(cx: Context): Poll<T>;

  /** Drop: cancels the future. Futures that register nothing keep this no-op. */
  [Symbol.dispose](): void {}

  /** `yield*` asks for an iterator: a library future is its own. */
  [Symbol.iterator](): AwaitIterator<T> {
    return this;
  }

  /** One await step; see the module comment. @internal */
  next(): IteratorResult<Suspend, T> {
    return awaitStep(this);
  }

  /** The awaiting generator is dropped: drop this future. @internal */
  return(value?: unknown): IteratorReturnResult<unknown> {
    return awaitReturn(this, value);
  }
}

/**
 * Gives a class that cannot extend {@link Awaitable} (the task is its own
 * JoinHandle and already extends `Waker`) Awaitable's own `yield*` methods:
 * the same function objects, not copies. A compiled machine recognises a
 * library future by those functions and polls it directly; with copies it
 * would drive a JoinHandle through V8's `yield*` instead, a generator
 * object per join. The class declares the three methods (`declare`) so
 * they are typed; this installs them, non-enumerable as methods are.
 *
 * @internal
 */
export function awaitsLikeAwaitable(target: { readonly prototype: object }): void {
  const own = Awaitable.prototype;
  for (const key of [Symbol.iterator, "next", "return"] as const) {
    Object.defineProperty(target.prototype, key, { value: own[key], writable: true, configurable: true });
  }
}

/** Adapts a hand-written `{ poll }` object so `yield*` can await it. */
class ForeignFuture<T> extends Awaitable<T> {
  constructor(private readonly inner: Future<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    return this.inner.poll(cx);
  }
  override [Symbol.dispose](): void {
    this.inner[Symbol.dispose]?.();
  }
  describeWait(): string {
    return waitDescription(this.inner);
  }
}

/**
 * Makes any {@link Future} awaitable with `yield*`: the one-call wrapper
 * for a hand-written `{ poll }` object. Library futures are returned as
 * they are.
 *
 * @example
 * ```ts
 * import { awaitable, future, PENDING, type Context } from "mini-tokio";
 * const answer = { poll: (_cx: Context) => 42 };
 * const f = future(function* () {
 *   return yield* awaitable(answer); // typed number
 * });
 * ```
 */
export function awaitable<T>(f: Future<T>): Awaitable<T> {
  if (f instanceof Awaitable) return f;
  if (!isFuture(f)) {
    throw new TypeError(`awaitable(f): f must be a future (an object with a poll(cx) method), got ${describe(f)}`);
  }
  return new ForeignFuture(f);
}
