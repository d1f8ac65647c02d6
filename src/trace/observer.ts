/**
 * The observer: everything a runtime does when someone watches it, kept
 * off the executor's fast path.
 *
 * A runtime has an observer while anyone listens to its events, times its
 * polls (`timestamps`, `slowPollMs`) or captures locations. A task's turn
 * then goes through {@link Observer.poll} instead of straight to the poll:
 *
 * ```text
 *   runtime's turn ── observer? ──no──▶ task.run()                            the fast path: one branch
 *                         │
 *                        yes─▶ observer.run(task): event "poll", clock, current = task,
 *                                                  task.pollOnce(), clock, event "pending"/"ready"/"failed",
 *                                                  slow-poll check, await location
 * ```
 *
 * The task itself knows nothing of tracing: the runtime calls the observer
 * around the task's turns and from its scheduler callbacks (woken,
 * aborted, completed), so `task/` has no import of `trace/`.
 *
 * While it polls (or drops) a task, the observer knows that task is the
 * *current* one: a waker called meanwhile was called by that task's code,
 * which is how a `wake` event names its cause. The time driver says when
 * the wake comes from a timer; anything else is the host.
 *
 * @module
 */

import { onBudgetExhausted } from "../context/budget.js";
import { type Context, describe, type Future, waitDescription } from "../future/future.js";
import type { Waker } from "../future/waker.js";
import type { Task } from "../task/task.js";
import { hostNow } from "../time/clock.js";
import type { Timer } from "../time/driver.js";
import type { SlowPollEvent, TraceEvent, Tracer, WakeCause } from "./event.js";
import { userLocation } from "./location.js";

/**
 * Unsubscribes a listener: call it, or let `using` dispose it. Idempotent.
 *
 * @example
 * ```ts
 * import { Runtime } from "mini-tokio";
 * const rt = new Runtime();
 * {
 *   using _sub = rt.onEvent((e) => console.log(e.kind));
 *   // … events are printed inside this scope only
 * }
 * ```
 */
export type Unsubscribe = (() => void) & Disposable;

/** What the observer needs from its runtime. @internal */
export interface ObservedRuntime {
  nameOf(task: Task<unknown>): string | undefined;
  /** True while the time driver fires timers. */
  readonly timersFiring: boolean;
  /** Called when listeners come or go: the runtime decides whether it still needs the observer. */
  observersChanged(): void;
}

/** The runtime's options the observer reads (see `RuntimeOptions`). @internal */
export interface WatchOptions {
  readonly timestamps?: boolean | (() => number);
  readonly slowPollMs?: number | true;
  readonly onSlowPoll?: (event: SlowPollEvent) => void;
  readonly captureLocations?: boolean;
}

/** Checks the runtime's watching options and settles their defaults. @internal */
export function observerOptions(options: WatchOptions): ObserverOptions {
  const { timestamps = false, slowPollMs, onSlowPoll = warnSlowPoll, captureLocations = false } = options;
  if (typeof timestamps !== "boolean" && typeof timestamps !== "function") {
    throw new TypeError(
      `new Runtime({ timestamps }): must be a boolean or a clock function returning ms, got ${describe(timestamps)}`,
    );
  }
  const slowMs = slowPollMs === true ? 10 : slowPollMs;
  if (slowMs !== undefined && typeof slowMs !== "number") {
    throw new TypeError(
      `new Runtime({ slowPollMs }): must be a number of ms, or true for 10 ms, got ${describe(slowPollMs)}`,
    );
  }
  if (slowMs !== undefined && !(slowMs >= 0 && Number.isFinite(slowMs))) {
    throw new RangeError(`new Runtime({ slowPollMs }): must be a finite number of ms ≥ 0, got ${describe(slowPollMs)}`);
  }
  if (typeof onSlowPoll !== "function") {
    throw new TypeError(`new Runtime({ onSlowPoll }): must be a function, got ${describe(onSlowPoll)}`);
  }
  if (options.onSlowPoll !== undefined && slowMs === undefined) {
    throw new TypeError(
      "new Runtime({ onSlowPoll }): onSlowPoll is only called for slow polls, which are watched only with slowPollMs: set slowPollMs too (true for 10 ms)",
    );
  }
  if (typeof captureLocations !== "boolean") {
    throw new TypeError(`new Runtime({ captureLocations }): must be a boolean, got ${describe(captureLocations)}`);
  }
  // Slow polls need timed polls: the host's clock unless one was given.
  const clock =
    typeof timestamps === "function" ? timestamps : timestamps || slowMs !== undefined ? hostNow : undefined;
  return { clock, slowPollMs: slowMs, onSlowPoll, captureLocations };
}

