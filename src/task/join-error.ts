/**
 * `JoinError`: why a task gave no value.
 *
 * @module
 */

import { textOf } from "../future/future.js";

/**
 * Thrown when awaiting a {@link JoinHandle} whose task did not finish with
 * a value: it threw (`isFailure()`, the error is `cause`) or it was
 * cancelled by abort, by its handle being disposed, or by the runtime
 * shutting down (`isCancelled()`). Mirrors tokio's `JoinError`.
 *
 * @example
 * ```ts
 * import { JoinError, Runtime, future, spawn } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const h = spawn(future(function* () { throw new Error("boom"); }));
 *   try {
 *     yield* h;
 *   } catch (e) {
 *     if (e instanceof JoinError && e.isFailure()) console.log(e.cause); // Error: boom
 *   }
 * }));
 * ```
 */
export class JoinError extends Error {
  override readonly name = "JoinError";
  /** The id of the task that gave no value. */
  readonly taskId: number;
  readonly #cancelled: boolean;

  /** @internal Made by the runtime. */
  constructor(taskId: number, cancelled: boolean, cause?: unknown) {
    super(
      cancelled ? `task #${taskId} was cancelled` : `task #${taskId} failed: ${textOf(cause)}`,
      cancelled ? undefined : { cause },
    );
    this.taskId = taskId;
    this.#cancelled = cancelled;
  }

  /** True when the task was aborted, dropped or shut down before finishing. */
  isCancelled(): boolean {
    return this.#cancelled;
  }

  /** True when the task threw; the thrown value is `cause`. */
  isFailure(): boolean {
    return !this.#cancelled;
  }
}
