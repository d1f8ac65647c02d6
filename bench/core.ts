/**
 * The timed benchmarks: spawn + join and yield, every contender in one
 * process.
 *
 * What it measures: nanoseconds per task (spawn + join of a batch of
 * trivial tasks) and per yield (100,000 yields in one task), for
 * mini-tokio, native async/await, Effect 4, Effection 4 and the floor (a
 * minimal hand-written executor).
 *
 * How, and why it is fair:
 * - Every contender computes the same checksum, checked on every call, so
 *   nothing is optimised away and every contender really did the work.
 * - Each contender is warmed up until V8 has optimised it, then sampled in
 *   rounds that alternate the contenders (ABCD ABCD …, starting one later
 *   each round), so drift, garbage-collection debt and thermal changes
 *   spread over all of them instead of landing on one. We report the
 *   median sample.
 * - A sample repeats the batch until it lasts about `sampleMs`, so the
 *   timer's resolution and the harness's own cost vanish.
 * - We never force `gc()` between samples: V8 then drops the hidden classes
 *   of objects with no live instance, and the next sample runs on cold,
 *   deoptimised code. Batches of 100,000 are dominated by garbage
 *   collection anyway; compare ratios within one run.
 *
 * Run by `bench/run.ts` in a child process:
 * `node bench/core.js [--quick] [filter] --out results.json`.
 *
 * @module
 */

import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as effect from "./contenders/effect.js";
import * as effection from "./contenders/effection.js";
import * as miniTokio from "./contenders/mini-tokio.js";
import * as compiled from "./contenders/mini-tokio-compiled.js";
import * as native from "./contenders/native.js";
import * as floor from "./floor.js";
import { type Bench, evaluate, type Row, type TargetSpec } from "./report.js";

/** How a contender runs one batch: synchronously, or as a promise. */
export type Runner =
  | { readonly kind: "sync"; readonly fn: (n: number) => number }
  | { readonly kind: "async"; readonly fn: (n: number) => Promise<number> };

/** A contender that runs a batch synchronously (`rt.blockOn`, `Effect.runSync`, the floor). */
export const sync = (fn: (n: number) => number): Runner => ({ kind: "sync", fn });
/** A contender that runs a batch as a promise (native async/await, Effection's `run`). */
export const async = (fn: (n: number) => Promise<number>): Runner => ({ kind: "async", fn });

/** One row of a timed benchmark. */
export interface TimedCase {
  readonly id: string;
  readonly label: string;
  readonly note?: string;
  /** Batch size for this contender when it differs from the benchmark's. */
  readonly size?: number;
  readonly run: Runner;
  /**
   * A `mini-tokio/compile` contender: measured in a process of its own
   * (see {@link compiledVariant}), never beside the generator rows.
   */
  readonly compiled?: true;
}

/** A timed benchmark: its rows, the checksum, and its targets. */
export interface TimedBenchmark {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly size: number;
  readonly expect: (n: number) => number;
  readonly rounds: number;
  readonly quickRounds: number;
  readonly cases: readonly TimedCase[];
  readonly targets: readonly TargetSpec[];
  readonly notes: readonly string[];
  /** The section of docs/benchmarks.md its table goes in ("core" when absent). */
  readonly section?: string;
  /**
   * The compiled rows' targets on a current Node (any but 20), in place
   * of the compiled rows' targets among {@link TimedBenchmark.targets}:
   * issue 13 sets other bars there, as V8 made native async/await cheaper.
   */
  readonly currentNodeTargets?: readonly TargetSpec[];
}

/** The Node this process runs on, by major version ("20", "26"). */
export const NODE_MAJOR = process.versions.node.split(".")[0] ?? "";

/**
 * Issue 13's targets for the compiled rows on a current Node: every
 * compiled row within 2× the floor executor (where the table has one), and
 * at most `maxRatio` × native for the row the issue names.
 */
export function currentNodeTargets(maxRatio: number, row: string, compiledRows: readonly string[]): TargetSpec[] {
  return [
    ...compiledRows.map(
      (id): TargetSpec => ({ kind: "within", row: id, of: "floor", versus: "the floor executor", max: 2 }),
    ),
    { kind: "ratio", row, max: maxRatio },
  ];
}

/** 0 + 1 + … + (n - 1): the checksum of every benchmark that adds up the values 0..n-1. */
export const sumBelow = (n: number): number => (n * (n - 1)) / 2;

/** Effection spawns at about 100 µs per task: its batches stay at 1,000 so a run stays short. */
const EFFECTION_BATCH = 1_000;

