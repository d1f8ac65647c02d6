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
 * - **recording, then JSON**: the same, then the recording is serialised
 *   with `JSON.stringify` ("rendering afterwards": the SVG renderer is not
 *   merged yet; once it is, this row calls it);
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
 * Run by `bench/run.ts` in a child process: `node bench/trace.js
 * [--baseline <index.js of the no-hooks build>] [--quick] [filter] --out
 * results.json`.
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { JoinHandle, TraceEvent } from "../src/index.js";
import * as current from "../src/index.js";
import { measure, type Runner, type TimedBenchmark, type TimedCase } from "./core.js";
import type { Bench } from "./report.js";

/** The last commit of main without the tracing hooks: the "no hooks" rows run it. */
export const BASELINE_COMMIT = "1fe8d9c";

/** What the benchmarks use of the library: the part every build since {@link BASELINE_COMMIT} has. */
type Library = Pick<typeof current, "Runtime" | "asyncFn" | "mpsc" | "spawn">;

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

/** Today's build, run the five ways. */
function watchedCases(program: Program): TimedCase[] {
  const run = (rt: current.Runtime, n: number): number => rt.blockOn(program(n));
  const off = new current.Runtime();
  const recorder = new current.Runtime();
  let events: TraceEvent[] = [];
  recorder.onEvent((e) => events.push(e));
  const timed = new current.Runtime({ timestamps: true });
  const located = new current.Runtime({ captureLocations: true });
  return [
    { id: "off", label: "tracing off (nobody listening)", run: sync((n) => run(off, n)) },
    {
      id: "recording",
      label: "recording (a listener keeps every event)",
      run: sync((n) => {
        events = [];
        return run(recorder, n);
      }),
    },
    {
      id: "json",
      label: "recording, then JSON of the recording",
      note: "`JSON.stringify` of the recorded events after the run, standing in for the SVG renderer until it is merged",
      run: sync((n) => {
        events = [];
        const out = run(recorder, n);
        if (JSON.stringify(events).length === 0) throw new Error("empty recording");
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

function benchmarks(baseline: Library | undefined): TimedBenchmark[] {
  const now = programs(current);
  const targets = [
    ...(baseline === undefined ? [] : [{ kind: "ratio" as const, row: "off", max: 1.05, to: "baseline" }]),
    { kind: "ratio" as const, row: "recording", max: 3, to: "off" },
  ];
  return [
    {
      id: "trace-spawn-join",
      title: "spawn + join of 1,000 tasks, watched and not",
      unit: "ns per task",
      size: 1_000,
      expect: sumBelow,
      rounds: 15,
      quickRounds: 4,
      cases: [...baselineCase(baseline, (p) => p.spawnJoin), ...watchedCases(now.spawnJoin)],
      targets,
      notes: ["Recording keeps 4 events per task (spawn, poll, ready, and the joiner's wake) plus the root's."],
    },
    {
      id: "trace-ping-pong",
      title: "ping-pong between two tasks, watched and not",
      unit: "ns per round trip",
      size: 1_000,
      expect: sumBelow,
      rounds: 15,
      quickRounds: 4,
      cases: [...baselineCase(baseline, (p) => p.pingPong), ...watchedCases(now.pingPong)],
      targets,
      notes: [
        "A round trip is two sends and two receives on `mpsc.channel(1)`s, two cross-task wakes and two polls: recording keeps 6 events per trip (poll, pending and a wake with its cause, for each side).",
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
  const taken = new Set([out, baselinePath]);
  const filter = args.find((a) => !a.startsWith("--") && !taken.has(a));
  let baseline: Library | undefined;
  if (baselinePath !== undefined) {
    const loaded: unknown = await import(pathToFileURL(resolve(baselinePath)).href);
    if (!isLibrary(loaded)) throw new Error(`bench/trace: ${baselinePath} is not a build of the library`);
    baseline = loaded;
  }
  const results: Bench[] = [];
  for (const bench of benchmarks(baseline)) {
    if (filter !== undefined && !bench.id.includes(filter)) continue;
    const measured = await measure(bench, { quick });
    results.push({ ...measured, section: "trace", baseline: { id: "off", label: "off" } });
  }
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (out === undefined) process.stdout.write(json);
  else writeFileSync(out, json);
}

if (resolve(process.argv[1] ?? "") === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
