/**
 * The "current runtime": the one whose task is being polled right now.
 *
 * `spawn(f)`, timers and host operations find their runtime here, the way
 * tokio's free functions use the runtime context of the thread. The
 * runtime sets it in the per-thread record while it polls its tasks and
 * restores it afterwards, so runtimes may be driven one inside another's
 * host callback.
 *
 * @module
 */

import type { Future } from "../future/future.js";
import { THREAD } from "./context.js";
import type { Handle, SpawnOptions } from "./handle.js";
import type { JoinHandle } from "./join-handle.js";

/** The runtime whose task is running, or undefined outside one. */
export function currentRuntime(): Handle | undefined {
  return THREAD.handle;
}

/**
 * The runtime whose task is running; throws an error naming `api` outside
 * one.
 *
 * @internal
 */
export function currentHandle(api: string, need = "a runtime"): Handle {
  const handle = THREAD.handle;
  if (handle === undefined) {
    throw new Error(
      `${api} needs ${need}, but no runtime is running here: call it from a task (a future run by rt.blockOn, rt.run or main)`,
    );
  }
  return handle;
}

/**
 * Spawns `future` as a new task on the current runtime and returns its
 * {@link JoinHandle}. The task runs when the spawner next yields (tasks are
 * lazy and the executor is single-threaded). Disposing the handle aborts
 * the task; `handle.detach()` lets it run on alone.
 *
 * Throws when called outside a runtime: use `rt.spawn(f)` there.
 *
 * @example
 * ```ts
 * import { Runtime, future, spawn } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const h = spawn(future(function* () { return "hi"; }), { name: "greeter" });
 *   return yield* h; // "hi"
 * }));
 * ```
 */
export function spawn<T>(future: Future<T>, options?: SpawnOptions): JoinHandle<T> {
  const rt = THREAD.handle;
  if (rt === undefined) {
    throw new Error(
      "spawn() was called outside a runtime: call it from a task (a future run by rt.blockOn, rt.run or main), or use rt.spawn(future)",
    );
  }
  return rt.spawn(future, options);
}
