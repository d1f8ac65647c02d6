/**
 * Effect 4 (`effect` 4.1.0): fibers.
 *
 * What it measures:
 * - spawn + join: one program forks `n` child fibers with
 *   `Effect.forkChild(Effect.succeed(i))`, then `Fiber.join`s them in order
 *   and sums the values. Joining one by one measured faster here than
 *   `Fiber.joinAll` (about 1.1 against 1.4 µs per fiber), so we use it.
 * - yield: `yield* Effect.yieldNow` in a loop inside one fiber.
 * - parked: fibers forked from one parent that run `Effect.never`.
 * - sleeps: one program forks a fiber per sleep running `yield*
 *   Effect.sleep(ms)`, then joins them in order. Real timers need the event
 *   loop, so it runs with `Effect.runPromise` (each `Effect.sleep` is one
 *   host `setTimeout`, cleared if the fiber is interrupted).
 * - virtual sleeps: the same under `TestClock.layer()`. Effect's TestClock
 *   does not jump to the next timer by itself, so the program forks the
 *   fibers, then calls `TestClock.adjust` with the longest duration, which
 *   wakes the sleeps in deadline order.
 * - pending sleeps: fibers forked from one parent, each in a 60 s sleep.
 * - stream pipeline: `Stream.fromIterable(items)` piped through
 *   `Stream.map` and `Stream.filter`, summed with `Stream.runFold` inside an
 *   `Effect.fnUntraced` generator. Effect streams move chunks of items, not
 *   single items, and `fromIterable` of an array emits the array as its
 *   chunk, so `map` and `filter` run as array operations: that is Effect's
 *   design, and it is measured as it ships.
 *
 * Why it is fair: programs are hoisted with `Effect.fnUntraced` (no tracing
 * cost, no generator closure per call) and run with `Effect.runSync`, which
 * drives the fibers synchronously with Effect's "sync" scheduler, as
 * `rt.blockOn` does for mini-tokio: no event-loop turns are paid. The sleep
 * programs are the exception: they need the host's timers (or, with the
 * TestClock, its scheduler turns), so they run with `Effect.runPromise`, as
 * mini-tokio's run with `rt.run`.
 *
 * @module
 */

import { Clock, Effect, Fiber, Stream } from "effect";
import { TestClock } from "effect/testing";
import { Gauge } from "../gauge.js";
import type { Parking } from "../heap.js";
import { even, items, triple } from "../pipeline.js";

// --- spawn + join ----------------------------------------------------------

const forkJoinAll = Effect.fnUntraced(function* (n: number) {
  const fibers = new Array<Fiber.Fiber<number>>(n);
  for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(Effect.succeed(i));
  let sum = 0;
  for (const f of fibers) sum += yield* Fiber.join(f);
  return sum;
});

/** Fork + join of `n` trivial fibers; returns the sum of 0..n-1. */
export function spawnJoin(n: number): number {
  return Effect.runSync(forkJoinAll(n));
}

// --- yield -------------------------------------------------------------------

const yieldLoop = Effect.fnUntraced(function* (n: number) {
  for (let i = 0; i < n; i++) yield* Effect.yieldNow;
  return n;
});

/** `n` yields in one fiber; returns `n`. */
export function yields(n: number): number {
  return Effect.runSync(yieldLoop(n));
}

// --- parked ------------------------------------------------------------------

let parkedStarts = 0;

/** A fiber body that counts its start, then never completes. One value, forked many times. */
const parkedFiber = Effect.andThen(
  Effect.sync(() => {
    parkedStarts++;
  }),
  Effect.never,
);

const forkParked = Effect.fnUntraced(function* (n: number, body: Effect.Effect<void>) {
  const fibers = new Array<Fiber.Fiber<void>>(n);
  for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(body);
  return yield* Effect.never;
});

/** Forks `n` parked fibers under one parent and waits until every one has started. */
export function park(n: number): Promise<Parking> {
  return parkWith(n, parkedFiber);
}

/** Forks `n` fibers running `body` under one parent; resolves once every one has started. */
async function parkWith(n: number, body: Effect.Effect<void>): Promise<Parking> {
  parkedStarts = 0;
  const parent = Effect.runFork(forkParked(n, body));
  // Forked fibers start on the scheduler's next turns (setImmediate).
  for (let turn = 0; parkedStarts < n && turn < 1000; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { keep: parent, polled: parkedStarts, release: () => parent.interruptUnsafe() };
}

// --- sleeps --------------------------------------------------------------------

/** How many {@link sleeper}s are asleep at once (see `bench/gauge.ts`). */
export const asleep = new Gauge();

/** A fiber body that sleeps, then returns how long it slept. */
const sleeper = Effect.fnUntraced(function* (ms: number) {
  asleep.enter();
  yield* Effect.sleep(ms);
  asleep.leave();
  return ms;
});

/** Forks one {@link sleeper} per duration, then joins them in order; returns the sum of the durations. */
const sleepAll = Effect.fnUntraced(function* (durations: readonly number[]) {
  const fibers = new Array<Fiber.Fiber<number>>(durations.length);
  let i = 0;
  for (const ms of durations) fibers[i++] = yield* Effect.forkChild(sleeper(ms));
  let sum = 0;
  for (const f of fibers) sum += yield* Fiber.join(f);
  return sum;
});

/** One fiber per sleep on the live clock; resolves to the sum of the durations. */
export function sleeps(durations: readonly number[]): Promise<number> {
  return Effect.runPromise(sleepAll(durations));
}

/** Forks the sleepers, moves the TestClock past the longest, joins them, and reads the clock. */
const sleepAllTestClock = Effect.fnUntraced(function* (durations: readonly number[]) {
  const fibers = new Array<Fiber.Fiber<number>>(durations.length);
  let i = 0;
  let longest = 0;
  for (const ms of durations) {
    fibers[i++] = yield* Effect.forkChild(sleeper(ms));
    if (ms > longest) longest = ms;
  }
  yield* TestClock.adjust(longest);
  let sum = 0;
  for (const f of fibers) sum += yield* Fiber.join(f);
  return { sum, endMs: yield* Clock.currentTimeMillis };
});

/** {@link sleeps} under a fresh `TestClock.layer()`: virtual time, as an Effect test runs it. */
export function virtualSleeps(durations: readonly number[]): Promise<{ sum: number; endMs: number }> {
  return Effect.runPromise(Effect.provide(sleepAllTestClock(durations), TestClock.layer()));
}

// --- pending sleeps ----------------------------------------------------------

/** Forks `n` fibers under one parent that each sleep `ms` on the live clock; resolves once every one has started. */
export function parkSleeping(n: number, ms: number): Promise<Parking> {
  return parkWith(
    n,
    Effect.andThen(
      Effect.sync(() => {
        parkedStarts++;
      }),
      Effect.sleep(ms),
    ),
  );
}

// --- stream pipeline -----------------------------------------------------------

/** The pipeline of `bench/pipeline.ts` as an Effect Stream, folded to its sum inside a generator. */
const pipelineSum = Effect.fnUntraced(function* (source: readonly number[]) {
  return yield* Stream.fromIterable(source).pipe(
    Stream.map(triple),
    Stream.filter(even),
    Stream.runFold(
      () => 0,
      (sum, x) => sum + x,
    ),
  );
});

/** fromIterable → map → filter over `n` items, summed; `Effect.runSync`. */
export function streamPipeline(n: number): number {
  return Effect.runSync(pipelineSum(items(n)));
}
