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
 * Outside a task poll the budget is unlimited, so polling a future by hand
 * in a test is not affected.
 *
 * @module
 */

import { Awaitable } from "../future/awaitable.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";

/** Units each task poll may spend (tokio's figure). */
export const BUDGET = 128;

/** Units left in this poll; -1 once a leaf was refused (so the refusal is counted once). */
let remaining = Number.POSITIVE_INFINITY;
/** Polls whose budget ran out, in every runtime: each runtime counts its share over its turns. */
let exhaustions = 0;
/** Told when a poll's budget runs out: set by an observed runtime around its polls. */
let onExhausted: (() => void) | undefined;

/** Gives the task about to be polled a fresh budget. @internal */
export function resetBudget(): void {
  remaining = BUDGET;
}

/** Lifts the limit once the runtime stops polling tasks. @internal */
export function unlimitBudget(): void {
  remaining = Number.POSITIVE_INFINITY;
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
  if (remaining > 0) {
    remaining--;
    return true;
  }
  if (remaining === 0) {
    // The first refusal in this poll: the budget forced a yield.
    remaining = -1;
    exhaustions++;
    if (onExhausted !== undefined) onExhausted();
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
  if (remaining > 0) return true;
  if (remaining === 0) {
    remaining = -1;
    exhaustions++;
    if (onExhausted !== undefined) onExhausted();
  }
  cx.waker.wakeByRef();
  return false;
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
  const saved = remaining;
  remaining = Number.POSITIVE_INFINITY;
  try {
    return fn(a, b);
  } finally {
    remaining = saved;
  }
}

/** The units left in this poll's budget (Infinity outside a task poll). */
export function remainingBudget(): number {
  return Math.max(remaining, 0);
}

/** How many polls, in any runtime, had their budget run out so far. @internal */
export function budgetExhaustions(): number {
  return exhaustions;
}

/** Sets (or clears) the function told when a poll's budget runs out. @internal */
export function onBudgetExhausted(hook: (() => void) | undefined): void {
  onExhausted = hook;
}

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
