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
 *
 * Why it is fair: programs are hoisted with `Effect.fnUntraced` (no tracing
 * cost, no generator closure per call) and run with `Effect.runSync`, which
 * drives the fibers synchronously with Effect's "sync" scheduler, as
 * `rt.blockOn` does for mini-tokio: no event-loop turns are paid.
 *
 * @module
 */

import { Effect, Fiber } from "effect";
import type { Parking } from "../heap.js";

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

const forkParked = Effect.fnUntraced(function* (n: number) {
  const fibers = new Array<Fiber.Fiber<never>>(n);
  for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(parkedFiber);
  return yield* Effect.never;
});

/** Forks `n` parked fibers under one parent and waits until every one has started. */
export async function park(n: number): Promise<Parking> {
  parkedStarts = 0;
  const parent = Effect.runFork(forkParked(n));
  // Forked fibers start on the scheduler's next turns (setImmediate).
  for (let turn = 0; parkedStarts < n && turn < 1000; turn++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { keep: parent, polled: parkedStarts, release: () => parent.interruptUnsafe() };
}
