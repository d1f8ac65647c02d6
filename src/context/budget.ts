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
 * The units left are a field of the per-thread record kept in this module. Outside
 * a task poll the budget is unlimited, so polling a future by hand in a
 * test is not affected.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import { THREAD } from "./context.js";

/** Units each task poll may spend (tokio's figure). */
export const BUDGET = 128;

/**
 * Units left in this task poll; -1 once a leaf was refused (so the refusal
 * is counted once). A field of the per-thread record, kept here as a
 * module variable because pollProceed reads it on every ready operation.
 */
let units = Number.POSITIVE_INFINITY;

/** The budget units left in this poll. @internal */
export function budgetLeft(): number {
  return units;
}

/** Sets the budget units left in this poll (a runtime entering or leaving saves and restores it). @internal */
export function setBudget(n: number): void {
  units = n;
}

/** Gives the task about to be polled a fresh budget. @internal */
export function resetBudget(): void {
  units = BUDGET;
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
  if (units > 0) {
    units--;
    return true;
  }
  return refuse(cx);
}

/** The budget is spent: wake the task (it goes to the back of the run queue) and say no. */
function refuse(cx: Context): false {
  const thread = THREAD;
  if (units === 0) {
    // The first refusal in this poll: the budget forced a yield.
    units = -1;
    thread.exhaustions++;
    const hook = thread.onBudgetExhausted;
    if (hook !== undefined) hook();
  }
  cx.waker.wakeByRef();
  return false;
}

/**
 * True while the current task's budget has units left; once it is spent,
 * wakes the task and returns false, without spending anything (tokio's
 * `poll_budget_available`). For a combinator that polls futures which may
 * not spend budget themselves: `select` checks it first, so a loop over a
 * select whose branch is always ready still yields.
 *
 * @internal
 */
export function pollBudgetAvailable(cx: Context): boolean {
  return units > 0 || refuse(cx);
}

/**
 * Calls `fn(a, b)` with the budget lifted, then puts the budget back as it
 * was (tokio's `coop::with_unconstrained`): what `fn` polls is neither
 * limited nor charged. For polls that must not be refused, such as a
 * timeout's timer after the inner future spent the budget, or a
 * non-waiting `tryJoinNext()`. The arguments are passed through, so the
 * caller needs no closure (no allocation per call).
 *
 * @internal
 */
export function withBudgetUnconstrained<A, B, T>(fn: (a: A, b: B) => T, a: A, b: B): T {
  const saved = units;
  units = Number.POSITIVE_INFINITY;
  try {
    return fn(a, b);
  } finally {
    units = saved;
  }
}

/** The units left in this poll's budget (Infinity outside a task poll). */
export function remainingBudget(): number {
  return Math.max(units, 0);
}

/** Sets (or clears) the function told when a poll's budget runs out; returns the one it replaced. @internal */
export function onBudgetExhausted(hook: (() => void) | undefined): (() => void) | undefined {
  const outer = THREAD.onBudgetExhausted;
  THREAD.onBudgetExhausted = hook;
  return outer;
}
