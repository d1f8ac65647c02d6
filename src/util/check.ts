/**
 * Argument checks at the API boundary: counts (permits, parties,
 * capacities) and futures, so a mistake fails at the call with a message
 * naming the argument and what is allowed, not later inside a poll.
 *
 * @module
 */

import { describe, type Future, isFuture } from "../future/future.js";

/**
 * Returns `value` if it is an integer from `min` to `max`. Otherwise throws
 * a TypeError (not a number) or a RangeError (a number out of range) that
 * names the call, the argument and what is allowed.
 *
 * @internal
 */
export function checkCount(api: string, name: string, value: unknown, min: number, max: number): number {
  const allowed = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  if (typeof value !== "number") throw new TypeError(`${api}: ${name} must be ${allowed}, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${api}: ${name} must be ${allowed}, got ${value}`);
  }
  return value;
}

/** The TypeError for a value that should have been a future. @internal */
export function notAFuture(api: string, name: string, value: unknown): TypeError {
  const hint =
    value instanceof Promise
      ? " (a Promise is not a future: it is not polled and cannot be cancelled)"
      : typeof value === "function"
        ? " (call it: a function is not a future, the future is what it returns)"
        : "";
  return new TypeError(
    `${api}: ${name} must be a future (an object with a poll(cx) method, such as future(function* () { … })), got ${describe(value)}${hint}`,
  );
}

/** Throws a TypeError naming `futures[i]` for the first element that is not a future. @internal */
export function checkFutures<T>(api: string, futures: ArrayLike<T>): void {
  const n = futures.length;
  for (let i = 0; i < n; i++) {
    const f = futures[i];
    if (!isFuture(f)) throw notAFuture(api, `futures[${i}]`, f);
  }
  // The same future twice would be polled by two owners (a select handing
  // out a guard its twin already released, a join polling a finished
  // future). A few branches are compared pairwise; many go through a Set.
  if (n <= 16) {
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) if (futures[i] === futures[j]) throw sameFuture(api, i, j);
    return;
  }
  const seen = new Set<T>();
  for (let i = 0; i < n; i++) {
    const f = futures[i];
    if (f === undefined) continue;
    if (seen.has(f)) {
      for (let j = 0; j < i; j++) if (futures[j] === f) throw sameFuture(api, i, j);
    }
    seen.add(f);
  }
}

function sameFuture(api: string, i: number, j: number): TypeError {
  return new TypeError(
    `${api}: futures[${i}] is the same future as futures[${j}]: a future is polled by one owner, so pass each once (make another, or share its result through a channel)`,
  );
}

/**
 * Turns an iterable of futures into an array, checking each element.
 *
 * @internal
 */
export function futuresFrom<T>(api: string, futures: Iterable<Future<T>>): readonly Future<T>[] {
  if (typeof futures !== "object" || futures === null || typeof futures[Symbol.iterator] !== "function") {
    throw new TypeError(
      `${api}: futures must be an iterable of futures (an array, a Set, …), got ${describe(futures)}`,
    );
  }
  // An array is read as it is (the combinator reads it once, at once); any other iterable is copied.
  const array: readonly Future<T>[] = Array.isArray(futures) ? futures : Array.from(futures);
  checkFutures(api, array);
  return array;
}
