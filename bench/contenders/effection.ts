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
 * - sleeps: inside `run()`, one spawned task per sleep running `yield*
 *   sleep(ms)` (one host `setTimeout` each), then each task joined in
 *   order. Effection has no virtual clock, so it has no virtual-time row.
 * - pending sleeps: spawned operations parked in a 60 s `sleep`.
 * - stream pipeline: Effection 4's core has streams (`Stream` is an
 *   operation giving a `Subscription` whose `next()` is an operation) but
 *   no `map` or `filter`; we write them on that protocol the way
 *   Effection's own examples do (a subscription whose `next()` delegates
 *   with `yield*`), with plain functions per item (the cheaper shape:
 *   `@effectionx/stream-helpers` takes an operation per item), and read the
 *   result with a `next()` loop inside `run()`.
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

import {
  action,
  type Operation,
  run,
  type Stream,
  type Subscription,
  sleep,
  spawn,
  suspend,
  type Task,
} from "effection";
import { Gauge } from "../gauge.js";
import type { Parking } from "../heap.js";
import { even, items, triple } from "../pipeline.js";

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

function* spawnParked(n: number, body: () => Operation<void>): Operation<void> {
  const tasks = new Array<Task<void>>(n);
  for (let i = 0; i < n; i++) tasks[i] = yield* spawn(body);
  yield* suspend(); // the parent must outlive its children
}

/** Spawns `n` parked operations under one parent and waits until every one has started. */
export function park(n: number): Promise<Parking> {
  return parkWith(n, parked);
}

/** Spawns `n` operations running `body` under one parent; resolves once every one has started. */
async function parkWith(n: number, body: () => Operation<void>): Promise<Parking> {
  parkedStarts = 0;
  const parent = run(() => spawnParked(n, body));
  for (let turn = 0; parkedStarts < n && turn < 1000; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { keep: parent, polled: parkedStarts, release: () => parent.halt() };
}

// --- sleeps --------------------------------------------------------------------

/** How many {@link sleeper}s are asleep at once (see `bench/gauge.ts`). */
export const asleep = new Gauge();

function* sleeper(ms: number): Operation<number> {
  asleep.enter();
  yield* sleep(ms);
  asleep.leave();
  return ms;
}

function* sleepAll(durations: readonly number[]): Operation<number> {
  const tasks = new Array<Task<number>>(durations.length);
  let i = 0;
  for (const ms of durations) tasks[i++] = yield* spawn(() => sleeper(ms));
  let sum = 0;
  for (const t of tasks) sum += yield* t;
  return sum;
}

/** One spawned task per sleep; resolves to the sum of the durations. */
export function sleeps(durations: readonly number[]): Promise<number> {
  return run(() => sleepAll(durations));
}

// --- pending sleeps ----------------------------------------------------------

/** Spawns `n` operations under one parent that each sleep `ms`; resolves once every one has started. */
export function parkSleeping(n: number, ms: number): Promise<Parking> {
  function* sleeping(): Operation<void> {
    parkedStarts++;
    yield* sleep(ms);
  }
  return parkWith(n, sleeping);
}

// --- stream pipeline -----------------------------------------------------------

/** A stream of the items of an array: its subscription's `next()` answers at once. */
function fromArray<T>(source: readonly T[]): Stream<T, void> {
  return {
    *[Symbol.iterator]() {
      let i = 0;
      const subscription: Subscription<T, void> = {
        *next() {
          const value = source[i];
          if (i >= source.length || value === undefined) return { done: true, value: undefined };
          i++;
          return { done: false, value };
        },
      };
      return subscription;
    },
  };
}

/** `f` over every item, written on Effection's Stream/Subscription protocol. */
function mapStream<T, U>(source: Stream<T, void>, f: (x: T) => U): Stream<U, void> {
  return {
    *[Symbol.iterator]() {
      const inner = yield* source;
      const subscription: Subscription<U, void> = {
        *next() {
          const r = yield* inner.next();
          return r.done === true ? r : { done: false, value: f(r.value) };
        },
      };
      return subscription;
    },
  };
}

/** The items `keep` accepts, written on the same protocol. */
function filterStream<T>(source: Stream<T, void>, keep: (x: T) => boolean): Stream<T, void> {
  return {
    *[Symbol.iterator]() {
      const inner = yield* source;
      const subscription: Subscription<T, void> = {
        *next() {
          for (;;) {
            const r = yield* inner.next();
            if (r.done === true || keep(r.value)) return r;
          }
        },
      };
      return subscription;
    },
  };
}

function* pipelineSum(source: readonly number[]): Operation<number> {
  const subscription = yield* filterStream(mapStream(fromArray(source), triple), even);
  let sum = 0;
  for (let r = yield* subscription.next(); r.done !== true; r = yield* subscription.next()) sum += r.value;
  return sum;
}

/** The pipeline of `bench/pipeline.ts` on Effection streams, summed inside `run()`. */
export function streamPipeline(n: number): Promise<number> {
  return run(() => pipelineSum(items(n)));
}
