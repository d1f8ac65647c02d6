/**
 * The Runtime: a current-thread executor that owns tasks and polls the
 * ones that were woken.
 *
 * ```text
 *   spawn ──▶ ┌──────────── run queue (ring buffer) ────────────┐
 *   wake  ──▶ │ task · task · task · …                          │ ──▶ pop ──▶ task.run(): poll once
 *             └─────────────────────────────────────────────────┘              │
 *                    ▲                                                          ├─ ready / threw: complete, wake the joiner
 *                    └──── waker.wake() from a timer, a channel, a host callback └─ PENDING: wait for a wake
 * ```
 *
 * Nothing is polled unless it was woken, and a woken task is queued once.
 * A runtime drives its tasks in the host event loop whenever some are
 * ready, handing control back to the host every `eventInterval` polls so
 * host timers and I/O are served; `blockOn(f)` drives it synchronously until
 * `f` is done, and `run(f)` gives a promise of `f`'s value.
 *
 * @module
 */

import { currentPoll, enterRuntime, leaveRuntime, type RuntimeEntry, THREAD } from "../context/context.js";
import type { Handle, SpawnOptions, TimeHandle } from "../context/handle.js";
import type { JoinHandle } from "../context/join-handle.js";
import type { Future } from "../future/future.js";
import { describe, isFuture, waitDescription } from "../future/future.js";
import { wakerFromFn } from "../future/waker.js";
import { JoinError } from "../task/join-error.js";
import { type Notified, QUEUE } from "../task/state.js";
import { type Scheduler, Task } from "../task/task.js";
import type { ClockKind } from "../time/clock.js";
import { TimeDriver } from "../time/driver.js";
import { RuntimeDump, type TaskDump } from "../trace/dump.js";
import type { SlowPollEvent, Tracer } from "../trace/event.js";
import type { RuntimeMetrics } from "../trace/metrics.js";
import { Observer, type ObserverOptions, observerOptions, type Unsubscribe } from "../trace/observer.js";
import { SeededRandom } from "../util/random.js";
import { Ring } from "../util/ring.js";
import { SlotSet } from "../util/slots.js";
import { suppressed } from "../util/suppressed.js";
import { onHostIdle, scheduleMacrotask, scheduleMicrotask, throwUncaught } from "./host.js";

/** Options for {@link Runtime}. */
export interface RuntimeOptions {
  /**
   * Pick among ready tasks with a generator seeded with this integer,
   * instead of first-in first-out: the same seed gives the same
   * interleaving, so tests can explore many and replay any.
   */
  readonly seed?: number;
  /**
   * Task polls between hand-backs to the host event loop while tasks keep
   * being ready (default 256). Lower serves host I/O sooner; higher costs
   * fewer host turns.
   */
  readonly eventInterval?: number;
  /**
   * Called with the failure of a task nobody will read: a detached task's
   * (detached before or after it failed), and a forgotten one's — a task
   * whose JoinHandle was never awaited, detached or disposed, reported
   * when the handle is garbage-collected, as Node reports an unhandled
   * rejection. Default: `console.error`.
   */
  readonly onTaskError?: (error: JoinError) => void;
  /**
   * A listener subscribed from the start: receives every executor step
   * (see `TraceEvent`). The same as calling `rt.onEvent(trace)` at once.
   */
  readonly trace?: Tracer;
  /**
   * Time every poll (opt-in: a clock read around each poll costs about as
   * much as an `await`): events get `at` and the end of a poll
   * `durationMs`, and `rt.metrics()` reports `busyMs`. `true` uses the
   * host's monotonic clock (`performance.now()`); a function is used as
   * the clock instead (in milliseconds), for tests.
   */
  readonly timestamps?: boolean | (() => number);
  /**
   * Report every poll that runs longer than this many milliseconds without
   * yielding (tokio-console's "ran too long"): a `slow-poll` event and a
   * call of `onSlowPoll`. `true` means 10 ms. Times polls as `timestamps`
   * does (with its clock when it is a function). Off by default.
   */
  readonly slowPollMs?: number | true;
  /** Called with each slow poll (see `slowPollMs`). Default: one `console.warn` line. */
  readonly onSlowPoll?: (event: SlowPollEvent) => void;
  /**
   * Capture the source location of every spawn and of every pending
   * `yield*` (a stack trace each, about 7–10 µs, hence opt-in), so `rt.dump()` and
   * slow-poll reports say where a task was spawned and where it waits.
   */
  readonly captureLocations?: boolean;
  /**
   * `"real"` (default) follows the host's clock; `"virtual"` starts paused
   * at 0 and jumps to the next timer whenever every task is idle, so tests
   * that sleep for hours finish in microseconds.
   */
  readonly clock?: ClockKind;
}

