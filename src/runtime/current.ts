/**
 * The "current runtime": the one whose task is being polled right now.
 *
 * `spawn(f)` and (later) timers find their runtime here, the way tokio's
 * free functions use the runtime context of the thread. It is set while a
 * runtime polls its tasks and restored afterwards, so runtimes may be
 * driven one inside another's host callback.
 *
 * @module
 */

import type { Future } from "../future/future.js";
import type { JoinHandle } from "../task/join-handle.js";
import type { TimeDriver } from "../time/driver.js";
import type { SeededRandom } from "./rng.js";

/** What the free functions need from the current runtime. */
export interface RuntimeHandle {
  /** Spawns `future` as a task on this runtime. */
  spawn<T>(future: Future<T>, options?: SpawnOptions): JoinHandle<T>;
  /** The runtime's clock and timers. @internal */
  readonly timeDriver: TimeDriver;
  /** The seeded generator of a seeded runtime (select's fair start draws from it). @internal */
  readonly seededRandom?: SeededRandom | undefined;
}

/** Options for `spawn`. */
export interface SpawnOptions {
  /** A name shown in traces, task lists and errors. */
  readonly name?: string;
}

let current: RuntimeHandle | undefined;

/** Makes `rt` current; returns the runtime to restore. @internal */
export function enterRuntime(rt: RuntimeHandle): RuntimeHandle | undefined {
  const outer = current;
  current = rt;
  return outer;
}

/** Restores the runtime saved by {@link enterRuntime}. @internal */
export function exitRuntime(outer: RuntimeHandle | undefined): void {
  current = outer;
}

/** The runtime whose task is running, or undefined outside one. */
export function currentRuntime(): RuntimeHandle | undefined {
  return current;
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
  const rt = current;
  if (rt === undefined) {
    throw new Error(
      "spawn() was called outside a runtime: call it from a task (a future run by rt.blockOn, rt.run or main), or use rt.spawn(future)",
    );
  }
  return rt.spawn(future, options);
}
