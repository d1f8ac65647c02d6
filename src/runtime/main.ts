/**
 * `main(fn)`: a script's top-level future, like `#[tokio::main]`.
 *
 * @module
 */

import { type AsyncBody, future } from "../async/generator.js";
import type { Future } from "../future/future.js";
import { setFailureExitCode } from "./host.js";
import { Runtime, type RuntimeOptions } from "./runtime.js";

/**
 * Runs `body` (a generator function, or any future) on a new runtime in the
 * host event loop, then shuts the runtime down. If it fails, the error is
 * printed and the process exit code is set to 1 (the promise then resolves
 * to undefined, so a script needs no `.catch`).
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
export async function main<T>(
  body: (() => AsyncBody<T>) | Future<T>,
  options?: RuntimeOptions,
): Promise<T | undefined> {
  const rt = new Runtime(options);
  const root = typeof body === "function" ? future(body) : body;
  try {
    return await rt.run(root);
  } catch (error) {
    if (typeof console !== "undefined") console.error(error);
    setFailureExitCode();
    return undefined;
  } finally {
    rt.shutdown();
  }
}
