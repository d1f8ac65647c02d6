/**
 * Heap bytes per parked task, and per pending sleep.
 *
 * What it measures: how much memory a task costs while it waits. Each
 * contender spawns `n` tasks that return PENDING once (or suspend) and are
 * never woken, keeps them reachable, and we divide the growth of the V8 heap
 * (`process.memoryUsage().heapUsed` after full collections) by `n`.
 *
 * Why it is fair: every contender parks the same way its users would (a
 * task waiting on something that keeps its waker), keeps its handles in one
 * array (the same 8 bytes each), and is checked to have really started
 * every task. A first round parks and releases as many tasks as the
 * measured rounds, so code is optimised and shared structures that grow
 * with a burst of spawns (run queues) are already grown and not counted. Forcing `gc()` is right here, unlike in timed
 * samples: we want live bytes, not speed.
 *
 * The same machinery measures a pending sleep ({@link SLEEP_HEAP_CASES}):
 * each contender starts `n` sleeps of 60 s on the real clock, the way its
 * users write a sleep, and we count the heap they hold while they wait
 * (they never fire during the measurement; every round clears them
 * afterwards: native timers with `clearTimeout`, the others by cancelling
 * their tasks). The host timers themselves live in the same V8 heap
 * (Node's `Timeout` objects and timer lists are JavaScript), so they are
 * counted too: one per sleep for native, Effect and Effection, one per
 * runtime for mini-tokio.
 *
 * Run by `bench/run.ts` in a child process started with `--expose-gc`:
 * `node --expose-gc bench/heap.js <case>` (compiled) or
 * `node --expose-gc --import tsx bench/heap.ts <case>`. Prints one line of
 * JSON.
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as effect from "./contenders/effect.js";
import * as effection from "./contenders/effection.js";
import * as miniTokio from "./contenders/mini-tokio.js";
import * as compiled from "./contenders/mini-tokio-compiled.js";
import * as native from "./contenders/native.js";
import * as floor from "./floor.js";
import type { TargetSpec } from "./report.js";

/** What parking leaves behind: the tasks, kept reachable, and how many were polled. */
export interface Parking {
  /** Holds every parked task (or their parent) reachable until released. */
  readonly keep: unknown;
  /** Tasks that were polled (or started) and are now pending. */
  readonly polled: number;
  /** Drops the tasks (or lets them go) so the next round starts clean. */
  release(): void | Promise<void>;
}

/** One row of the heap table. */
export interface HeapCase {
  readonly id: string;
  readonly label: string;
  readonly note?: string;
  /** Tasks parked per round. */
  readonly tasks: number;
  /** Measured rounds (the median is reported). */
  readonly rounds: number;
  readonly park: (n: number) => Parking | Promise<Parking>;
}

export const HEAP_CASES: readonly HeapCase[] = [
  { id: "floor", label: "floor (hand-written executor)", tasks: 100_000, rounds: 3, park: floor.park },
  {
    id: "mini-tokio",
    label: "mini-tokio, hand-written future",
    note: "a class whose `poll` stores `cx.waker` and returns `PENDING`",
    tasks: 100_000,
    rounds: 3,
    park: miniTokio.parkHandWritten,
  },
  {
    id: "mini-tokio-gen",
    label: "mini-tokio, generator task",
    note: "`asyncFn(function* () { yield* new Parked() })`",
    tasks: 100_000,
    rounds: 3,
    park: miniTokio.parkGenerator,
  },
  {
    id: "mini-tokio-compiled",
    label: "mini-tokio, compiled generator task",
    note: "the generator task's source through `mini-tokio/compile`",
    tasks: 100_000,
    rounds: 3,
    park: compiled.parkGenerator,
  },
  {
    id: "native",
    label: "native async function",
    note: "awaits one shared never-settling promise",
    tasks: 100_000,
    rounds: 3,
    park: native.park,
  },
  {
    id: "effect",
    label: "Effect 4 fiber",
    note: "`Effect.forkChild(Effect.never)`",
    tasks: 100_000,
    rounds: 3,
    park: effect.park,
  },
  {
    id: "effection",
    label: "Effection 4 task",
    note: "`spawn(suspend)`; 5,000 tasks, as each takes ~100 µs to spawn",
    tasks: 5_000,
    rounds: 1,
    park: effection.park,
  },
];

/** From the issue: a parked hand-written future at most half of native's, a generator task at most native's. */
export const HEAP_TARGETS: readonly TargetSpec[] = [
  { kind: "ratio", row: "mini-tokio", max: 0.5 },
  { kind: "ratio", row: "mini-tokio-gen", max: 1.0 },
  // Issue 13: a parked compiled task ≤ 0.5× a parked async function's heap.
  { kind: "ratio", row: "mini-tokio-compiled", max: 0.5 },
];

/** How long the pending sleeps are: long enough that none fires while we measure. */
export const PENDING_SLEEP_MS = 60_000;

