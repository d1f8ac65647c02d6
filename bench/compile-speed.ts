/**
 * How fast `mini-tokio/compile` compiles, and what a cached run costs
 * (issue 13: at least 1 MB of source a second, cached runs free).
 *
 * What it measures, in ms per MB of JavaScript (lower is better):
 * - `compile(code)` with a source map (what the register hook and the
 *   esbuild plugin ask for), and without one;
 * - a cached run: what the register hook does for a module it compiled
 *   before (the content key, one file read);
 * - for scale, esbuild stripping the same modules' TypeScript, which every
 *   TypeScript user already pays.
 *
 * The corpus is every module of this repository that a compiled program
 * would have compiled: those under `test/`, `examples/` and
 * `bench/contenders/` that import mini-tokio and hold a generator
 * function, as JavaScript (esbuild strips their types first, as tsx does
 * before the hook sees them). Each sample compiles the whole corpus once;
 * the median of the samples is reported.
 *
 * Run by `bench/run.ts` in a child: `node bench/compile-speed.js [--quick] --out file`.
 *
 * @module
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { CompileCache } from "../src/compile/cache.js";
import { compile } from "../src/compile/compile.js";
import { mayImportRuntime } from "../src/compile/runtime-module.js";
import { childArgs, isMain, median, round, tsFiles, writeResults } from "./core.js";
import { type Bench, evaluate, type Row, type TargetSpec } from "./report.js";

/** The repository: `bench/run.ts` starts its children there. */
const ROOT = resolve(".");

/** One module of the corpus: its URL, TypeScript and JavaScript. */
interface Module {
  readonly url: string;
  readonly isRuntimeModule: (specifier: string) => boolean;
  readonly ts: string;
  readonly js: string;
}

/** The modules a compiled program would have compiled (see the module comment). */
function corpus(root: string): Module[] {
  const modules: Module[] = [];
  for (const dir of ["test", "examples", "bench/contenders"]) {
    for (const file of tsFiles(join(root, dir))) {
      const ts = readFileSync(file, "utf8");
      if (!mayImportRuntime(ts)) continue;
      const js = transformSync(ts, { loader: "ts", format: "esm", supported: { using: false } }).code;
      const url = pathToFileURL(file).href;
      // Only what the compiler changes: a module it returns as it was costs no compile.
      if (compile(js, { filename: url, isRuntimeModule: runtimeEntry(root, url), sourceMaps: false }).compiled === 0) {
        continue;
      }
      modules.push({ url, isRuntimeModule: runtimeEntry(root, url), ts, js });
    }
  }
  return modules;
}

/**
 * Which specifiers are mini-tokio's entry for a module at `url`: the
 * corpus imports `src/index.js` by relative path, and the compiler running
 * here (from the bench's build) knows only its own copy of the sources.
 */
function runtimeEntry(root: string, url: string): (specifier: string) => boolean {
  const entry = pathToFileURL(join(root, "src", "index")).href;
  return (specifier) => {
    if (specifier === "mini-tokio") return true;
    if (!specifier.startsWith(".")) return false;
    return new URL(specifier, url).href.replace(/\.(?:[cm]?[jt]s)$/, "") === entry;
  };
}

/** Milliseconds per MB of `bytes`, from a run of `ms`. */
const perMB = (ms: number, bytes: number): number => (ms * 1024 * 1024) / bytes;

/** Times `pass` (one pass over the corpus) `samples` times after a warm-up, in ms per pass. */
function sample(pass: () => void, samples: number): number[] {
  for (let i = 0; i < 2; i++) pass();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    pass();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Measures the corpus under `root`. */
export function measureCompileSpeed(quick: boolean, root = ROOT): Bench {
  const modules = corpus(root);
  const bytes = modules.reduce((n, m) => n + Buffer.byteLength(m.js), 0);
  const samples = quick ? 3 : 9;
  const compileAll = (sourceMaps: boolean) => (): void => {
    for (const m of modules) compile(m.js, { filename: m.url, isRuntimeModule: m.isRuntimeModule, sourceMaps });
  };
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-bench-cache-"));
  let cachedSamples: number[];
  try {
    const cache = new CompileCache(dir);
    for (const m of modules)
      cache.set(cache.key(m.url, m.js), compile(m.js, { filename: m.url, isRuntimeModule: m.isRuntimeModule }).code);
    cachedSamples = sample(() => {
      for (const m of modules) {
        if (cache.get(cache.key(m.url, m.js)) === undefined) throw new Error(`bench: ${m.url} missed the cache`);
      }
    }, samples);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const tsBytes = modules.reduce((n, m) => n + Buffer.byteLength(m.ts), 0);
  const strip = sample(() => {
    for (const m of modules) transformSync(m.ts, { loader: "ts", format: "esm", sourcemap: true });
  }, samples);

  const row = (id: string, label: string, ms: readonly number[], of = bytes, note?: string): Row => {
    const values = ms.map((x) => round(perMB(x, of)));
    return {
      id,
      label,
      ...(note === undefined ? {} : { note }),
      size: of,
      value: round(median(values)),
      samples: values,
    };
  };
  const rows: Row[] = [
    row("compile", "compile(code), with a source map", sample(compileAll(true), samples)),
    row("compile-no-map", "compile(code), no source map", sample(compileAll(false), samples)),
    row(
      "cached",
      "a cached run (the register hook's key and file read)",
      cachedSamples,
      bytes,
      "what `node --import mini-tokio/register` pays for a module it has compiled before",
    ),
    row(
      "esbuild",
      "esbuild stripping the TypeScript (for scale)",
      strip,
      tsBytes,
      "what tsx already pays for the same modules, before the hook sees them",
    ),
  ];
  const targets: TargetSpec[] = [
    // Issue 13: at least 1 MB of source per second.
    { kind: "most", row: "compile", max: 1000 },
    // Issue 13: cached runs free, read as "at most a twentieth of compiling".
    { kind: "within", row: "cached", of: "compile", versus: "compiling", max: 0.05 },
  ];
  const unit = "ms per MB";
  return {
    id: "compile-speed",
    title: "mini-tokio/compile: compile speed",
    unit,
    rows,
    verdicts: evaluate(rows, targets, unit),
    notes: [
      `The corpus: the ${modules.length} modules of this repository that the compiler changes (under test/, examples/ and bench/contenders/), ${(bytes / 1024).toFixed(0)} KB of JavaScript; one sample compiles all of them.`,
      "1,000 ms per MB is 1 MB of source a second.",
    ],
    measuredAt: new Date().toISOString(),
    quick,
    section: "compile",
    baseline: { id: "compile", label: "compile" },
  };
}

if (isMain(import.meta.url)) {
  const { quick, out } = childArgs(process.argv.slice(2));
  writeResults([measureCompileSpeed(quick)], out);
}
