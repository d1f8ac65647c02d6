/**
 * The cooperative budget: how a task that is always ready is made to yield.
 *
 * Cooperative scheduling trusts each task to return PENDING now and then.
 * A task reading from a channel that always has data never would, and the
 * other tasks would starve. So, as in tokio, each task poll gets a budget of
 * {@link BUDGET} units; leaf futures (channel receives, lock acquires, …)
 * spend one unit each time they would return ready through
 * {@link pollProceed}. When the budget is spent, `pollProceed` wakes the
 * task and says no: the leaf returns PENDING, the task goes to the back of
 * the run queue, and everyone else gets a turn first.
 *
 * The units left live in the per-thread record (`THREAD.budget`). Outside
 * a task poll the budget is unlimited, so polling a future by hand in a
 * test is not affected.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import { THREAD } from "./context.js";

/** Units each task poll may spend (tokio's figure). */
export const BUDGET = 128;

/** Gives the task about to be polled a fresh budget. @internal */
export function resetBudget(): void {
  THREAD.budget = BUDGET;
}

/**
 * Spends one unit of the current task's budget. Returns true when the leaf
 * future may go on and return ready; false when the budget is spent, in
 * which case the task has been woken and the leaf must return PENDING
 * (tokio's `poll_proceed`).
 *
 * @example
 * ```ts
 * import { PENDING, pollProceed, type Context, type Poll } from "mini-tokio";
 * function pollRecv(queue: number[], cx: Context): Poll<number | undefined> {
 *   if (!pollProceed(cx)) return PENDING; // spent: let others run
 *   return queue.shift();
 * }
 * ```
 */
export function pollProceed(cx: Context): boolean {
  const thread = THREAD;
  const remaining = thread.budget;
  if (remaining > 0) {
    thread.budget = remaining - 1;
    return true;
  }
  if (remaining === 0) {
    // The first refusal in this poll: the budget forced a yield.
    thread.budget = -1;
    thread.exhaustions++;
    const hook = thread.onBudgetExhausted;
    if (hook !== undefined) hook();
  }
  cx.waker.wakeByRef();
  return false;
}

/** The units left in this poll's budget (Infinity outside a task poll). */
export function remainingBudget(): number {
  return Math.max(THREAD.budget, 0);
}

/** Sets (or clears) the function told when a poll's budget runs out; returns the one it replaced. @internal */
export function onBudgetExhausted(hook: (() => void) | undefined): (() => void) | undefined {
  const outer = THREAD.onBudgetExhausted;
  THREAD.onBudgetExhausted = hook;
  return outer;
}
