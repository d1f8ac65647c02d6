/**
 * `mini-tokio/blocking`: run blocking or CPU-bound functions on a pool of
 * worker threads, awaited as futures (tokio's `spawn_blocking`). Node-only
 * (`node:worker_threads`; Bun and Deno implement it too).
 *
 * @module mini-tokio/blocking
 */

export { BlockingError, type BlockingFailure } from "./blocking-error.js";
export {
  BlockingHandle,
  BlockingPool,
  type BlockingPoolOptions,
  type JobArguments,
  type JobOutput,
  spawnBlocking,
} from "./pool.js";
export { type Transfer, transfer } from "./transfer.js";
