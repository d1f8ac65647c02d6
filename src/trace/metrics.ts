/**
 * Runtime metrics: counters the executor keeps as it works, read as one
 * snapshot.
 *
 * Every counter is an integer bumped on a path the executor takes anyway
 * (a spawn, a completion, a wake, a push on the run queue), so they are
 * always on. Busy time is the exception: it needs a clock read around every
 * poll, so it is there only with `new Runtime({ timestamps: true })` (or
 * `slowPollMs`).
 *
 * At every moment `tasksSpawned === tasksCompleted + tasksFailed +
 * tasksAborted + liveTasks`.
 *
 * @module
 */

/**
 * A snapshot of a runtime's counters: what `rt.metrics()` returns. A plain
 * object: it does not change afterwards.
 *
 * @example
 * ```ts
 * import { Runtime, future, yieldNow } from "mini-tokio";
 * const rt = new Runtime();
 * rt.blockOn(future(function* () { yield* yieldNow(); }));
 * const m = rt.metrics();
 * console.log(m.tasksSpawned, m.polls, m.wakes); // 1 2 1
 * ```
 */
export interface RuntimeMetrics {
  /** Tasks spawned and not finished. */
  readonly liveTasks: number;
  /** Tasks ever spawned (roots of blockOn/run included). */
  readonly tasksSpawned: number;
  /** Tasks that finished with a value. */
  readonly tasksCompleted: number;
  /** Tasks that finished by throwing (in a poll, or while dropped). */
  readonly tasksFailed: number;
  /** Tasks that finished by being dropped: aborted, shut down, or a stalled root. */
  readonly tasksAborted: number;
  /** Polls of any task. */
  readonly polls: number;
  /** Calls of any task's waker, including those that found it already queued, running or finished. */
  readonly wakes: number;
  /** Tasks in the run queue now. */
  readonly runQueueDepth: number;
  /** The most tasks the run queue ever held at once. */
  readonly runQueueMaxDepth: number;
  /**
   * Milliseconds spent polling tasks, with timestamps on (`new Runtime({
   * timestamps: true })` or `slowPollMs`); undefined otherwise.
   */
  readonly busyMs: number | undefined;
  /** Polls that ended because the cooperative budget ran out (a leaf's `pollProceed` said no). */
  readonly budgetForcedYields: number;
  /** Timers registered with the runtime's clock: pending sleeps, timeouts, interval ticks. */
  readonly pendingTimers: number;
  /** Timers that fired so far. */
  readonly timersFired: number;
}
