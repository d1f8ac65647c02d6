/**
 * Controlling a runtime's clock: `now`, `pause`, `resume`, `advance`.
 *
 * Each acts on the runtime whose task is running, and throws outside one.
 * Exported as the `time` namespace: `time.pause()`, `time.advance(ms)`.
 *
 * @module
 */

import { currentTime } from "./current.js";
import { checkDuration, FAR_FUTURE_MS } from "./duration.js";
import { Instant } from "./instant.js";

/**
 * The current runtime's clock reading (tokio's `Instant::now`).
 *
 * @example
 * ```ts
 * import { Runtime, future, now } from "mini-tokio";
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   return now().ms; // 0: virtual time starts at 0
 * }));
 * ```
 */
export function now(): Instant {
  return new Instant(currentTime("now()").now());
}

/**
 * Freezes the current runtime's clock (tokio's `time::pause`). While it is
 * paused, time moves only by {@link advance} or, when every task is idle and
 * no host operation is outstanding, by jumping to the next timer
 * (auto-advance). A runtime made with `clock: "virtual"` starts paused.
 *
 * @example
 * ```ts
 * import { Runtime, future, sleep, time } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   time.pause();
 *   yield* sleep(3_600_000); // an hour, in microseconds
 * }));
 * ```
 */
export function pause(): void {
  currentTime("time.pause()").pause();
}

/**
 * Lets the current runtime's clock run again from where it stood (tokio's
 * `time::resume`).
 *
 * @example
 * ```ts
 * import { Runtime, future, time } from "mini-tokio";
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   time.resume(); // from here on, real time passes
 * }));
 * ```
 */
export function resume(): void {
  currentTime("time.resume()").resume();
}

/**
 * Moves the current runtime's paused clock forward by `ms` and fires the
 * timers that fall due; the tasks they wake run when the caller next
 * yields (tokio's `time::advance`).
 *
 * @throws Error if the clock is not paused; RangeError for a bad duration,
 *   or one that would take the clock past the far future (2^52 ms, where
 *   the longest sleeps end): that would leave no deadline the timers can
 *   hold.
 * @example
 * ```ts
 * import { Runtime, future, now, time, yieldNow } from "mini-tokio";
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   time.advance(250);
 *   yield* yieldNow(); // let woken tasks run
 *   return now().ms; // 250
 * }));
 * ```
 */
export function advance(ms: number): void {
  checkDuration("time.advance(ms)", ms);
  const driver = currentTime("time.advance()");
  if (!driver.isPaused) {
    throw new Error(
      "time.advance(ms) needs a paused clock: call time.pause() first, or use new Runtime({ clock: 'virtual' })",
    );
  }
  if (driver.now() + ms > FAR_FUTURE_MS) {
    // A clock past the far future would put every new deadline out of the
    // wheel's reach: the runtime's timers would be broken for good.
    throw new RangeError(
      `time.advance(ms): the clock cannot go past the far future (2^52 ms, about 142,700 years), where long sleeps end; it is at ${driver.now()} ms, got ${ms}`,
    );
  }
  driver.advance(ms);
}

/** True when the current runtime's clock is paused. */
export function isPaused(): boolean {
  return currentTime("time.isPaused()").isPaused;
}
