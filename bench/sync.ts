/**
 * The sync benchmarks: what a oneshot, a channel, a mutex and a semaphore
 * cost, every contender in one process.
 *
 * What it measures:
 * - oneshot round trip: two tasks pass a token back and forth, each hop
 *   through a fresh oneshot: a side makes a oneshot, sends its sender to
 *   the other side over the oneshot the other side sent, and waits on its
 *   receiver (the request/reply idiom: a request carries the sender of its
 *   reply). ns per round trip: two oneshots made, sent and received, two
 *   task switches.
 * - mpsc round trip: two tasks, two bounded channels of capacity 1; one
 *   sends 0..n-1 and waits for each to come back on the other. ns per round
 *   trip.
 * - throughput: 1,000,000 messages through one channel of capacity 128,
 *   from one producer task or from eight, to one consumer. ns per message.
 * - work queue: 1,000,000 values through one mpmc channel of capacity
 *   128, from one producer task to four workers that share them (each
 *   value reaches exactly one worker). ns per value.
 * - mutex: 100 tasks share one mutex; each locks it, reads a counter,
 *   yields inside the critical section, writes the counter back plus one,
 *   unlocks, and does so again. ns per lock/unlock; the counter must come
 *   out exact, so the lock really excluded.
 * - semaphore: acquire then release, by one task, with nobody else
 *   waiting. ns per pair.
 *
 * The contenders: mini-tokio with both ends written as generator tasks
 * (hoisted `asyncFn`s, the shape users write), mini-tokio with hand-written
 * futures (small classes with `poll`, the shape a library author writes),
 * the Promise equivalent (a queue of pending resolvers: the usual
 * async/await idiom, the "native" baseline of every ratio), Effect 4
 * (`Deferred`, `Queue`, `Semaphore`), Effection 4 (`withResolvers`,
 * channels; it has no mutex or semaphore), and the floor (the least the
 * poll model can do: `bench/contenders/sync/floor.ts`).
 *
 * How, and why it is fair: the harness of `bench/core.ts` (warm-up, then
 * alternating rounds, median sample, a checksum checked on every call, no
 * forced `gc()`), and each contender's file says what it writes and why
 * that is its idiom.
 *
 * Run by `bench/run.ts` in a child process:
 * `node bench/sync.js [--quick] [filter] --out results.json`.
 *
 * @module
 */

import * as effect from "./contenders/sync/effect.js";
import * as effection from "./contenders/sync/effection.js";
import * as floor from "./contenders/sync/floor.js";
import * as miniTokio from "./contenders/sync/mini-tokio.js";
import * as compiled from "./contenders/sync/mini-tokio-compiled.js";
import * as native from "./contenders/sync/native.js";
import {
  async,
  currentNodeTargets,
  isMain,
  runChild,
  sumBelow,
  sync,
  type TimedBenchmark,
  type TimedCase,
} from "./core.js";
import type { TargetSpec } from "./report.js";

const fmt = (n: number): string => n.toLocaleString("en-US");

/** Messages through the throughput benchmarks' channel, and its capacity. */
const MESSAGES = 1_000_000;
const CAPACITY = 128;
/** Workers sharing the work queue's values. */
const WORKERS = 4;
/** Tasks sharing the mutex. */
const LOCKERS = 100;

/** A contender that runs fewer operations per batch because each costs microseconds; still per operation. */
function smaller(size: number, what: string): Pick<TimedCase, "size" | "note"> {
  return {
    size,
    note: `${fmt(size)} ${what} per batch (each costs microseconds); still per ${what.replace(/s$/, "")}`,
  };
}

/** The targets for a round trip: generator tasks ≤ 1.0× the Promise equivalent, hand-written futures ≤ 2× the floor. */
const ROUND_TRIP_TARGETS: readonly TargetSpec[] = [
  { kind: "ratio", row: "mini-tokio", max: 1.0 },
  { kind: "within", row: "mini-tokio-future", of: "floor", versus: "floor", max: 2.0 },
];

