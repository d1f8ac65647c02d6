// Test support: runs a module's source uncompiled or compiled, in this
// process, against this repository's runtime (no files written).

import { compile } from "../../src/compile/compile.js";
import * as lib from "../../src/index.js";

/** What a program puts on `out`; the uncompiled and compiled runs are compared through it. */
export type Exports = Record<string, unknown>;

/**
 * Evaluates `source` (an ES module whose only imports are from "mini-tokio")
 * with the library bound to this repository's `src/`. `compiled` first runs
 * it through `compile` and fails on any warning, so a test that means to
 * check the compiled path cannot silently check the generator path.
 */
export function evaluate(source: string, compiled: boolean): Exports {
  let code = source;
  if (compiled) {
    const result = compile(source, { filename: "program.js", sourceMaps: false });
    if (result.warnings.length > 0)
      throw new Error(`not compiled: ${result.warnings.map((w) => w.message).join("; ")}`);
    if (result.compiled === 0) throw new Error("nothing was compiled");
    code = result.code;
  }
  code = code.replace(
    /import\s*\{([^}]*)\}\s*from\s*"mini-tokio";/g,
    (_, names: string) => `const {${names.replace(/\bas\b/g, ":")}} = lib;`,
  );
  const out: Exports = {};
  new Function("lib", "out", `"use strict";\n${code}`)(lib, out);
  return out;
}

/** The compiled code of `source`, for tests that look at what was emitted. */
export function compiledCode(source: string): string {
  return compile(source, { filename: "program.js", sourceMaps: false }).code;
}
