/**
 * The tracing benchmarks: what watching the runtime costs, and that not
 * watching it costs nothing.
 *
 * What it measures, on two programs:
 * - spawn + join of a batch of 1,000 trivial tasks (ns per task);
 * - ping-pong: two tasks hand a number back and forth 1,000 times over
 *   a pair of `mpsc.channel(1)`s (ns per round trip): each trip is two
 *   sends, two receives and two cross-task wakes.
 *
 * each run six ways:
 * - **no hooks**: the same program on a build of the library from before
 *   the tracing hooks existed (commit {@link BASELINE_COMMIT}, main just
 *   before they were merged, built by `bench/run.ts` with `git archive`);
 *   the reference for "tracing off";
 * - **off**: today's build, nobody listening;
 * - **recording**: one listener pushes every event into an array;
 * - **recording, then drawing**: the same, then the recording is drawn
 *   with `renderSequenceSvg` ("rendering afterwards"): one pass over every
 *   event to model the run, and the first 400 messages drawn;
 * - **timestamps**: `new Runtime({ timestamps: true })`, nobody listening:
 *   the price of a clock read around each poll (busy time, slow polls);
 * - **captureLocations**: a stack trace at each spawn and pending await.
 *
 * Targets (the issue's): off within noise of no hooks (≤ 1.05×), recording
 * at most 3× off.
 *
 * Why it is fair: the rows run the same hoisted task bodies through the
 * public API, alternating within one process (`measure` in core.ts), and
 * check the same checksum on every call. The no-hooks build is the
 * library's own earlier source transpiled the same way as today's.
 *
 * Each benchmark runs in processes of its own, several times (`bench/run.ts`
 * pools their samples): how V8 compiles the shared runtime code differs
 * from one process to the next by more than the difference measured here
 * (the unwatched ping-pong moved between 0.6× and 1.2× the no-hooks build
 * from process to process, with ±1% within each).
 *
 * Rows that watch the runtime run on a second copy of today's build
 * (`--watched`): sharing compiled code with them would make the unwatched
 * row's code polymorphic, a cost no unwatched program pays (we measured
 * 17% on ping-pong before separating them).
 *
 * Run by `bench/run.ts` in a child process: `node bench/trace.js
 * [--baseline <index.js of the no-hooks build>] [--watched <index.js of a
 * copy of today's build>] [--quick] [filter] --out results.json`.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { renderSequenceSvg } from "../src/illustrate/index.js";
import type { JoinHandle, TraceEvent } from "../src/index.js";
import * as current from "../src/index.js";
import { isMain, measure, type Runner, type TimedBenchmark, type TimedCase, writeResults } from "./core.js";
import type { Bench, TargetSpec } from "./report.js";

/** The last commit of main without the tracing hooks: the "no hooks" rows run it. */
export const BASELINE_COMMIT = "3bcefdc";

/** What the benchmarks use of the library: the part every build since {@link BASELINE_COMMIT} has. */
type Library = Pick<typeof current, "Runtime" | "asyncFn" | "mpsc" | "spawn">;

/** What the watched rows use: today's build (what it recorded is drawn by today's renderer). */
type WatchedLibrary = Library;

/** Loads a build of the library from `path` (its index module). */
async function load(path: string): Promise<Library> {
  const loaded: unknown = await import(pathToFileURL(resolve(path)).href);
  if (!isLibrary(loaded)) throw new Error(`bench/trace: ${path} is not a build of the library`);
  return loaded;
}

/** Loads today's build for the watched rows (it has the renderer). */
async function loadWatched(path: string): Promise<WatchedLibrary> {
  const loaded: unknown = await import(pathToFileURL(resolve(path)).href);
  if (!isLibrary(loaded)) throw new Error(`bench/trace: ${path} is not a build of the library`);
  return loaded;
}

/** A program: the future a runtime's `blockOn` runs for a batch of `n`. */
type Program = (n: number) => current.Future<number>;

/** The two programs, written once against whichever build `lib` is. */
interface Programs {
  /** Spawns `n` trivial tasks, joins them; returns the sum of 0..n-1. */
  readonly spawnJoin: Program;
  /** Plays `n` round trips; returns the sum of the numbers pong sent back. */
  readonly pingPong: Program;
}

function programs(lib: Library): Programs {
  const trivial = lib.asyncFn(function* (i: number) {
    return i;
  });
  const spawnJoinAll = lib.asyncFn(function* (n: number) {
    const handles = new Array<JoinHandle<number>>(n);
    for (let i = 0; i < n; i++) handles[i] = lib.spawn(trivial(i));
    let sum = 0;
    for (const h of handles) sum += yield* h;
    return sum;
  });

  type Channel = ReturnType<typeof lib.mpsc.channel<number>>;
  const ping = lib.asyncFn(function* ([out]: Channel, [, back]: Channel, n: number) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      yield* out.send(i);
      sum += (yield* back.recv()) ?? 0;
    }
    return sum;
  });
  const pong = lib.asyncFn(function* ([, inbox]: Channel, [back]: Channel, n: number) {
    for (let i = 0; i < n; i++) yield* back.send((yield* inbox.recv()) ?? 0);
    return n;
  });
  const match = lib.asyncFn(function* (n: number) {
    const there = lib.mpsc.channel<number>(1);
    const back = lib.mpsc.channel<number>(1);
    const receiver = lib.spawn(pong(there, back, n));
    const sum = yield* ping(there, back, n);
    yield* receiver;
    return sum;
  });

  return { spawnJoin: spawnJoinAll, pingPong: match };
}

const sumBelow = (n: number): number => (n * (n - 1)) / 2;
const sync = (fn: (n: number) => number): Runner => ({ kind: "sync", fn });

