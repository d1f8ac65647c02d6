// Compile speed, roughly: every test file's JavaScript (TypeScript stripped
// by esbuild first, not timed) through `compile`, warm, in MB of source per
// second. The target is ≥ 1 MB/s; cached runs (mini-tokio/register)
// do not compile at all.
//
//   node --import tsx scripts/compile-speed.ts

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { compile } from "../src/compile/compile.js";
import { runtimeModuleTest } from "../src/compile/runtime-module.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".test.ts") ? [path] : [];
  });
}

const inputs = files("test").map((file) => {
  const path = resolve(file);
  const code = transformSync(readFileSync(path, "utf8"), {
    loader: "ts",
    format: "esm",
    supported: { using: false },
  }).code;
  return { code, isRuntimeModule: runtimeModuleTest(pathToFileURL(path).href), filename: file };
});
const bytes = inputs.reduce((sum, i) => sum + i.code.length, 0);
let compiled = 0;
const rounds = 4;
let best = Number.POSITIVE_INFINITY;
for (let r = 0; r < rounds; r++) {
  const started = performance.now();
  compiled = 0;
  for (const input of inputs) compiled += compile(input.code, input).compiled;
  best = Math.min(best, performance.now() - started);
}
const mb = bytes / 1e6;
console.log(
  `${inputs.length} files, ${mb.toFixed(2)} MB, ${compiled} generator futures compiled: best of ${rounds} ${best.toFixed(0)} ms = ${(mb / (best / 1000)).toFixed(2)} MB/s`,
);