/** How the observer was configured by the runtime's options. @internal */
export interface ObserverOptions {
  /** The clock polls are timed with (ms), or undefined: no timing. */
  readonly clock: (() => number) | undefined;
  /** Report polls longer than this (ms), or undefined. */
  readonly slowPollMs: number | undefined;
  readonly onSlowPoll: (event: SlowPollEvent) => void;
  readonly captureLocations: boolean;
}

const TIMER: WakeCause = Object.freeze({ by: "timer" });
const HOST: WakeCause = Object.freeze({ by: "host" });

/**
 * The context a task is polled with while locations are captured: the
 * task's own, plus a stack trace at every pending await (the user's frame
 * is on the stack then, and gone once the generator has suspended).
 */
class AwaitCapture implements Context {
  /** The stack of the last pending await. */
  site: Error | undefined = undefined;
  constructor(private readonly task: Task<unknown>) {}
  get waker(): Waker {
    return this.task;
  }
  onPending(future: Future<unknown>): void {
    this.task.onPending(future);
    this.site = new Error("awaited here");
  }
}

/** A mutable event under construction, before it is stamped with `at`. */
interface Stampable {
  readonly kind: string;
  at?: number;
}

/**
 * The "pending" event for a poll of `task` that did not finish, without
 * timing: the caller adds `durationMs` and `at` when polls are timed (after
 * reading the clock, so describing the wait is not counted in the poll).
 */
function pendingEvent(task: Task<unknown>, name: string | undefined): TraceEvent & { kind: "pending" } {
  return {
    kind: "pending",
    task: task.id,
    name,
    requeued: task.isQueued(),
    waitingOn: waitDescription(task.waitsOn()),
  };
}

/** Watches one runtime's tasks for its listeners, its clock and its dumps. @internal */
export class Observer {
  /** Copy-on-write, so a listener may unsubscribe (or subscribe another) while events are dispatched. */
  private listeners: readonly Tracer[] = [];
  /** Listeners that threw once already: reported once, then silently survived. */
  private readonly reported = new WeakSet<Tracer>();
  /** The task being polled or dropped right now: the cause of wakes meanwhile. */
  private current: Task<unknown> | undefined = undefined;
  /** The task being polled right now, and when its poll started. */
  private polling: Task<unknown> | undefined = undefined;
  private pollStart = 0;
  /** The clock's reading when the runtime was made: `at` counts from it. */
  private readonly origin: number;
  /** Milliseconds spent in polls, when polls are timed. */
  busyMs = 0;
  /** Where each live task was spawned, when locations are captured. */
  private readonly spawnSites: Map<Task<unknown>, Error> | undefined;
  /** Where each live task last awaited, when locations are captured. */
  private readonly awaitSites: Map<Task<unknown>, Error> | undefined;
  readonly clock: (() => number) | undefined;
  private readonly slowPollMs: number | undefined;
  private readonly onSlowPoll: (event: SlowPollEvent) => void;
  private readonly captureLocations: boolean;

  constructor(
    private readonly runtime: ObservedRuntime,
    options: ObserverOptions,
  ) {
    this.clock = options.clock;
    this.slowPollMs = options.slowPollMs;
    this.onSlowPoll = options.onSlowPoll;
    this.captureLocations = options.captureLocations;
    this.origin = this.clock === undefined ? 0 : this.clock();
    this.spawnSites = options.captureLocations ? new Map() : undefined;
    this.awaitSites = options.captureLocations ? new Map() : undefined;
  }

  /** The task being polled now, if any. */
  get running(): Task<unknown> | undefined {
    return this.polling;
  }

  /** True while anyone listens to events. */
  get listening(): boolean {
    return this.listeners.length !== 0;
  }

  /** True while the runtime needs the observer: listeners, timing or locations. */
  get needed(): boolean {
    return this.listeners.length !== 0 || this.clock !== undefined || this.captureLocations;
  }

