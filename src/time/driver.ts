/**
 * The time driver: one clock, one timer wheel, and at most one host timer
 * per runtime.
 *
 * ```text
 *   sleep/timeout/interval ──insert──▶ TimerWheel ◀──advance(now)── fireDue() at every executor turn
 *                                         │ earliest deadline
 *                                         ▼
 *                              one host setTimeout ──fires──▶ the runtime takes a turn
 * ```
 *
 * Timers never touch the host one by one: the runtime keeps exactly one host
 * timer, armed for the earliest deadline and re-armed when that changes, so
 * a million sleeps cost the host nothing more than one. When the clock is
 * paused there is no host timer at all: when every task is idle and no host
 * operation is outstanding, the runtime jumps the clock to the next deadline
 * (auto-advance), which is how a test that sleeps an hour takes
 * microseconds.
 *
 * @module
 */

import type { TimeHandle } from "../context/handle.js";
import type { Waker } from "../future/waker.js";
import { TimerEntry, TimerWheel } from "../util/wheel.js";
import { Clock, type ClockKind } from "./clock.js";
import { FAR_FUTURE_MS } from "./duration.js";

/** Node fires a `setTimeout` longer than 2³¹−1 ms after 1 ms: clamp, then re-arm. */
const MAX_HOST_DELAY = 2 ** 31 - 1;

/**
 * A wheel entry that wakes a waker when its deadline passes: the base of
 * sleeps and interval ticks.
 *
 * @internal
 */
export class Timer extends TimerEntry {
  /** Who to wake when the deadline passes. */
  waker: Waker | undefined = undefined;
  /** True once the deadline has passed. */
  expired = false;

  /** Called by the wheel when the deadline passes. */
  expire(): void {
    this.expired = true;
    const waker = this.waker;
    if (waker !== undefined) {
      this.waker = undefined;
      waker.wake();
    }
  }
}

/** A runtime's clock and timers: what its {@link TimeHandle} is. @internal */
export class TimeDriver implements TimeHandle {
  readonly clock: Clock;
  readonly wheel = new TimerWheel(0);
  private hostTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  /** Host operations outstanding (a promise awaited, I/O): no auto-advance meanwhile. */
  private holds = 0;
  /**
   * The clock's reading this executor turn, in whole ms, kept as an int32
   * so it is free to read: spawns are dated with it (reading the clock per
   * spawn would cost as much as the spawn). Wraps after 24.8 days; ages are
   * computed modulo 2^32. Valid while `fresh`; see {@link TimeDriver.turnMs}.
   */
  private recentMs = 0;
  /** False once a new turn starts, until something reads the clock. */
  private fresh = false;
  /** Timers fired so far (for `rt.metrics()`). */
  fired = 0;
  /** True while the wheel fires timers: the wakes that happen then are the timers'. */
  firing = false;
  /** Told of each timer that fires, before it wakes its task: set while someone traces. */
  onFire: ((timer: Timer) => void) | undefined = undefined;

  constructor(
    kind: ClockKind,
    /** Called when the host timer fires: the runtime should take a turn. */
    private readonly onHostTimer: () => void,
  ) {
    this.clock = new Clock(kind);
  }

  /** The clock's reading, ms since the runtime started. */
  now(): number {
    return this.clock.now();
  }

  /** Number of registered timers. */
  get timers(): number {
    return this.wheel.size;
  }

  /** Registers `timer` for `dueMs`; false (and nothing registered) when it is already due. */
  register(timer: TimerEntry, dueMs: number): boolean {
    if (timer instanceof Timer) timer.expired = false;
    // An idle wheel's time may lag the clock: catch it up so the new entry
    // lands on the level its real distance calls for.
    if (this.wheel.size === 0) this.advanceWheel(Math.floor(this.clock.now()));
    // No deadline lies past the far future (an interval's long period could
    // reach there): the wheel takes safe integers only.
    return this.wheel.insert(timer, Math.min(Math.ceil(dueMs), FAR_FUTURE_MS));
  }

  /** Unregisters `timer` (no-op if it is not registered). */
  cancel(timer: TimerEntry): void {
    this.wheel.cancel(timer);
    if (timer instanceof Timer) timer.waker = undefined;
  }

  /** True while the clock is paused. */
  get isPaused(): boolean {
    return this.clock.isPaused;
  }

  /** Freezes the clock. */
  pause(): void {
    this.clock.pause();
  }

  /** Lets a paused clock run again. */
  resume(): void {
    this.clock.resume();
  }

