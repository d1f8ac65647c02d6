// `npm test`: the typecheck, the lint and every test file under test/, run
// side by side so the whole thing fits in about a minute on two cores.
//
//   node scripts/test.mjs                    typecheck + lint + all tests (what CI runs)
//   node scripts/test.mjs --tests-only       the tests alone (another Node version in CI)
//   node scripts/test.mjs --tests-only sync  test files whose path contains "sync"
//   node scripts/test.mjs --tests-only --no-slow   without the slow group
//   node scripts/test.mjs --tests-only --compiled-only   the compiled group alone (npm run test:compiled)
//
// The test files are split in three groups, run at the same time:
//
// - fast: most files, several at once (`--test-concurrency`);
// - alloc: files that count garbage collections (they call
//   `collectionsDuring`), one at a time, with V8 compiling optimized code on
//   the main thread (`--no-concurrent-recompilation`, `--no-concurrent-osr`),
//   so the point where a loop stops allocating does not move with the
//   machine's load;
// - slow: the browser tests and the packed-package test (SLOW below), one
//   at a time: each starts Chromium or npm, which use cores of their own;
// - compiled: the files in COMPILED a second time, with mini-tokio/register
//   compiling every generator future to a poll state machine.
//
// Node 20's `--test` does not look for .ts files by itself, and given no test
// it exits 0 having run nothing, so we list the files ourselves and fail
// when there are none, or when none of their tests ran. Tests never write
// into the work tree (they use os.tmpdir()); the run checks that too. The
// last line is `N passed, N failed` (CI reads it).

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

/** Path fragments of the slow group. */
const SLOW = ["test/browser/", "test/package/"];

/**
 * Path fragments of the files the compiled group runs a second time, with
 * every generator future compiled to a state machine by mini-tokio/register
 * (the suite must pass both ways). `npm run test:compiled` runs it alone.
 */
const COMPILED = [
  "test/future/generator.test.ts",
  "test/combinators/",
  "test/sync/",
  "test/time/",
  "test/task/",
  "test/interop/",
  "test/stream/",
  "test/runtime/runtime.test.ts",
  "test/trace/",
  "test/illustrate/model.test.ts",
  "test/illustrate/sequence-svg.test.ts",
  "test/compile/compiled-group.test.ts",
];

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith(".test.ts")) found.push(path);
  }
  return found.sort();
}

const args = process.argv.slice(2);
const testsOnly = args.includes("--tests-only");
const noSlow = args.includes("--no-slow");
const noCompiled = args.includes("--no-compiled");
const compiledOnly = args.includes("--compiled-only");
const filter = args.filter((a) => !a.startsWith("--"));
const files = findTests("test").filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error(`no test files found under test/${filter.length ? ` matching ${filter.join(", ")}` : ""}`);
  process.exit(1);
}
const countsDir = mkdtempSync(join(tmpdir(), "mini-tokio-test-"));
const slow = files.filter((f) => SLOW.some((s) => f.includes(s)));
const alloc = files.filter((f) => !slow.includes(f) && readFileSync(f, "utf8").includes("collectionsDuring("));
const fast = files.filter((f) => !slow.includes(f) && !alloc.includes(f));
const compiled = files.filter((f) => !alloc.includes(f) && COMPILED.some((c) => f.includes(c)));
// mini-tokio/register from source, after tsx: its hooks compile what tsx
// hands on (JavaScript on Node 20, TypeScript they strip themselves on
// newer Node).
const register = "./src/compile/register.ts";

