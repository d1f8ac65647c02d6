/**
 * `fromIterable(iterable)`: a stream of the items of an array, a Set, a
 * generator, any iterable.
 *
 * @module
 */

import { pollProceed } from "../context/budget.js";
import { type Context, describe } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Stream } from "./stream.js";
import { StreamExt } from "./stream-ext.js";

function undefinedItem(): TypeError {
  return new TypeError(
    "fromIterable(iterable): the iterable yielded undefined, which marks the end of a stream and cannot be an item; use null, or filter it out first",
  );
}

/**
 * An array, read by index: the array's own iterator, without an iterator
 * result object per item. Like the array iterator, it sees items pushed
 * while it runs.
 */
class ArrayStream<T> implements Stream<T>, Disposable {
  private items: readonly T[] | undefined;
  private index = 0;

  constructor(items: readonly T[]) {
    this.items = items;
  }

  pollNext(cx: Context): Poll<T | undefined> {
    const items = this.items;
    if (items === undefined) return undefined;
    const i = this.index;
    if (i >= items.length) {
      this.items = undefined;
      return undefined;
    }
    // Always ready: a leaf, so it spends budget and a long array cannot
    // keep its task from yielding.
    if (!pollProceed(cx)) return PENDING;
    const item = items[i];
    if (item === undefined) {
      this.items = undefined;
      throw undefinedItem();
    }
    this.index = i + 1;
    return item;
  }

  /** Drop: forgets the array. */
  [Symbol.dispose](): void {
    this.items = undefined;
  }
}

/** Any other iterable: its iterator is asked for at the first poll. */
class IteratorStream<T> implements Stream<T>, Disposable {
  private iterable: Iterable<T> | undefined;
  /** The iterator, while it is running. */
  private iterator: Iterator<T> | undefined = undefined;

  constructor(iterable: Iterable<T>) {
    this.iterable = iterable;
  }

  pollNext(cx: Context): Poll<T | undefined> {
    let iterator = this.iterator;
    if (iterator === undefined) {
      const iterable = this.iterable;
      if (iterable === undefined) return undefined; // ended or dropped
      this.iterable = undefined;
      iterator = this.iterator = iterable[Symbol.iterator]();
    }
    if (!pollProceed(cx)) return PENDING;
    let step: IteratorResult<T>;
    try {
      step = iterator.next();
    } catch (error) {
      this.iterator = undefined; // an iterator that threw is finished
      throw error;
    }
    if (step.done === true) {
      this.iterator = undefined;
      return undefined;
    }
    if (step.value === undefined) {
      this[Symbol.dispose]();
      throw undefinedItem();
    }
    return step.value;
  }

  /**
   * Drop: an iterator stopped early is told so (its `return()`: a
   * generator's `finally` blocks run). Idempotent.
   */
  [Symbol.dispose](): void {
    const iterator = this.iterator;
    this.iterator = undefined;
    this.iterable = undefined;
    iterator?.return?.();
  }
}

const arrayValues = Array.prototype[Symbol.iterator];

/**
 * A stream of the items of `iterable`, in order (Rust's
 * `stream::iter`). Lazy: the iterator is asked for at the first poll.
 * Always ready, so it spends cooperative budget per item. Disposing it
 * early calls the iterator's `return()` (a generator's `finally` runs).
 *
 * `undefined` marks the end of a stream, so an iterable that yields it
 * makes the poll throw a TypeError (use `null`).
 *
 * @throws TypeError if `iterable` is not iterable.
 * @example
 * ```ts
 * import { Runtime, fromIterable } from "mini-tokio";
 * const doubled = new Runtime().blockOn(fromIterable(new Set([1, 2, 3])).map((n) => n * 2).collect());
 * // [2, 4, 6]
 * ```
 */
export function fromIterable<T extends {} | null>(iterable: Iterable<T>): StreamExt<T> {
  if (Array.isArray(iterable) && iterable[Symbol.iterator] === arrayValues) {
    return new StreamExt(new ArrayStream<T>(iterable));
  }
  if (
    (typeof iterable !== "object" && typeof iterable !== "string") ||
    iterable === null ||
    typeof iterable[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `fromIterable(iterable): iterable must be iterable (an array, a Set, a generator, anything with a [Symbol.iterator]() method), got ${describe(iterable, "[Symbol.iterator]")}`,
    );
  }
  return new StreamExt(new IteratorStream(iterable));
}
