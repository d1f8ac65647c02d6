/**
 * `BlockingError`: why a blocking job gave no value.
 *
 * @module
 */

import { textOf } from "../future/future.js";
import { JoinError } from "../index.js";

/** How a blocking job failed. */
export type BlockingFailure = "threw" | "crashed";

/**
 * Thrown when awaiting a {@link BlockingHandle} whose job did not return a
 * value: the job function threw (or its promise rejected), `kind` is
 * `"threw"` and `cause` is what it threw (as it crossed the thread: a
 * structured clone, so an `Error` keeps its name, message and stack); or the
 * worker thread died under it (`process.exit()` in the job, an uncaught
 * error from a callback the job left behind), `kind` is `"crashed"` and the
 * pool has replaced the worker.
 *
 * It is a {@link JoinError} with `isFailure()` true, so code that handles
 * failed tasks handles failed jobs the same way.
 *
 * @example
 * ```ts no-run
 * import { main, JoinError } from "mini-tokio";
 * import { spawnBlocking } from "mini-tokio/blocking";
 * await main(function* () {
 *   try {
 *     yield* spawnBlocking(new URL("./jobs.js", import.meta.url), "mayThrow");
 *   } catch (e) {
 *     if (e instanceof JoinError && e.isFailure()) console.log("job failed:", e.cause);
 *   }
 * });
 * ```
 */
export class BlockingError extends JoinError {
  /** `"threw"`: the job threw `cause`; `"crashed"`: its worker thread exited. */
  readonly kind: BlockingFailure;
  /** The job's `module#export`. */
  readonly job: string;

  /** @internal Made by the pool. */
  constructor(jobId: number, job: string, kind: BlockingFailure, cause: unknown) {
    super(jobId, false, cause);
    // JoinError's `name` is a literal type; the instance says what it is.
    Object.defineProperty(this, "name", { value: "BlockingError", configurable: true });
    this.kind = kind;
    this.job = job;
    const said = textOf(cause);
    this.message =
      kind === "threw"
        ? `blocking job #${jobId} (${job}) threw: ${said}`
        : `blocking job #${jobId} (${job}) lost its worker thread: ${said}`;
  }
}
