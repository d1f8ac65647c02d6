/**
 * `main(fn)`: a script's top-level future, like `#[tokio::main]`.
 *
 * @module
 */

import { type AsyncBody, future } from "../async/generator.js";
import { describe, type Future } from "../future/future.js";
import { setFailureExitCode } from "./host.js";
import { Interruptible } from "./interrupt.js";
import { Runtime, type RuntimeOptions } from "./runtime.js";

/** Options for {@link main}: the runtime's, and what a termination signal does. */
export interface MainOptions extends RuntimeOptions {
  /**
   * Drop the root future on SIGINT (Ctrl-C) or SIGTERM, so its `finally`
   * blocks and `using` declarations run, then end the process with code
   * 130 or 143 (default true). A second signal ends the process at once.
   * A program listening for the signal itself (`ctrlC()`, a `signal()`
   * stream, or `process.on`) gets the first one instead. `false` leaves
   * signals to Node's defaults.
   */
  readonly dropOnSignal?: boolean;
}

/**
 * Runs `body` (a generator function, or any future) on a new runtime in the
 * host event loop, then shuts the runtime down. If it fails, the error is
 * printed and the process exit code is set to 1 (the promise then resolves
 * to undefined, so a script needs no `.catch`).
 *
 * Ctrl-C (SIGINT) and SIGTERM cancel: the root future is dropped, so its
 * `finally` and `using` cleanup runs, the runtime is shut down (dropping
 * every other task), and the process ends with code 130 or 143. A second
 * signal ends it at once. See {@link MainOptions.dropOnSignal}.
 *
 * @example
 * ```ts
 * import { main, spawn, future } from "mini-tokio";
 * await main(function* () {
 *   const h = spawn(future(function* () { return "hello"; }));
 *   console.log(yield* h);
 * });
 * ```
 */
export async function main<T>(body: (() => AsyncBody<T>) | Future<T>, options?: MainOptions): Promise<T | undefined> {
  const { dropOnSignal = true, ...runtimeOptions } = options ?? {};
  if (typeof dropOnSignal !== "boolean") {
    throw new TypeError(`main(body, { dropOnSignal }): dropOnSignal must be a boolean, got ${describe(dropOnSignal)}`);
  }
  const rt = new Runtime(options === undefined ? undefined : runtimeOptions);
  const root = new Interruptible(typeof body === "function" ? future(body) : body);
  if (dropOnSignal) root.listen();
  try {
    return await rt.run(root);
  } catch (error) {
    if (typeof console !== "undefined") console.error(error);
    setFailureExitCode();
    return undefined;
  } finally {
    rt.shutdown();
    root.stop();
    root.exitIfInterrupted();
  }
}
