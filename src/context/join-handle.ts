/**
 * `JoinHandle<T>` and `AbortHandle`: what `spawn` gives back.
 *
 * Dropping (disposing) a JoinHandle aborts its task, as smol's `Task`
 * does; tokio's detaches instead. We chose smol's rule because it makes
 * cancellation structural: `using h = spawn(…)` cannot outlive its scope,
 * and a JoinHandle that loses a `select` or hits a `timeout` takes its task
 * with it. Call `detach()` to let a task run on with nobody waiting.
 *
 * The handle owns the task's value until it hands it out. If the handle is
 * disposed or detached first, nobody can ever receive the value, so it is
 * dropped as Rust drops an output nobody joined: disposed, if it has a
 * `[Symbol.dispose]()` method (a lock guard the task returned is released).
 *
 * @module
 */

import type { AwaitIterator, Future } from "../future/future.js";

/**
 * Aborts a task without owning its result (tokio's `AbortHandle`).
 *
 * @example
 * ```ts
 * import { Runtime, future, spawn, yieldNow } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const h = spawn(future(function* () { for (;;) yield* yieldNow(); }));
 *   const stop = h.abortHandle();
 *   stop.abort();
 * }));
 * ```
 */
export interface AbortHandle {
  /** The task's id, unique within its runtime. */
  readonly id: number;
  /**
   * Requests cancellation. The executor drops the task's future at the
   * task's next turn (never inside another task's poll); its `finally`
   * blocks run then, and the JoinHandle reports a cancelled JoinError.
   * Aborting a finished task does nothing.
   */
  abort(): void;
  /** True once the task has finished: value, failure or cancellation. */
  isFinished(): boolean;
}

/**
 * The task's future side: await it (`yield* handle`) for the task's value,
 * or a {@link JoinError} if it threw or was cancelled.
 *
 * **Cancel safety:** dropping the await (the awaiting generator is
 * disposed) disposes the handle, which aborts the task; if the task had
 * already finished, its value is disposed instead (if Disposable), since
 * nobody will receive it.
 *
 * @example
 * ```ts
 * import { Runtime, future, spawn } from "mini-tokio";
 * const rt = new Runtime();
 * rt.blockOn(future(function* () {
 *   using h = spawn(future(function* () { return 1; })); // aborted at scope end if not done
 *   return yield* h;
 * }));
 * ```
 */
export interface JoinHandle<T> extends AbortHandle, Future<T>, AwaitIterator<T>, Disposable {
  /** `yield* handle` awaits the task. */
  [Symbol.iterator](): AwaitIterator<T>;
  /** An {@link AbortHandle} for the same task. */
  abortHandle(): AbortHandle;
  /**
   * Gives the handle up and lets the task run on. A detached task's
   * failure is reported to the runtime's `onTaskError` (by default
   * `console.error`), since nobody will read it; its value, which nobody
   * will receive either, is disposed if Disposable — now if the task has
   * finished, else when it finishes (a disposal that throws then counts as
   * the task's failure). The handle must not be awaited afterwards.
   */
  detach(): void;
  /**
   * Drop: aborts the task unless it finished or was detached. A finished
   * task's value that was not taken is disposed if Disposable (an error
   * that disposal throws propagates).
   */
  [Symbol.dispose](): void;
}
