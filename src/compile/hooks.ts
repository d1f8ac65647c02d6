/**
 * Node module hooks (`module.register`) that compile generator futures as
 * modules load. Registered by `mini-tokio/register`.
 *
 * The `load` hook asks the next loader first, so it composes with loaders
 * registered before it: with `--import tsx --import mini-tokio/register`,
 * tsx strips the TypeScript and this hook compiles the JavaScript that
 * comes out (its source map is carried through). Only ES modules whose
 * source imports mini-tokio are touched; the rest pass through unread.
 *
 * @module
 */

import * as nodeModule from "node:module";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CompileCache } from "./cache.js";
import type { CompileOptions, CompileResult, CompileSourceMap } from "./compile.js";
import { isDependency, mayImportRuntime, runtimeModuleTest } from "./runtime-module.js";

/** What Node passes to a `load` hook and expects back (the subset used here). */
interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean | undefined;
}
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

const cache = new CompileCache();
/** An entry meaning "nothing to compile here", so the file is not parsed again. */
const UNCHANGED = "";
/** This directory: the compiler's own modules, which the hooks never compile. */
const OWN_DIRECTORY = new URL("./", import.meta.url).href;
const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** Node's `load` hook (`module.register`): the next loader's result, compiled when it is an ES module that imports mini-tokio. */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const step = lookUp(url, await nextLoad(url, context));
  return "result" in step ? step.result : compileAndStore(step, compiler ?? (await loadCompiler()));
}

/** The same hook, synchronous, for `module.registerHooks` (Node 22.15 and later). */
export function loadSync(
  url: string,
  context: unknown,
  nextLoad: (url: string, context: unknown) => LoadResult,
): LoadResult {
  const step = lookUp(url, nextLoad(url, context));
  return "result" in step ? step.result : compileAndStore(step, compiler ?? loadCompilerSync());
}

/** A module that must be compiled: not in the cache yet. */
interface Miss {
  readonly url: string;
  readonly loaded: LoadResult;
  readonly source: string;
  readonly key: string;
}

/**
 * What the hooks return for `loaded`, the next loader's result for `url`,
 * without compiling: the result itself (nothing to compile, or the cache
 * has it), or the miss to compile.
 */
function lookUp(url: string, loaded: LoadResult): { readonly result: LoadResult } | Miss {
  // Current Node strips TypeScript itself: a `.ts` module may come on as
  // "module-typescript" (see isTypeScript): strip it here, then compile.
  const result =
    loaded.format === "module-typescript" && hasStripper()
      ? { ...loaded, format: "module", source: stripTypes(url, textOf(loaded.source) ?? "") }
      : loaded;
  if (result.format !== "module" || !url.startsWith("file:") || isDependency(url)) return { result };
  // The compiler's own modules: on Node 20 the hooks see the import that
  // loads the compiler, and waiting for it there would never end.
  if (url.startsWith(OWN_DIRECTORY)) return { result };
  const source = textOf(result.source);
  if (source === undefined || !mayImportRuntime(source)) return { result };
  const key = cache.key(url, source);
  const cached = cache.get(key);
  if (cached !== undefined) return { result: cached === UNCHANGED ? result : { ...result, source: cached } };
  return { url, loaded: result, source, key };
}

function compileAndStore(miss: Miss, compile: Compile): LoadResult {
  const { url, loaded, source, key } = miss;
  const code = compileModule(compile, url, isTypeScript(url, source) ? stripTypes(url, source) : source);
  cache.set(key, code ?? UNCHANGED);
  return code === undefined ? loaded : { ...loaded, source: code };
}

type Compile = (code: string, options: CompileOptions) => CompileResult;

/**
 * The compiler (and Babel under it), loaded at the first module the cache
 * does not have: a run whose modules are all cached, or that has none to
 * compile, never loads Babel, which costs more at startup than the rest of
 * the hooks together.
 */
let compiler: Compile | undefined;

async function loadCompiler(): Promise<Compile> {
  const loaded = await import("./compile.js");
  compiler = loaded.compile;
  return compiler;
}

/** The same, synchronously: `require` of an ES module, which Node has wherever it has `registerHooks`. */
function loadCompilerSync(): Compile {
  const loaded: unknown = createRequire(import.meta.url)("./compile.js");
  if (!isCompilerModule(loaded)) throw new Error("mini-tokio/register: ./compile.js has no compile function");
  compiler = loaded.compile;
  return compiler;
}

/** True once the compiler was loaded (for tests: a fully cached run must not load it). @internal */
export function compilerLoaded(): boolean {
  return compiler !== undefined;
}

function isCompilerModule(x: unknown): x is { compile: Compile } {
  return typeof x === "object" && x !== null && "compile" in x && typeof x.compile === "function";
}

