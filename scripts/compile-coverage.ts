// How much of each file the compiler turns into state machines: for each
// file given, the generator futures compiled and the warnings for the ones
// left as generators. Used to choose the files `npm run test:compiled` runs.
//
//   node --import tsx scripts/compile-coverage.ts test/**/*.test.ts

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { transform } from "esbuild";
import { compile } from "../src/compile/compile.js";
import { runtimeModuleTest } from "../src/compile/runtime-module.js";

const verbose = process.argv.includes("--verbose");
for (const file of process.argv.slice(2).filter((a) => !a.startsWith("--"))) {
  const path = resolve(file);
  const js = await transform(readFileSync(path, "utf8"), { loader: "ts", format: "esm", supported: { using: false } });
  const started = performance.now();
  const out = compile(js.code, { filename: file, isRuntimeModule: runtimeModuleTest(pathToFileURL(path).href) });
  const ms = performance.now() - started;
  console.log(`${file}: ${out.compiled} compiled, ${out.warnings.length} left (${ms.toFixed(0)} ms)`);
  if (verbose) for (const w of out.warnings) console.log(`  ${w.message}`);
}
