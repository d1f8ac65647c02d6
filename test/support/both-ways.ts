// Test support: runs a module's source uncompiled or compiled, in this
// process, against this repository's runtime (no files written).

import { transformSync } from "esbuild";
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
export function evaluate(source: string, compiled: boolean, lowerUsing = false): Exports {
  let code = source;
  if (compiled) {
    const result = compile(source, { filename: "program.js", sourceMaps: false });
    if (result.warnings.length > 0)
      throw new Error(`not compiled: ${result.warnings.map((w) => w.message).join("; ")}`);
    if (result.compiled === 0) throw new Error("nothing was compiled");
    code = result.code;
  }
  // Node 20 cannot run native `using`: lower what is left of it as tsx would
  // there (on the generator side, all of it; on the compiled side, the
  // blocks without awaits, which the compiler copies as they are).
  if (lowerUsing) code = transformSync(code, { format: "esm", supported: { using: false } }).code;
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

/** Everything a run shows: compared between the generator and the compiled run. */
export interface Observed {
  value?: unknown;
  error?: string;
  log: unknown[];
  events: string[];
}

/** How {@link observe} runs a program. */
export interface RunOptions {
  /** Scheduling seed for the runtime. */
  seed?: number;
  /** Drop the future after it has been polled this many times (if it is still pending then). */
  dropAfterPolls?: number;
  /** Lower native `using` (which Node 20 cannot run) after compiling; see {@link evaluate}. */
  lowerUsing?: boolean;
}

/**
 * Runs `out.make(log)` (a future) on a virtual-time runtime and records
 * its value or error, the log it wrote and the runtime's trace events.
 */
export function observe(source: string, compiled: boolean, options: RunOptions = {}): Observed {
  const exported = evaluate(source, compiled, options.lowerUsing ?? false);
  const make = exported.make;
  if (typeof make !== "function") throw new Error("the program must set out.make = (log) => future");
  const log: unknown[] = [];
  const events: string[] = [];
  const rt = new lib.Runtime({ clock: "virtual", ...(options.seed === undefined ? {} : { seed: options.seed }) });
  rt.onEvent((e) => {
    events.push(
      "task" in e
        ? `${e.kind} #${e.task}${e.kind === "pending" ? ` ${e.waitingOn}` : ""}${e.kind === "failed" ? ` ${errorText(e.error)}` : ""}`
        : e.kind,
    );
  });
  const made: unknown = make(log);
  if (!lib.isFuture(made)) throw new Error("out.make(log) must return a future");
  const root = options.dropAfterPolls === undefined ? made : new DropAfter(made, options.dropAfterPolls, log);
  const result: Observed = { log, events };
  try {
    result.value = rt.blockOn(root);
  } catch (error) {
    result.error = errorText(error);
  }
  rt.shutdown();
  return result;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `thrown ${String(error)}`;
}

/** Polls `inner` at most `polls` times, then drops it (logging what the drop threw). */
class DropAfter<T> implements lib.Future<T | "dropped"> {
  private polled = 0;
  constructor(
    private readonly inner: lib.Future<T>,
    private readonly polls: number,
    private readonly log: unknown[],
  ) {}
  poll(cx: lib.Context): lib.Poll<T | "dropped"> {
    if (this.polled++ >= this.polls) {
      this.log.push("drop");
      try {
        this.inner[Symbol.dispose]?.();
      } catch (error) {
        this.log.push(`drop threw ${errorText(error)}`);
      }
      return "dropped";
    }
    return this.inner.poll(cx);
  }
  [Symbol.dispose](): void {
    this.inner[Symbol.dispose]?.();
  }
}
