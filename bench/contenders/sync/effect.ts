/**
 * Effect 4 (`effect` 4.1.0): `Deferred`, `Queue` and `Semaphore`.
 *
 * What it measures, the same work as every contender of the sync tables:
 * - oneshot round trip: a `Deferred` per hop (`Deferred.make`, then
 *   `Deferred.succeed` on one side and `Deferred.await` on the other), two
 *   fibers handing each other the next `Deferred`.
 * - mpsc round trip: two fibers and two `Queue.bounded(1)`s, `Queue.offer`
 *   and `Queue.take`.
 * - throughput: `Queue.bounded(capacity)` with one or more producer fibers
 *   (`Queue.offer`) and one consumer (`Queue.take`).
 * - work queue: the same queue with one producer fiber and several
 *   consumer fibers taking from it; a sentinel per consumer ends the work.
 * - mutex: Effect 4 has no mutex; its idiom is a semaphore of one permit
 *   around the critical section (`Semaphore.withPermit`).
 * - semaphore: `Semaphore.take(1)` then `Semaphore.release(1)`.
 *
 * Why it is fair: programs are hoisted with `Effect.fnUntraced` (no tracing
 * cost, no generator closure per call). The semaphore program is one fiber
 * and runs with `Effect.runSync`, which drives it synchronously as
 * `rt.blockOn` does for mini-tokio (and as the core benchmarks run Effect).
 * The others fork fibers that wait on each other, and run with
 * `Effect.runPromise`, the way such programs are run: `Effect.runSync`
 * cannot run them reliably, because a forked fiber that yields after its
 * operation budget (2,048) is resumed by its own dispatcher on a later
 * microtask, which `runSync` does not wait for, and the run fails with an
 * `AsyncFiberError` (the oneshot and mutex programs did). Where it happened
 * to finish, the mpsc round trip ran about twice as fast under `runSync`:
 * `Queue` and `Semaphore` wake a waiting fiber through the fiber's
 * dispatcher, which under `runPromise` runs in `setImmediate` batches (it
 * keeps the event loop fair, and costs a macrotask turn per hand-off); a
 * `Deferred` resumes its waiter at once either way.
 *
 * @module
 */

import { Deferred, Effect, Fiber, Queue, Semaphore } from "effect";

// --- oneshot round trip ----------------------------------------------------------

/** A `Deferred` whose value is the `Deferred` of the reply. */
type Hop = Deferred.Deferred<Hop>;

const initiator = Effect.fnUntraced(function* (to: Hop, n: number) {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const back = yield* Deferred.make<Hop>();
    yield* Deferred.succeed(to, back);
    to = yield* Deferred.await(back);
    trips++;
  }
  return trips;
});

const echo = Effect.fnUntraced(function* (mine: Hop, n: number) {
  let trips = 0;
  for (let i = 0; i < n; i++) {
    const to = yield* Deferred.await(mine);
    mine = yield* Deferred.make<Hop>();
    yield* Deferred.succeed(to, mine);
    trips++;
  }
  return trips;
});

const oneshotProgram = Effect.fnUntraced(function* (n: number) {
  const first = yield* Deferred.make<Hop>();
  const echoing = yield* Effect.forkChild(echo(first, n));
  const trips = yield* initiator(first, n);
  if ((yield* Fiber.join(echoing)) !== trips) throw new Error("Effect oneshot: the two sides disagree");
  return trips;
});

/** `n` round trips through a fresh `Deferred` per hop; returns `n`. */
export function oneshotRoundTrips(n: number): Promise<number> {
  return Effect.runPromise(oneshotProgram(n));
}

// --- mpsc round trip ---------------------------------------------------------------

const pinger = Effect.fnUntraced(function* (ping: Queue.Queue<number>, pong: Queue.Queue<number>, n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    yield* Queue.offer(ping, i);
    sum += yield* Queue.take(pong);
  }
  return sum;
});

const ponger = Effect.fnUntraced(function* (ping: Queue.Queue<number>, pong: Queue.Queue<number>, n: number) {
  for (let i = 0; i < n; i++) yield* Queue.offer(pong, yield* Queue.take(ping));
});

const mpscProgram = Effect.fnUntraced(function* (n: number) {
  const ping = yield* Queue.bounded<number>(1);
  const pong = yield* Queue.bounded<number>(1);
  const echoing = yield* Effect.forkChild(ponger(ping, pong, n));
  const sum = yield* pinger(ping, pong, n);
  yield* Fiber.join(echoing);
  return sum;
});

