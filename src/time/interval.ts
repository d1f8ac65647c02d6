/**
 * `interval(period)`: ticks at a fixed period, with tokio's three ways to
 * catch up after missed ticks.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { currentRuntime } from "../context/current.js";
import type { TimeHandle } from "../context/handle.js";
import { type Context, describe } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Stream } from "../stream/stream.js";
import { currentTime } from "./current.js";
import { Timer } from "./driver.js";
import { checkDuration, FAR_FUTURE_MS } from "./duration.js";
import { Instant } from "./instant.js";

/**
 * What an {@link Interval} does when ticks were missed because the task
 * was busy (tokio's `MissedTickBehavior`). Say the period is 10 ms, ticks
 * were due at 10, 20, 30, and the task comes back at 35:
 *
 * - `"burst"` (default): the missed ticks (20, 30) come at once, then the
 *   schedule goes on as before (40, 50, …).
 * - `"delay"`: one tick now, then every period from now (45, 55, …).
 * - `"skip"`: one tick now, then the next tick on the original schedule
 *   (40, 50, …).
 */
export type MissedTickBehavior = "burst" | "delay" | "skip";

const BEHAVIOURS: readonly MissedTickBehavior[] = ["burst", "delay", "skip"];

/** Options for {@link interval}. */
export interface IntervalOptions {
  /** How to catch up after missed ticks (default `"burst"`). */
  readonly missedTick?: MissedTickBehavior;
}

/**
 * Ticks every `period` milliseconds. The first tick is immediate. Call
 * `tick()` for a future of the next tick's scheduled instant.
 *
 * An interval is also a {@link Stream} of those instants that never ends:
 * `stream(every).take(3)`, or `merge` it with other streams.
 *
 * **Cancel safety:** dropping a `tick()` future loses no tick: the next
 * call waits for the same one. Disposing the interval cancels its timer.
 *
 * @example
 * ```ts
 * import { future, interval } from "mini-tokio";
 * const heartbeat = future(function* () {
 *   using every = interval(1000, { missedTick: "skip" });
 *   for (let i = 0; i < 3; i++) {
 *     const at = yield* every.tick();
 *     console.log("tick at", at.ms);
 *   }
 * });
 * ```
 */
export class Interval implements Stream<Instant>, Disposable {
  /** The period in milliseconds. */
  readonly period: number;
  /** How missed ticks are caught up. */
  readonly missedTick: MissedTickBehavior;
  /** When the next tick is due on the clock (NaN until the interval knows its runtime). */
  private due: number;
  private driver: TimeHandle | undefined;
  private readonly timer = new Timer();

  /** @internal Use {@link interval}. */
  constructor(period: number, missedTick: MissedTickBehavior, driver: TimeHandle | undefined) {
    this.period = period;
    this.missedTick = missedTick;
    this.driver = driver;
    this.due = driver === undefined ? Number.NaN : driver.now();
  }

  /** A future of the next tick: its scheduled instant. */
  tick(): Awaitable<Instant> {
    return new Tick(this);
  }

  /**
   * The stream side: the next tick's scheduled instant, never `undefined`
   * (an interval does not end). A tick that is due at once (the first one,
   * or missed ones caught up in a burst) spends a unit of budget, as leaves
   * do, so a long burst still lets other tasks run.
   */
  pollNext(cx: Context): Poll<Instant> {
    return this.pollTick(cx);
  }

  /**
   * @internal Polls for the next tick, for `tick()` and the stream alike. A
   * due tick first asks the budget whether it may be taken, as every leaf
   * that is ready without waiting does, so catching up a burst of missed
   * ticks still lets other tasks run.
   */
  pollTick(cx: Context): Poll<Instant> {
    let driver = this.driver;
    if (driver === undefined) {
      driver = currentTime("interval.tick()");
      this.driver = driver;
      this.due = driver.now();
    }
    const now = driver.now();
    if (now >= this.due) {
      if (!pollProceed(cx)) return PENDING; // the task was woken; the tick waits
      driver.cancel(this.timer);
      const scheduled = this.due;
      this.due = this.following(scheduled, now);
      return new Instant(scheduled);
    }
    if (!this.timer.isRegistered && !driver.register(this.timer, this.due)) {
      // Due on the wheel's last reading though not yet on the clock's: poll again next turn.
      cx.waker.wakeByRef();
      return PENDING;
    }
    this.timer.waker = cx.waker;
    return PENDING;
  }

  /**
   * Restarts the schedule so the next tick is one period from now
   * (tokio's `Interval::reset`): ticks missed so far are forgotten.
   *
   * @example
   * ```ts
   * import { Runtime, future, interval, now, sleep } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   using every = interval(100);
   *   yield* every.tick(); // at 0
   *   yield* sleep(50);
   *   every.reset();
   *   yield* every.tick();
   *   console.log(now().ms); // 150
   * }));
   * ```
   */
  reset(): void {
    const driver = this.ensureDriver("interval.reset()");
    this.moveDue(driver, driver.now() + this.period);
  }

  /**
   * Makes the next tick due now (tokio's `Interval::reset_immediately`);
   * the ones after it follow every period from then.
   *
   * @example
   * ```ts
   * import { Runtime, future, interval, now, sleep } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   using every = interval(100);
   *   yield* every.tick(); // at 0
   *   yield* sleep(50);
   *   every.resetImmediately();
   *   yield* every.tick(); // at 50
   *   yield* every.tick();
   *   console.log(now().ms); // 150
   * }));
   * ```
   */
  resetImmediately(): void {
    const driver = this.ensureDriver("interval.resetImmediately()");
    this.moveDue(driver, driver.now());
  }