/**
 * Today's build, run the five ways: unwatched on `lib`, watched on
 * `watchedLib`, a second copy of the same build (see `copyWatched` in
 * run.ts: watched runs would make the shared code polymorphic).
 */
function watchedCases(lib: Library, watchedLib: WatchedLibrary, pick: (p: Programs) => Program): TimedCase[] {
  const program = pick(programs(lib));
  const watchedProgram = pick(programs(watchedLib));
  const off = new lib.Runtime();
  const recorder = new watchedLib.Runtime();
  let events: TraceEvent[] = [];
  recorder.onEvent((e) => events.push(e));
  const timed = new watchedLib.Runtime({ timestamps: true });
  const located = new watchedLib.Runtime({ captureLocations: true });
  const run = (rt: current.Runtime, n: number): number => rt.blockOn(watchedProgram(n));
  return [
    { id: "off", label: "tracing off (nobody listening)", run: sync((n) => off.blockOn(program(n))) },
    {
      id: "recording",
      label: "recording (a listener keeps every event)",
      run: sync((n) => {
        events = [];
        return run(recorder, n);
      }),
    },
    {
      id: "render",
      label: "recording, then drawing it",
      note: "`renderSequenceSvg(events)` after the run: every event modelled, the first 400 messages drawn",
      run: sync((n) => {
        events = [];
        const out = run(recorder, n);
        if (renderSequenceSvg(events).length === 0) throw new Error("empty drawing");
        return out;
      }),
    },
    {
      id: "timestamps",
      label: "`timestamps: true`, nobody listening",
      note: "a clock read around every poll (busy time, slow-poll checks)",
      run: sync((n) => run(timed, n)),
    },
    {
      id: "locations",
      label: "`captureLocations: true`, nobody listening",
      note: "a stack trace at every spawn and every pending await",
      run: sync((n) => run(located, n)),
    },
  ];
}

/** The no-hooks build, when there is one. */
function baselineCase(lib: Library | undefined, pick: (p: Programs) => Program): TimedCase[] {
  if (lib === undefined) return [];
  const program = pick(programs(lib));
  const rt = new lib.Runtime();
  return [
    {
      id: "baseline",
      label: `no hooks (build of ${BASELINE_COMMIT})`,
      note: `the library as it was before the tracing hooks (commit ${BASELINE_COMMIT}), transpiled the same way`,
      run: sync((n) => rt.blockOn(program(n))),
    },
  ];
}

/**
 * The targets: off within noise of no hooks, recording at most 3×
 * off. (A target on a row that is absent, the baseline without git, is
 * skipped.)
 */
export const TRACE_TARGETS: readonly TargetSpec[] = [
  { kind: "ratio", row: "off", max: 1.05, to: "baseline" },
  { kind: "ratio", row: "recording", max: 3, to: "off" },
];

const WATCHED_NOTE =
  "The watched rows run on a second copy of today's build, so that they cannot make the code the unwatched row runs polymorphic (in one copy, that cost the unwatched ping-pong 17%).";

function benchmarks(baseline: Library | undefined, watched: WatchedLibrary): TimedBenchmark[] {
  const targets = TRACE_TARGETS;
  return [
    {
      id: "trace-spawn-join",
      title: "spawn + join of 1,000 tasks, watched and not",
      unit: "ns per task",
      size: 1_000,
      expect: sumBelow,
      rounds: 15,
      quickRounds: 4,
      cases: [...baselineCase(baseline, (p) => p.spawnJoin), ...watchedCases(current, watched, (p) => p.spawnJoin)],
      targets,
      notes: [
        "Recording keeps 4 events per task (spawn, poll, ready, and the joiner's wake) plus the root's.",
        WATCHED_NOTE,
      ],
    },
    {
      id: "trace-ping-pong",
      title: "ping-pong between two tasks, watched and not",
      unit: "ns per round trip",
      size: 1_000,
      expect: sumBelow,
      rounds: 15,
      quickRounds: 4,
      cases: [...baselineCase(baseline, (p) => p.pingPong), ...watchedCases(current, watched, (p) => p.pingPong)],
      targets,
      notes: [
        "A round trip is two sends and two receives on `mpsc.channel(1)`s, two cross-task wakes and two polls: recording keeps 6 events per trip (poll, pending and a wake with its cause, for each side).",
        WATCHED_NOTE,
      ],
    },
  ];
}

/** The benchmarks whose id contains `filter` (all of them without one). */
export function selectTrace(filter: string | undefined): string[] {
  return ["trace-spawn-join", "trace-ping-pong"].filter((id) => filter === undefined || id.includes(filter));
}

function isLibrary(value: unknown): value is Library {
  return (
    typeof value === "object" &&
    value !== null &&
    ["Runtime", "asyncFn", "spawn"].every((k) => typeof Reflect.get(value, k) === "function") &&
    "mpsc" in value
  );
}

async function main(args: readonly string[]): Promise<void> {
  const quick = args.includes("--quick");
  const argAfter = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const out = argAfter("--out");
  const baselinePath = argAfter("--baseline");
  const watchedPath = argAfter("--watched");
  const taken = new Set([out, baselinePath, watchedPath]);
  const filter = args.find((a) => !a.startsWith("--") && !taken.has(a));
  const baseline = baselinePath === undefined ? undefined : await load(baselinePath);
  const watched = watchedPath === undefined ? current : await loadWatched(watchedPath);
  const results: Bench[] = [];
  for (const bench of benchmarks(baseline, watched)) {
    if (filter !== undefined && !bench.id.includes(filter)) continue;
    const measured = await measure(bench, { quick });
    results.push({ ...measured, section: "trace", baseline: { id: "off", label: "off" } });
  }
  writeResults(results, out);
}

if (isMain(import.meta.url)) await main(process.argv.slice(2));
