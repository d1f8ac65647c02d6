/**
 * `sleep(ms)` and `sleepUntil(instant)`: futures that are ready once the
 * runtime's clock reaches a deadline.
 *
 * @module
 */

import { awaitReturn, awaitStep } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { currentRuntime } from "../context/current.js";
import type { TimeHandle } from "../context/handle.js";
import type { AwaitIterator, Context, Future } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { currentTime } from "./current.js";
import { Timer } from "./driver.js";
import { checkWait, deadlineAfter, FAR_FUTURE_MS } from "./duration.js";
import { Instant } from "./instant.js";

/**
 * A future that is ready once the clock reaches its deadline. It is its
 * own wheel entry, so a pending sleep is one object of seven fields: no
 * closure, no host timer of its own. Its deadline is a whole millisecond
 * (rounded up, so a sleep never ends early), which V8 keeps unboxed.
 *
 * **Cancel safety:** dropping it removes its entry from the wheel at once;
 * nothing else is lost.
 */
export class Sleep extends Timer implements Future<void>, AwaitIterator<void>, Disposable {
  /**
   * The runtime whose clock and wheel the sleep uses. Until it is known (a
   * sleep made outside a runtime), `deadline` holds the duration instead.
   */
  private driver: TimeHandle | undefined;

  /** @internal Use {@link sleep} or {@link sleepUntil}. */
  constructor(deadlineOrDuration: number, driver: TimeHandle | undefined) {
    super();
    this.deadline = deadlineOrDuration;
    this.driver = driver;
  }

  poll(cx: Context): Poll<void> {
    // Ready at once (sleep(0), a deadline already passed) spends budget, so a
    // loop of such sleeps still lets other tasks run.
    if (this.expired) return pollProceed(cx) ? undefined : PENDING;
    if (!this.isRegistered) {
      let driver = this.driver;
      if (driver === undefined) {
        // Made outside a runtime: the sleep starts at its first poll.
        driver = currentTime("sleep()");
        this.driver = driver;
        this.deadline = deadlineAfter(driver.now(), this.deadline);
      }
      if (this.deadline === Number.POSITIVE_INFINITY) {
        // sleep(Infinity): never due, so never on the wheel (virtual time
        // must not jump to it); only dropping it ends the wait.
        this.waker = cx.waker;
        return PENDING;
      }
      // No clock read here: the wheel refuses a deadline it has already
      // passed, and one the clock has passed since fires at the next turn.
      if (!driver.register(this, this.deadline)) {
        this.expired = true;
        return pollProceed(cx) ? undefined : PENDING;
      }
    }
    this.waker = cx.waker;
    return PENDING;
  }

  /** What a task awaiting it waits on: `"Sleep(until 1500 ms)"` on the runtime's clock. */
  describeWait(): string {
    if (this.deadline === Number.POSITIVE_INFINITY) return "Sleep(never)";
    if (this.driver === undefined) return `Sleep(${this.deadline} ms, not started)`;
    return `Sleep(until ${this.deadline} ms)`;
  }

  /** Drop: removes the entry from the wheel. Idempotent. */
  [Symbol.dispose](): void {
    if (this.isRegistered) this.driver?.cancel(this);
    this.waker = undefined;
  }

  [Symbol.iterator](): AwaitIterator<void> {
    return this;
  }

  /** @internal */
  next(): IteratorResult<typeof PENDING, void> {
    return awaitStep(this);
  }

  /** @internal */
  return(value?: unknown): IteratorReturnResult<unknown> {
    return awaitReturn(this, value);
  }
}

/**
 * A future that is ready `ms` milliseconds from now on the runtime's clock
 * (tokio's `time::sleep`). Made inside a task, the deadline is fixed at
 * once; made outside a runtime, at its first poll. Fractions of a
 * millisecond round up: a sleep never ends early.
 *
 * **Very long sleeps.** A finite duration that reaches past the far future
 * (2^52 ms, about 142,700 years, on the runtime's clock) ends there, as
 * tokio clamps to its far future: under virtual time, a runtime with
 * nothing else to do jumps to it. `sleep(Infinity)` never ends and is not
 * a timer at all, so virtual time never jumps for it: use it to wait
 * forever (until dropped). A `blockOn` or `run` left waiting only on it
 * throws a `StallError`, since nothing can ever wake it.
 *
 * **Cancel safety:** dropping it cancels the timer at once; nothing is lost.
 *
 * @throws RangeError for a negative or NaN duration; TypeError for a
 *   non-number.
 * @example
 * ```ts
 * import { main, sleep } from "mini-tokio";
 * await main(function* () {
 *   yield* sleep(100);
 *   console.log("a tenth of a second later");
 * });
 * ```
 */
export function sleep(ms: number): Sleep {
  checkWait("sleep(ms)", ms);
  const driver = currentRuntime()?.time;
  if (driver === undefined) return new Sleep(ms, undefined);
  // Deadline 0 has always passed: the wheel refuses it and the first poll
  // is ready, without reading the clock.
  return new Sleep(ms === 0 ? 0 : deadlineAfter(driver.now(), ms), driver);
}

/**
 * A future that is ready once the runtime's clock reaches `deadline`
 * (tokio's `time::sleep_until`); ready at its first poll if that has
 * passed. Call it inside a task: an instant belongs to a runtime's clock.
 * A deadline past the far future (2^52 ms) is clamped to it, as in
 * {@link sleep}.
 *
 * **Cancel safety:** as {@link sleep}.
 *
 * @example
 * ```ts
 * import { Runtime, future, now, sleepUntil } from "mini-tokio";
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   const start = now();
 *   yield* sleepUntil(start.add(60_000));
 * }));
 * ```
 */
export function sleepUntil(deadline: Instant): Sleep {
  if (!(deadline instanceof Instant)) {
    throw new TypeError(`sleepUntil(deadline): deadline must be an Instant (from now()), got ${typeof deadline}`);
  }
  // An Instant only means something on the clock it was read from, so
  // unlike sleep(ms) this cannot wait for its first poll to find a runtime.
  return new Sleep(Math.min(Math.ceil(deadline.ms), FAR_FUTURE_MS), currentTime("sleepUntil()"));
}