/** Runs a command; resolves to its exit code and (unless `live`) what it printed. */
function run(name, command, commandArgs, { live = false } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { stdio: live ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    child.on("close", (code, signal) =>
      resolve({ name, code: code ?? 1, signal, output, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** A `node --test` run of one group, counted by scripts/count-reporter.mjs. */
function testGroup(name, groupFiles, { concurrency, v8 = [], imports = [], live = false }) {
  const countFile = join(countsDir, `${name}.json`);
  const job = run(
    `${name} tests (${groupFiles.length} files)`,
    process.execPath,
    [
      "--expose-gc",
      ...v8,
      "--import",
      "tsx",
      ...imports.flatMap((i) => ["--import", i]),
      "--test",
      `--test-concurrency=${concurrency}`,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=./scripts/count-reporter.mjs",
      `--test-reporter-destination=${countFile}`,
      ...groupFiles,
    ],
    { live },
  );
  return job.then((result) => ({ ...result, countFile }));
}

/** Files a run left in the work tree (untracked or ignored, outside node_modules). */
function strayFiles() {
  const status = spawnSync(
    "git",
    ["status", "--porcelain", "--ignored", "--untracked-files=all", "--", ".", ":!node_modules"],
    {
      encoding: "utf8",
    },
  );
  if (status.status !== 0) return undefined; // not a git checkout: nothing to compare
  return new Set(status.stdout.split("\n").filter((l) => l.startsWith("?? ") || l.startsWith("!! ")));
}

/** The V8 flags this Node accepts, of those asked for (newer V8s drop some). */
function acceptedFlags(flags) {
  return flags.filter((f) => spawnSync(process.execPath, [f, "-e", ""], { stdio: "ignore" }).status === 0);
}

const before = strayFiles();
const cores = availableParallelism();
const jobs = [];
// The fast group streams its output as it runs; the others print when done.
if (compiledOnly) {
  jobs.push(
    testGroup("compiled", compiled, {
      concurrency: Math.max(2, cores),
      imports: [register],
      live: true,
    }),
  );
}
if (fast.length > 0 && !compiledOnly)
  jobs.push(testGroup("fast", fast, { concurrency: Math.max(2, cores), live: true }));
if (compiled.length > 0 && !noCompiled && !compiledOnly) {
  // After tsx in the hook chain: the compiler sees what tsx made of each file.
  jobs.push(testGroup("compiled", compiled, { concurrency: 1, imports: [register] }));
}
if (alloc.length > 0 && !compiledOnly) {
  jobs.push(
    testGroup("alloc", alloc, {
      concurrency: 1,
      v8: acceptedFlags(["--no-concurrent-recompilation", "--no-concurrent-osr"]),
    }),
  );
}
if (slow.length > 0 && !noSlow && !compiledOnly) jobs.push(testGroup("slow", slow, { concurrency: 1 }));
if (!testsOnly) {
  // Incremental: the build info lives in node_modules/.cache, never in the work tree proper.
  const cache = join("node_modules", ".cache", "mini-tokio");
  mkdirSync(cache, { recursive: true });
  const tsc = join("node_modules", "typescript", "bin", "tsc");
  jobs.push(
    run("typecheck", process.execPath, [
      tsc,
      "-p",
      "tsconfig.json",
      "--noEmit",
      "--incremental",
      "--tsBuildInfoFile",
      join(cache, "tsconfig.tsbuildinfo"),
    ]),
  );
  jobs.push(
    run("lint", process.execPath, [
      join("node_modules", "@biomejs", "biome", "bin", "biome"),
      "check",
      "--error-on-warnings",
      ".",
    ]),
  );
}

const results = await Promise.all(jobs);
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const r of results) {
  if (r.output !== "") console.log(`\n── ${r.name} (${r.seconds.toFixed(1)} s) ──\n${r.output.trimEnd()}`);
  else console.log(`── ${r.name}: ${r.code === 0 ? "ok" : "failed"} (${r.seconds.toFixed(1)} s)`);
  if (r.code !== 0) problems.push(`${r.name} failed (exit ${r.signal ?? r.code})`);
  if (r.countFile !== undefined) {
    try {
      const counts = JSON.parse(readFileSync(r.countFile, "utf8"));
      passed += counts.passed;
      failed += counts.failed;
      skipped += counts.skipped;
    } catch {
      problems.push(`${r.name}: the test runner wrote no counts`);
    }
  }
}
rmSync(countsDir, { recursive: true, force: true });

const after = strayFiles();
if (before !== undefined && after !== undefined) {
  const written = [...after].filter((l) => !before.has(l)).map((l) => l.slice(3));
  if (written.length > 0) problems.push(`the tests wrote into the work tree (use os.tmpdir()): ${written.join(", ")}`);
}
if (passed === 0) problems.push("the test runner executed no test: failing rather than reporting success");
for (const p of problems) console.error(p);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped (see SKIP above)` : ""}`);
process.exit(problems.length > 0 || failed > 0 ? 1 : 0);
