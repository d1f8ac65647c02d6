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
 * - sleeps: a task spawns one task per sleep and joins them all, inside
 *   `await rt.run(…)` (the host event loop, where real timers live). Each
 *   task is a hoisted `asyncFn` whose body is `yield* sleep(ms)`, or, on
 *   its own row, the sleep itself (`spawn(sleep(ms))`: no generator, the
 *   cost of the leaf future and its task). With the virtual clock the same
 *   program runs in `rt.blockOn` on a fresh `new Runtime({ clock: "virtual"
 *   })`, as a test would, and reports the clock at the end.
 * - pending sleeps: the same two task shapes, waiting on a 60 s sleep.
 * - stream pipeline: `fromIterable(items).map(f).filter(g)`, read in a
 *   generator task with `for (let v = yield* s.next(); v !== undefined;
 *   v = yield* s.next())`, the loop the README shows.
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
  fromIterable,
  future,
  type GeneratorFuture,
  type JoinHandle,
  now,
  PENDING,
  type Poll,
  Runtime,
  sleep,
  spawn,
  type Waker,
  yieldNow,
} from "../../src/index.js";
import { Gauge } from "../gauge.js";
import type { Parking } from "../heap.js";
import { even, items, triple } from "../pipeline.js";

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

/**
 * Parks `n` tasks made by `make`. `polled` says how many were polled: by
 * default the count {@link Parked} and {@link sleepingTask} keep; a task
 * that is a bare leaf future cannot count, so its caller passes the number
 * of tasks alive after the spawner's yield (the run queue is first in,
 * first out, so every task spawned before that yield had its first poll).
 */
function parkWith(n: number, make: () => Future<void>, polled: () => number = () => parkedPolls): Parking {
  parkedPolls = 0;
  const handles = parking.blockOn(spawnParked(n, make));
  if (parking.aliveTasks !== n) throw new Error(`mini-tokio: ${parking.aliveTasks} tasks alive, expected ${n}`);
  return {
    keep: handles,
    polled: polled(),
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

// --- sleeps --------------------------------------------------------------------

/** How many {@link sleeper}s are asleep at once (see `bench/gauge.ts`). */
export const asleep = new Gauge();

/** A task that sleeps, then returns how long it slept. */
const sleeper = asyncFn(function* (ms: number) {
  asleep.enter();
  yield* sleep(ms);
  asleep.leave();
  return ms;
});

/** Spawns one {@link sleeper} per duration and joins them in order; returns the sum of the durations. */
const sleepAll = asyncFn(function* (durations: readonly number[]) {
  const handles = new Array<JoinHandle<number>>(durations.length);
  let i = 0;
  for (const ms of durations) handles[i++] = spawn(sleeper(ms));
  let sum = 0;
  for (const h of handles) sum += yield* h;
  return sum;
});

/** The same with the sleeps themselves as tasks: no generator per task. */
const sleepAllLeaf = asyncFn(function* (durations: readonly number[]) {
  const handles = new Array<JoinHandle<void>>(durations.length);
  let i = 0;
  for (const ms of durations) handles[i++] = spawn(sleep(ms));
  for (const h of handles) yield* h;
  let sum = 0;
  for (const ms of durations) sum += ms;
  return sum;
});

/** One generator task per sleep, on the real clock in the host event loop; resolves to the sum of the durations. */
export function sleeps(durations: readonly number[]): Promise<number> {
  return rt.run(sleepAll(durations));
}

/** `spawn(sleep(ms))` per sleep, on the real clock in the host event loop; resolves to the sum of the durations. */
export function leafSleeps(durations: readonly number[]): Promise<number> {
  return rt.run(sleepAllLeaf(durations));
}

/** What a virtual-time run reports: the sum of the durations, and the clock when every sleep was over. */
export interface VirtualOutcome {
  readonly sum: number;
  readonly endMs: number;
}

/** Runs `work`, then reads the clock. */
const thenReadClock = asyncFn(function* (work: GeneratorFuture<number>) {
  const sum = yield* work;
  return { sum, endMs: now().ms };
});

/** {@link sleeps} on a fresh virtual-clock runtime, driven by `blockOn`. */
export function virtualSleeps(durations: readonly number[]): VirtualOutcome {
  using virtual = new Runtime({ clock: "virtual" });
  return virtual.blockOn(thenReadClock(sleepAll(durations)));
}

/** {@link leafSleeps} on a fresh virtual-clock runtime, driven by `blockOn`. */
export function virtualLeafSleeps(durations: readonly number[]): VirtualOutcome {
  using virtual = new Runtime({ clock: "virtual" });
  return virtual.blockOn(thenReadClock(sleepAllLeaf(durations)));
}

// --- pending sleeps ----------------------------------------------------------

/** A generator task parked in a sleep. */
const sleepingTask = asyncFn(function* (ms: number) {
  parkedPolls++;
  yield* sleep(ms);
});

/** `n` generator tasks, each parked in `yield* sleep(ms)` on the real clock. */
export function parkSleeping(n: number, ms: number): Parking {
  return parkWith(n, () => sleepingTask(ms));
}

/** `n` tasks that are each a pending `sleep(ms)` (task + sleep, nothing else). */
export function parkLeafSleeps(n: number, ms: number): Parking {
  return parkWith(
    n,
    () => sleep(ms),
    () => parking.aliveTasks,
  );
}

// --- stream pipeline -----------------------------------------------------------

/** The pipeline of `bench/pipeline.ts`, read in a task with the `next()` loop. */
const pipelineSum = asyncFn(function* (source: readonly number[]) {
  using s = fromIterable(source).map(triple).filter(even);
  let sum = 0;
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) sum += v;
  return sum;
});

/** fromIterable → map → filter over `n` items, summed in a generator task. */
export function streamPipeline(n: number): number {
  return rt.blockOn(pipelineSum(items(n)));
}
