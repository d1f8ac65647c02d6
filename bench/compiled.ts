/**
 * The compiled contenders: the very modules the generator rows run
 * (`contenders/mini-tokio.ts`, `contenders/sync/mini-tokio.ts`), passed
 * through `mini-tokio/compile` when the benchmark starts, so a compiled row
 * measures the same source as the generator row beside it.
 *
 * How: the module's JavaScript (the build's `.js`, or the `.ts` stripped by
 * esbuild under `--tsx`) is compiled, its relative imports are made absolute
 * (so it shares `src/` with everything else in the process: one runtime
 * module, one poll context), and the result is imported from a temporary
 * file. Any generator the compiler leaves as a generator fails the
 * benchmark, so a compiled row cannot silently measure generators.
 *
 * @module
 */

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { compile } from "../src/compile/compile.js";
import { runtimeModuleTest } from "../src/compile/runtime-module.js";

let scratch: string | undefined;

/** Imports the compiled version of the module at `url` (a sibling `.js` or `.ts`). */
export async function importCompiled(url: URL): Promise<unknown> {
  const js = fileURLToPath(url).replace(/\.ts$/, ".js");
  const ts = js.replace(/\.js$/, ".ts");
  const source = existsSync(js)
    ? readFileSync(js, "utf8")
    : transformSync(readFileSync(ts, "utf8"), { loader: "ts", format: "esm", supported: { using: false } }).code;
  const href = pathToFileURL(existsSync(js) ? js : ts).href;
  const out = compile(source, { filename: href, isRuntimeModule: runtimeModuleTest(href), sourceMaps: false });
  if (out.warnings.length > 0)
    throw new Error(`bench: not everything compiled: ${out.warnings.map((w) => w.message).join("; ")}`);
  const absolute = out.code.replace(
    /(from\s*|import\s*\(\s*)(["'])(\.\.?\/[^"']+)\2/g,
    (_, head: string, quote: string, spec: string) => {
      return `${head}${quote}${new URL(spec, href).href}${quote}`;
    },
  );
  if (scratch === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "mini-tokio-bench-compiled-"));
    // Imported modules are read by then; nothing of the run is left behind.
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  const file = join(scratch, `${js.split(/[\\/]/).slice(-2).join("-")}.mjs`);
  writeFileSync(file, absolute);
  return import(pathToFileURL(file).href);
}
