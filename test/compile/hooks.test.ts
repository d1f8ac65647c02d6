// The register hooks, called directly: what they load and when.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

test("the hooks load the compiler (and Babel) only for a module the cache lacks", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-hooks-"));
  const before = process.env.MINI_TOKIO_COMPILE_CACHE;
  process.env.MINI_TOKIO_COMPILE_CACHE = dir; // read when the hooks module loads
  try {
    const { loadSync, compilerLoaded } = await import("../../src/compile/hooks.js");
    const { CompileCache } = await import("../../src/compile/cache.js");
    const url = pathToFileURL(join(dir, "app.mjs")).href;
    const source = 'import { future } from "mini-tokio";\nexport const f = future(function* () { return 1; });\n';
    const load = (text: string) => loadSync(url, {}, () => ({ format: "module", source: text }));

    // Nothing to compile: a module without generator futures passes through.
    assert.equal(load("export const x = 1;\n").source, "export const x = 1;\n");
    // A module the cache has: its cached code, and still no compiler.
    const cache = new CompileCache(dir);
    cache.set(cache.key(url, source), "export const f = 'from the cache';\n");
    assert.equal(load(source).source, "export const f = 'from the cache';\n");
    assert.equal(compilerLoaded(), false, "a cached module loaded the compiler");
    // A module it lacks: compiled, which loads the compiler.
    const compiled = String(load(`${source}// changed\n`).source);
    assert.match(compiled, /__miniTokioCompiled\.(once|body)\(function \(/);
    assert.equal(compilerLoaded(), true);
  } finally {
    if (before === undefined) delete process.env.MINI_TOKIO_COMPILE_CACHE;
    else process.env.MINI_TOKIO_COMPILE_CACHE = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
