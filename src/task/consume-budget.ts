/**
 * `consumeBudget()`: an explicit yield point for loops that do synchronous
 * work (tokio's `task::consume_budget`).
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";

class ConsumeBudget extends Awaitable<void> {
  poll(cx: Context): Poll<void> {
    return pollProceed(cx) ? undefined : PENDING;
  }
  describeWait(): string {
    return "consumeBudget(): the budget was spent";
  }
}

/**
 * Spends one unit of budget, yielding first if it is spent (tokio's
 * `task::consume_budget`): put it in a loop that does synchronous work and
 * would otherwise never yield.
 *
 * **Cancel safety:** nothing is lost if it is dropped.
 *
 * @example
 * ```ts
 * import { consumeBudget, future } from "mini-tokio";
 * const busy = future(function* () {
 *   for (let i = 0; i < 1_000_000; i++) yield* consumeBudget();
 * });
 * ```
 */
export function consumeBudget(): Awaitable<void> {
  return new ConsumeBudget();
}