export const SYNC_BENCHMARKS: readonly TimedBenchmark[] = [
  {
    id: "sync-oneshot",
    title: "oneshot round trip",
    unit: "ns per round trip",
    size: 10_000,
    expect: (n) => n,
    rounds: 15,
    quickRounds: 7,
    cases: [
      { id: "floor", label: "floor (a slot and a waiting task)", run: sync(floor.oneshotRoundTrips) },
      { id: "mini-tokio", label: "mini-tokio: generator tasks", run: sync(miniTokio.oneshotRoundTrips) },
      {
        id: "mini-tokio-future",
        label: "mini-tokio: hand-written futures",
        run: sync(miniTokio.oneshotRoundTripsByHand),
      },
      {
        id: "native",
        label: "Promise resolvers (native)",
        note: "`new Promise((resolve) => …)` per hop: the resolver is the sender, the promise the receiver",
        run: async(native.oneshotRoundTrips),
      },
      { id: "effect", label: "Effect 4: Deferred", run: async(effect.oneshotRoundTrips) },
      {
        id: "effection",
        label: "Effection 4: withResolvers",
        ...smaller(1_000, "round trips"),
        run: async(effection.oneshotRoundTrips),
      },
    ],
    targets: ROUND_TRIP_TARGETS,
    notes: [
      "Two tasks pass a token back and forth, each hop through a fresh oneshot whose value is the sender of the next (a request carrying the sender of its reply): per round trip, two oneshots made, sent and received, two task switches.",
    ],
    section: "sync",
  },
  {
    id: "sync-mpsc-round-trip",
    title: "mpsc round trip, two channels of capacity 1",
    unit: "ns per round trip",
    size: 10_000,
    expect: sumBelow,
    rounds: 15,
    quickRounds: 7,
    cases: [
      { id: "floor", label: "floor (a ring channel with one waker)", run: sync(floor.mpscRoundTrips) },
      { id: "mini-tokio", label: "mini-tokio: generator tasks", run: sync(miniTokio.mpscRoundTrips) },
      {
        id: "mini-tokio-compiled",
        label: "mini-tokio compiled: generator tasks",
        run: sync(compiled.mpscRoundTrips),
        compiled: true,
      },
      {
        id: "mini-tokio-future",
        label: "mini-tokio: hand-written futures",
        run: sync(miniTokio.mpscRoundTripsByHand),
      },
      {
        id: "native",
        label: "Promise-resolver channel (native)",
        note: "an array buffer and a queue of pending resolvers on each side; a value goes straight to a waiting receiver, and a send or receive that need not wait returns one shared resolved promise",
        run: async(native.mpscRoundTrips),
      },
      { id: "effect", label: "Effect 4: Queue.bounded(1)", run: async(effect.mpscRoundTrips) },
      {
        id: "effection",
        label: "Effection 4: createChannel",
        ...smaller(1_000, "round trips"),
        run: async(effection.mpscRoundTrips),
      },
    ],
    targets: [
      ...ROUND_TRIP_TARGETS,
      // Issue 13, Node 20: compiled generator tasks ≤ 0.7× the resolver-queue channel.
      { kind: "ratio", row: "mini-tokio-compiled", max: 0.7 },
      { kind: "speedup", row: "mini-tokio", over: "effection", versus: "Effection 4's channel", min: 20 },
      { kind: "speedup", row: "mini-tokio", over: "effect", versus: "Effect 4's Queue", min: 80 },
    ],
    // Issue 13, a current Node: within 2× the floor, ≤ 1.0× the resolver channel.
    currentNodeTargets: currentNodeTargets(1.0, "mini-tokio-compiled", ["mini-tokio-compiled"]),
    notes: ["One task sends 0..n-1 on one channel and waits for each to come back on the other."],
    section: "sync",
  },
  throughputBenchmark(1),
  throughputBenchmark(8),
  {
    id: "sync-mpmc-1-to-4",
    title: `${fmt(MESSAGES)} values, 1 → ${WORKERS} workers sharing them (a work queue), capacity ${CAPACITY}`,
    unit: "ns per value",
    size: MESSAGES,
    expect: sumBelow,
    rounds: 7,
    quickRounds: 3,
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: mpmc, generator tasks",
        run: sync((n) => miniTokio.workQueue(n, WORKERS, CAPACITY)),
      },
      {
        id: "mini-tokio-compiled",
        label: "mini-tokio compiled: mpmc, generator tasks",
        run: sync((n) => compiled.workQueue(n, WORKERS, CAPACITY)),
        compiled: true,
      },
      {
        id: "native",
        label: "Promise-resolver channel (native)",
        note: "the same channel as above, its receivers queued; the end is one sentinel per worker, as it has no close",
        run: async((n) => native.workQueue(n, WORKERS, CAPACITY)),
      },
      {
        id: "effect",
        label: `Effect 4: Queue.bounded(${CAPACITY}), ${WORKERS} fibers taking`,
        ...smaller(100_000, "values"),
        run: async((n) => effect.workQueue(n, WORKERS, CAPACITY)),
      },
    ],
    targets: [
      { kind: "ratio", row: "mini-tokio", max: 1.0 },
      { kind: "speedup", row: "mini-tokio", over: "effect", versus: "Effect 4's Queue", min: 3 },
    ],
    notes: [
      `One task sends 0..n-1 and closes the channel; ${WORKERS} worker tasks, each with its own receiver (\`rx.clone()\`), take values until the channel is closed and drained, and the sums of their shares add up to the checksum.`,
      "Effection 4 is left out: its channels broadcast every value to every subscriber, so it has no work queue to compare.",
      "No floor row: the floor's ring channel keeps one waker, for one receiver.",
    ],
    section: "sync",
  },
  {
    id: "sync-mutex",
    title: `Mutex contended by ${LOCKERS} tasks`,
    unit: "ns per lock/unlock",
    size: 10_000,
    expect: (n) => n,
    rounds: 15,
    quickRounds: 7,
    cases: [
      {
        id: "floor",
        label: "floor (an owner and a ring of waiters)",
        run: sync((n) => floor.mutexContended(n, LOCKERS)),
      },
      {
        id: "mini-tokio",
        label: "mini-tokio: generator tasks",
        run: sync((n) => miniTokio.mutexContended(n, LOCKERS)),
      },
      {
        id: "mini-tokio-using",
        label: "mini-tokio: generator tasks, `using guard`",
        note: "`using guard = yield* mutex.lock()` instead of `guard.release()`: on Node 20, TypeScript down-levels `using` to a disposal stack and a try/catch/finally per block. In a hot loop, `try { … } finally { guard.release() }` costs a fraction of it",
        run: sync((n) => miniTokio.mutexContendedUsing(n, LOCKERS)),
      },
      {
        id: "mini-tokio-future",
        label: "mini-tokio: hand-written futures",
        run: sync((n) => miniTokio.mutexContendedByHand(n, LOCKERS)),
      },
      {
        id: "native",
        label: "Promise-resolver lock (native)",
        note: "a flag and a queue of pending resolvers; unlock hands the lock to the first waiter",
        run: async((n) => native.mutexContended(n, LOCKERS)),
      },
      {
        id: "effect",
        label: "Effect 4: Semaphore(1).withPermit",
        note: "Effect 4 has no mutex; a one-permit semaphore around the critical section is its idiom",
        run: async((n) => effect.mutexContended(n, LOCKERS)),
      },
    ],
    targets: [],
    notes: [
      `${LOCKERS} tasks, ${fmt(10_000 / LOCKERS)} critical sections each; inside, each reads a shared counter, yields (\`yieldNow\`, \`await Promise.resolve()\`, \`Effect.yieldNow\`), and writes it back plus one, so the counter comes out exact only if the lock excluded. Effection 4 has no mutex: no row.`,
    ],
    section: "sync",
  },
  {
    id: "sync-semaphore",
    title: "Semaphore acquire + release, uncontended",
    unit: "ns per pair",
    size: 100_000,
    expect: (n) => n,
    rounds: 15,
    quickRounds: 7,
    cases: [
      { id: "floor", label: "floor (a permit count)", run: sync(floor.semaphoreUncontended) },
      { id: "mini-tokio", label: "mini-tokio: generator task", run: sync(miniTokio.semaphoreUncontended) },
      {
        id: "mini-tokio-future",
        label: "mini-tokio: hand-written future",
        run: sync(miniTokio.semaphoreUncontendedByHand),
      },
      {
        id: "native",
        label: "Promise-resolver semaphore (native)",
        note: "`await sem.acquire()` (an async method: one microtask turn even when a permit is free), then `sem.release()`",
        run: async(native.semaphoreUncontended),
      },
      { id: "effect", label: "Effect 4: Semaphore.take + release", run: sync(effect.semaphoreUncontended) },
    ],
    targets: [],
    notes: [
      "One task, one permit, nobody waiting. mini-tokio's acquire spends cooperative budget when it is ready at once, so every 128th acquire yields to the scheduler (tokio does the same). Effection 4 has no semaphore: no row.",
    ],
    section: "sync",
  },
];

