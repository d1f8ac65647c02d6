/**
 * `timeout(ms, f)`: `f`'s value, or a TimeoutError once `ms` have passed.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { remainingBudget, withBudgetUnconstrained } from "../context/budget.js";
import { type Context, describe, type Future, isFuture, waitDescription } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { checkWait } from "./duration.js";
import { type Sleep, sleep } from "./sleep.js";

/**
 * Thrown by {@link timeout} when time ran out. The inner future has been
 * dropped by then (its `finally` blocks have run).
 *
 * @example
 * ```ts
 * import { TimeoutError, future, sleep, timeout } from "mini-tokio";
 * const f = future(function* () {
 *   try {
 *     yield* timeout(10, sleep(1000));
 *   } catch (e) {
 *     if (e instanceof TimeoutError) return "gave up after " + e.ms + " ms";
 *     throw e;
 *   }
 * });
 * ```
 */
export class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  /** The time limit that ran out, in milliseconds. */
  readonly ms: number;

  /** @internal */
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.ms = ms;
  }
}

function pollSleep(limit: Sleep, cx: Context): Poll<void> {
  return limit.poll(cx);
}

/** Races a future against a sleep; see {@link timeout}. */
class Timeout<T> extends Awaitable<T> {
  private inner: Future<T> | undefined;

  constructor(
    inner: Future<T>,
    private readonly limit: Sleep,
    private readonly ms: number,
  ) {
    super();
    this.inner = inner;
  }

  poll(cx: Context): Poll<T> {
    const inner = this.inner;
    if (inner === undefined) throw new Error("timeout() was polled after it completed");
    const hadBudget = remainingBudget() > 0;
    let value: Poll<T>;
    try {
      value = inner.poll(cx);
    } catch (error) {
      this.finish();
      throw error;
    }
    if (value !== PENDING) {
      this.finish();
      return value;
    }
    // tokio's rule: if the inner future used up the budget, poll the timer
    // with the budget lifted, or a busy inner future would starve it forever.
    const limit = this.limit;
    const expired =
      hadBudget && remainingBudget() === 0
        ? withBudgetUnconstrained(pollSleep, limit, cx) !== PENDING
        : limit.poll(cx) !== PENDING;
    if (!expired) return PENDING;
    this.finish();
    inner[Symbol.dispose]?.();
    throw new TimeoutError(this.ms);
  }

  /** What a task awaiting it waits on: the deadline, then what the inner future waits on. */
  describeWait(): string {
    const inner = this.inner;
    const limit = `timeout(${this.ms} ms, until ${this.limit.deadline} ms)`;
    return inner === undefined ? limit : `${limit} of ${waitDescription(inner)}`;
  }

  /** Drop: drops the inner future and cancels the timer. */
  override [Symbol.dispose](): void {
    const inner = this.inner;
    this.finish();
    inner?.[Symbol.dispose]?.();
  }

  private finish(): void {
    this.inner = undefined;
    this.limit[Symbol.dispose]();
  }
}

/**
 * Awaits `f` for at most `ms` milliseconds (tokio's `time::timeout`): its
 * value if it finishes in time; otherwise `f` is dropped (its `finally`
 * blocks run; a JoinHandle's task is aborted) and a {@link TimeoutError} is
 * thrown. `f` is polled first, so a future that is ready at once wins even
 * with `ms = 0`. If `f` used up the task's cooperative budget, the timer is
 * polled with the budget lifted (tokio's rule), so a timeout still fires
 * around a future that keeps its task busy. `timeout(Infinity, f)` never
 * times out; a finite `ms` past the far future is clamped to it (see
 * {@link sleep}).
 *
 * **Cancel safety:** dropping the timeout drops `f` and cancels the timer;
 * what is lost is whatever `f` loses when dropped.
 *
 * @example
 * ```ts
 * import { future, sleep, timeout } from "mini-tokio";
 * const quick = future(function* () {
 *   return yield* timeout(1000, future(function* () {
 *     yield* sleep(10);
 *     return "in time";
 *   }));
 * });
 * ```
 */
export function timeout<T>(ms: number, f: Future<T>): Awaitable<T> {
  checkWait("timeout(ms, f)", ms);
  if (!isFuture(f)) {
    throw new TypeError(`timeout(ms, f): f must be a future (an object with a poll(cx) method), got ${describe(f)}`);
  }
  return new Timeout(f, sleep(ms), ms);
}