  /**
   * Makes the next tick due `ms` milliseconds from now, however that
   * compares with the period (tokio's `Interval::reset_after`); the ones
   * after it follow every period from then.
   *
   * @throws TypeError for a non-number; RangeError for a negative, NaN or
   *   infinite duration.
   * @example
   * ```ts
   * import { Runtime, future, interval, now } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   using every = interval(100);
   *   every.resetAfter(30);
   *   yield* every.tick();
   *   console.log(now().ms); // 30
   * }));
   * ```
   */
  resetAfter(ms: number): void {
    checkDuration("interval.resetAfter(ms)", ms);
    const driver = this.ensureDriver("interval.resetAfter(ms)");
    this.moveDue(driver, driver.now() + ms);
  }

  /**
   * Makes the next tick due at `deadline` (tokio's `Interval::reset_at`),
   * even if that is more than a period away; the ones after it follow
   * every period from then. A deadline already passed makes the tick due
   * at once, and the missed-tick behaviour catches up from there. Missed
   * ticks from before the reset are forgotten.
   *
   * @throws TypeError unless `deadline` is an Instant.
   * @example
   * ```ts
   * import { Runtime, future, interval, now } from "mini-tokio";
   * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
   *   using every = interval(100);
   *   every.resetAt(now().add(250));
   *   const at = yield* every.tick();
   *   console.log(at.ms); // 250
   * }));
   * ```
   */
  resetAt(deadline: Instant): void {
    if (!(deadline instanceof Instant)) {
      throw new TypeError(
        `interval.resetAt(deadline): deadline must be an Instant (from now()), got ${typeof deadline}`,
      );
    }
    this.moveDue(this.ensureDriver("interval.resetAt(deadline)"), deadline.ms);
  }

  /** The driver, found now if the interval was made outside a runtime. */
  private ensureDriver(api: string): TimeHandle {
    let driver = this.driver;
    if (driver === undefined) {
      driver = currentTime(api);
      this.driver = driver;
    }
    return driver;
  }

  /**
   * Sets the next tick's deadline. A tick waiting on the old deadline is
   * woken to register the new one (the wheel entry forgets its waker when
   * cancelled); one spurious poll is cheaper than a second way to move an
   * entry.
   */
  private moveDue(driver: TimeHandle, due: number): void {
    const waker = this.timer.waker;
    driver.cancel(this.timer);
    this.due = due;
    waker?.wake();
  }

  /** The deadline after a tick scheduled for `scheduled` was taken at `now`. */
  private following(scheduled: number, now: number): number {
    const period = this.period;
    switch (this.missedTick) {
      case "burst":
        return scheduled + period;
      case "delay":
        return now - scheduled < period ? scheduled + period : now + period;
      case "skip":
        return scheduled + period * (Math.floor((now - scheduled) / period) + 1);
    }
  }

  /** @internal What a task awaiting a tick waits on. */
  describeTick(): string {
    return Number.isNaN(this.due)
      ? `Interval.tick(every ${this.period} ms)`
      : `Interval.tick(every ${this.period} ms, next at ${this.due} ms)`;
  }

  /** @internal A tick future was dropped: stop waking its task. */
  cancelWait(): void {
    this.driver?.cancel(this.timer);
  }

  /** Cancels the interval's timer. */
  [Symbol.dispose](): void {
    this.cancelWait();
  }
}

/** One `interval.tick()`. */
class Tick extends Awaitable<Instant> {
  constructor(private readonly interval: Interval) {
    super();
  }
  poll(cx: Context): Poll<Instant> {
    return this.interval.pollTick(cx);
  }
  override [Symbol.dispose](): void {
    this.interval.cancelWait();
  }
  describeWait(): string {
    return this.interval.describeTick();
  }
}

/**
 * Makes an {@link Interval} that ticks every `periodMs` milliseconds on
 * the runtime's clock (tokio's `time::interval`); the first tick is
 * immediate.
 *
 * @throws RangeError for a period under 1 ms (the timers' resolution: tokio's
 *   too), over 2^52 ms, NaN or infinite, or an unknown `missedTick`;
 *   TypeError if `options` is not an object.
 * @example
 * ```ts
 * import { future, interval } from "mini-tokio";
 * const f = future(function* () {
 *   const every = interval(50, { missedTick: "delay" });
 *   yield* every.tick(); // at once
 *   yield* every.tick(); // 50 ms later
 * });
 * ```
 */
export function interval(periodMs: number, options: IntervalOptions = {}): Interval {
  checkDuration("interval(periodMs)", periodMs, true);
  if (periodMs < 1 || periodMs > FAR_FUTURE_MS) {
    // Below 1 ms the timers cannot tell the ticks apart, and past some
    // instant `due + period === due`: the same tick would come forever.
    throw new RangeError(
      `interval(periodMs): the period must be from 1 ms (the timers' resolution) to 2^52 ms, got ${periodMs}`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `interval(periodMs, options): options must be an object such as { missedTick: "skip" }, or absent; got ${describe(options)}`,
    );
  }
  const missedTick = options.missedTick ?? "burst";
  if (!BEHAVIOURS.includes(missedTick)) {
    throw new RangeError(
      `interval(periodMs, { missedTick }): missedTick must be "burst", "delay" or "skip", got ${describe(missedTick)}`,
    );
  }
  return new Interval(periodMs, missedTick, currentRuntime()?.time);
}