/** 1,000,000 messages from `producers` tasks to one consumer through a channel of capacity 128. */
function throughputBenchmark(producers: number): TimedBenchmark {
  const many = producers > 1;
  return {
    id: `sync-mpsc-${producers}-to-1`,
    title: `${fmt(MESSAGES)} messages, ${producers} → 1, capacity ${CAPACITY}`,
    unit: "ns per message",
    size: MESSAGES,
    expect: sumBelow,
    rounds: 7,
    quickRounds: 3,
    cases: [
      {
        id: "floor",
        label: "floor (a ring channel)",
        run: sync((n) => floor.throughput(n, producers, CAPACITY)),
      },
      {
        id: "mini-tokio",
        label: "mini-tokio: generator tasks",
        run: sync((n) => miniTokio.throughput(n, producers, CAPACITY)),
      },
      {
        id: "mini-tokio-future",
        label: "mini-tokio: hand-written futures",
        run: sync((n) => miniTokio.throughputByHand(n, producers, CAPACITY)),
      },
      {
        id: "native",
        label: "Promise-resolver channel (native)",
        run: async((n) => native.throughput(n, producers, CAPACITY)),
      },
      {
        id: "effect",
        label: `Effect 4: Queue.bounded(${CAPACITY})`,
        ...smaller(100_000, "messages"),
        run: async((n) => effect.throughput(n, producers, CAPACITY)),
      },
      {
        id: "effection",
        label: "Effection 4: createChannel (unbounded)",
        size: 10_000,
        note: `${fmt(10_000)} messages per batch (each costs microseconds); still per message. Effection has no bounded channel: its producers never wait`,
        run: async((n) => effection.throughput(n, producers)),
      },
    ],
    targets: [],
    notes: [
      many
        ? `${producers} producer tasks (each with its own sender: \`tx.clone()\`) send ${fmt(MESSAGES / producers)} values each; one consumer receives them all.`
        : "One producer task sends 0..n-1; one consumer receives them.",
    ],
    section: "sync",
  };
}

if (isMain(import.meta.url)) await runChild(SYNC_BENCHMARKS, process.argv.slice(2));
