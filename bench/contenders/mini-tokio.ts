/**
 * mini-tokio, written the way we tell users to write it.
 *
 * What it measures:
 * - spawn + join: a task spawns `n` trivial tasks, then awaits their
 *   JoinHandles in order and sums the values (tokio's `spawn` + `.await`).
 * - the same with the task body written inline, `spawn(future(function* ()
 *   { … }))` inside the loop: a fresh generator closure per task. On Node 20
 *   V8 builds a new map for each generator closure, so this costs 1.5–3 µs
 *   per task. It is measured on its own row to show why generator
 *   functions that run often should be hoisted (`asyncFn` at module level).
 * - yield: one task awaiting `yieldNow()` `n` times.
 * - parked: tasks that returned PENDING once and wait for a wake that never
 *   comes, on a hand-written future or inside a generator task.
 *
 * Why it is fair: task bodies are hoisted `asyncFn`s, the shape the docs
 * recommend, and each call runs through the public API only (`Runtime`,
 * `spawn`, `yield*`), with the same checksum every contender computes.
 * `rt.blockOn` drives the runtime synchronously, as `Effect.runSync` and
 * the floor do; native async/await pays its event-loop turn instead.
 *
 * @module
 */

import {
  Awaitable,
  asyncFn,
  type Context,
  type Future,
  future,
  type JoinHandle,
  PENDING,
  type Poll,
  Runtime,
  spawn,
  type Waker,
  yieldNow,
} from "../../src/index.js";
import type { Parking } from "../heap.js";

/** One runtime for the timed benchmarks, reused like the host event loop is. */
const rt = new Runtime();

// --- spawn + join ----------------------------------------------------------

/** A trivial task. Hoisted: calling it makes a generator object, not a new map. */
const trivial = asyncFn(function* (i: number) {
  return i;
});

const spawnJoinAll = asyncFn(function* (n: number) {
  const handles = new Array<JoinHandle<number>>(n);
  for (let i = 0; i < n; i++) handles[i] = spawn(trivial(i));
  let sum = 0;
  for (const h of handles) sum += yield* h;
  return sum;
});

/** Spawn + join of `n` trivial tasks; returns the sum of 0..n-1. */
export function spawnJoin(n: number): number {
  return rt.blockOn(spawnJoinAll(n));
}

/**
 * The same, with the task body written inline. Do not copy this into a hot
 * loop: it is here to show what an inline generator closure costs.
 */
const spawnJoinInlineAll = asyncFn(function* (n: number) {
  const handles = new Array<JoinHandle<number>>(n);
  for (let i = 0; i < n; i++) {
    handles[i] = spawn(
      future(function* () {
        return i;
      }),
    );
  }
  let sum = 0;
  for (const h of handles) sum += yield* h;
  return sum;
});

/** Spawn + join with an inline generator closure per task. */
export function spawnJoinInline(n: number): number {
  return rt.blockOn(spawnJoinInlineAll(n));
}

// --- yield -------------------------------------------------------------------

const yieldLoop = asyncFn(function* (n: number) {
  for (let i = 0; i < n; i++) yield* yieldNow();
  return n;
});

/** `n` yields in one task; returns `n`. */
export function yields(n: number): number {
  return rt.blockOn(yieldLoop(n));
}

// --- parked ------------------------------------------------------------------

let parkedPolls = 0;

/**
 * A hand-written leaf future that parks: it keeps the waker, as a channel
 * or a timer entry would, and stays pending. Nothing ever wakes it.
 */
class Parked extends Awaitable<never> {
  waker: Waker | undefined = undefined;
  poll(cx: Context): Poll<never> {
    parkedPolls++;
    this.waker = cx.waker;
    return PENDING;
  }
}

/** A generator task parked on a leaf future, like one awaiting `rx.recv()`. */
const parkedTask = asyncFn(function* () {
  yield* new Parked();
});

/** Spawns the tasks, then yields once: every task queued before it is polled first. */
const spawnParked = asyncFn(function* (n: number, make: () => Future<void>) {
  const handles = new Array<JoinHandle<void>>(n);
  for (let i = 0; i < n; i++) handles[i] = spawn(make());
  yield* yieldNow();
  return handles;
});

/** Aborts the parked tasks; the yield lets the runtime carry the aborts out first. */
const abortAll = asyncFn(function* (handles: readonly JoinHandle<void>[]) {
  for (const h of handles) h.abort();
  yield* yieldNow();
});

/**
 * The runtime tasks park on, reused across rounds (like the event loop the
 * native tasks park in), so its run queue has already grown to hold a burst
 * of spawns and is not counted per task.
 */
const parking = new Runtime();

function parkWith(n: number, make: () => Future<void>): Parking {
  parkedPolls = 0;
  const handles = parking.blockOn(spawnParked(n, make));
  if (parking.aliveTasks !== n) throw new Error(`mini-tokio: ${parking.aliveTasks} tasks alive, expected ${n}`);
  return {
    keep: handles,
    polled: parkedPolls,
    release: () => {
      parking.blockOn(abortAll(handles));
      if (parking.aliveTasks !== 0) throw new Error(`mini-tokio: ${parking.aliveTasks} tasks still alive after abort`);
    },
  };
}

/** `n` tasks whose future is the hand-written {@link Parked}, each polled once. */
export function parkHandWritten(n: number): Parking {
  return parkWith(n, () => new Parked());
}

/** `n` generator tasks, each parked inside `yield*` on a {@link Parked}. */
export function parkGenerator(n: number): Parking {
  return parkWith(n, parkedTask);
}
