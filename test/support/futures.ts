// Small hand-written futures the tests share. Each one is what a user
// would write: store the waker, return PENDING, wake later.

import assert from "node:assert/strict";
import { type Context, type Future, noopWaker, PENDING, type Poll, type Waker, wakerFromFn } from "../../src/index.js";

/** Pending until `open(value)`; records every poll and its dispose. */
export class Gate<T> {
  polls = 0;
  disposed = 0;
  waker: Waker | undefined = undefined;
  private value: { v: T } | undefined = undefined;

  poll(cx: Context): Poll<T> {
    this.polls++;
    if (this.value !== undefined) return this.value.v;
    this.waker = cx.waker;
    return PENDING;
  }

  open(v: T): void {
    this.value = { v };
    this.waker?.wake();
  }

  [Symbol.dispose](): void {
    this.disposed++;
    this.waker = undefined;
  }
}

/** Never ready and never wakes anyone: the lost-wakeup future. */
export const never = { poll: (_cx: Context): Poll<never> => PENDING };

/** A context whose waker counts how often it was woken. */
export function countingContext(): { cx: Context; wakes: () => number } {
  let wakes = 0;
  const waker = wakerFromFn(() => {
    wakes++;
  });
  return { cx: { waker }, wakes: () => wakes };
}

/** A context whose waker does nothing: for polling by hand when the test does not count wakes. */
export const cx: Context = { waker: noopWaker() };

/** Polls `f` once by hand (with `context`, or {@link cx}) and returns its value, or fails the test if it is pending. */
export function ready<T>(f: Future<T>, context: Context = cx): T {
  const p = f.poll(context);
  if (p === PENDING) assert.fail("expected the future to be ready");
  return p;
}
