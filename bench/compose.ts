/**
 * The composition benchmarks: select, join and JoinSet against their
 * Promise equivalents, Effect 4 and Effection 4, every contender in one
 * process (the harness of `bench/core.ts`: warm-up, alternating rounds,
 * median sample, a checksum checked on every call).
 *
 * What it measures, one definition per row:
 * - select over two futures, 10,000 times in a loop: one branch is ready
 *   after one yield and returns `i`, the other never is and is dropped.
 *   mini-tokio: `yield* select(work(i), pending)`, `work` a hoisted
 *   `asyncFn` that awaits `yieldNow()`, `pending` a leaf future that
 *   stores its waker (a fresh one per select, as a receive or a timer
 *   would be). Native: `await Promise.race([work(i), new Promise(() =>
 *   {})])`, `work` an async function that awaits `Promise.resolve()`; a
 *   fresh never-settling promise per race, because racing one shared
 *   promise leaks a reaction on it per race. Effect: `Effect.race(work(i),
 *   Effect.never)`. Effection: `race([work(i), suspend()])`. Nanoseconds
 *   per select.
 * - join of 1,000: one call joins 1,000 branches that each yield once and
 *   return `i`. mini-tokio: `yield* joinAll(branches)`. Native: `await
 *   Promise.all(branches)`. Effect: `Effect.all(branches, { concurrency:
 *   "unbounded" })` (its default runs them one after another). Effection:
 *   `all(branches)`. Nanoseconds per branch.
 * - a JoinSet of 100,000 tasks: spawn all, then join all in completion
 *   order. mini-tokio: `set.spawn(trivial(i))` then `set.joinNext()` until
 *   `undefined`. Native: `Promise.all` over 100,000 async function calls.
 *   Effect: `Effect.forkChild` each, then `Fiber.join` each (not
 *   `Effect.all`, which runs effects that are already values without
 *   forking anything: no task would be spawned). Effection: `spawn` each,
 *   then join each task. Nanoseconds per task.
 * - fromPromise of a resolved promise, 10,000 in a loop in one task:
 *   `yield* fromPromise(() => Promise.resolve(i))` against `await
 *   Promise.resolve(i)` in an async function (target ≤ 1.5× native; mini-tokio
 *   runs in `rt.run`, since blockOn cannot wait for a promise). Nanoseconds
 *   per call.
 * - fromAsyncIterable over an async generator of 10,000 numbers: `yield*
 *   s.next()` until `undefined`, against `for await` over the same
 *   generator (target ≤ 1.2× native). Nanoseconds per item.
 *
 * Why it is fair: every contender computes the sum of `i`, written the way
 * its users write it, with hoisted functions (no generator closure per
 * call). mini-tokio is driven synchronously (`rt.blockOn`), and so is
 * Effect's fork + join (`Effect.runSync`); Effect's concurrent `race` and
 * `all` complete asynchronously, which `Effect.runSync` refuses, so they
 * run with `Effect.runPromise`; native and Effection run in the event
 * loop. Each pays its driver once per call, not per operation.
 *
 * Effection runs in a process of its own. Its race and all leave so much
 * garbage (on the order of megabytes per call) that in a shared heap every
 * other contender's samples came out up to ten times slower, whoever ran
 * next paying for Effection's collections. The other contenders share one
 * process and alternate, as in `bench/core.ts`; Effection's row is
 * measured the same way, alone. Effection costs about 100 µs
 * per spawned task, and its `race`/`all` spawn one per branch, so its
 * batches are smaller (the tables say which); its figures are per
 * operation all the same.
 *
 * Run by `bench/run.ts` in a child process:
 * `node bench/compose.js [--quick] [filter] --out results.json`; it runs
 * `node bench/compose.js --isolated <benchmark> <contender> [--quick]`
 * for each isolated contender, which prints one row of JSON.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Effect, Fiber } from "effect";
import * as effection from "effection";
import {
  Awaitable,
  asyncFn,
  type Context,
  fromAsyncIterable,
  fromPromise,
  JoinSet,
  joinAll,
  PENDING,
  type Poll,
  Runtime,
  select,
  type Waker,
  yieldNow,
} from "../src/index.js";
import {
  childArgs,
  isMain,
  measure,
  type Runner,
  selectBenchmarks,
  type TimedBenchmark,
  writeResults,
} from "./core.js";
import { type Bench, evaluate, type Row, type TargetSpec } from "./report.js";

const sync = (fn: (n: number) => number): Runner => ({ kind: "sync", fn });
const async = (fn: (n: number) => Promise<number>): Runner => ({ kind: "async", fn });
const sumBelow = (n: number): number => (n * (n - 1)) / 2;

// --- mini-tokio --------------------------------------------------------------

const rt = new Runtime();

/** A leaf that is never ready: it keeps its waker, as a pending receive or timer does. */
class Pending extends Awaitable<never> {
  waker: Waker | undefined = undefined;
  poll(cx: Context): Poll<never> {
    this.waker = cx.waker;
    return PENDING;
  }
  override [Symbol.dispose](): void {
    this.waker = undefined;
  }
}

