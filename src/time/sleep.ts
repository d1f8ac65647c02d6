/**
 * `sleep(ms)` and `sleepUntil(instant)`: futures that are ready once the
 * runtime's clock reaches a deadline.
 *
 * @module
 */

import { awaitsLikeAwaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { currentRuntime } from "../context/current.js";
import type { TimeHandle } from "../context/handle.js";
import type { AwaitIterator, Context, Future } from "../future/future.js";
import { PENDING, type Poll, type Suspend } from "../future/poll.js";
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

  /**
   * True once the deadline has passed and the timer fired (tokio's
   * `is_elapsed`). A sleep whose deadline passed but which nobody has
   * polled since, or which the wheel has not fired yet, still says false:
   * it reports what the timer saw, not a fresh clock reading.
   *
   * @example
   * ```ts
   * import { Runtime, future, sleep } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   const s = sleep(10);
   *   console.log(s.isElapsed); // false
   *   yield* s;
   *   console.log(s.isElapsed); // true
   * }));
   * ```
   */
  get isElapsed(): boolean {
    return this.expired;
  }

  /**
   * The instant the sleep ends (tokio's `Sleep::deadline`). The
   * `deadline` property is taken by the timer-wheel entry the sleep is
   * (whole ms on the clock), hence the name.
   *
   * @throws Error for a sleep made outside a runtime and never polled:
   *   its deadline is fixed only at its first poll.
   * @example
   * ```ts
   * import { Runtime, future, sleep } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   const s = sleep(250);
   *   console.log(s.getDeadline().ms); // 250
   * }));
   * ```
   */
  getDeadline(): Instant {
    if (this.driver === undefined) {
      throw new Error(
        "sleep.getDeadline(): this sleep was made outside a runtime and has not been polled, so its deadline is not fixed yet",
      );
    }
    return new Instant(this.deadline);
  }

  /**
   * Moves the deadline to `deadline` (tokio's `Sleep::reset`), earlier or
   * later, whether the sleep is waiting, not yet polled or already
   * finished: a finished sleep becomes pending again and can be awaited
   * once more. A task waiting on it is woken at the new deadline (at once
   * if that has passed). No new object is made: the same wheel entry
   * moves.
   *
   * @throws TypeError unless `deadline` is an Instant; Error outside a
   *   runtime for a sleep that never found one.
   * @example
   * ```ts
   * import { Runtime, future, now, sleep } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   const idle = sleep(1000);
   *   // activity seen: push the idle deadline back
   *   idle.reset(now().add(5000));
   *   yield* idle;
   *   console.log(now().ms); // 5000
   * }));
   * ```
   */
  reset(deadline: Instant): void {
    if (!(deadline instanceof Instant)) {
      throw new TypeError(`sleep.reset(deadline): deadline must be an Instant (from now()), got ${typeof deadline}`);
    }
    let driver = this.driver;
    if (driver === undefined) {
      driver = currentTime("sleep.reset(deadline)");
      this.driver = driver;
    }
    const waker = this.waker;
    if (this.isRegistered) driver.cancel(this);
    this.deadline = Math.ceil(deadline.ms);
    this.expired = false;
    // Nobody waits (not polled yet, finished, or dropped): the next poll
    // registers, so a reset never leaves a dropped sleep in the wheel.
    if (waker === undefined) return;
    if (driver.register(this, this.deadline)) this.waker = waker;
    else {
      this.expired = true;
      waker.wake();
    }
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

  // `yield*` on a sleep: Awaitable's own methods, installed below by
  // awaitsLikeAwaitable, so a compiled machine polls a sleep directly.
  declare [Symbol.iterator]: () => AwaitIterator<void>;
  declare next: () => IteratorResult<Suspend, void>;
  declare return: (value?: unknown) => IteratorReturnResult<unknown>;
}

awaitsLikeAwaitable(Sleep);

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