export const SLEEP_HEAP_CASES: readonly HeapCase[] = [
  {
    id: "mini-tokio",
    label: "mini-tokio, generator task in `yield* sleep(ms)`",
    note: "`spawn(sleeper(ms))` with `sleeper = asyncFn(function* (ms) { yield* sleep(ms) })`",
    tasks: 100_000,
    rounds: 3,
    park: (n) => miniTokio.parkSleeping(n, PENDING_SLEEP_MS),
  },
  {
    id: "mini-tokio-leaf",
    label: "mini-tokio, `spawn(sleep(ms))`",
    note: "the sleep is the task's future: task + sleep, no generator",
    tasks: 100_000,
    rounds: 3,
    park: (n) => miniTokio.parkLeafSleeps(n, PENDING_SLEEP_MS),
  },
  {
    id: "native",
    label: "native async function awaiting a setTimeout promise",
    note: "`await new Promise((resolve) => setTimeout(resolve, ms))` in an async function per sleep",
    tasks: 100_000,
    rounds: 3,
    park: (n) => native.parkSleeping(n, PENDING_SLEEP_MS),
  },
  {
    id: "native-bare",
    label: "native bare setTimeout promise",
    note: "`new Promise((resolve) => setTimeout(resolve, ms))`, no async function around it",
    tasks: 100_000,
    rounds: 3,
    park: (n) => native.parkBareSleeps(n, PENDING_SLEEP_MS),
  },
  {
    id: "effect",
    label: "Effect 4 fiber in `Effect.sleep`",
    note: "`Effect.forkChild(Effect.sleep(ms))` (one host timer per fiber)",
    tasks: 100_000,
    rounds: 3,
    park: (n) => effect.parkSleeping(n, PENDING_SLEEP_MS),
  },
  {
    id: "effection",
    label: "Effection 4 task in `sleep`",
    note: "`spawn(function* () { yield* sleep(ms) })`; 5,000 tasks, as each takes ~100 µs to spawn",
    tasks: 5_000,
    rounds: 1,
    park: (n) => effection.parkSleeping(n, PENDING_SLEEP_MS),
  },
];

/** From the issue: a pending sleep at most half of native's heap, as a generator task and as a bare sleep task. */
export const SLEEP_HEAP_TARGETS: readonly TargetSpec[] = [
  { kind: "ratio", row: "mini-tokio", max: 0.5 },
  { kind: "ratio", row: "mini-tokio-leaf", max: 0.5 },
];

/** The heap groups a child can be asked for: `parked` tasks, or `sleep`s. */
export const HEAP_GROUPS = { parked: HEAP_CASES, sleep: SLEEP_HEAP_CASES } as const;
export type HeapGroup = keyof typeof HEAP_GROUPS;

function isHeapGroup(value: string | undefined): value is HeapGroup {
  return value === "parked" || value === "sleep";
}

/** What one heap child reports. */
export interface HeapReport {
  readonly id: string;
  readonly tasks: number;
  readonly bytesPerTask: number;
  readonly samples: number[];
}

function liveHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function parkedBytes(c: HeapCase, n: number, gc: () => void): Promise<number> {
  const before = liveHeap(gc);
  const parking = await c.park(n);
  const after = liveHeap(gc); // `parking.keep` is still reachable: `parking` is used below
  if (parking.polled !== n) throw new Error(`${c.id}: ${parking.polled} of ${n} tasks were polled`);
  await parking.release();
  return Math.round(((after - before) / n) * 10) / 10;
}

/** Measures one case: a warm-up round, then `rounds` measured rounds. */
export async function measureHeap(c: HeapCase, quick: boolean): Promise<HeapReport> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error("bench/heap: run with node --expose-gc");
  const n = quick ? Math.min(c.tasks, 20_000) : c.tasks;
  await parkedBytes(c, n, gc); // warm-up: not recorded
  const samples: number[] = [];
  for (let r = 0; r < (quick ? 1 : c.rounds); r++) samples.push(await parkedBytes(c, n, gc));
  const sorted = [...samples].sort((a, b) => a - b);
  return { id: c.id, tasks: n, bytesPerTask: sorted[sorted.length >> 1] ?? Number.NaN, samples };
}

/** `heap.js <case>` measures a parked-task case; `heap.js sleep <case>` a pending-sleep case. */
async function main(args: readonly string[]): Promise<void> {
  const positional = args.filter((a) => !a.startsWith("--"));
  const first = positional[0];
  const group: HeapGroup = isHeapGroup(first) ? first : "parked";
  const id = isHeapGroup(first) ? positional[1] : first;
  const cases = HEAP_GROUPS[group];
  const c = cases.find((h) => h.id === id);
  if (c === undefined) {
    throw new Error(`bench/heap: unknown ${group} case ${String(id)}; one of ${cases.map((h) => h.id).join(", ")}`);
  }
  const report = await measureHeap(c, args.includes("--quick"));
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
