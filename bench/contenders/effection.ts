/**
 * Effection 4 (`effection` 4.1.1): structured-concurrency operations.
 *
 * What it measures:
 * - spawn + join: inside `run()`, `yield* spawn(() => trivial(i))` `n`
 *   times, then `yield*` each task in order and sum the values.
 * - yield: Effection has no `yieldNow`, and `sleep(0)` is a host timer, not
 *   a yield. The closest equivalent is an action that resolves at once:
 *   the operation suspends, and its resumption goes through Effection's
 *   reducer queue behind the routines already queued, which is what a yield
 *   is. We reuse one such action (actions are stateless, re-run each time
 *   they are evaluated).
 * - parked: spawned operations that `yield* suspend()`.
 *
 * Why it is fair: generator functions are hoisted; `spawn` takes a function
 * returning an operation, so each task is an arrow closure calling the
 * hoisted `trivial` (cheap), not a fresh generator closure (slow on V8).
 * `run()` returns a promise, so each timed call is awaited once per batch.
 * Effection costs about 100 µs per task here, so its batches are smaller
 * (the tables say which); its numbers are per task all the same.
 *
 * @module
 */

import { action, type Operation, run, spawn, suspend, type Task } from "effection";
import type { Parking } from "../heap.js";

// --- spawn + join ----------------------------------------------------------

function* trivial(i: number): Operation<number> {
  return i;
}

function* spawnJoinAll(n: number): Operation<number> {
  const tasks = new Array<Task<number>>(n);
  for (let i = 0; i < n; i++) tasks[i] = yield* spawn(() => trivial(i));
  let sum = 0;
  for (const t of tasks) sum += yield* t;
  return sum;
}

/** Spawn + join of `n` trivial tasks; resolves to the sum of 0..n-1. */
export function spawnJoin(n: number): Promise<number> {
  return run(() => spawnJoinAll(n));
}

// --- yield -------------------------------------------------------------------

const noop = (): void => {};

/** Suspends, then resumes through the reducer queue: Effection's nearest thing to a yield. */
const yieldOnce: Operation<void> = action<void>((resolve) => {
  resolve();
  return noop;
}, "yield");

function* yieldLoop(n: number): Operation<number> {
  for (let i = 0; i < n; i++) yield* yieldOnce;
  return n;
}

/** `n` yields in one operation; resolves to `n`. */
export function yields(n: number): Promise<number> {
  return run(() => yieldLoop(n));
}

// --- parked ------------------------------------------------------------------

let parkedStarts = 0;

function* parked(): Operation<void> {
  parkedStarts++;
  yield* suspend();
}

function* spawnParked(n: number): Operation<void> {
  const tasks = new Array<Task<void>>(n);
  for (let i = 0; i < n; i++) tasks[i] = yield* spawn(parked);
  yield* suspend(); // the parent must outlive its children
}

/** Spawns `n` parked operations under one parent and waits until every one has started. */
export async function park(n: number): Promise<Parking> {
  parkedStarts = 0;
  const parent = run(() => spawnParked(n));
  for (let turn = 0; parkedStarts < n && turn < 1000; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { keep: parent, polled: parkedStarts, release: () => parent.halt() };
}