/** A task still alive when a runtime stalled. */
export interface WaitingTask {
  /** Task id. */
  readonly id: number;
  /** The name given at spawn, if any. */
  readonly name: string | undefined;
  /** What the task waits on (see `TaskDump.waitingOn`); undefined if it was never polled. */
  readonly waitingOn?: string | undefined;
}

/**
 * Thrown by `blockOn` and rejected by `run` when the main future can never
 * finish: no task is ready and nothing that could wake one is left.
 * `waiting` names the tasks still alive.
 *
 * @example
 * ```ts
 * import { Runtime, StallError, future, PENDING, awaitable } from "mini-tokio";
 * try {
 *   new Runtime().blockOn(future(function* () {
 *     yield* awaitable({ poll: () => PENDING }); // nobody will ever wake this
 *   }));
 * } catch (e) {
 *   if (e instanceof StallError) console.log(e.waiting);
 * }
 * ```
 */
export class StallError extends Error {
  override readonly name = "StallError";
  /** The gist in one line, without the advice or the task list. */
  readonly reason: string;
  /** The tasks that were still waiting. */
  readonly waiting: readonly WaitingTask[];

  /** @internal */
  constructor(reason: string, advice: string, waiting: readonly WaitingTask[]) {
    const list = waiting
      .map((t) => {
        const who = t.name === undefined ? `#${t.id}` : `#${t.id} "${t.name}"`;
        return t.waitingOn === undefined ? who : `${who} (on ${t.waitingOn})`;
      })
      .join(", ");
    super(`${reason}. ${advice} Tasks still waiting: ${list || "none"}.`);
    this.reason = reason;
    this.waiting = waiting;
  }
}

/** What is kept of a failed task until its handle is read or collected. */
interface ForgottenFailure {
  readonly id: number;
  readonly cause: unknown;
}

/** The root task of blockOn/run is named "main" unless told otherwise. */
const MAIN: SpawnOptions = { name: "main" };

/**
 * Blocks the thread for `ms` milliseconds: blockOn waiting for the next
 * timer with the real clock. Atomics.wait is the one blocking wait every
 * engine has; hosts that forbid it (a browser's main thread) get a clear
 * error instead of a hang.
 */
function park(ms: number): void {
  try {
    THREAD.parkCell ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(THREAD.parkCell, 0, 0, Math.max(1, Math.ceil(ms)));
  } catch (cause) {
    throw new Error(
      "rt.blockOn() must wait for a timer but this host forbids blocking the thread (a browser's main thread): use `await rt.run(future)` instead",
      { cause },
    );
  }
}

function defaultTaskError(error: JoinError): void {
  if (typeof console !== "undefined") console.error("mini-tokio: a task nobody joins failed:", error.cause);
}

/**
 * A current-thread async runtime: spawns tasks, polls them when woken, and
 * bridges to the host event loop.
 *
 * @example
 * ```ts
 * import { Runtime, future, spawn, yieldNow } from "mini-tokio";
 * const rt = new Runtime();
 * const n = rt.blockOn(future(function* () {
 *   const h = spawn(future(function* () {
 *     yield* yieldNow();
 *     return 21;
 *   }));
 *   return (yield* h) * 2;
 * }));
 * rt.shutdown();
 * ```
 */
export class Runtime implements Handle, Scheduler, Disposable {
  /** The observer while anyone watches (listeners, timing, locations); undefined: the fast path. */
  private observer: Observer | undefined = undefined;
  /** Wakes of any task so far. */
  private wakes = 0;