/** Ready after one yield. */
const work = asyncFn(function* (i: number) {
  yield* yieldNow();
  return i;
});

const trivial = asyncFn(function* (i: number) {
  return i;
});

const selectLoop = asyncFn(function* (n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = yield* select(work(i), new Pending());
    if (r.index === 0) sum += r.value;
  }
  return sum;
});

const joinBranches = asyncFn(function* (n: number) {
  const branches = new Array<ReturnType<typeof work>>(n);
  for (let i = 0; i < n; i++) branches[i] = work(i);
  let sum = 0;
  for (const v of yield* joinAll(branches)) sum += v;
  return sum;
});

const joinSetAll = asyncFn(function* (n: number) {
  const set = new JoinSet<number>();
  for (let i = 0; i < n; i++) set.spawn(trivial(i));
  let sum = 0;
  let v: number | undefined;
  while ((v = yield* set.joinNext()) !== undefined) sum += v;
  return sum;
});

const awaitPromises = asyncFn(function* (n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* fromPromise(() => Promise.resolve(i));
  return sum;
});

/** The async iterable both interop contenders read: the numbers below `n`. */
async function* numbers(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

const readAsyncIterable = asyncFn(function* (n: number) {
  const s = fromAsyncIterable(numbers(n));
  let sum = 0;
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) sum += v;
  return sum;
});

// --- native ------------------------------------------------------------------

async function nativeWork(i: number): Promise<number> {
  await Promise.resolve();
  return i;
}

async function nativeSelect(n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await Promise.race([nativeWork(i), new Promise<never>(() => {})]);
  return sum;
}

async function nativeJoin(n: number): Promise<number> {
  const branches = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) branches[i] = nativeWork(i);
  let sum = 0;
  for (const v of await Promise.all(branches)) sum += v;
  return sum;
}

async function nativeAll(n: number): Promise<number> {
  const tasks = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) tasks[i] = (async () => i)();
  let sum = 0;
  for (const v of await Promise.all(tasks)) sum += v;
  return sum;
}

async function nativeAwaitPromises(n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await Promise.resolve(i);
  return sum;
}

async function nativeForAwait(n: number): Promise<number> {
  let sum = 0;
  for await (const v of numbers(n)) sum += v;
  return sum;
}

// --- Effect --------------------------------------------------------------------

const effectWork = (i: number): Effect.Effect<number> => Effect.as(Effect.yieldNow, i);

const effectSelect = Effect.fnUntraced(function* (n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* Effect.race(effectWork(i), Effect.never);
  return sum;
});

const effectJoin = Effect.fnUntraced(function* (n: number) {
  const branches = new Array<Effect.Effect<number>>(n);
  for (let i = 0; i < n; i++) branches[i] = effectWork(i);
  let sum = 0;
  for (const v of yield* Effect.all(branches, { concurrency: "unbounded" })) sum += v;
  return sum;
});

const effectForkJoin = Effect.fnUntraced(function* (n: number) {
  const fibers = new Array<Fiber.Fiber<number>>(n);
  for (let i = 0; i < n; i++) fibers[i] = yield* Effect.forkChild(Effect.succeed(i));
  let sum = 0;
  for (const f of fibers) sum += yield* Fiber.join(f);
  return sum;
});

// --- Effection ------------------------------------------------------------------

const noop = (): void => {};
/** Effection's nearest thing to a yield (see `contenders/effection.ts`). */
const yieldOnce: effection.Operation<void> = effection.action<void>((resolve) => {
  resolve();
  return noop;
}, "yield");

function* effectionWork(i: number): effection.Operation<number> {
  yield* yieldOnce;
  return i;
}