  // --- listeners -------------------------------------------------------------

  /** Adds `listener`; returns what removes it. */
  subscribe(listener: Tracer): Unsubscribe {
    this.listeners = [...this.listeners, listener];
    this.runtime.observersChanged();
    let subscribed = true;
    const unsubscribe = (): void => {
      if (!subscribed) return;
      subscribed = false;
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners = [...this.listeners.slice(0, at), ...this.listeners.slice(at + 1)];
      this.runtime.observersChanged();
    };
    return Object.assign(unsubscribe, { [Symbol.dispose]: unsubscribe });
  }

  /** Gives `event` to every listener; one that throws is reported once and never stops the others or the runtime. */
  private emit(event: TraceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.listenerThrew(listener, error);
      }
    }
  }

  private listenerThrew(listener: Tracer, error: unknown): void {
    if (this.reported.has(listener)) return;
    this.reported.add(listener);
    if (typeof console !== "undefined") {
      console.error(
        "mini-tokio: a trace event listener threw; the runtime carries on (reported once per listener):",
        error,
      );
    }
  }

  /** Emits `event`, stamped with `at` when polls are timed. */
  private stamped(event: Stampable & TraceEvent): void {
    if (this.clock !== undefined) event.at = this.clock() - this.origin;
    this.emit(event);
  }

  // --- what tasks and the runtime report ---------------------------------------

  /** A task was spawned and queued. */
  spawned(task: Task<unknown>): void {
    if (this.spawnSites !== undefined) this.spawnSites.set(task, new Error("spawned here"));
    if (this.listeners.length === 0) return;
    this.stamped({ kind: "spawn", task: task.id, name: this.runtime.nameOf(task), parent: this.current?.id });
  }

  /** One turn of `task`, watched: a drop when an abort is due, else a poll. */
  run(task: Task<unknown>): void {
    if (task.mustCancel()) this.drop(task);
    else if (!task.isFinished()) this.poll(task);
  }

  /** One poll of `task`, watched: the same steps as the fast path, plus the bookkeeping. */
  private poll(task: Task<unknown>): void {
    const listening = this.listeners.length !== 0;
    const clock = this.clock;
    const name = this.runtime.nameOf(task);
    if (listening) this.stamped({ kind: "poll", task: task.id, name });
    const outerCurrent = this.current;
    const outerPolling = this.polling;
    const outerStart = this.pollStart;
    this.current = this.polling = task;
    const outerHook = listening ? onBudgetExhausted(this.budgetExhausted) : undefined;
    const capture = this.captureLocations ? new AwaitCapture(task) : undefined;
    const start = clock === undefined ? 0 : clock();
    this.pollStart = start;
    try {
      task.pollWith(capture ?? task);
    } finally {
      this.current = outerCurrent;
      this.polling = outerPolling;
      this.pollStart = outerStart;
      if (listening) onBudgetExhausted(outerHook);
    }
    // Ready and failed were reported by finished(), inside the poll.
    if (task.isFinished()) return;
    if (capture?.site !== undefined) this.awaitSites?.set(task, capture.site);
    if (clock === undefined) {
      if (listening) this.emit(pendingEvent(task, name));
      return;
    }
    const end = clock();
    const durationMs = end - start;
    this.busyMs += durationMs;
    const at = end - this.origin;
    if (listening) this.emit({ ...pendingEvent(task, name), durationMs, at });
    this.checkSlow(task, name, durationMs, at);
  }

  /** The task completed; `how` says how, `output` is the error when it failed. Called before its joiner is woken. */
  finished(task: Task<unknown>, how: "ready" | "failed" | "cancelled", output: unknown): void {
    try {
      this.reportFinished(task, how, output);
    } finally {
      this.spawnSites?.delete(task);
      this.awaitSites?.delete(task);
    }
  }

  private reportFinished(task: Task<unknown>, how: "ready" | "failed" | "cancelled", output: unknown): void {
    const inPoll = this.polling === task;
    const clock = this.clock;
    const listening = this.listeners.length !== 0;
    const name = listening || (inPoll && clock !== undefined) ? this.runtime.nameOf(task) : undefined;
    if (!inPoll || clock === undefined) {
      if (!listening) return;
      if (how === "failed") {
        // drop() makes the task current without polling it.
        const during = !inPoll && this.current === task ? "drop" : "poll";
        this.stamped({ kind: "failed", task: task.id, name, during, error: output });
      } else this.stamped({ kind: how, task: task.id, name });
      return;
    }
    const end = clock();
    const durationMs = end - this.pollStart;
    this.busyMs += durationMs;
    const at = end - this.origin;
    if (listening) {
      if (how === "failed") {
        this.emit({ kind: "failed", task: task.id, name, during: "poll", error: output, durationMs, at });
      } else if (how === "ready") this.emit({ kind: "ready", task: task.id, name, durationMs, at });
    }
    this.checkSlow(task, name, durationMs, at);
  }

  /** The task's waker was called; `queued` says whether that queued it. */
  woken(task: Task<unknown>, queued: boolean): void {
    if (this.listeners.length === 0) return;
    const by = this.current;
    const cause = this.runtime.timersFiring ? TIMER : by === undefined ? HOST : { by: "task" as const, task: by.id };
    this.stamped({ kind: "wake", task: task.id, name: this.runtime.nameOf(task), queued, cause });
  }

  /** `abort()` was requested. */
  aborted(task: Task<unknown>, queued: boolean): void {
    if (this.listeners.length === 0) return;
    this.stamped({ kind: "abort", task: task.id, name: this.runtime.nameOf(task), queued });
  }

  /** Drops the task's future (unless it finished): "drop", then the task's `finally` blocks, then "cancelled". */
  drop(task: Task<unknown>): void {
    if (task.isFinished()) return;
    if (this.listeners.length !== 0) this.stamped({ kind: "drop", task: task.id, name: this.runtime.nameOf(task) });
    const outer = this.current;
    this.current = task;
    try {
      task.cancel();
    } finally {
      this.current = outer;
    }
  }

  /** The executor hands control back to the host with `queued` tasks ready. */
  yieldToHost(queued: number): void {
    if (this.listeners.length !== 0) this.stamped({ kind: "yield-to-host", queued });
  }

  /** The time driver fires `timer` (set as its `onFire` while someone listens). */
  readonly timerFired = (timer: Timer): void => {
    if (this.listeners.length !== 0) this.stamped({ kind: "timer-fired", deadlineMs: timer.deadline });
  };

  /** pollProceed refused a leaf in the current poll (set as the budget's hook while someone listens). */
  private readonly budgetExhausted = (): void => {
    const task = this.polling;
    if (task === undefined || this.listeners.length === 0) return;
    this.stamped({ kind: "budget-exhausted", task: task.id, name: this.runtime.nameOf(task) });
  };

  private checkSlow(task: Task<unknown>, name: string | undefined, durationMs: number, at: number): void {
    const threshold = this.slowPollMs;
    if (threshold === undefined || durationMs <= threshold) return;
    const event: SlowPollEvent = {
      kind: "slow-poll",
      task: task.id,
      name,
      durationMs,
      thresholdMs: threshold,
      location: task.isFinished() ? this.spawnLocation(task) : (this.awaitLocation(task) ?? this.spawnLocation(task)),
      at,
    };
    this.emit(event);
    try {
      this.onSlowPoll(event);
    } catch (error) {
      if (typeof console !== "undefined") console.error("mini-tokio: onSlowPoll threw:", error);
    }
  }

  // --- locations -----------------------------------------------------------------

  /** Where `task` was spawned (`file:line:column`), when locations are captured. */
  spawnLocation(task: Task<unknown>): string | undefined {
    return userLocation(this.spawnSites?.get(task));
  }

  /** Where `task` last awaited, when locations are captured. */
  awaitLocation(task: Task<unknown>): string | undefined {
    return userLocation(this.awaitSites?.get(task));
  }
}

/** The default `onSlowPoll`: one line on the console. @internal */
export function warnSlowPoll(event: SlowPollEvent): void {
  if (typeof console === "undefined") return;
  const who = event.name === undefined ? `task #${event.task}` : `task #${event.task} "${event.name}"`;
  const where =
    event.location === undefined ? " (new Runtime({ captureLocations: true }) shows where)" : ` at ${event.location}`;
  console.warn(
    `mini-tokio: ${who} ran ${event.durationMs.toFixed(1)} ms without yielding (slowPollMs: ${event.thresholdMs})${where}`,
  );
}