const INLINE_NOTE =
  "`spawn(future(function* () { … }))` written inside the loop: V8 (Node 20) builds a new map for each generator closure. Hoist generator functions that run often (`asyncFn` at module level).";

function spawnJoinCases(size: number): TimedCase[] {
  return [
    { id: "floor", label: "floor (hand-written executor)", run: sync(floor.spawnJoin) },
    { id: "mini-tokio", label: "mini-tokio (hoisted asyncFn)", run: sync(miniTokio.spawnJoin) },
    {
      id: "mini-tokio-inline",
      label: "mini-tokio, inline generator closure",
      note: INLINE_NOTE,
      run: sync(miniTokio.spawnJoinInline),
    },
    {
      id: "mini-tokio-compiled",
      label: "mini-tokio compiled (hoisted asyncFn)",
      run: sync(compiled.spawnJoin),
      compiled: true,
    },
    {
      id: "mini-tokio-compiled-inline",
      label: "mini-tokio compiled, inline future(function* …)",
      note: "the inline row's source through `mini-tokio/compile`: a plain closure per task, no generator",
      run: sync(compiled.spawnJoinInline),
      compiled: true,
    },
    { id: "native", label: "native async/await", run: async(native.spawnJoin) },
    { id: "effect", label: "Effect 4 (forkChild + Fiber.join)", run: sync(effect.spawnJoin) },
    {
      id: "effection",
      label:
        size > EFFECTION_BATCH ? `Effection 4 (batch of ${EFFECTION_BATCH.toLocaleString("en-US")})` : "Effection 4",
      ...(size > EFFECTION_BATCH
        ? {
            note: `run in batches of ${EFFECTION_BATCH.toLocaleString("en-US")} (about 100 µs per task), not ${size.toLocaleString("en-US")}; still ns per task`,
          }
        : {}),
      size: Math.min(size, EFFECTION_BATCH),
      run: async(effection.spawnJoin),
    },
  ];
}

const spawnJoinTargets = (maxRatio: number, compiledInline: number): TargetSpec[] => [
  { kind: "ratio", row: "mini-tokio", max: maxRatio },
  // Issue 13, Node 20: compiled inline spawn + join ≤ 0.7× native (1k), ≤ 1.0× (100k).
  { kind: "ratio", row: "mini-tokio-compiled-inline", max: compiledInline },
  { kind: "speedup", row: "mini-tokio", over: "effect", versus: "Effect 4", min: 3 },
  { kind: "speedup", row: "mini-tokio", over: "effection", versus: "Effection 4", min: 100 },
];

export const TIMED_BENCHMARKS: readonly TimedBenchmark[] = [
  {
    id: "spawn-join-1k",
    title: "spawn + join, batch of 1,000",
    unit: "ns per task",
    size: 1_000,
    expect: sumBelow,
    rounds: 21,
    quickRounds: 5,
    cases: spawnJoinCases(1_000),
    targets: spawnJoinTargets(1.0, 0.7),
    // Issue 13, a current Node: within 2× the floor, inline spawn + join ≤ 1.5× native.
    currentNodeTargets: currentNodeTargets(1.5, "mini-tokio-compiled-inline", [
      "mini-tokio-compiled",
      "mini-tokio-compiled-inline",
    ]),
    notes: [],
  },
  {
    id: "spawn-join-100k",
    title: "spawn + join, batch of 100,000",
    unit: "ns per task",
    size: 100_000,
    expect: sumBelow,
    rounds: 11,
    quickRounds: 3,
    cases: spawnJoinCases(100_000),
    targets: spawnJoinTargets(1.5, 1.0),
    currentNodeTargets: currentNodeTargets(1.5, "mini-tokio-compiled-inline", [
      "mini-tokio-compiled",
      "mini-tokio-compiled-inline",
    ]),
    notes: ["Batches this large are dominated by garbage collection: expect ±40% between runs; compare ratios."],
  },
  {
    id: "yield",
    title: "100,000 yields in one task",
    unit: "ns per yield",
    size: 100_000,
    expect: (n) => n,
    rounds: 15,
    quickRounds: 4,
    cases: [
      { id: "floor", label: "floor (hand-written executor)", run: sync(floor.yields) },
      { id: "mini-tokio", label: "mini-tokio: yield* yieldNow()", run: sync(miniTokio.yields) },
      {
        id: "mini-tokio-compiled",
        label: "mini-tokio compiled: yield* yieldNow()",
        run: sync(compiled.yields),
        compiled: true,
      },
      { id: "native", label: "native: await Promise.resolve()", run: async(native.yields) },
      { id: "effect", label: "Effect 4: yield* Effect.yieldNow", run: sync(effect.yields) },
      {
        id: "effection",
        label: "Effection 4: an action that resolves at once",
        note: "Effection has no `yieldNow` (`sleep(0)` is a host timer); the action suspends and resumes through its reducer queue",
        run: async(effection.yields),
      },
    ],
    targets: [
      { kind: "ratio", row: "mini-tokio", max: 1.0 },
      // Issue 13, Node 20: a compiled yieldNow loop ≤ 0.6× native.
      { kind: "ratio", row: "mini-tokio-compiled", max: 0.6 },
    ],
    // Issue 13, a current Node: within 2× the floor, ≤ 1.0× native.
    currentNodeTargets: currentNodeTargets(1.0, "mini-tokio-compiled", ["mini-tokio-compiled"]),
    notes: [],
  },
];

