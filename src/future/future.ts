/**
 * `Future<T>`, `Context` and `Pin`: the contract between a future and
 * whoever polls it.
 *
 * - `poll(cx)` returns the value, or {@link PENDING} after storing
 *   `cx.waker` where something will wake it. Nothing runs until someone
 *   polls: futures are lazy.
 * - `[Symbol.dispose]()` is Rust's `drop`: it cancels the future and undoes
 *   every registration it made (timer entries, queued wakers, listeners).
 *   It is idempotent. A future that was never polled may be disposed too.
 * - Once `poll` has returned a value the future is finished; polling it
 *   again is a bug and library futures throw.
 *
 * @module
 */

import type { Poll, Suspend } from "./poll.js";
import type { Waker } from "./waker.js";

/**
 * What a poll receives: the waker of the task being polled (Rust's
 * `Context<'_>`). An executor makes one per task, once.
 *
 * @example
 * ```ts
 * import { noopWaker, type Context } from "mini-tokio";
 * const cx: Context = { waker: noopWaker() };
 * ```
 */
export interface Context {
  /** Wake this to have the task polled again. */
  readonly waker: Waker;
  /**
   * Told by `yield*` which future an await is pending on, when the
   * executor wants to know (a task records it for `rt.dump()`): an
   * executor's extension of the context, like Rust's unstable
   * `Context::ext`. Futures never call it; contexts made by hand leave it
   * out.
   */
  onPending?(future: Future<unknown>): void;
}

declare const pinned: unique symbol;

/**
 * A type brand for "this value will not be moved or shared while it is
 * polled", written where Rust's signature has `Pin<&mut Self>`.
 *
 * JavaScript objects never move in memory, so the guarantee Pin gives Rust
 * holds for free and the brand costs nothing at run time. What it still
 * names is the half of the contract that is ours to keep: a future has one
 * owner that polls it, and its state is not copied out from under the
 * wakers it handed out. See the guide "Pin in TypeScript" (docs/guides/pin.md).
 *
 * @example
 * ```ts
 * import { type Future, type Pin } from "mini-tokio";
 * declare const f: Pin<Future<number>>;
 * const g: Future<number> = f; // a pinned future is still a future
 * ```
 */
export type Pin<P> = P & { readonly [pinned]?: true };

/**
 * A lazy computation polled to completion by an executor (Rust's
 * `Future`). Hand-written futures implement this; generator futures
 * (`future(function* …)`) and every future the library returns already do.
 *
 * @example
 * ```ts
 * import { PENDING, type Context, type Future, type Poll } from "mini-tokio";
 * // Ready on the second poll, like `yieldNow()`.
 * class Twice implements Future<string> {
 *   #polled = false;
 *   poll(cx: Context): Poll<string> {
 *     if (this.#polled) return "done";
 *     this.#polled = true;
 *     cx.waker.wakeByRef(); // ask to be polled again
 *     return PENDING;
 *   }
 * }
 * ```
 */
export interface Future<T> {
  /**
   * Makes as much progress as possible. Returns the value when done, or
   * {@link PENDING} after storing `cx.waker` where it will be woken.
   */
  poll(this: Pin<Future<T>>, cx: Context): Poll<T>;
  /** Cancels the future and releases everything it registered (drop). */
  [Symbol.dispose]?(): void;
  /**
   * What a task waits for while this future is pending, in a few words
   * (`"Sleep(until 1500 ms)"`, `"mpsc Receiver.recv"`): shown by
   * `rt.dump()` and trace events. Optional; called only when someone asks.
   */
  describeWait?(): string;
}

/** The value type of a future: `Output<Future<number>>` is `number`. */
export type Output<F> = F extends Future<infer T> ? T : never;

/**
 * True when `value` looks like a future: an object with a `poll` method.
 *
 * @example
 * ```ts
 * import { isFuture, yieldNow } from "mini-tokio";
 * isFuture(yieldNow()); // true
 * isFuture(Promise.resolve(1)); // false: a promise is not polled
 * ```
 */
export function isFuture(value: unknown): value is Future<unknown> {
  return typeof value === "object" && value !== null && "poll" in value && typeof value.poll === "function";
}

/**
 * Describes a value for an error message: its type and, briefly, what it
 * is. `expected` names the method a plain object was expected to have.
 */
export function describe(value: unknown, expected = "poll"): string {
  try {
    if (value === null) return "null";
    if (typeof value === "function") return value.name ? `function ${value.name}` : "a function";
    if (typeof value === "object") {
      const name = value.constructor?.name;
      return name && name !== "Object" ? `an instance of ${name}` : `an object without a ${expected} method`;
    }
    if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
    return `${typeof value} ${String(value)}`;
  } catch {
    // A proxy or a getter that throws: say what we can without touching it again.
    return `a ${typeof value} that cannot be inspected`;
  }
}

/**
 * `value` as text for a message, without trusting it: an Error's message,
 * else `String(value)`; a value that cannot be turned into a string (an
 * `Object.create(null)`, a `toString` that throws) gets a description
 * instead of an exception thrown from inside the runtime.
 *
 * @internal
 */
export function textOf(value: unknown): string {
  try {
    return value instanceof Error ? String(value.message) : String(value);
  } catch {
    return `${describe(value)} that cannot be turned into a string`;
  }
}

/**
 * What a task waiting on `f` waits for: `f.describeWait()` when it has one
 * (and it does not throw), else its class name. Used by dumps, trace
 * events and stall errors.
 *
 * @internal
 */
export function waitDescription(f: Future<unknown> | undefined): string {
  if (f === undefined) return "nothing";
  if (typeof f.describeWait === "function") {
    try {
      const said: unknown = f.describeWait();
      if (typeof said === "string") return said;
    } catch {
      // A description that throws must not break a dump: fall back to the class.
    }
  }
  const made: unknown = Reflect.get(f, "constructor");
  return typeof made === "function" && made !== Object && made.name !== "" ? made.name : "a hand-written future";
}

/**
 * The iterator `yield*` drives: its `next()` result types the value of
 * `yield* f` as `T`. (At run time it also has `return()`, which drops the
 * future when the awaiting generator is dropped; it is left out of the type
 * because TypeScript would widen `T` with `return()`'s result.)
 */
export interface AwaitIterator<T> {
  /** One await step. */
  next(): IteratorResult<Suspend, T>;
}
