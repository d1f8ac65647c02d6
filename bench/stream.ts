/**
 * The stream benchmark: a pipeline of 1,000,000 items, every contender in
 * one process.
 *
 * What it measures: nanoseconds per source item through `fromIterable →
 * map → filter → consume` (`bench/pipeline.ts`: x * 3, keep the even
 * ones, sum them), for mini-tokio (a `StreamExt` pipeline read with the
 * `next()` loop in a generator task), native async generators read with
 * `for await` (the baseline), Effect 4's `Stream` and Effection 4's
 * streams (see each contender's module comment for its exact shape).
 *
 * How, and why it is fair: the harness of `bench/core.ts` (warm-up, then
 * rounds alternating the contenders, median sample, every result checked
 * against the same checksum). Every contender reads the same array, item by
 * item through its own constructor, and applies the same two functions.
 * Effection costs microseconds per item, so it reads 100,000 items (the
 * label says so); its figure is per item all the same.
 *
 * Run by `bench/run.ts` in a child process:
 * `node bench/stream.js [--quick] [filter] --out results.json`.
 *
 * @module
 */

import * as effect from "./contenders/effect.js";
import * as effection from "./contenders/effection.js";
import * as miniTokio from "./contenders/mini-tokio.js";
import * as native from "./contenders/native.js";
import { isMain, runChild, selectBenchmarks, type TimedBenchmark } from "./core.js";
import { expectedSum } from "./pipeline.js";

const sums = new Map<number, number>();
/** The checksum, computed once per size. */
function expect(n: number): number {
  let sum = sums.get(n);
  if (sum === undefined) {
    sum = expectedSum(n);
    sums.set(n, sum);
  }
  return sum;
}

/** Effection reads this many items: about 1 µs each would make a round last seconds. */
const EFFECTION_ITEMS = 100_000;

export const STREAM_BENCHMARKS: readonly TimedBenchmark[] = [
  {
    id: "stream-pipeline-1m",
    title: "stream pipeline: 1,000,000 items through fromIterable → map → filter → consume",
    unit: "ns per item",
    size: 1_000_000,
    expect,
    rounds: 9,
    quickRounds: 3,
    section: "stream",
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: `fromIterable(xs).map(f).filter(g)`, `next()` loop in a task",
        run: { kind: "sync", fn: miniTokio.streamPipeline },
      },
      {
        id: "native",
        label: "native: async generators, `for await`",
        run: { kind: "async", fn: native.streamPipeline },
      },
      {
        id: "effect",
        label: "Effect 4: `Stream.fromIterable` → `map` → `filter` → `runFold`",
        run: { kind: "sync", fn: effect.streamPipeline },
      },
      {
        id: "effection",
        label: `Effection 4: Stream/Subscription stages (${EFFECTION_ITEMS.toLocaleString("en-US")} items)`,
        note: "Effection 4's core has no stream `map` or `filter`: they are written on its Stream/Subscription protocol as Effection's own examples write them, with plain functions per item (`@effectionx/stream-helpers` takes an operation per item, which costs more)",
        size: EFFECTION_ITEMS,
        run: { kind: "async", fn: effection.streamPipeline },
      },
    ],
    targets: [
      { kind: "ratio", row: "mini-tokio", max: 1.0 },
      { kind: "speedup", row: "mini-tokio", over: "effect", versus: "Effect 4", min: 1 },
      { kind: "speedup", row: "mini-tokio", over: "effection", versus: "Effection 4", min: 1 },
    ],
    notes: [
      "Effect streams move chunks, and `Stream.fromIterable` of an array emits the whole array as one chunk, so its `map` and `filter` run as array operations; mini-tokio and async generators hand over one item at a time.",
    ],
  },
];

/** The stream benchmarks whose id contains `filter` (all of them without one). */
export function selectStreams(filter: string | undefined): TimedBenchmark[] {
  return selectBenchmarks(STREAM_BENCHMARKS, filter);
}

if (isMain(import.meta.url)) await runChild(STREAM_BENCHMARKS, process.argv.slice(2));