/** `n` round trips between two fibers over two `Queue.bounded(1)`; returns the sum of 0..n-1. */
export function mpscRoundTrips(n: number): Promise<number> {
  return Effect.runPromise(mpscProgram(n));
}

// --- throughput ----------------------------------------------------------------------

const producer = Effect.fnUntraced(function* (queue: Queue.Queue<number>, from: number, to: number) {
  for (let i = from; i < to; i++) yield* Queue.offer(queue, i);
});

const throughputProgram = Effect.fnUntraced(function* (n: number, producers: number, capacity: number) {
  const queue = yield* Queue.bounded<number>(capacity);
  const each = Math.ceil(n / producers);
  const fibers: Fiber.Fiber<void>[] = [];
  for (let p = 0; p < producers; p++) {
    fibers.push(yield* Effect.forkChild(producer(queue, p * each, Math.min(n, (p + 1) * each))));
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* Queue.take(queue);
  for (const f of fibers) yield* Fiber.join(f);
  return sum;
});

/** `n` messages from `producers` fibers to one through `Queue.bounded(capacity)`; returns the sum of 0..n-1. */
export function throughput(n: number, producers: number, capacity: number): Promise<number> {
  return Effect.runPromise(throughputProgram(n, producers, capacity));
}

// --- work queue ------------------------------------------------------------------------

/** Marks the end of the work: one per worker, after the values. */
const NO_MORE = -1;

const worker = Effect.fnUntraced(function* (queue: Queue.Queue<number>) {
  let sum = 0;
  for (let v = yield* Queue.take(queue); v !== NO_MORE; v = yield* Queue.take(queue)) sum += v;
  return sum;
});

const workQueueProgram = Effect.fnUntraced(function* (n: number, workers: number, capacity: number) {
  const queue = yield* Queue.bounded<number>(capacity);
  const fibers: Fiber.Fiber<number>[] = [];
  for (let w = 0; w < workers; w++) fibers.push(yield* Effect.forkChild(worker(queue)));
  for (let i = 0; i < n; i++) yield* Queue.offer(queue, i);
  for (let w = 0; w < workers; w++) yield* Queue.offer(queue, NO_MORE);
  let sum = 0;
  for (const f of fibers) sum += yield* Fiber.join(f);
  return sum;
});

/** One fiber offers 0..n-1 to `Queue.bounded(capacity)`; `workers` fibers take them; returns the sum. */
export function workQueue(n: number, workers: number, capacity: number): Promise<number> {
  return Effect.runPromise(workQueueProgram(n, workers, capacity));
}

// --- mutex ---------------------------------------------------------------------------

interface Counter {
  count: number;
}

/** The critical section: read the counter, yield, write it back plus one. */
const bump = Effect.fnUntraced(function* (counter: Counter) {
  const seen = counter.count;
  yield* Effect.yieldNow;
  counter.count = seen + 1;
});

const locker = Effect.fnUntraced(function* (lock: Semaphore.Semaphore, counter: Counter, times: number) {
  for (let i = 0; i < times; i++) yield* Semaphore.withPermit(lock, bump(counter));
});

const mutexProgram = Effect.fnUntraced(function* (n: number, tasks: number) {
  const lock = yield* Semaphore.make(1);
  const counter: Counter = { count: 0 };
  const fibers: Fiber.Fiber<void>[] = [];
  for (let t = 0; t < tasks; t++) fibers.push(yield* Effect.forkChild(locker(lock, counter, n / tasks)));
  for (const f of fibers) yield* Fiber.join(f);
  return counter.count;
});

/** `tasks` fibers share a one-permit semaphore for `n` critical sections in all; returns the counter. */
export function mutexContended(n: number, tasks: number): Promise<number> {
  return Effect.runPromise(mutexProgram(n, tasks));
}

// --- semaphore -----------------------------------------------------------------------

const semaphoreProgram = Effect.fnUntraced(function* (n: number) {
  const semaphore = yield* Semaphore.make(1);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    yield* Semaphore.take(semaphore, 1);
    pairs++;
    yield* Semaphore.release(semaphore, 1);
  }
  return pairs;
});

/** `n` take/release pairs on a semaphore nobody else uses; returns `n`. */
export function semaphoreUncontended(n: number): number {
  return Effect.runSync(semaphoreProgram(n));
}
