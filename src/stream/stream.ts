/**
 * Streams: futures that yield many values (Rust's `Stream`, from the
 * `futures` crate).
 *
 * A stream is polled like a future, with `pollNext(cx)`: it returns the
 * next item, `undefined` when there are no more, or {@link mini-tokio!PENDING} after
 * storing `cx.waker`. `undefined` means "no more" everywhere in the
 * package, so it cannot be an item. Channel receivers and intervals are
 * streams as they are.
 *
 * @module
 */

import { type Context, describe } from "../future/future.js";
import type { Poll } from "../future/poll.js";

/**
 * A source of values over time, polled like a future (Rust's `Stream`).
 *
 * @typeParam T - the item type; never `undefined`, which marks the end.
 * @example
 * ```ts
 * import type { Context, Poll, Stream } from "mini-tokio";
 * // Counts 1, 2, 3, then ends.
 * class Count implements Stream<number> {
 *   #n = 0;
 *   pollNext(_cx: Context): Poll<number | undefined> {
 *     return this.#n < 3 ? ++this.#n : undefined;
 *   }
 * }
 * ```
 */
export interface Stream<T> {
  /**
   * The next item, `undefined` at the end, or {@link mini-tokio!PENDING} with
   * `cx.waker` stored where it will be woken when an item may be ready.
   */
  pollNext(cx: Context): Poll<T | undefined>;
  /** Cancels the stream and releases what it registered (drop). */
  [Symbol.dispose]?(): void;
}

/** The item type of a stream: `Item<Stream<string>>` is `string`. */
export type Item<S> = S extends Stream<infer T> ? T : never;

/** True when `value` looks like a stream: an object with a `pollNext` method. */
export function isStream(value: unknown): value is Stream<unknown> {
  return typeof value === "object" && value !== null && "pollNext" in value && typeof value.pollNext === "function";
}

/**
 * Drops `stream` if it has a dispose method. Owners clear their reference
 * before calling it, so a dispose that throws is still never repeated:
 * every stream is disposed exactly once.
 *
 * @internal
 */
export function dropStream(stream: Stream<unknown> | undefined): void {
  stream?.[Symbol.dispose]?.();
}

/**
 * Checks that `value` is a stream, or throws a TypeError naming the
 * argument (`what`, e.g. `"merge(...streams): streams[1]"`).
 *
 * @internal
 */
export function checkStream<T>(what: string, value: Stream<T>): Stream<T> {
  if (!isStream(value)) {
    throw new TypeError(
      `${what} must be a stream (an object with a pollNext(cx) method, such as fromIterable([…]) or a channel receiver), got ${describe(value, "pollNext")}`,
    );
  }
  return value;
}
