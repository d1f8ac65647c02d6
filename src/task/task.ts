/**
 * The task: a spawned future, its state word, its waker and its result.
 *
 * One object is the whole task cell, as in tokio where header, core and
 * trailer share one allocation. It plays three roles, each seen through
 * its own type:
 *
 * ```text
 *                        ┌──────────── Task (one allocation) ────────────┐
 *   the executor ──────▶ │ run(), cancel()          smol's Runnable     │
 *   a leaf future ─────▶ │ waker: itself            Waker + Context     │
 *   the spawner ───────▶ │ poll(), abort(), detach() JoinHandle<T>      │
 *                        └───────────────────────────────────────────────┘
 * ```
 *
 * So spawning allocates one object besides the future, and polling
 * allocates nothing. `spawn` returns it typed as {@link JoinHandle}, which
 * shows none of the executor's side. The state word and its transitions
 * are in `state.ts`; this file never does bit arithmetic.
 *
 * The executor contract is {@link Scheduler}: the task tells its runtime
 * when it must be queued, when it waits for the first time, and when it
 * completes. Tracing is the runtime's business: a traced runtime polls
 * through its observer instead of calling {@link Task.run}, so the task
 * has no tracing branch of its own.
 *
 * @module
 */

import { awaitsLikeAwaitable } from "../async/awaitable.js";
import { pollProceed, resetBudget } from "../context/budget.js";
import type { AbortHandle, JoinHandle } from "../context/join-handle.js";
import { dropValue } from "../future/drop.js";
import { type AwaitIterator, type Context, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll, type Suspend } from "../future/poll.js";
import { type RawWakerVTable, Waker } from "../future/waker.js";
import { NO_SLOT, type Slotted } from "../util/slots.js";
import { JoinError } from "./join-error.js";
import {
  type Ending,
  endedPlainly,
  ending,
  isAborting,
  isComplete,
  isDetached,
  isNamed,
  isReadyValue,
  isScheduled,
  isTaken,
  isTakenOrDetached,
  isUnobservedFailure,
  markNamed,
  NOTHING,
  type Notified,
  REQUEUE,
  SPAWNED,
  stateName,
  type TaskState,
  transitionToAborted,
  transitionToComplete,
  transitionToDetached,
  transitionToIdle,
  transitionToNotified,
  transitionToRunning,
  transitionToTaken,
} from "./state.js";

/**
 * What a task needs from the executor that owns it (smol's `schedule`
 * closure, spelled out): where to go when it must run, and whom to tell
 * when it waits or ends.
 *
 * @internal
 */
export interface Scheduler {
  /** A waker was called; `transition` says whether the task must now be queued. */
  woken(task: Task<unknown>, transition: Notified): void;
  /** `abort()` was called; `transition` says whether the task must now be queued. */
  aborted(task: Task<unknown>, transition: Notified): void;
  /** Woken or aborted during its poll: back to the run queue. */
  requeue(task: Task<unknown>): void;
  /** The poll returned PENDING and nothing woke the task meanwhile. */
  idle(task: Task<unknown>): void;
  /** The task completed (its joiner is woken right after). */
  completed(task: Task<unknown>): void;
  /**
   * The failure of a completed task was read, given up or disposed: if the
   * runtime was waiting to report it as forgotten, it need not.
   */
  failureSettled(task: Task<unknown>): void;
  /** A failure nobody will read (the handle was detached after the task failed): report it. */
  unobservedFailure(task: Task<unknown>): void;
  /** The name given at spawn, for errors and `describeWait`. */
  nameOf(task: Task<unknown>): string | undefined;
}

/**
 * One vtable for every task: waking a task schedules it. `clone` hands
 * back the same parts (a task is its own waker and the garbage collector
 * keeps it alive), and `drop` has nothing to release.
 */
const TASK_VTABLE: RawWakerVTable<Task<unknown>> = {
  clone: (task) => ({ data: task, vtable: TASK_VTABLE }),
  wake: (task) => task.schedule(),
  wakeByRef: (task) => task.schedule(),
  drop: () => {},
};
// SAFETY: erasing the vtable's data type. A task's waker data is the task
// itself (see `Task.data`), so these functions only ever receive a Task.
const TASK_WAKER_VTABLE = TASK_VTABLE as RawWakerVTable<unknown>;

/** @internal A spawned future and everything the executor knows of it. */
export class Task<T> extends Waker implements Context, JoinHandle<T>, Slotted {
  /** The state word: read and written only through `state.ts`. */
  state = SPAWNED;
  /** The future, until the task completes. */
  private future: Future<T> | undefined;
  /**
   * Once complete: the value (or thrown cause), until handed out. Before:
   * the future the task's last pending `yield*` waited on, as told through
   * {@link Task.onPending} (for `rt.dump()`; one field serves both, as the
   * two are never needed at once).
   */
  private output: unknown = undefined;
  /** Polls so far (for `rt.dump()`; the runtime adds them up for `rt.metrics()`). */
  polls = 0;
  /** The waker of whoever awaits the JoinHandle. */
  private joinWaker: Waker | undefined = undefined;

