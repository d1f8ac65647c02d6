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
 * - sleeps: `new Promise((resolve) => setTimeout(resolve, ms))`, one host
 *   timer per sleep, the way everyone writes a sleep without a library:
 *   either awaited in an async function per sleep (the baseline, a task
 *   that sleeps, like the other contenders' tasks) or bare promises handed
 *   to `Promise.all` (the cheapest idiomatic form: no task at all).
 * - pending sleeps: the same two shapes, waiting on a 60 s timer.
 * - stream pipeline: one async generator per stage (`for await` over the
 *   stage before, `yield` per item), read with `for await`: the pipeline
 *   everyone writes without a library.
 *
 * Why it is fair: this is how the same work is written with no library at
 * all, and V8 optimises it natively (async functions are built into the
 * engine, with no user-level executor). Each timed call is one async call
 * awaited by the harness: one extra await per batch, not per task.
 *
 * @module
 */

import { Gauge } from "../gauge.js";
import type { Parking } from "../heap.js";
import { even, items, triple } from "../pipeline.js";

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

// --- sleeps --------------------------------------------------------------------

/** The sleep everyone writes: a promise resolved by one host timer. */
function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** How many {@link sleeper}s are asleep at once (see `bench/gauge.ts`). */
export const asleep = new Gauge();

/** A task that sleeps, then returns how long it slept. */
async function sleeper(ms: number): Promise<number> {
  asleep.enter();
  await sleep(ms);
  asleep.leave();
  return ms;
}

/** One async function per sleep, all started, then `await Promise.all`; resolves to the sum of the durations. */
export async function sleeps(durations: readonly number[]): Promise<number> {
  const tasks = new Array<Promise<number>>(durations.length);
  let i = 0;
  for (const ms of durations) tasks[i++] = sleeper(ms);
  let sum = 0;
  for (const ms of await Promise.all(tasks)) sum += ms;
  return sum;
}

/** Bare sleep promises, no task around them, then `await Promise.all`; resolves to the sum of the durations. */
export async function bareSleeps(durations: readonly number[]): Promise<number> {
  const pending = new Array<Promise<void>>(durations.length);
  let i = 0;
  for (const ms of durations) pending[i++] = sleep(ms);
  await Promise.all(pending);
  let sum = 0;
  for (const ms of durations) sum += ms;
  return sum;
}

// --- pending sleeps ----------------------------------------------------------

/**
 * The host timers of the pending sleeps, kept only so that `release` can
 * clear them (a native sleep cannot be cancelled through its promise). The
 * array is reused from round to round, so after the warm-up round it has
 * all its slots and a measured round adds no bytes to it: what is counted
 * is what `sleep(ms)` above leaves behind.
 */
const pendingTimers: (ReturnType<typeof setTimeout> | undefined)[] = [];
let pendingCount = 0;

/** `sleep(ms)` above, recording the host timer for the clean-up. */
function trackedSleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    pendingTimers[pendingCount++] = setTimeout(resolve, ms);
  });
}

async function sleeping(ms: number): Promise<void> {
  parkedStarts++;
  await trackedSleep(ms);
}

function clearPendingTimers(): void {
  for (let i = 0; i < pendingCount; i++) {
    clearTimeout(pendingTimers[i]);
    pendingTimers[i] = undefined;
  }
  pendingCount = 0;
}

/** Starts `n` async functions that each await a sleep of `ms`. */
export function parkSleeping(n: number, ms: number): Parking {
  parkedStarts = 0;
  const tasks = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) tasks[i] = sleeping(ms);
  return { keep: tasks, polled: parkedStarts, release: clearPendingTimers };
}

/** Makes `n` bare sleep promises of `ms`. */
export function parkBareSleeps(n: number, ms: number): Parking {
  const pending = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) pending[i] = trackedSleep(ms);
  return { keep: pending, polled: pendingCount, release: clearPendingTimers };
}

// --- stream pipeline -----------------------------------------------------------

async function* fromArray<T>(source: readonly T[]): AsyncGenerator<T> {
  for (const x of source) yield x;
}

async function* mapItems<T, U>(source: AsyncIterable<T>, f: (x: T) => U): AsyncGenerator<U> {
  for await (const x of source) yield f(x);
}

async function* filterItems<T>(source: AsyncIterable<T>, keep: (x: T) => boolean): AsyncGenerator<T> {
  for await (const x of source) if (keep(x)) yield x;
}

/** The pipeline of `bench/pipeline.ts` as async generators, summed with `for await`. */
export async function streamPipeline(n: number): Promise<number> {
  let sum = 0;
  for await (const x of filterItems(mapItems(fromArray(items(n)), triple), even)) sum += x;
  return sum;
}