// --- the harness ----------------------------------------------------------------

/** Runs `reps` batches of `n` and returns the elapsed milliseconds. Checks every result. */
async function time(run: Runner, n: number, reps: number, expected: number, id: string): Promise<number> {
  let bad: number | undefined;
  let elapsed: number;
  if (run.kind === "sync") {
    const fn = run.fn;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      const got = fn(n);
      if (got !== expected) bad = got;
    }
    elapsed = performance.now() - t0;
  } else {
    const fn = run.fn;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      const got = await fn(n);
      if (got !== expected) bad = got;
    }
    elapsed = performance.now() - t0;
  }
  if (bad !== undefined) throw new Error(`${id}: computed ${bad}, expected ${expected}`);
  return elapsed;
}

/** Options for one run of the timed suite. */
export interface CoreOptions {
  readonly quick: boolean;
  /** Progress lines (to stderr by default). */
  readonly log?: (line: string) => void;
}

/** Three significant digits are more than the noise allows; keeps results.json readable. */
export function round(x: number): number {
  return Number(x.toPrecision(3));
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

/** Measures one benchmark: warm-up, then alternating rounds. */
export async function measure(bench: TimedBenchmark, options: CoreOptions): Promise<Bench> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const sampleMs = options.quick ? 5 : 25;
  const warmupMs = options.quick ? 40 : 250;
  const rounds = options.quick ? bench.quickRounds : bench.rounds;
  const cases = bench.cases;

  // Warm up each contender until it has run for warmupMs (at least twice),
  // and size its samples from the speed it ends up at.
  const reps: number[] = [];
  for (const c of cases) {
    const n = c.size ?? bench.size;
    const expected = bench.expect(n);
    let spent = 0;
    let last = Number.POSITIVE_INFINITY;
    for (let calls = 0; calls < 2 || spent < warmupMs; calls++) {
      last = await time(c.run, n, 1, expected, c.id);
      spent += last;
    }
    reps.push(Math.max(1, Math.round(sampleMs / last)));
  }

  // Alternate: round r runs every contender once, starting with contender r.
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (r + k) % cases.length;
      const c = cases[i];
      const into = samples[i];
      const count = reps[i];
      if (c === undefined || into === undefined || count === undefined) continue;
      const n = c.size ?? bench.size;
      const ms = await time(c.run, n, count, bench.expect(n), c.id);
      into.push(round((ms * 1e6) / (count * n)));
    }
  }

  const rows: Row[] = cases.map((c, i) => {
    const s = samples[i] ?? [];
    return {
      id: c.id,
      label: c.label,
      ...(c.note === undefined ? {} : { note: c.note }),
      size: c.size ?? bench.size,
      value: round(median(s)),
      samples: s,
    };
  });
  log(`  ${bench.title}: ${rounds} rounds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return {
    id: bench.id,
    title: bench.title,
    unit: bench.unit,
    rows,
    verdicts: evaluate(rows, bench.targets),
    notes: bench.notes,
    measuredAt: new Date().toISOString(),
    quick: options.quick,
    ...(bench.section === undefined ? {} : { section: bench.section }),
  };
}

/** The benchmarks of `list` whose id contains `filter` (all of them without one). */
export function selectBenchmarks(list: readonly TimedBenchmark[], filter: string | undefined): TimedBenchmark[] {
  return list.filter((b) => filter === undefined || b.id.includes(filter));
}

/** The TypeScript files under `dir`, declarations left out. */
export function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...tsFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** A child's command line: `[--quick] [filter] [--out file]`, in any order. */
export interface ChildArgs {
  readonly quick: boolean;
  readonly out: string | undefined;
  readonly filter: string | undefined;
}

/** Reads a child's command line (see {@link ChildArgs}). */
export function childArgs(args: readonly string[]): ChildArgs {
  const outAt = args.indexOf("--out");
  return {
    quick: args.includes("--quick"),
    out: outAt >= 0 ? args[outAt + 1] : undefined,
    filter: args.find((a, i) => !a.startsWith("--") && (outAt < 0 || i !== outAt + 1)),
  };
}

/** Writes a child's tables as JSON: to `out` (what `bench/run.ts` reads back), else to stdout. */
export function writeResults(results: readonly Bench[], out: string | undefined): void {
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (out === undefined) process.stdout.write(json);
  else writeFileSync(out, json);
}

/** The rows every compiled table keeps beside its compiled rows: the baselines. */
const BASELINES = new Set(["native", "floor"]);

/** The row ids a target reads. */
function targetRows(spec: TargetSpec): string[] {
  switch (spec.kind) {
    case "ratio":
      return [spec.row, spec.to ?? "native"];
    case "speedup":
      return [spec.row, spec.over];
    case "within":
      return [spec.row, spec.of];
    case "most":
      return [spec.row];
    default:
      return [];
  }
}

/**
 * `bench` without its compiled rows (and their targets): what the
 * generator rows are measured in. A process where compiled futures run
 * too measures the generator rows 10–25% slower than they are: the
 * executor's call sites (`future.poll` in the task, the run loop) then see
 * more kinds of futures than a real program, which runs one or the other.
 */
export function withoutCompiled(bench: TimedBenchmark): TimedBenchmark {
  const compiledIds = new Set(bench.cases.filter((c) => c.compiled).map((c) => c.id));
  if (compiledIds.size === 0) return bench;
  return {
    ...bench,
    cases: bench.cases.filter((c) => !c.compiled),
    targets: bench.targets.filter((t) => !targetRows(t).some((id) => compiledIds.has(id))),
  };
}

/**
 * The compiled rows of `bench` as a table of their own (id `<id>-compiled`),
 * with the native and floor rows measured beside them: run in a process of
 * its own, so compiled code is measured as a program that was compiled
 * whole runs. Undefined when `bench` has no compiled row.
 */
export function compiledVariant(bench: TimedBenchmark): TimedBenchmark | undefined {
  const compiledIds = new Set(bench.cases.filter((c) => c.compiled).map((c) => c.id));
  if (compiledIds.size === 0) return undefined;
  return {
    ...bench,
    id: `${bench.id}-compiled`,
    title: `${bench.title}: compiled, in a process of its own`,
    cases: bench.cases.filter((c) => c.compiled || BASELINES.has(c.id)),
    targets:
      NODE_MAJOR !== "20" && bench.currentNodeTargets !== undefined
        ? bench.currentNodeTargets
        : bench.targets.filter((t) => targetRows(t).some((id) => compiledIds.has(id))),
    notes: [
      ...bench.notes,
      "The rows `mini-tokio/compile` made, measured in a process where no generator future runs (a compiled program has none), with the native and floor rows measured again beside them: ratios are to that native row.",
    ],
  };
}

/** The benchmarks a child measures: `list` as is, or (`--compiled`) its compiled tables. */
export function childList(list: readonly TimedBenchmark[], compiledOnly: boolean): TimedBenchmark[] {
  if (!compiledOnly) return list.map(withoutCompiled);
  return list.flatMap((b) => compiledVariant(b) ?? []);
}

/**
 * The main of a child that measures, one after the other, the benchmarks
 * of `list` that its filter selects, and writes their tables.
 */
export async function runChild(list: readonly TimedBenchmark[], args: readonly string[]): Promise<void> {
  const { quick, out, filter } = childArgs(args);
  const results: Bench[] = [];
  const measured = childList(list, args.includes("--compiled"));
  for (const bench of selectBenchmarks(measured, filter)) results.push(await measure(bench, { quick }));
  writeResults(results, out);
}

/** True when the module at `moduleUrl` is the script node was started with (not imported). */
export function isMain(moduleUrl: string): boolean {
  return resolve(process.argv[1] ?? "") === fileURLToPath(moduleUrl);
}

if (isMain(import.meta.url)) await runChild(TIMED_BENCHMARKS, process.argv.slice(2));
