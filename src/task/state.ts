/**
 * A task's state word and its named transitions: the only place that
 * reads or writes the bits (tokio's `task::state`, smol's documented
 * state word).
 *
 * One number per task, one line per bit (what sets it → what clears it):
 *
 * ```text
 * SCHEDULED  in the run queue        spawn, a wake while idle, an abort while idle → taken by the executor
 * RUNNING    its future is polled    the executor's turn → the poll returns
 * NOTIFIED   woken while RUNNING     a wake during its own poll → re-queued when the poll returns PENDING
 * ABORT      abort requested         abort() → carried out at the task's next turn (then COMPLETE)
 * COMPLETE   no more polls           the future returned, threw, or was dropped (final)
 * FAILED     with COMPLETE: threw    the output is the thrown value (final)
 * CANCELLED  with COMPLETE: dropped  an abort carried out, or the runtime shut down (final)
 * DETACHED   nobody will join        detach(), or the JoinHandle disposed (final)
 * TAKEN      output handed out       the JoinHandle yielded or threw the result (final)
 * NAMED      spawned with a name     the runtime keeps the name in a side table (final)
 * ```
 *
 * Invariants: SCHEDULED and RUNNING are never both set (a task is taken
 * off the queue before it runs, and a wake while it runs sets NOTIFIED
 * instead); nothing but DETACHED and TAKEN is set after COMPLETE; a task
 * is in the run queue exactly when SCHEDULED is set, so it is queued at
 * most once.
 *
 * Each transition takes the cell, updates its word and says what the
 * caller must do, as tokio's `transition_to_running()` answers with
 * `TransitionToRunning::{Success, Cancelled, …}`. The answers are small
 * integer constants, so a transition allocates nothing.
 *
 * @module
 */

const SCHEDULED = 1 << 0;
const RUNNING = 1 << 1;
const NOTIFIED = 1 << 2;
const ABORT = 1 << 3;
const COMPLETE = 1 << 4;
const FAILED = 1 << 5;
const CANCELLED = 1 << 6;
const DETACHED = 1 << 7;
const TAKEN = 1 << 8;
const NAMED = 1 << 9;

/** What holds a state word: the task cell. @internal */
export interface StateCell {
  state: number;
}

/** The word of a task just spawned: queued for its first poll. @internal */
export const SPAWNED = SCHEDULED;

/** A wake ({@link transitionToNotified}) or an abort ({@link transitionToAborted}) changed nothing. @internal */
export const NOTHING = 0;
/** The task is running: it is re-queued when its poll returns. @internal */
export const LATER = 1;
/** The task was idle: the caller must push it onto the run queue. @internal */
export const QUEUE = 2;
/** What a wake or an abort asks of the caller. @internal */
export type Notified = typeof NOTHING | typeof LATER | typeof QUEUE;

/**
 * A waker was called. Idle → SCHEDULED (queue it); running → NOTIFIED
 * (re-queued after its poll: queueing now could run it twice, ignoring it
 * would lose the wakeup); queued, notified or complete → nothing.
 *
 * @internal
 */
export function transitionToNotified(cell: StateCell): Notified {
  const s = cell.state;
  if ((s & (COMPLETE | SCHEDULED | NOTIFIED)) !== 0) return NOTHING;
  if ((s & RUNNING) !== 0) {
    cell.state = s | NOTIFIED;
    return LATER;
  }
  cell.state = s | SCHEDULED;
  return QUEUE;
}

/**
 * `abort()` was called: ABORT is set, and an idle task is queued so the
 * executor carries the abort out at its turn. A finished or aborting task:
 * nothing.
 *
 * @internal
 */
export function transitionToAborted(cell: StateCell): Notified {
  const s = cell.state;
  if ((s & (COMPLETE | ABORT)) !== 0) return NOTHING;
  if ((s & (RUNNING | SCHEDULED)) !== 0) {
    cell.state = s | ABORT;
    return LATER;
  }
  cell.state = s | ABORT | SCHEDULED;
  return QUEUE;
}

/**
 * The executor gives the task its turn, to poll its future or to drop it
 * (an abort, a shutdown): SCHEDULED → RUNNING. A wake meanwhile sets
 * NOTIFIED instead of queueing the task a second time.
 *
 * @internal
 */
export function transitionToRunning(cell: StateCell): void {
  cell.state = (cell.state & ~SCHEDULED) | RUNNING;
}

/** After a PENDING poll: wait for a wake. @internal */
export const IDLE = 0;
/** After a PENDING poll: woken or aborted meanwhile, so back onto the run queue. @internal */
export const REQUEUE = 1;
/** What follows a poll that returned PENDING. @internal */
export type AfterPoll = typeof IDLE | typeof REQUEUE;

