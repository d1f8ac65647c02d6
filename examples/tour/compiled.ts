/**
 * Scene 7, what your generator compiles to.
 *
 * The same generator future runs twice: as V8 runs it (a generator object
 * that each poll resumes), and as `mini-tokio/compile` turns it into a
 * poll state machine, which is what rustc does with an `async fn`. The
 * executor cannot tell the two apart: both runs make the same steps. What
 * the machine saves is the generator's resume, and the bench says how much.
 *
 * @module
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { readResults } from "../../bench/report.js";
import { compile } from "../../src/compile/index.js";
import type { TraceStep } from "../../src/illustrate/index.js";
import { type Future, Runtime } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/** The program: one await of each kind a task meets, and a `finally`. */
const SOURCE = `import { future, sleep, yieldNow } from "mini-tokio";

export const fetchTwice = (say) =>
  future(function* () {
    say("runs to its first await");
    yield* yieldNow();
    try {
      yield* sleep(10);
      say("woken by the timer");
      return 42;
    } finally {
      say("finally, on the way out");
    }
  });
`;

/** The library this tour runs on, as the programs' "mini-tokio". */
const INDEX = pathToFileURL(fileURLToPath(new URL("../../src/index.ts", import.meta.url))).href;

type Program = { fetchTwice: (say: Say) => Future<number> };

/** Loads a module's source as a program, with "mini-tokio" bound to this repository's runtime. */
async function load(dir: string, name: string, code: string): Promise<Program> {
  const file = join(dir, name);
  writeFileSync(file, code.replaceAll('"mini-tokio"', JSON.stringify(INDEX)));
  // SAFETY (tour only): the module is SOURCE, whose one export is fetchTwice.
  return (await import(pathToFileURL(file).href)) as Program;
}

/** What the executor did in a run, without the futures' notes: the sequence both runs must share. */
function executorSteps(steps: readonly TraceStep[]): string[] {
  return steps.flatMap((s) => (s.kind === "note" ? [] : [s.kind]));
}

/** "N ns (R× native)" for a row of bench/results.json, if a full bench run wrote it. */
function benchRow(benchmark: string, row: string): string | undefined {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const rows = readResults(root)?.benchmarks.find((b) => b.id === benchmark)?.rows;
  const ns = rows?.find((r) => r.id === row)?.value;
  const native = rows?.find((r) => r.id === "native")?.value;
  if (ns === undefined || native === undefined) return undefined;
  return `${ns.toLocaleString("en-US")} ns (${(ns / native).toFixed(2)}× native)`;
}

export async function compiledScene(narrator: Narrator): Promise<void> {
  narrator.scene("7. What your generator compiles to", "7-compiled", [
    "The same generator future runs twice: as V8 runs it, a generator object that each",
    "poll resumes, and compiled by mini-tokio/compile into a poll state machine, what",
    "rustc makes of an async fn. The executor cannot tell them apart: both runs make",
    "the same steps.",
  ]);

  const out = compile(SOURCE, { filename: "fetch-twice.js", sourceMaps: false });
  narrator.aside("The generator:");
  narrator.code(SOURCE.slice(SOURCE.indexOf("export")));
  narrator.aside(
    "What it compiles to (the start function runs when the future is made and keeps the locals that live across an await; the resume function runs at each poll, jumps to the saved state, and returns SUSPENDED where the generator would have yielded):",
  );
  narrator.code(out.code.slice(out.code.indexOf("export")));

  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-tour-"));
  const seen: string[][] = [];
  try {
    const programs: [string, string, string][] = [
      ["as a generator", "generator", SOURCE],
      ["compiled", "compiled", out.code],
    ];
    for (const [label, slug, code] of programs) {
      narrator.take(label, slug);
      const program = await load(dir, `${slug}.mjs`, code);
      const say = narrator.voice("main");
      using rt = new Runtime({ clock: "virtual", trace: narrator.trace });
      const f = program.fetchTwice(say);
      const value = await rt.run(f);
      say(`returned ${value}; this future was a ${f.constructor.name}`);
      narrator.metrics(rt.metrics());
      seen.push(executorSteps(narrator.scenes.at(-1)?.steps ?? []));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  narrator.aside("");
  const [generator, compiled] = seen;
  const same = generator !== undefined && compiled !== undefined && generator.join() === compiled.join();
  narrator.aside(
    same
      ? `Both runs made the same ${generator.length} executor steps: ${generator.join(", ")}.`
      : `The runs differ: ${generator?.join(", ")} against ${compiled?.join(", ")}.`,
  );
  const yieldGenerator = benchRow("yield", "mini-tokio");
  const yieldCompiled = benchRow("yield-compiled", "mini-tokio-compiled");
  const spawnGenerator = benchRow("spawn-join-1k", "mini-tokio-inline");
  const spawnCompiled = benchRow("spawn-join-1k-compiled", "mini-tokio-compiled-inline");
  if (yieldGenerator && yieldCompiled && spawnGenerator && spawnCompiled) {
    narrator.aside(
      `What it saves, from npm run bench (docs/benchmarks.md): a yield* yieldNow() costs ${yieldGenerator} as a generator and ${yieldCompiled} compiled; spawning and joining a task written inline, spawn(future(function* () { … })), costs ${spawnGenerator} as a generator, for the generator closure V8 makes per task, and ${spawnCompiled} compiled.`,
    );
  }
  narrator.aside(
    "rustc makes the same machine of an async fn: an enum with one variant per await, each holding the locals alive there, and a poll that matches on it. Rust needs Pin because a local may borrow another local of the same future: moving the future would leave that borrow pointing at the old place. Here the locals live in a closure on the heap, and JavaScript has no references into the middle of an object, so moving a future (passing the object around) can break nothing: no Pin.",
  );
}