  /** The clock and timers. */
  private readonly timeDriver: TimeDriver;
  private readonly queue = new Ring<Task<unknown>>(256);
  /** The seeded generator of a seeded runtime; see {@link Runtime.random}. */
  readonly random: SeededRandom | undefined;
  private readonly eventInterval: number;
  private readonly onTaskError: (error: JoinError) => void;
  /**
   * Failed tasks whose failure nobody has read yet, watched until their
   * handle is read, disposed or detached; one collected first was
   * forgotten, and its failure is reported then. Undefined on an engine
   * without FinalizationRegistry.
   */
  private readonly forgotten: FinalizationRegistry<ForgottenFailure> | undefined;
  private names: Map<Task<unknown>, string> | undefined = undefined;
  /**
   * Tasks that have waited for a wake. With the run queue it holds every
   * live task (for dumps and shutdown). A task enters it at its first
   * PENDING poll and leaves it when it completes, so a task that finishes
   * at its first poll never touches it. A SlotSet: one field in each task
   * and a slot for each that waits, where an intrusive list put two link
   * fields in every task and a Set entry costs twice a slot.
   */
  private readonly waiting = new SlotSet<Task<unknown>>();
  private alive = 0;
  private nextId = 1;
  /** The observer, made at the first need and kept; {@link Runtime.observer} while needed. */
  private watcher: Observer | undefined = undefined;
  private readonly observerOptions: ObserverOptions;
  /** Tasks that finished by failing or being dropped (the rest of the finished completed), and the polls of every finished task. */
  private finishedPolls = 0;
  private failedTasks = 0;
  private abortedTasks = 0;
  /** Polls whose budget ran out, over finished turns. */
  private forcedYields = 0;
  /** What entering the thread's record replaced while this runtime drives (the current turn's exhaustions count from it). */
  private entry: RuntimeEntry | undefined = undefined;
  /** True while this runtime is polling tasks (blockOn, a host turn, shutdown). */
  private driving = false;
  /** True while a host turn is scheduled. */
  private driveRequested = false;
  /** `run()` calls still pending: while there are any, timers keep the host alive and paused time auto-advances in the host loop. */
  private activeRuns = 0;
  private closed = false;