/**
 * The poll returned PENDING: RUNNING is cleared, and a task woken (or
 * aborted) during the poll goes back to the run queue at once.
 *
 * @internal
 */
export function transitionToIdle(cell: StateCell): AfterPoll {
  const s = cell.state & ~RUNNING;
  if ((s & (NOTIFIED | ABORT)) !== 0) {
    cell.state = (s & ~NOTIFIED) | SCHEDULED;
    return REQUEUE;
  }
  cell.state = s;
  return IDLE;
}

/** How a task completes. @internal */
export type Ending = "ready" | "failed" | "cancelled";

/**
 * The task completed: only DETACHED, TAKEN and NAMED survive, with
 * COMPLETE and how it ended.
 *
 * @internal
 */
export function transitionToComplete(cell: StateCell, how: Ending): void {
  const ended = how === "ready" ? 0 : how === "failed" ? FAILED : CANCELLED;
  cell.state = (cell.state & (DETACHED | TAKEN | NAMED)) | COMPLETE | ended;
}

/** The JoinHandle gives the task up. Returns false if it was detached already. @internal */
export function transitionToDetached(cell: StateCell): boolean {
  const s = cell.state;
  if ((s & DETACHED) !== 0) return false;
  cell.state = s | DETACHED;
  return true;
}

/** The JoinHandle hands the result out (once). @internal */
export function transitionToTaken(cell: StateCell): void {
  cell.state |= TAKEN;
}

/** The task was spawned with a name. @internal */
export function markNamed(cell: StateCell): void {
  cell.state |= NAMED;
}

// --- questions -----------------------------------------------------------------

/** @internal */
export function isComplete(s: number): boolean {
  return (s & COMPLETE) !== 0;
}

/** True when an abort was requested and not yet carried out: the task's next turn drops it. @internal */
export function isAborting(s: number): boolean {
  return (s & (ABORT | COMPLETE)) === ABORT;
}

/** True while the task is in the run queue. @internal */
export function isScheduled(s: number): boolean {
  return (s & SCHEDULED) !== 0;
}

/**
 * True when a complete task ended with a value and was spawned unnamed:
 * unless it waited at some point, its runtime has nothing to do for it but
 * count it.
 *
 * @internal
 */
export function endedPlainly(s: number): boolean {
  return (s & (FAILED | CANCELLED | NAMED)) === 0;
}

/** @internal */
export function isDetached(s: number): boolean {
  return (s & DETACHED) !== 0;
}

/** True once the result was handed out. @internal */
export function isTaken(s: number): boolean {
  return (s & TAKEN) !== 0;
}

/** True once the result was handed out, or can no longer be (detached). @internal */
export function isTakenOrDetached(s: number): boolean {
  return (s & (TAKEN | DETACHED)) !== 0;
}

/** @internal */
export function isNamed(s: number): boolean {
  return (s & NAMED) !== 0;
}

/** True when the task failed and nobody can join it: the runtime reports it. @internal */
export function isUnobservedFailure(s: number): boolean {
  return (s & (FAILED | DETACHED)) === (FAILED | DETACHED);
}

/** True when the task completed with a value (not failed, not cancelled). @internal */
export function isReadyValue(s: number): boolean {
  return (s & (COMPLETE | FAILED | CANCELLED)) === COMPLETE;
}

/** How a complete task ended, or undefined while it is alive. @internal */
export function ending(s: number): Ending | undefined {
  if ((s & COMPLETE) === 0) return undefined;
  return (s & FAILED) !== 0 ? "failed" : (s & CANCELLED) !== 0 ? "cancelled" : "ready";
}

/**
 * Where a live task stands.
 *
 * - `queued`: in the run queue (spawned and not yet polled, or woken).
 * - `running`: being polled now (the task that called `rt.dump()`).
 * - `waiting`: returned PENDING and waits for a wake.
 * - `aborting`: `abort()` was requested; it is dropped at its next turn.
 *
 * @example
 * ```ts
 * import { Runtime, type TaskState } from "mini-tokio";
 * const count = (rt: Runtime, state: TaskState): number => rt.dump().tasks.filter((t) => t.state === state).length;
 * ```
 */
export type TaskState = "queued" | "running" | "waiting" | "aborting";

/** The {@link TaskState} of a live task. @internal */
export function stateName(s: number): TaskState {
  if ((s & RUNNING) !== 0) return "running";
  if ((s & ABORT) !== 0) return "aborting";
  return (s & SCHEDULED) !== 0 ? "queued" : "waiting";
}
