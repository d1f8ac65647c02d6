/**
 * `Handle`: the seam between the library and the executor that runs it.
 *
 * Leaf futures (sleeps, channels, I/O, `spawn`) never see the `Runtime`
 * class. They find the runtime driving their thread through the per-thread
 * record and talk to it through this interface: spawn a task, register a
 * timer, hold a host operation open. An executor is anything that
 * implements it — today's current-thread `Runtime`, and tomorrow one
 * executor per worker thread — so the library under it does not change
 * when the executor does (tokio's `runtime::Handle` plays the same part).
 *
 * ```text
 *   sleep · interval · timeout ──▶ handle.time      (clock + timer wheel)
 *   spawn · JoinSet · scope    ──▶ handle.spawn     (a task on this runtime)
 *   toPromise · toAsyncIterable ─▶ handle.run       (a task whose end settles a promise)
 *   fromPromise · I/O futures  ──▶ handle.hold()    (a reply from the host is on its way)
 *   select's fair start        ──▶ handle.random    (the seeded source of a seeded runtime)
 * ```
 *
 * @module
 */

import type { Future } from "../future/future.js";
import type { SeededRandom } from "../util/random.js";
import type { TimerEntry } from "../util/wheel.js";
import type { JoinHandle } from "./join-handle.js";

/** Options for `spawn`. */
export interface SpawnOptions {
  /** A name shown in traces, task lists and errors. */
  readonly name?: string;
}

/**
 * What the time leaves (`sleep`, `interval`, `timeout`, `time.*`) need from
 * a runtime's clock and timer wheel.
 */
export interface TimeHandle {
  /** The clock's reading, in ms since the runtime started. */
  now(): number;
  /**
   * Registers `entry` to expire at `dueMs` (rounded up to a whole ms).
   * Returns false, registering nothing, when it is due already.
   */
  register(entry: TimerEntry, dueMs: number): boolean;
  /** Unregisters `entry`; a no-op if it is not registered. */
  cancel(entry: TimerEntry): void;
  /** True while the clock is paused (it then moves only by `advance` or auto-advance). */
  readonly isPaused: boolean;
  /** Freezes the clock. */
  pause(): void;
  /** Lets a paused clock run again from where it stands. */
  resume(): void;
  /** Moves a paused clock forward by `ms`, firing the timers that fall due. */
  advance(ms: number): void;
}

/**
 * A runtime, as the library sees it. `currentRuntime()` returns the one
 * whose task is running.
 *
 * @example
 * ```ts
 * import { Runtime, currentRuntime, future } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const rt = currentRuntime(); // the Handle of the runtime polling this task
 *   rt?.spawn(future(function* () {})).detach();
 * }));
 * ```
 */
export interface Handle {
  /** Spawns `future` as a task on this runtime. */
  spawn<T>(future: Future<T>, options?: SpawnOptions): JoinHandle<T>;
  /**
   * Runs `future` as a task in the host event loop and resolves with its
   * value (rejects with its error); rejects with a `StallError` if the host
   * loop runs dry first. `toPromise` and `toAsyncIterable` drive futures
   * through it.
   */
  run<T>(future: Future<T>, options?: SpawnOptions): Promise<T>;
  /** The runtime's clock and timers. */
  readonly time: TimeHandle;
  /**
   * Registers an outstanding host operation (a promise awaited, a socket
   * read, a worker's reply): while any is open, paused time does not
   * auto-advance. Returns the function that ends it (idempotent).
   */
  hold(): () => void;
  /** The seeded generator of a seeded runtime, or undefined: `select` draws its fair start from it. */
  readonly random: SeededRandom | undefined;
}

/**
 * True when `value` has what a {@link Handle} needs (any executor, not only
 * `Runtime`): checked where a runtime is passed in by the caller.
 *
 * @internal
 */
export function isHandle(value: unknown): value is Handle {
  return (
    typeof value === "object" &&
    value !== null &&
    "spawn" in value &&
    typeof value.spawn === "function" &&
    "run" in value &&
    typeof value.run === "function" &&
    "hold" in value &&
    typeof value.hold === "function" &&
    "time" in value
  );
}

/**
 * The former name of {@link Handle}.
 *
 * @deprecated Use `Handle`; this alias goes in the next release.
 */
export type RuntimeHandle = Handle;