  /**
   * Where the task sits in its runtime's set of tasks that have waited for
   * a wake, or NO_SLOT (written by that set only; see `util/slots.ts`).
   */
  slot = NO_SLOT;

  constructor(
    readonly scheduler: Scheduler,
    future: Future<T>,
    readonly id: number,
    /** The runtime's clock when the task was spawned, in whole ms as an int32 (see `Runtime.spawnTask`). */
    readonly spawnedAt: number,
  ) {
    super();
    this.future = future;
  }

  // --- the waker and context side ---------------------------------------------------

  /** A task is its own context: its waker is itself. */
  get waker(): Waker {
    return this;
  }

  /** The waker's raw data: the task itself. */
  get data(): unknown {
    return this;
  }

  /** The one vtable shared by every task. */
  get vtable(): RawWakerVTable<unknown> {
    return TASK_WAKER_VTABLE;
  }

  /**
   * Waking a task schedules it. The vtable says the same; calling it
   * directly spares each wake two getter calls and an indirect call, and
   * a wake happens at every yield and every message.
   */
  override wake(): void {
    this.schedule();
  }

  /** Same as {@link Task.wake}: a task's waker is never used up. */
  override wakeByRef(): void {
    this.schedule();
  }

  /** The waker's work: queue the task, once, unless it is running or done. */
  schedule(): void {
    this.scheduler.woken(this, transitionToNotified(this));
  }

  /** `yield*` says what the task's await is pending on: keep it for dumps. @internal */
  onPending(future: Future<unknown>): void {
    this.output = future;
  }

  // --- the executor side (smol's Runnable) --------------------------------------

  /** The executor's turn for this task: poll once, or carry out an abort. */
  run(): void {
    const future = this.future;
    if (future === undefined) return; // completed while queued (dropped by its runtime)
    if (isAborting(this.state)) this.cancel();
    else this.pollOnce(future, this);
  }

  /** True when this turn must carry out an abort rather than poll (the observer asks too). */
  mustCancel(): boolean {
    return isAborting(this.state);
  }

  /** Polls the future once with `cx` (the observer's context that also records where awaits are). */
  pollWith(cx: Context): void {
    const future = this.future;
    if (future !== undefined) this.pollOnce(future, cx);
  }

  /**
   * Polls the future once, with `cx` (the task itself, or the observer's
   * context), and acts on the outcome: finish, re-queue, or wait for a
   * wake. Kept small: it is inlined into the executor's loop.
   */
  private pollOnce(future: Future<T>, cx: Context): void {
    transitionToRunning(this);
    this.polls++;
    resetBudget();
    let out: Poll<T>;
    try {
      out = future.poll(cx);
    } catch (error) {
      this.finish(error, "failed");
      return;
    }
    if (out !== PENDING) {
      this.finish(out, "ready");
      return;
    }
    if (transitionToIdle(this) === REQUEUE) this.scheduler.requeue(this);
    else this.scheduler.idle(this);
  }

  /**
   * Drops the future (its `finally` blocks run) and completes as
   * cancelled; if the drop throws, the task fails with that error instead.
   * Used for aborts at the task's turn and by runtime shutdown.
   */
  cancel(): void {
    if (isComplete(this.state)) return;
    transitionToRunning(this);
    const future = this.future;
    try {
      future?.[Symbol.dispose]?.();
    } catch (error) {
      this.finish(error, "failed");
      return;
    }
    this.finish(undefined, "cancelled");
  }

  private finish(value: unknown, how: Ending): void {
    this.future = undefined;
    let output = value;
    let ended = how;
    const detached = isDetached(this.state);
    if (detached && ended === "ready") {
      // Nobody can receive the value: drop it now, as tokio drops a
      // detached task's output (a guard in it is released). If that
      // throws, the task has failed, and onTaskError hears of it.
      try {
        dropValue(output);
      } catch (error) {
        output = error;
        ended = "failed";
      }
    }
    transitionToComplete(this, ended);
    this.output = detached && ended !== "failed" ? undefined : output;
    this.scheduler.completed(this);
    const joiner = this.joinWaker;
    if (joiner !== undefined) {
      this.joinWaker = undefined;
      joiner.wake();
    }
  }

  // --- what the runtime asks ----------------------------------------------------------

  /**
   * What the task waits on: the future its last pending await named, or,
   * for a task whose future is a bare leaf (`spawn(sleep(ms))`), that
   * future once polled; undefined before the first poll.
   */
  waitsOn(): Future<unknown> | undefined {
    if (isComplete(this.state)) return undefined;
    const awaited = this.output;
    if (isFuture(awaited)) return awaited;
    return this.polls > 0 ? this.future : undefined;
  }

  /** Marks the task as named: the runtime keeps its name in a side table. */
  markNamed(): void {
    markNamed(this);
  }