/**
 * On current Node (22.7 and later, where Node strips TypeScript itself),
 * tsx may hand a `.ts` file on as TypeScript, not JavaScript; Babel here
 * parses JavaScript only, so the hook strips the types first.
 */
function isTypeScript(url: string, source: string): boolean {
  return /\.(?:ts|mts|cts)(?:\?|$)/.test(url) && !INLINE_MAP.test(source) && hasStripper();
}

/** The part of esbuild's API the hook uses. */
interface Esbuild {
  transformSync(
    source: string,
    options: { loader: "ts"; format: "esm"; sourcemap: "inline"; sourcefile: string; target: string },
  ): { code: string };
}

let esbuild: Esbuild | false | undefined;

/**
 * esbuild, when it can be found: next to mini-tokio, or in the program's
 * own `node_modules` (tsx depends on it, so a program run with tsx has
 * it). It strips every TypeScript construct, parameter properties and
 * enums included, which Node's own stripper refuses on Node 26 (only its
 * "strip" mode is left there).
 */
function findEsbuild(): Esbuild | undefined {
  if (esbuild === undefined) {
    esbuild = false;
    for (const from of [import.meta.url, pathToFileURL(join(process.cwd(), "package.json")).href]) {
      try {
        const found: unknown = createRequire(from)("esbuild");
        if (isEsbuild(found)) {
          esbuild = found;
          break;
        }
      } catch {
        // Not installed there: try the next place.
      }
    }
  }
  return esbuild === false ? undefined : esbuild;
}

function isEsbuild(x: unknown): x is Esbuild {
  return typeof x === "object" && x !== null && "transformSync" in x && typeof x.transformSync === "function";
}

function hasStripper(): boolean {
  return findEsbuild() !== undefined || typeof Reflect.get(nodeModule, "stripTypeScriptTypes") === "function";
}

/**
 * JavaScript from TypeScript, with an inline source map back to it: by
 * esbuild when it is installed, else by Node's own `stripTypeScriptTypes`
 * (its "transform" mode where Node still has it, else "strip", which
 * refuses TypeScript-only syntax). What neither can strip stays as it is;
 * the compile then leaves the file uncompiled, with a warning: it still
 * runs.
 */
function stripTypes(url: string, source: string): string {
  const found = findEsbuild();
  if (found !== undefined) {
    try {
      return found.transformSync(source, {
        loader: "ts",
        format: "esm",
        sourcemap: "inline",
        sourcefile: fileURLToPath(url),
        // What this Node cannot run (`using` before Node 24) is lowered, as tsx does.
        target: `node${process.versions.node}`,
      }).code;
    } catch {
      return source;
    }
  }
  const strip: unknown = Reflect.get(nodeModule, "stripTypeScriptTypes");
  if (typeof strip !== "function") return source;
  for (const mode of ["transform", "strip"]) {
    try {
      const out: unknown = Reflect.apply(strip, nodeModule, [
        source,
        { mode, sourceMap: mode === "transform", sourceUrl: url },
      ]);
      if (typeof out === "string") return out;
    } catch {
      // This Node has no such mode, or the source needs more than stripping.
    }
  }
  return source;
}

function compileModule(compile: Compile, url: string, source: string): string | undefined {
  const mapMatch = INLINE_MAP.exec(source);
  const code = mapMatch ? source.slice(0, mapMatch.index) : source;
  const inputSourceMap = mapMatch?.[1] === undefined ? undefined : parseMap(mapMatch[1]);
  let out: CompileResult;
  try {
    out = compile(code, {
      filename: fileURLToPath(url),
      isRuntimeModule: runtimeModuleTest(url),
      ...(inputSourceMap === undefined ? {} : { inputSourceMap }),
    });
  } catch (error) {
    // A syntax Babel does not know yet: run the file as it is.
    process.emitWarning(`mini-tokio/register: ${url} left uncompiled: ${String(error)}`);
    return undefined;
  }
  for (const w of out.warnings) process.emitWarning(`mini-tokio/register: ${w.message}`);
  if (out.compiled === 0) return undefined;
  const map =
    out.map === undefined
      ? ""
      : `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(out.map)).toString("base64")}`;
  return out.code + map;
}

function parseMap(base64: string): CompileSourceMap | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
    return isSourceMap(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isSourceMap(x: unknown): x is CompileSourceMap {
  return typeof x === "object" && x !== null && "mappings" in x && typeof x.mappings === "string";
}

function textOf(source: LoadResult["source"]): string | undefined {
  if (source === null || source === undefined) return undefined;
  if (typeof source === "string") return source;
  return new TextDecoder().decode(source);
}
