/**
 * `yieldNow()`: give the other tasks a turn.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";

/** Pending once (after waking itself), then ready. */
class YieldNow extends Awaitable<void> {
  private yielded = false;

  poll(cx: Context): Poll<void> {
    if (this.yielded) return undefined;
    this.yielded = true;
    // Waking our own task from inside its poll puts it at the back of the
    // run queue once this poll returns: everyone already queued goes first.
    cx.waker.wakeByRef();
    return PENDING;
  }

  describeWait(): string {
    return "yieldNow()";
  }
}

/**
 * Returns a future that is pending once, re-queueing the task behind every
 * task already waiting to run, then ready (tokio's `task::yield_now`).
 *
 * **Cancel safety:** nothing is lost if it is dropped.
 *
 * @example
 * ```ts
 * import { Runtime, future, yieldNow } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   for (let i = 0; i < 3; i++) yield* yieldNow(); // let others run
 * }));
 * ```
 */
export function yieldNow(): Awaitable<void> {
  return new YieldNow();
}