function* effectionSelectLoop(n: number): effection.Operation<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = yield* effection.race([effectionWork(i), effection.suspend()]);
    if (typeof v === "number") sum += v;
  }
  return sum;
}

function* effectionJoin(n: number): effection.Operation<number> {
  const branches = new Array<effection.Operation<number>>(n);
  for (let i = 0; i < n; i++) branches[i] = effectionWork(i);
  let sum = 0;
  for (const v of yield* effection.all(branches)) sum += v;
  return sum;
}

function* effectionTrivial(i: number): effection.Operation<number> {
  return i;
}

function* effectionSpawnAll(n: number): effection.Operation<number> {
  const tasks = new Array<effection.Task<number>>(n);
  for (let i = 0; i < n; i++) tasks[i] = yield* effection.spawn(() => effectionTrivial(i));
  let sum = 0;
  for (const t of tasks) sum += yield* t;
  return sum;
}

// --- the benchmarks ------------------------------------------------------------

const targets: readonly TargetSpec[] = [
  { kind: "ratio", row: "mini-tokio", max: 1.0 },
  { kind: "speedup", row: "mini-tokio", over: "effect", versus: "Effect 4", min: 1 },
  { kind: "speedup", row: "mini-tokio", over: "effection", versus: "Effection 4", min: 1 },
];

const batchNote = (n: number, of: number): string =>
  `run in batches of ${n.toLocaleString("en-US")} (it spawns a task per branch, about 100 µs each), not ${of.toLocaleString("en-US")}; still ns per operation`;

export const COMPOSE_BENCHMARKS: readonly TimedBenchmark[] = [
  {
    id: "compose-select",
    title: "select over two futures, 10,000 in a loop",
    unit: "ns per select",
    size: 10_000,
    expect: sumBelow,
    rounds: 15,
    quickRounds: 4,
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: yield* select(work(i), pending)",
        run: sync((n) => rt.blockOn(selectLoop(n))),
      },
      { id: "native", label: "native: await Promise.race([work(i), never])", run: async(nativeSelect) },
      {
        id: "effect",
        label: "Effect 4: Effect.race(work(i), Effect.never)",
        run: async((n) => Effect.runPromise(effectSelect(n))),
      },
      {
        id: "effection",
        label: "Effection 4: race([work(i), suspend()]) (batch of 200)",
        note: batchNote(200, 10_000),
        size: 200,
        run: async((n) => effection.run(() => effectionSelectLoop(n))),
      },
    ],
    targets,
    notes: [],
  },
  {
    id: "compose-join-1k",
    title: "join of 1,000 futures that each yield once",
    unit: "ns per branch",
    size: 1_000,
    expect: sumBelow,
    rounds: 21,
    quickRounds: 5,
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: yield* joinAll(branches)",
        run: sync((n) => rt.blockOn(joinBranches(n))),
      },
      { id: "native", label: "native: await Promise.all(branches)", run: async(nativeJoin) },
      {
        id: "effect",
        label: 'Effect 4: Effect.all(branches, { concurrency: "unbounded" })',
        run: async((n) => Effect.runPromise(effectJoin(n))),
      },
      {
        id: "effection",
        label: "Effection 4: all(branches)",
        run: async((n) => effection.run(() => effectionJoin(n))),
      },
    ],
    targets,
    notes: [],
  },
  {
    id: "compose-joinset-100k",
    title: "JoinSet of 100,000 tasks: spawn all, join all",
    unit: "ns per task",
    size: 100_000,
    expect: sumBelow,
    rounds: 11,
    quickRounds: 3,
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: set.spawn(trivial(i)), set.joinNext()",
        run: sync((n) => rt.blockOn(joinSetAll(n))),
      },
      { id: "native", label: "native: Promise.all over async function calls", run: async(nativeAll) },
      {
        id: "effect",
        label: "Effect 4: forkChild each, Fiber.join each",
        run: sync((n) => Effect.runSync(effectForkJoin(n))),
      },
      {
        id: "effection",
        label: "Effection 4: spawn each, join each (batch of 1,000)",
        note: batchNote(1_000, 100_000),
        size: 1_000,
        run: async((n) => effection.run(() => effectionSpawnAll(n))),
      },
    ],
    targets,
    notes: ["Batches this large are dominated by garbage collection: expect ±40% between runs; compare ratios."],
  },
  {
    id: "interop-from-promise",
    title: "fromPromise of a resolved promise, 10,000 in a loop",
    unit: "ns per call",
    size: 10_000,
    expect: sumBelow,
    rounds: 15,
    quickRounds: 4,
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: yield* fromPromise(() => Promise.resolve(i))",
        run: async((n) => rt.run(awaitPromises(n))),
      },
      { id: "native", label: "native: await Promise.resolve(i)", run: async(nativeAwaitPromises) },
    ],
    targets: [{ kind: "ratio", row: "mini-tokio", max: 1.5 }],
    notes: [],
  },
  {
    id: "interop-from-async-iterable",
    title: "fromAsyncIterable over an async generator of 10,000 numbers",
    unit: "ns per item",
    size: 10_000,
    expect: sumBelow,
    rounds: 15,
    quickRounds: 4,
    cases: [
      {
        id: "mini-tokio",
        label: "mini-tokio: yield* fromAsyncIterable(gen).next() until undefined",
        run: async((n) => rt.run(readAsyncIterable(n))),
      },
      { id: "native", label: "native: for await (const v of gen)", run: async(nativeForAwait) },
    ],
    targets: [{ kind: "ratio", row: "mini-tokio", max: 1.2 }],
    notes: [],
  },
];