  /** True when the task was spawned with a name. */
  isNamed(): boolean {
    return isNamed(this.state);
  }

  /** True while the task is in the run queue. */
  isQueued(): boolean {
    return isScheduled(this.state);
  }

  /** Where a live task stands, for `rt.dump()`. */
  stateName(): TaskState {
    return stateName(this.state);
  }

  /** True when the task ended with a value and unnamed (see `state.ts`). */
  endedPlainly(): boolean {
    return endedPlainly(this.state);
  }

  /** How the task finished (undefined while it runs). */
  outcome(): Ending | undefined {
    return ending(this.state);
  }

  /** The thrown value of a task that failed (for the observer's "failed" event), else undefined. */
  failure(): unknown {
    return ending(this.state) === "failed" ? this.output : undefined;
  }

  /** True when the task failed and nobody can join it: the runtime reports it. */
  isUnobservedFailure(): boolean {
    return isUnobservedFailure(this.state);
  }

  /** The failure of a finished task as a JoinError. */
  joinError(): JoinError {
    return new JoinError(this.id, ending(this.state) === "cancelled", this.output);
  }

  /** Sets (or clears) who is woken when the task completes: blockOn/run's root uses it. */
  setJoinWaker(waker: Waker | undefined): void {
    this.joinWaker = waker;
  }

  // --- the JoinHandle side -------------------------------------------------

  /** Polls for the task's result: see {@link JoinHandle}. */
  poll(cx: Context): Poll<T> {
    const s = this.state;
    if (!isComplete(s)) {
      if (isDetached(s)) throw this.handleGone();
      this.joinWaker = cx.waker;
      return PENDING;
    }
    // Joining finished tasks one after another never returns PENDING on its
    // own: spend budget, as a channel receive would, so others get a turn.
    if (!pollProceed(cx)) return PENDING;
    return this.takeOutput();
  }

  /**
   * The finished task's value, or its JoinError thrown; once. Used by the
   * JoinHandle's poll, and by blockOn/run for their root task (outside any
   * budget).
   */
  takeOutput(): T {
    const s = this.state;
    if (!isComplete(s)) throw new Error(`internal: task #${this.id} was read before it finished`);
    if (isTakenOrDetached(s)) throw this.handleGone();
    transitionToTaken(this);
    if (!isReadyValue(s)) {
      const error = this.joinError();
      this.output = undefined;
      if (ending(s) === "failed") this.scheduler.failureSettled(this);
      throw error;
    }
    const output = this.output;
    this.output = undefined;
    // SAFETY: COMPLETE without FAILED or CANCELLED means `output` was set by
    // finish() to the value the task's Future<T> returned.
    return output as T;
  }

  abort(): void {
    const transition = transitionToAborted(this);
    if (transition !== NOTHING) this.scheduler.aborted(this, transition);
  }

  isFinished(): boolean {
    return isComplete(this.state);
  }

  abortHandle(): AbortHandle {
    return this;
  }

  detach(): void {
    if (!transitionToDetached(this)) return;
    this.joinWaker = undefined;
    const s = this.state;
    if (isTaken(s)) return;
    if (isReadyValue(s)) {
      // Finished and its value not taken: nobody can receive it now, so
      // drop it (a guard is released).
      const output = this.output;
      this.output = undefined;
      dropValue(output);
    } else if (ending(s) === "failed") {
      // Failed and nobody read it: detaching gives the failure to the
      // runtime's onTaskError, as a failure after detaching would be.
      this.scheduler.failureSettled(this);
      this.scheduler.unobservedFailure(this);
      this.output = undefined;
    }
  }

  [Symbol.dispose](): void {
    const s = this.state;
    if (isDetached(s)) return;
    if (!isComplete(s)) {
      this.detach();
      this.abort();
      return;
    }
    if (ending(s) === "failed" && !isTaken(s)) {
      // A failure the owner chose not to read: disposing is reading it.
      transitionToDetached(this);
      this.joinWaker = undefined;
      this.output = undefined;
      this.scheduler.failureSettled(this);
      return;
    }
    this.detach(); // drops a value nobody took
  }

  // `yield*` on a JoinHandle: Awaitable's own methods, installed below by
  // awaitsLikeAwaitable, so a compiled machine polls a JoinHandle directly.
  declare [Symbol.iterator]: () => AwaitIterator<T>;
  declare next: () => IteratorResult<Suspend, T>;
  declare return: (value?: unknown) => IteratorReturnResult<unknown>;

  private handleGone(): Error {
    return new Error(
      isDetached(this.state)
        ? `the JoinHandle of task #${this.id} was detached or disposed: it can no longer be awaited`
        : `the JoinHandle of task #${this.id} was awaited after it already gave its result`,
    );
  }

  /** What a task awaiting this handle waits on (see `Future.describeWait`). */
  describeWait(): string {
    const name = this.scheduler.nameOf(this);
    return `JoinHandle(#${this.id}${name === undefined ? "" : ` "${name}"`})`;
  }
}

awaitsLikeAwaitable(Task);