  /** Creates a runtime; see {@link RuntimeOptions}. */
  constructor(options: RuntimeOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`new Runtime(options): options must be an object, got ${describe(options)}`);
    }
    const { seed, eventInterval = 256, onTaskError = defaultTaskError, trace, clock = "real" } = options;
    if (seed !== undefined && !Number.isSafeInteger(seed)) {
      throw new TypeError(`new Runtime({ seed }): seed must be an integer, got ${describe(seed)}`);
    }
    if (!Number.isSafeInteger(eventInterval) || eventInterval < 1) {
      throw new RangeError(`new Runtime({ eventInterval }): must be an integer ≥ 1, got ${describe(eventInterval)}`);
    }
    if (typeof onTaskError !== "function") {
      throw new TypeError(`new Runtime({ onTaskError }): must be a function, got ${describe(onTaskError)}`);
    }
    if (trace !== undefined && typeof trace !== "function") {
      throw new TypeError(`new Runtime({ trace }): must be a function, got ${describe(trace)}`);
    }
    if (clock !== "real" && clock !== "virtual") {
      throw new RangeError(`new Runtime({ clock }): must be "real" or "virtual", got ${describe(clock)}`);
    }
    this.timeDriver = new TimeDriver(clock, this.requestTurn);
    this.random = seed === undefined ? undefined : new SeededRandom(seed);
    this.eventInterval = eventInterval;
    this.onTaskError = onTaskError;
    this.forgotten =
      typeof FinalizationRegistry === "function"
        ? new FinalizationRegistry((f: ForgottenFailure) => this.onTaskError(new JoinError(f.id, false, f.cause)))
        : undefined;
    this.observerOptions = observerOptions(options);
    if (this.observerOptions.clock !== undefined || this.observerOptions.captureLocations) this.observersChanged();
    if (trace !== undefined) this.onEvent(trace);
  }

  /** Number of tasks spawned and not yet finished. */
  get aliveTasks(): number {
    return this.alive;
  }

  /** The runtime's clock and timers, as the time leaves see them (see {@link Handle}). */
  get time(): TimeHandle {
    return this.timeDriver;
  }

  /**
   * Registers an outstanding host operation: while any is open, paused
   * time does not auto-advance. Returns the function that ends it. See
   * `hostOperation()`, which finds the current runtime and calls this.
   */
  hold(): () => void {
    return this.timeDriver.hold();
  }

  /** True once {@link Runtime.shutdown} has run. */
  get isShutdown(): boolean {
    return this.closed;
  }

  // --- seeing the runtime work ---------------------------------------------------

  /**
   * Subscribes `listener` to every executor step from now on (see
   * `TraceEvent`); returns the function that unsubscribes it, which is
   * also `Disposable` (`using sub = rt.onEvent(…)`). Any number of
   * listeners may listen. A listener that throws is reported once on the
   * console and the runtime carries on. With no listener (and no timing or
   * location capture) the executor pays one branch per poll and allocates
   * nothing.
   *
   * @example
   * ```ts
   * import { Runtime, future, sleep, type TraceEvent } from "mini-tokio";
   * const rt = new Runtime({ clock: "virtual" });
   * const seen: TraceEvent[] = [];
   * const stop = rt.onEvent((e) => seen.push(e));
   * rt.blockOn(future(function* () { yield* sleep(10); }));
   * stop();
   * // spawn, poll, pending, timer-fired, wake (by the timer), poll, ready
   * ```
   */
  onEvent(listener: Tracer): Unsubscribe {
    if (typeof listener !== "function") {
      throw new TypeError(`rt.onEvent(listener): listener must be a function, got ${describe(listener)}`);
    }
    return this.observe().subscribe(listener);
  }

  /**
   * A snapshot of the runtime's counters (see `RuntimeMetrics`): tasks
   * spawned, finished by outcome and alive, polls, wakes, run-queue depth,
   * budget-forced yields, timers, and busy time when polls are timed.
   *
   * @example
   * ```ts
   * import { Runtime, future } from "mini-tokio";
   * const rt = new Runtime();
   * rt.blockOn(future(function* () { return 1; }));
   * rt.metrics().tasksCompleted; // 1
   * ```
   */
  metrics(): RuntimeMetrics {
    let polls = this.finishedPolls;
    for (const task of this.liveTasks()) polls += task.polls;
    const time = this.timeDriver;
    return {
      liveTasks: this.alive,
      tasksSpawned: this.nextId - 1,
      tasksCompleted: this.nextId - 1 - this.alive - this.failedTasks - this.abortedTasks,
      tasksFailed: this.failedTasks,
      tasksAborted: this.abortedTasks,
      polls,
      wakes: this.wakes,
      runQueueDepth: this.queue.size,
      runQueueMaxDepth: this.queue.maxSize,
      busyMs: this.watcher?.clock === undefined ? undefined : this.watcher.busyMs,
      budgetForcedYields:
        this.forcedYields + (this.entry !== undefined ? THREAD.exhaustions - this.entry.exhaustions : 0),
      pendingTimers: time.timers,
      timersFired: time.fired,
    };
  }

  /**
   * Every live task, oldest first: its state, age, polls, what it waits on
   * and, with `captureLocations`, where it was spawned and where it waits.
   * `String(rt.dump())` prints a table (see `RuntimeDump`).
   *
   * @example
   * ```ts
   * import { Runtime, future, sleep, spawn } from "mini-tokio";
   * const rt = new Runtime({ clock: "virtual", captureLocations: true });
   * rt.spawn(future(function* () { yield* sleep(1000); }), { name: "napper" });
   * rt.blockOn(future(function* () { yield* sleep(10); }));
   * console.log(String(rt.dump())); // #2 napper waiting … Sleep(until 1000 ms) …
   * ```
   */
  dump(): RuntimeDump {
    const nowMs = this.timeDriver.now();
    const watcher = this.watcher;
    const tasks = this.liveTasks().map((task): TaskDump => {
      const state = task.stateName();
      // The running task (the caller) waits on nothing: it is running.
      const waitsOn = state === "running" ? undefined : task.waitsOn();
      return {
        id: task.id,
        name: this.nameOf(task),
        state,
        ageMs: ((nowMs | 0) - task.spawnedAt) >>> 0,
        polls: task.polls,
        waitingOn: waitsOn === undefined ? undefined : waitDescription(waitsOn),
        spawnLocation: watcher?.spawnLocation(task),
        awaitLocation: waitsOn === undefined ? undefined : watcher?.awaitLocation(task),
      };
    });
    return new RuntimeDump(nowMs, tasks);
  }

  /** The observer, made on first use. */
  private observe(): Observer {
    return (this.watcher ??= new Observer(this, this.observerOptions));
  }

  /** @internal Listeners came or went: use the observer only while it is needed. */
  observersChanged(): void {
    const watcher = this.observe();
    this.observer = watcher.needed ? watcher : undefined;
    this.timeDriver.onFire = watcher.listening ? watcher.timerFired : undefined;
  }

  /** @internal True while the time driver fires timers (the cause of the wakes meanwhile). */
  get timersFiring(): boolean {
    return this.timeDriver.firing;
  }

  /**
   * Spawns `future` as a task on this runtime: it is queued now and polled
   * when the runtime next runs. See the free function `spawn`.
   */
  spawn<T>(future: Future<T>, options?: SpawnOptions): JoinHandle<T> {
    return this.spawnTask(future, options, "spawn");
  }

  /**
   * Runs `future` to completion synchronously and returns its value (or
   * throws its error), polling every task of the runtime meanwhile.
   *
   * Throws a {@link StallError} instead of hanging when no task is ready
   * and nothing inside the runtime can wake one: what is left to wait for
   * is then a host callback (I/O, a promise, a host timer) that cannot run
   * while this call holds the thread; use {@link Runtime.run} for those.
   * Throws if called from inside a task.
   */
  blockOn<T>(future: Future<T>, options?: SpawnOptions): T {
    if (THREAD.handle !== undefined) {
      throw new Error(
        "rt.blockOn() was called from inside a task: blocking there would stop the runtime that polls it. Await the future with `yield*` (or spawn it) instead.",
      );
    }
    const time = this.timeDriver;
    // Driving before the root is queued: no host turn is requested for it.
    const outer = this.enterDriving();
    time.newTurn(); // the root and what it spawns are dated from now
    let root: Task<T>;
    try {
      root = this.spawnTask(future, options ?? MAIN, "blockOn");
      while (!root.isFinished()) {
        // Fire due timers between batches, even while tasks keep each other busy.
        if (this.pollReady(this.eventInterval, root)) {
          time.fireDue();
          continue;
        }
        if (root.isFinished()) break;
        if (time.timers === 0 || (time.clock.isPaused && time.isHeld)) {
          const error = this.stallError(
            "rt.blockOn(): the future can never finish: no task is ready and nothing inside the runtime can wake one",
            time.timers === 0
              ? "What is left to wait for is outside the runtime (a host timer, I/O or a promise), and host callbacks cannot run while blockOn holds the thread: use `await rt.run(future)` for those."
              : "Time is paused and a host operation is outstanding, which cannot complete while blockOn holds the thread: use `await rt.run(future)`.",
          );
          this.dropNow(root);
          throw error;
        }
        time.fireDue();
        if (this.queue.size > 0) continue;
        if (time.clock.isPaused) time.autoAdvance();
        else park(time.untilNext() ?? 0);
      }
    } finally {
      this.leaveDriving(outer);
      this.afterDriving();
    }
    return takeResult(root);
  }

  /**
   * Runs `future` inside the host event loop and resolves with its value
   * (rejects with its error). Tasks are polled in turns of
   * `eventInterval` polls, handing control back to the host between turns.
   *
   * In Node, if the event loop runs dry while `future` is still pending
   * (nothing is left that could wake it), the promise rejects with a
   * {@link StallError} naming the tasks still waiting, rather than the
   * process exiting silently.
   */
  run<T>(future: Future<T>, options?: SpawnOptions): Promise<T> {
    const root = this.spawnTask(future, options ?? MAIN, "run");
    this.setActiveRuns(this.activeRuns + 1);
    return new Promise<T>((resolve, reject) => {
      const stopWatching = onHostIdle(() => {
        if (root.isFinished() || this.queue.size > 0 || this.driveRequested) return;
        stopWatching();
        root.setJoinWaker(undefined);
        const error = this.stallError(
          "rt.run(): the host event loop ran dry while the future was still pending",
          "No host timer, I/O or promise is left that could wake a task: a waker was lost, or tasks wait on each other.",
        );
        this.dropTask(root);
        this.setActiveRuns(this.activeRuns - 1);
        reject(error);
      });
      root.setJoinWaker(
        wakerFromFn(() => {
          stopWatching();
          this.setActiveRuns(this.activeRuns - 1);
          try {
            resolve(takeResult(root));
          } catch (error) {
            reject(error);
          }
        }),
      );
    });
  }

  /**
   * Drops every live task, oldest first: their futures are disposed, so
   * `finally` blocks run and registrations are released, and their
   * JoinHandles report cancellation. The runtime accepts no new tasks
   * afterwards. Idempotent. Call it from outside the runtime's tasks.
   */
  shutdown(): void {
    if (this.closed) return;
    if (this.driving) {
      throw new Error(
        "rt.shutdown() was called while the runtime is polling its tasks: call it after blockOn/run returns, or abort tasks instead",
      );
    }
    this.closed = true;
    this.timeDriver.disarm();
    const outer = this.enterDriving();
    // Every task is dropped even if one drop (or the onTaskError it
    // reaches) throws: the first error is rethrown, later ones kept with it.
    let failure: { error: unknown } | undefined;
    try {
      for (const task of this.liveTasks()) {
        try {
          this.dropNow(task);
        } catch (error) {
          failure = { error: failure === undefined ? error : suppressed(error, failure.error) };
        }
      }
      while (this.queue.shift() !== undefined) {}
    } finally {
      this.leaveDriving(outer);
    }
    if (failure !== undefined) throw failure.error;
  }

  /** `using rt = new Runtime()` shuts it down at the end of the scope. */
  [Symbol.dispose](): void {
    this.shutdown();
  }

  /** The tasks alive now, oldest first, with what they wait on. */
  waitingTasks(): WaitingTask[] {
    return this.liveTasks().map((t) => {
      const waitsOn = t.waitsOn();
      return {
        id: t.id,
        name: this.nameOf(t),
        waitingOn: waitsOn === undefined ? undefined : waitDescription(waitsOn),
      };
    });
  }

  /** Every unfinished task, oldest first: the set of waiting tasks and the run queue. */
  private liveTasks(): Task<unknown>[] {
    const live = this.queue.toArray().filter((t) => !t.isFinished() && !this.waiting.has(t));
    // The task polling now, if it never waited, is in neither list.
    const running = this.runningTask();
    if (running !== undefined && !this.waiting.has(running) && !running.isQueued()) live.push(running);
    for (const t of this.waiting) live.push(t);
    return live.sort((a, b) => a.id - b.id);
  }

  /**
   * The task of this runtime being polled now (the one that calls
   * `rt.dump()` or `rt.metrics()` from inside), found without bookkeeping
   * on the fast path: the observer knows it, or the generator poll in
   * progress has it as its context.
   */
  private runningTask(): Task<unknown> | undefined {
    const running = this.observer?.running;
    if (running !== undefined) return running;
    const cx = currentPoll();
    return cx instanceof Task && cx.scheduler === this && !cx.isFinished() ? cx : undefined;
  }

  // --- Scheduler: what tasks call --------------------------------------------

  /** @internal A task's waker was called. */
  woken(task: Task<unknown>, transition: Notified): void {
    this.wakes++;
    if (this.observer !== undefined) this.observer.woken(task, transition === QUEUE);
    if (transition === QUEUE) this.schedule(task);
  }

  /** @internal `abort()` was called on a task. */
  aborted(task: Task<unknown>, transition: Notified): void {
    if (this.observer !== undefined) this.observer.aborted(task, transition === QUEUE);
    if (transition === QUEUE) this.schedule(task);
  }

  /** @internal Woken or aborted during its poll: back to the run queue. */
  requeue(task: Task<unknown>): void {
    this.schedule(task);
  }

  /** @internal The poll returned PENDING: list the task among the waiting ones (once). */
  idle(task: Task<unknown>): void {
    this.waiting.add(task);
  }

  /** @internal A task finished: count it; take it off the waiting set, forget its name, report a failure nobody can see. */
  completed(task: Task<unknown>): void {
    if (this.observer !== undefined) {
      const outcome = task.outcome();
      if (outcome !== undefined) this.observer.finished(task, outcome, task.failure());
    }
    this.alive--;
    this.finishedPolls += task.polls;
    // Most tasks end with a value at their first poll, unnamed: counting
    // them (metrics() takes the completed as the rest) is all there is.
    if (!task.endedPlainly() || this.waiting.has(task)) this.settleEnded(task);
  }

  /** The rest of {@link Runtime.completed}, for a task that waited, was named, failed or was cancelled. */
  private settleEnded(task: Task<unknown>): void {
    this.waiting.delete(task);
    const outcome = task.outcome();
    if (outcome === "failed") this.failedTasks++;
    else if (outcome === "cancelled") this.abortedTasks++;
    if (task.isNamed()) this.names?.delete(task);
    if (task.isUnobservedFailure()) this.onTaskError(task.joinError());
    else if (outcome === "failed") this.watchForgotten(task);
  }

  /**
   * Watches a failed task until its handle is read or collected. What is
   * kept must not reach the task, or it would never be collected: not a
   * JoinError made here, and not the thrown Error's unformatted stack,
   * whose frames hold their receivers (the task among them) until the
   * stack is first read; reading it formats it and lets them go.
   */
  private watchForgotten(task: Task<unknown>): void {
    const forgotten = this.forgotten;
    if (forgotten === undefined) return;
    const cause = task.failure();
    if (cause instanceof Error) void cause.stack;
    forgotten.register(task, { id: task.id, cause }, task);
  }

  /** @internal A failure was read or given up: no longer a candidate for "forgotten". */
  failureSettled(task: Task<unknown>): void {
    this.forgotten?.unregister(task);
  }

  /** @internal A failure nobody will read: report it. */
  unobservedFailure(task: Task<unknown>): void {
    this.onTaskError(task.joinError());
  }

  /** @internal */
  nameOf(task: Task<unknown>): string | undefined {
    return task.isNamed() ? this.names?.get(task) : undefined;
  }

  /** Queues a task and asks the host for a turn. */
  private schedule(task: Task<unknown>): void {
    this.queue.push(task);
    // requestTurn() returns at once while polling, which is when most
    // wakes happen: checking here spares the call.
    if (!this.driving) this.requestTurn();
  }

  // --- driving -------------------------------------------------------------

  private spawnTask<T>(future: Future<T>, options: SpawnOptions | undefined, api: string): Task<T> {
    if (!isFuture(future)) {
      throw new TypeError(
        `${api}(future): future must be a future (an object with a poll(cx) method, such as future(function* () { … })), got ${describe(future)}`,
      );
    }
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(
        `${api}(future, options): options must be an object such as { name: "worker" }, got ${describe(options)}`,
      );
    }
    const name = options?.name;
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(`${api}(future, options): options.name must be a string, got ${describe(name)}`);
    }
    if (this.closed) throw new Error(`${api}(): the runtime was shut down and accepts no new tasks`);
    // Dated by the clock's reading at the executor's turn, not a fresh one:
    // reading the clock would cost as much as the spawn. An int32, so V8
    // stores it unboxed; ages are computed modulo 2^32 ms (see dump()).
    const spawnedAt = this.driving ? this.timeDriver.turnMs() : this.timeDriver.now() | 0;
    const task = new Task<T>(this, future, this.nextId++, spawnedAt);
    this.alive++;
    if (name !== undefined) {
      (this.names ??= new Map()).set(task, name);
      task.markNamed();
    }
    if (this.observer !== undefined) this.observer.spawned(task);
    this.schedule(task);
    return task;
  }

  /**
   * Polls up to `n` ready tasks, stopping early when the queue is empty or
   * `root` (blockOn's) has finished; true when it polled all `n`. The
   * executor's hot loop, kept in a small method of its own: V8 optimizes
   * it as a whole function with everything it calls inlined, where the
   * same loop inside blockOn was compiled on-stack mid-run, with whatever
   * feedback it had seen by then (25% slower spawn + join, measured).
   */
  private pollReady(n: number, root: Task<unknown> | undefined): boolean {
    for (; n > 0; n--) {
      const task = this.nextTask();
      if (task === undefined) return false;
      if (this.observer === undefined) task.run();
      else this.observer.run(task);
      if (root?.isFinished()) return false;
    }
    return true;
  }

  private nextTask(): Task<unknown> | undefined {
    const rng = this.random;
    if (rng === undefined) return this.queue.shift();
    const size = this.queue.size;
    return size === 0 ? undefined : this.queue.takeAt(rng.below(size));
  }

  /**
   * Asks the host for a turn soon (a microtask), unless one is coming or
   * the runtime is polling right now. Called when a task is woken, and by
   * the time driver when its host timer fires or a host operation ends.
   */
  private readonly requestTurn = (): void => {
    if (this.driving || this.driveRequested || this.closed) return;
    this.driveRequested = true;
    scheduleMicrotask(this.hostTurn);
  };

  /**
   * One turn in the host event loop: fire due timers, poll up to
   * `eventInterval` tasks. Never throws: what escapes the turn (a foreign
   * waker, an `onTaskError` that threw) is rethrown as an uncaught
   * exception of its own, as it would be from `queueMicrotask` or
   * `setImmediate`, and not as an unhandled rejection of the promise
   * reaction that ran the turn.
   */
  private readonly hostTurn = (): void => {
    try {
      this.turn();
    } catch (error) {
      throwUncaught(error);
    }
  };

  private turn(): void {
    this.driveRequested = false;
    if (this.closed || this.driving) return;
    const time = this.timeDriver;
    const outer = this.enterDriving();
    try {
      time.fireDue();
      if (this.queue.size === 0 && this.activeRuns > 0 && time.canAutoAdvance()) time.autoAdvance();
      this.pollReady(this.eventInterval, undefined);
    } finally {
      this.leaveDriving(outer);
      // Also after a throw (a foreign waker, an onTaskError that threw): the
      // runtime must keep its turns coming.
      this.afterDriving();
    }
  }

  /**
   * Makes this the current runtime of the thread, polling; returns what
   * to restore. The budget of a task this runtime was driven from (a
   * `shutdown()` or `blockOn` of another runtime inside a task) is saved
   * and given back by {@link Runtime.leaveDriving}.
   */
  private enterDriving(): RuntimeEntry | undefined {
    const outer = this.entry;
    this.entry = enterRuntime(this);
    this.driving = true;
    return outer;
  }

  /** Undoes {@link Runtime.enterDriving}. */
  private leaveDriving(outer: RuntimeEntry | undefined): void {
    const entry = this.entry;
    this.entry = outer;
    this.driving = outer !== undefined;
    if (entry !== undefined) this.forcedYields += leaveRuntime(entry);
  }

  /**
   * After polling. Tasks still queued: let the host serve timers and I/O,
   * then take another turn (a macrotask). Otherwise keep the host timer
   * armed for the earliest deadline and, with paused time while a `run()`
   * waits, take a turn that jumps the clock (after the host has run its own
   * callbacks, which may still wake us).
   */
  private afterDriving(): void {
    if (this.closed) return;
    const time = this.timeDriver;
    const busy = this.queue.size > 0;
    if (!busy) time.arm(this.activeRuns > 0);
    if (this.driveRequested || !(busy || (this.activeRuns > 0 && time.canAutoAdvance()))) return;
    this.driveRequested = true;
    if (busy && this.observer !== undefined) this.observer.yieldToHost(this.queue.size);
    scheduleMacrotask(this.hostTurn);
  }

  /** Drops one task now, inside the runtime's context. */
  private dropTask(task: Task<unknown>): void {
    const outer = this.enterDriving();
    try {
      this.dropNow(task);
    } finally {
      this.leaveDriving(outer);
    }
  }

  /** Drops `task`'s future now: through the observer when watched ("drop", then "cancelled"). */
  private dropNow(task: Task<unknown>): void {
    if (this.observer !== undefined) this.observer.drop(task);
    else task.cancel();
  }

  /**
   * A host timer keeps the process alive only while a `run()` waits on the
   * runtime; otherwise timers fire if the host is alive for other reasons.
   */
  private setActiveRuns(n: number): void {
    const was = this.activeRuns > 0;
    this.activeRuns = n;
    if (was !== n > 0 && !this.closed) {
      this.timeDriver.disarm();
      this.timeDriver.arm(n > 0);
    }
  }

  private stallError(reason: string, advice: string): StallError {
    return new StallError(reason, advice, this.waitingTasks());
  }
}

/** The root task's outcome for blockOn/run: the value, or the task's own error. */
function takeResult<T>(root: Task<T>): T {
  try {
    return root.takeOutput();
  } catch (error) {
    // The future's own error, as if it had been called directly.
    if (error instanceof JoinError && error.isFailure()) throw error.cause;
    throw error;
  }
}
