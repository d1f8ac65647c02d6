/**
 * The task: a spawned future, its state word, its waker and its result.
 *
 * One object is the whole task cell, as in tokio where header, core and
 * trailer share one allocation: it is the task's {@link Context} (its
 * `waker` is itself), its {@link Waker} (raw parts `data = this`,
 * `vtable = TASK_VTABLE`, one table shared by every task), and the
 * {@link JoinHandle} `spawn` returns. So spawning allocates one object
 * besides the future, and polling allocates nothing.
 *
 * State word, one line per bit (set → cleared):
 *
 * ```text
 * SCHEDULED  in the run queue        wake while idle, spawn → taken by the executor
 * RUNNING    its future is polled    run() → run() returns
 * NOTIFIED   woken while RUNNING     wake during poll → re-queued when poll returns PENDING
 * COMPLETE   no more polls           future returned, threw, or was dropped (final)
 * FAILED     with COMPLETE: threw    output is the thrown value (final)
 * CANCELLED  with COMPLETE: dropped  abort carried out or runtime shut down (final)
 * ABORT      abort requested         abort() → carried out at the task's next turn
 * DETACHED   nobody will join        detach() or the handle disposed (final)
 * TAKEN      output handed out       the JoinHandle yielded or threw (final)
 * PARKED     has waited for a wake   first PENDING without re-queue → the runtime lists it (final)
 * NAMED      spawned with a name     the runtime keeps it in a side table (final): unnamed tasks skip the lookup
 * ```
 *
 * A task that finishes at its first poll never enters the runtime's list
 * of waiting tasks: the run queue already holds it until then, so spawning
 * costs no list work.
 *
 * @module
 */