  /**
   * The clock's reading this turn, read at most once per turn: by the
   * first spawn or by {@link TimeDriver.fireDue}, whichever comes first. A
   * turn that spawns nothing and has no timer reads no clock at all (a
   * runtime woken from outside once per promise or I/O event takes a turn
   * per event, and `performance.now()` costs as much as the rest of such a
   * turn).
   */
  turnMs(): number {
    if (!this.fresh) this.remember(Math.floor(this.clock.now()));
    return this.recentMs;
  }

  /** A new executor turn: the next {@link TimeDriver.turnMs} reads the clock again. */
  newTurn(): void {
    this.fresh = false;
  }

  /** Starts a turn: fires every timer whose deadline has passed on the clock. */
  fireDue(): void {
    this.newTurn();
    if (this.wheel.size === 0) return;
    // The full reading, not turnMs()'s int32, which wraps after 24.8 days.
    const now = Math.floor(this.clock.now());
    this.remember(now);
    if (now > this.wheel.elapsed) this.advanceWheel(now);
  }

  /** Keeps `ms`, a whole-ms reading of the clock, as this turn's. */
  private remember(ms: number): void {
    this.recentMs = ms | 0;
    this.fresh = true;
  }

  /** True when the clock may jump: paused, timers waiting, no host operation outstanding. */
  canAutoAdvance(): boolean {
    return this.clock.isPaused && this.holds === 0 && this.wheel.size > 0;
  }

  /** True while host operations registered with {@link TimeDriver.hold} are outstanding. */
  get isHeld(): boolean {
    return this.holds > 0;
  }

  /** Jumps the paused clock to the next deadline and fires the timers due then. */
  autoAdvance(): void {
    const next = this.wheel.nextDeadline();
    if (next === undefined) return;
    this.clock.jumpTo(next);
    this.remember(next);
    this.advanceWheel(next);
  }

  /** Moves a paused clock forward by `ms`, firing what falls due. */
  advance(ms: number): void {
    this.clock.jumpTo(this.clock.now() + ms);
    this.fireDue();
  }

  /** Milliseconds from now until the next deadline, or undefined with no timers. */
  untilNext(): number | undefined {
    const next = this.wheel.nextDeadline();
    return next === undefined ? undefined : Math.max(0, next - this.clock.now());
  }

  /**
   * Keeps the one host timer armed for the earliest deadline: disarmed when
   * no timer waits or the clock is paused, re-armed when an earlier deadline
   * arrives. A timer armed too early (its entry was cancelled) only costs a
   * spurious turn. The host timer keeps the host process alive only when
   * `keepAlive` (a `run()` is waiting on the runtime).
   */
  arm(keepAlive: boolean): void {
    if (this.wheel.size === 0 || this.clock.isPaused) {
      this.disarm();
      return;
    }
    const soonest = this.wheel.nextExpiration();
    if (soonest === undefined || soonest >= this.armedFor) return;
    const next = this.wheel.nextDeadline();
    if (next === undefined || next >= this.armedFor) return;
    this.disarm();
    this.armedFor = next;
    const delay = Math.min(MAX_HOST_DELAY, Math.max(0, next - this.clock.now()));
    const timer = setTimeout(this.hostTimerFired, delay);
    // Node and Bun return an object that can stop holding the process open;
    // browsers return a number and have no process to hold.
    if (!keepAlive && typeof timer === "object" && timer !== null && "unref" in timer) timer.unref();
    this.hostTimer = timer;
  }

  /** Clears the host timer. */
  disarm(): void {
    if (this.hostTimer !== undefined) {
      clearTimeout(this.hostTimer);
      this.hostTimer = undefined;
    }
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  /** Moves the wheel to `ms`, firing what falls due. */
  private advanceWheel(ms: number): void {
    const outer = this.firing;
    this.firing = true;
    try {
      this.wheel.advance(ms, this.fire);
    } finally {
      this.firing = outer;
    }
  }

  private readonly fire = (entry: TimerEntry): void => {
    if (!(entry instanceof Timer)) return;
    this.fired++;
    if (this.onFire !== undefined) this.onFire(entry);
    entry.expire();
  };

  private readonly hostTimerFired = (): void => {
    this.hostTimer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.onHostTimer();
  };

  /**
   * Registers an outstanding host operation (a promise being awaited, I/O):
   * while any is held, paused time does not auto-advance, so a timeout does
   * not fire while a real reply is still on its way. Returns the release
   * function (idempotent).
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      // Time may be free to jump now: let the runtime take a turn and see.
      this.onHostTimer();
    };
  }
}
