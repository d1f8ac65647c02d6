// The docs' diagrams, drawn from traces of real runs: `npm run docs` runs
// this before TypeDoc. Each figure is a small program run on a fresh
// runtime with tracing on (or a scene of the tour), rendered with
// renderSequenceSvg.
//
// - docs/guides/figures/*.svg: the guides' figures (gitignored, rebuilt
//   with the docs);
// - docs/figures/*.svg: the README's figure (committed, so it shows on the
//   repository page; test/docs/figures.test.ts fails when it is stale).
//
// `node --import tsx scripts/docs-figures.ts` writes them all.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { budget } from "../examples/tour/budget.js";
import { hostTimer } from "../examples/tour/host-timer.js";
import { Narrator, type RecordedScene } from "../examples/tour/narrator.js";
import { selectScene } from "../examples/tour/select.js";
import { renderSequenceSvg, type TraceStep } from "../src/illustrate/index.js";
import {
  asyncFn,
  awaitable,
  type Context,
  future,
  PENDING,
  type Poll,
  Runtime,
  StallError,
  spawn,
  type Waker,
  yieldNow,
} from "../src/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A figure: where it goes, and its SVG text. */
export interface Figure {
  readonly path: string;
  readonly svg: string;
}

/** Pending until `open(value)`: the smallest future a host or a task can wake. */
class Gate<T> {
  #value: { v: T } | undefined = undefined;
  #waker: Waker | undefined = undefined;

  constructor(private readonly onStore: (() => void) | undefined = undefined) {}

  poll(cx: Context): Poll<T> {
    if (this.#value !== undefined) return this.#value.v;
    // One waker slot: a second poller's waker replaces the first's.
    this.#waker = cx.waker;
    this.onStore?.();
    return PENDING;
  }

  open(v: T): void {
    this.#value = { v };
    this.#waker?.wake();
  }
}

/** Records one runtime's steps; `note(task, text)` adds what a future says. */
function recorder(): { steps: TraceStep[]; rt: Runtime; note: (task: number | undefined, text: string) => void } {
  const steps: TraceStep[] = [];
  const rt = new Runtime({ trace: (e) => steps.push(e) });
  return { steps, rt, note: (task, text) => steps.push({ kind: "note", task, text }) };
}

/** The Poll contract: poll → Pending (waker stored) → wake() from the host → poll → Ready. */
async function pollPendingWake(): Promise<TraceStep[]> {
  const { steps, rt, note } = recorder();
  const gate = new Gate<string>(() => note(1, "gate stores cx.waker, returns PENDING"));
  setTimeout(() => {
    note(undefined, "host callback: gate.open()");
    gate.open("hello");
  }, 5);
  await rt.run(
    future(function* () {
      return yield* awaitable(gate);
    }),
  );
  rt.shutdown();
  return steps;
}

/** A lost wakeup: PENDING without a stored waker, and nothing ever polls the task again. */
function lostWakeup(): TraceStep[] {
  const { steps, rt, note } = recorder();
  const forgetful = {
    poll(_cx: Context): Poll<string> {
      note(1, "returns PENDING, stores no waker");
      return PENDING;
    },
  };
  try {
    rt.blockOn(
      future(function* () {
        return yield* awaitable(forgetful);
      }),
    );
  } catch (error) {
    if (!(error instanceof StallError)) throw error;
    note(undefined, "blockOn: StallError, the root is dropped");
  }
  rt.shutdown();
  return steps;
}

/** Wakes from three sources: the task itself, another task, a finished task's JoinHandle. */
function whoWakes(): TraceStep[] {
  const { steps, rt, note } = recorder();
  const gate = new Gate<number>(() => note(2, "gate stores #2's waker"));
  const waiter = asyncFn(function* () {
    return yield* awaitable(gate);
  });
  const opener = asyncFn(function* () {
    yield* yieldNow(); // wakes itself
    note(3, "gate.open(): calls #2's waker");
    gate.open(42);
  });
  rt.blockOn(
    future(function* () {
      const w = spawn(waiter(), { name: "waiter" });
      const o = spawn(opener(), { name: "opener" });
      yield* o;
      return yield* w;
    }),
  );
  rt.shutdown();
  return steps;
}

/** Pin's half of the contract: two owners poll one future; only the last waker is kept. */
function twoOwners(): TraceStep[] {
  const { steps, rt, note } = recorder();
  let polls = 0;
  const gate = new Gate<string>(() => note(++polls + 1, `gate keeps this waker (poll ${polls} of the gate)`));
  const owner = asyncFn(function* () {
    return yield* awaitable(gate);
  });
  try {
    rt.blockOn(
      future(function* () {
        const a = spawn(owner(), { name: "a" });
        const b = spawn(owner(), { name: "b" });
        yield* yieldNow(); // a and b both poll the gate
        note(1, "gate.open(): wakes only the last waker stored");
        gate.open("v");
        yield* b;
        return yield* a;
      }),
    );
  } catch (error) {
    if (!(error instanceof StallError)) throw error;
    note(undefined, "blockOn: StallError, a was never woken");
  }
  rt.shutdown();
  return steps;
}

/** Runs tour scenes quietly and returns their recorded runs. */
async function tourRuns(...scenes: ((narrator: Narrator) => Promise<void>)[]): Promise<RecordedScene[]> {
  const narrator = new Narrator({ write: () => {} });
  for (const scene of scenes) await scene(narrator);
  return narrator.scenes;
}

function find(runs: readonly RecordedScene[], slug: string): RecordedScene {
  const run = runs.find((r) => r.slug === slug);
  if (run === undefined) throw new Error(`no tour run named ${slug}: ${runs.map((r) => r.slug).join(", ")}`);
  return run;
}

/** Every figure, rendered. */
export async function figures(): Promise<Figure[]> {
  const runs = await tourRuns(hostTimer, selectScene, budget);
  // The guides' column is narrow: their figures leave out the run-queue
  // column, except where the queue is the point.
  const guide = (name: string, title: string, steps: Iterable<TraceStep>, showQueue = false): Figure => ({
    path: join(root, "docs/guides/figures", `${name}.svg`),
    svg: `${renderSequenceSvg(steps, { title, showQueue })}\n`,
  });
  const waker = find(runs, "1-waker-contract-run");
  return [
    // The README's figure: committed.
    {
      path: join(root, "docs/figures/tour-waker-contract.svg"),
      svg: `${renderSequenceSvg(waker.steps, { title: waker.title })}\n`,
    },
    guide("poll-pending-wake", "poll → Pending → wake() → poll → Ready", await pollPendingWake()),
    guide("lost-wakeup", "A lost wakeup: Pending with no waker stored", lostWakeup()),
    guide("who-wakes", "Who calls wake(): the task itself, another task, a JoinHandle", whoWakes()),
    guide("two-owners", "Two owners poll one future: the first waker is lost", twoOwners()),
    guide("budget", "The budget makes a greedy task yield", find(runs, "5-budget").steps, true),
    guide("select-cancel", "select drops the loser: its finally blocks run", find(runs, "4-select").steps),
  ];
}

/** The README figure's path, for the test that keeps it current. */
export const README_FIGURE = join(root, "docs/figures/tour-waker-contract.svg");

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { path, svg } of await figures()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, svg);
    console.log(`figure: ${relative(process.cwd(), path)}`);
  }
}