/** The benchmarks whose id contains `filter` (all of them without one). */
export function selectCompose(filter: string | undefined): TimedBenchmark[] {
  return selectBenchmarks(COMPOSE_BENCHMARKS, filter);
}

/** Contenders measured in a child process of their own (see the module comment). */
const ISOLATED: ReadonlySet<string> = new Set(["effection"]);
const ISOLATION_NOTE =
  "Effection 4 ran in a process of its own: in a shared heap its garbage slowed the contender after it by up to 10×.";

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && "id" in value && "value" in value && "samples" in value;
}

/** Measures contender `caseId` of benchmark `benchId` in a child process and returns its row. */
function isolatedRow(benchId: string, caseId: string, quick: boolean): Row {
  const args = [fileURLToPath(import.meta.url), "--isolated", benchId, caseId, ...(quick ? ["--quick"] : [])];
  const child = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (child.status !== 0) throw new Error(`bench: ${benchId} ${caseId} failed (exit ${child.status ?? child.signal})`);
  const row: unknown = JSON.parse(child.stdout.trim().split("\n").pop() ?? "null");
  if (!isRow(row)) throw new Error(`bench: ${benchId} ${caseId} printed no row`);
  return row;
}

/** Measures one benchmark: the shared contenders in this process, the isolated ones each in a child. */
async function measureCompose(bench: TimedBenchmark, quick: boolean): Promise<Bench> {
  const shared = await measure({ ...bench, cases: bench.cases.filter((c) => !ISOLATED.has(c.id)) }, { quick });
  const rows = bench.cases.map((c) => shared.rows.find((r) => r.id === c.id) ?? isolatedRow(bench.id, c.id, quick));
  return {
    ...shared,
    rows,
    verdicts: evaluate(rows, bench.targets),
    notes: bench.cases.some((c) => ISOLATED.has(c.id)) ? [...shared.notes, ISOLATION_NOTE] : shared.notes,
    section: "compose",
  };
}

/** Child mode: measure one contender alone and print its row. */
async function measureIsolated(benchId: string, caseId: string, quick: boolean): Promise<void> {
  const bench = COMPOSE_BENCHMARKS.find((b) => b.id === benchId);
  const only = bench?.cases.filter((c) => c.id === caseId) ?? [];
  if (bench === undefined || only.length === 0) throw new Error(`bench: no contender ${caseId} in ${benchId}`);
  const { rows } = await measure({ ...bench, cases: only }, { quick, log: () => {} });
  process.stdout.write(`${JSON.stringify(rows[0])}\n`);
}

async function main(args: readonly string[]): Promise<void> {
  const quick = args.includes("--quick");
  const isolatedAt = args.indexOf("--isolated");
  if (isolatedAt >= 0) {
    await measureIsolated(args[isolatedAt + 1] ?? "", args[isolatedAt + 2] ?? "", quick);
    return;
  }
  const { out, filter } = childArgs(args);
  const results: Bench[] = [];
  for (const bench of selectCompose(filter)) results.push(await measureCompose(bench, quick));
  writeResults(results, out);
}

if (isMain(import.meta.url)) await main(process.argv.slice(2));
