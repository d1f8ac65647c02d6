/**
 * Native async/await: the baseline every ratio is taken against.
 *
 * What it measures, one definition each:
 * - spawn + join: a task is `(async () => i)()`, started at once; all `n`
 *   are started, then awaited in order and summed. Promises are eager, so
 *   "spawn" is the call and "join" is the `await`.
 * - yield: `await Promise.resolve()`, one trip through the microtask queue.
 * - parked: an async function awaiting one shared promise that never
 *   settles: its suspended frame plus its reaction on that promise.
 *
 * Why it is fair: this is how the same work is written with no library at
 * all, and V8 optimises it natively (async functions are built into the
 * engine, with no user-level executor). Each timed call is one async call
 * awaited by the harness: one extra await per batch, not per task.
 *
 * @module
 */

import type { Parking } from "../heap.js";

// --- spawn + join ----------------------------------------------------------

/** Spawn + join of `n` trivial tasks; resolves to the sum of 0..n-1. */
export async function spawnJoin(n: number): Promise<number> {
  const tasks = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) tasks[i] = (async () => i)();
  let sum = 0;
  for (const t of tasks) sum += await t;
  return sum;
}

// --- yield -------------------------------------------------------------------

/** `n` yields in one async function; resolves to `n`. */
export async function yields(n: number): Promise<number> {
  for (let i = 0; i < n; i++) await Promise.resolve();
  return n;
}

// --- parked ------------------------------------------------------------------

/** The promise every parked task awaits; replaced on release so the old round can be collected. */
let never = new Promise<never>(() => {});
let parkedStarts = 0;

async function parked(): Promise<void> {
  parkedStarts++;
  await never;
}

/** Starts `n` async functions that each park on the shared never-settling promise. */
export function park(n: number): Parking {
  parkedStarts = 0;
  const tasks = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) tasks[i] = parked();
  return {
    keep: tasks,
    polled: parkedStarts,
    release: () => {
      never = new Promise<never>(() => {});
    },
  };
}