import { type AwaitIterator, awaitReturn, awaitStep } from "../future/awaitable.js";
import { dropValue } from "../future/drop.js";
import { type Context, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { type RawWakerVTable, Waker } from "../future/waker.js";
import { pollProceed, resetBudget } from "../runtime/budget.js";
import type { TaskState } from "../trace/dump.js";
import type { Observer } from "../trace/observer.js";
import { JoinError } from "./join-error.js";
import type { AbortHandle, JoinHandle } from "./join-handle.js";

const SCHEDULED = 1 << 0;
const RUNNING = 1 << 1;
const NOTIFIED = 1 << 2;
const COMPLETE = 1 << 3;
const FAILED = 1 << 4;
const CANCELLED = 1 << 5;
const ABORT = 1 << 6;
const DETACHED = 1 << 7;
const TAKEN = 1 << 8;
const PARKED = 1 << 9;
const NAMED = 1 << 10;

/** What a task needs from the executor that owns it. @internal */
export interface Scheduler {
  /** Puts a woken task at the back of the run queue. */
  schedule(task: Task<unknown>): void;
  /** The task returned PENDING with no wake pending for the first time: list it. */
  parked(task: Task<unknown>): void;
  /** The task finished; it leaves the set of live tasks. */
  completed(task: Task<unknown>): void;
  /** Names given at spawn, for traces and errors. */
  nameOf(task: Task<unknown>): string | undefined;
  /** Who watches the tasks (listeners, timing, locations), or undefined: the fast path. */
  readonly observer: Observer | undefined;
  /** Wakes of any task so far (for `rt.metrics()`). */
  wakes: number;
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
export class Task<T> extends Waker implements Context, JoinHandle<T> {
  /** The state word; see the module comment. */
  state = SCHEDULED;
  /** The future, until the task completes. */
  future: Future<T> | undefined;
  /**
   * Once complete: the value (or thrown cause), until handed out. Before:
   * the future the task's last pending `yield*` waited on, as told through
   * {@link Task.onPending} (for `rt.dump()`; one field serves both, as the
   * two are never needed at once).
   */
  output: unknown = undefined;
  /** Polls so far (for `rt.dump()`; the runtime adds them up for `rt.metrics()`). */
  polls = 0;
  /** The waker of whoever awaits the JoinHandle. */
  joinWaker: Waker | undefined = undefined;
  /** Neighbours in the runtime's list of tasks that have waited (PARKED). */
  older: Task<unknown> | undefined = undefined;
  newer: Task<unknown> | undefined = undefined;

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

  /** A task is its own context: its waker is itself. */
  get waker(): Waker {
    return this;
  }

  /** `yield*` says what the task's await is pending on: keep it for dumps. @internal */
  onPending(future: Future<unknown>): void {
    this.output = future;
  }

  /**
   * What the task waits on: the future its last pending await named, or,
   * for a task whose future is a bare leaf (`spawn(sleep(ms))`), that
   * future once polled; undefined before the first poll.
   */
  waitsOn(): Future<unknown> | undefined {
    if ((this.state & COMPLETE) !== 0) return undefined;
    const awaited = this.output;
    if (isFuture(awaited)) return awaited;
    return this.polls > 0 ? this.future : undefined;
  }

  /** The waker's raw data: the task itself. */
  get data(): unknown {
    return this;
  }

  /** The one vtable shared by every task. */
  get vtable(): RawWakerVTable<unknown> {
    return TASK_WAKER_VTABLE;
  }

  /** The waker's work: queue the task, once, unless it is running or done. */
  schedule(): void {
    const s = this.state;
    const scheduler = this.scheduler;
    scheduler.wakes++;
    if ((s & (COMPLETE | SCHEDULED | NOTIFIED)) !== 0) {
      if (scheduler.observer !== undefined) scheduler.observer.woken(this, false);
      return;
    }
    if ((s & RUNNING) !== 0) {
      // Woken from inside its own poll: re-queue after the poll, not now
      // (queueing now could run it twice; ignoring it would lose the wakeup).
      this.state = s | NOTIFIED;
      if (scheduler.observer !== undefined) scheduler.observer.woken(this, false);
      return;
    }
    this.state = s | SCHEDULED;
    if (scheduler.observer !== undefined) scheduler.observer.woken(this, true);
    scheduler.schedule(this);
  }

  /**
   * The executor's turn for this task: poll once, or carry out an abort.
   * Watched (someone listens, times polls or captures locations), the
   * observer runs the same steps around its own bookkeeping: the unwatched
   * path pays this one branch.
   */
  run(): void {
    const future = this.future;
    const observer = this.scheduler.observer;
    if ((this.state & ABORT) !== 0 || future === undefined) {
      if (observer !== undefined) observer.drop(this);
      else this.cancel();
      return;
    }
    if (observer !== undefined) observer.poll(this, future);
    else this.pollOnce(future, this);
  }

  /**
   * Polls the future once, with `cx` (the task itself, or the observer's
   * context that also records where awaits are), and acts on the outcome:
   * finish, re-queue, or wait for a wake. @internal
   */
  pollOnce(future: Future<T>, cx: Context): void {
    this.state = (this.state & ~SCHEDULED) | RUNNING;
    this.polls++;
    resetBudget();
    let out: Poll<T>;
    try {
      out = future.poll(cx);
    } catch (error) {
      this.finish(error, FAILED);
      return;
    }
    if (out !== PENDING) {
      this.finish(out, 0);
      return;
    }
    const after = this.state & ~RUNNING;
    const requeue = (after & (NOTIFIED | ABORT)) !== 0;
    if (requeue) {
      this.state = (after & ~NOTIFIED) | SCHEDULED;
      this.scheduler.schedule(this);
    } else if ((after & PARKED) === 0) {
      this.state = after | PARKED;
      this.scheduler.parked(this);
    } else {
      this.state = after;
    }
  }

  /**
   * Drops the future (its `finally` blocks run) and completes as
   * cancelled; if the drop throws, the task fails with that error instead.
   * Used for aborts at the task's turn and by runtime shutdown.
   */
  cancel(): void {
    if ((this.state & COMPLETE) !== 0) return;
    const future = this.future;
    this.state = (this.state & ~SCHEDULED) | RUNNING;
    try {
      future?.[Symbol.dispose]?.();
    } catch (error) {
      this.finish(error, FAILED);
      return;
    }
    this.finish(undefined, CANCELLED);
  }

  private finish(value: unknown, ended: number): void {
    this.future = undefined;
    const s = this.state;
    let output = value;
    let how = ended;
    if ((s & DETACHED) !== 0 && how === 0) {
      // Nobody can receive the value: drop it now, as tokio drops a
      // detached task's output (a guard in it is released). If that
      // throws, the task has failed, and onTaskError hears of it.
      try {
        dropValue(output);
      } catch (error) {
        output = error;
        how = FAILED;
      }
    }
    this.state = (s & (DETACHED | TAKEN | PARKED | NAMED)) | COMPLETE | how;
    this.output = (s & DETACHED) !== 0 && how !== FAILED ? undefined : output;
    const observer = this.scheduler.observer;
    if (observer !== undefined)
      observer.finished(this, how === 0 ? "ready" : how === FAILED ? "failed" : "cancelled", output);
    this.scheduler.completed(this);
    const joiner = this.joinWaker;
    if (joiner !== undefined) {
      this.joinWaker = undefined;
      joiner.wake();
    }
  }

  /** True once the task has waited for a wake: it is in the runtime's list. */
  wasParked(): boolean {
    return (this.state & PARKED) !== 0;
  }

  /** Marks the task as named: the runtime keeps its name in a side table. */
  markNamed(): void {
    this.state |= NAMED;
  }

  /** True when the task was spawned with a name. */
  isNamed(): boolean {
    return (this.state & NAMED) !== 0;
  }

  /** True while the task is in the run queue. */
  isQueued(): boolean {
    return (this.state & SCHEDULED) !== 0;
  }

  /** Where a live task stands, for `rt.dump()`. */
  stateName(): TaskState {
    const s = this.state;
    if ((s & RUNNING) !== 0) return "running";
    if ((s & ABORT) !== 0) return "aborting";
    return (s & SCHEDULED) !== 0 ? "queued" : "waiting";
  }

  /** How the task finished: "ready", "failed" or "cancelled" (undefined while it runs). */
  outcome(): "ready" | "failed" | "cancelled" | undefined {
    const s = this.state;
    if ((s & COMPLETE) === 0) return undefined;
    return (s & FAILED) !== 0 ? "failed" : (s & CANCELLED) !== 0 ? "cancelled" : "ready";
  }

  /** True when the task failed and nobody can join it: the runtime reports it. */
  isUnobservedFailure(): boolean {
    return (this.state & (FAILED | DETACHED)) === (FAILED | DETACHED);
  }

  /** The failure of a finished task as a JoinError. */
  joinError(): JoinError {
    return new JoinError(this.id, (this.state & CANCELLED) !== 0, this.output);
  }

  // --- the JoinHandle side -------------------------------------------------

  /** Polls for the task's result: see {@link JoinHandle}. */
  poll(cx: Context): Poll<T> {
    const s = this.state;
    if ((s & COMPLETE) === 0) {
      if ((s & DETACHED) !== 0) throw this.handleGone();
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
    if ((s & COMPLETE) === 0) throw new Error(`internal: task #${this.id} was read before it finished`);
    if ((s & (TAKEN | DETACHED)) !== 0) throw this.handleGone();
    this.state = s | TAKEN;
    if ((s & (FAILED | CANCELLED)) !== 0) {
      const error = this.joinError();
      this.output = undefined;
      throw error;
    }
    const output = this.output;
    this.output = undefined;
    // SAFETY: COMPLETE without FAILED or CANCELLED means `output` was set by
    // finish() to the value the task's Future<T> returned.
    return output as T;
  }

  abort(): void {
    const s = this.state;
    if ((s & (COMPLETE | ABORT)) !== 0) return;
    this.state = s | ABORT;
    // A running or queued task meets the abort at its next turn anyway.
    const queue = (s & (RUNNING | SCHEDULED)) === 0;
    const observer = this.scheduler.observer;
    if (observer !== undefined) observer.aborted(this, queue);
    if (queue) {
      this.state |= SCHEDULED;
      this.scheduler.schedule(this);
    }
  }

  isFinished(): boolean {
    return (this.state & COMPLETE) !== 0;
  }

  abortHandle(): AbortHandle {
    return this;
  }

  detach(): void {
    const s = this.state;
    if ((s & DETACHED) !== 0) return;
    this.state = s | DETACHED;
    this.joinWaker = undefined;
    if ((s & (COMPLETE | FAILED)) === COMPLETE) {
      // Finished and its value not taken (a taken one is gone already):
      // nobody can receive it now, so drop it (a guard is released).
      const output = this.output;
      this.output = undefined;
      dropValue(output);
    }
  }

  [Symbol.dispose](): void {
    const s = this.state;
    if ((s & DETACHED) !== 0) return;
    if ((s & COMPLETE) === 0) {
      this.detach();
      this.abort();
      return;
    }
    if ((s & FAILED) !== 0) this.output = undefined; // a failure the owner chose not to read
    this.detach(); // drops a value nobody took
  }

  [Symbol.iterator](): AwaitIterator<T> {
    return this;
  }

  next(): IteratorResult<typeof PENDING, T> {
    return awaitStep(this);
  }

  return(value?: unknown): IteratorReturnResult<unknown> {
    return awaitReturn(this, value);
  }

  private handleGone(): Error {
    return new Error(
      (this.state & DETACHED) !== 0
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
