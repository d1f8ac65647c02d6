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
import { fileURLToPath } from "node:url";
import { CompileCache } from "./cache.js";
import { type CompileSourceMap, compile } from "./compile.js";
import { mayImportRuntime, runtimeModuleTest } from "./runtime-module.js";

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
const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** Node's `load` hook: the next loader's result, compiled when it is an ES module that imports mini-tokio. */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const loaded = await nextLoad(url, context);
  // Current Node strips TypeScript itself: a `.ts` module may come on as
  // "module-typescript" (see isTypeScript): strip it here, then compile.
  const result =
    loaded.format === "module-typescript" && hasStripper()
      ? { ...loaded, format: "module", source: stripTypes(url, textOf(loaded.source) ?? "") }
      : loaded;
  if (result.format !== "module" || !url.startsWith("file:") || url.includes("/node_modules/")) return result;
  const source = textOf(result.source);
  if (source === undefined || !mayImportRuntime(source)) return result;
  const key = cache.key(url, source);
  const cached = cache.get(key);
  if (cached !== undefined) return cached === UNCHANGED ? result : { ...result, source: cached };
  const code = compileModule(url, isTypeScript(url, source) ? stripTypes(url, source) : source);
  cache.set(key, code ?? UNCHANGED);
  return code === undefined ? result : { ...result, source: code };
}

/**
 * On current Node (22.7 and later, where Node strips TypeScript itself),
 * tsx may hand a `.ts` file on as TypeScript, not JavaScript; Babel here
 * parses JavaScript only. Node's own `stripTypeScriptTypes` (22.13+) turns
 * it into JavaScript first, keeping positions for the stack traces. A file
 * it cannot strip (TypeScript-only syntax on Node 26, where only "strip"
 * is left) stays uncompiled, with a warning: it still runs.
 */
function isTypeScript(url: string, source: string): boolean {
  return /\.(?:ts|mts|cts)(?:\?|$)/.test(url) && !INLINE_MAP.test(source) && hasStripper();
}

function hasStripper(): boolean {
  return typeof Reflect.get(nodeModule, "stripTypeScriptTypes") === "function";
}

function stripTypes(url: string, source: string): string {
  const strip: unknown = Reflect.get(nodeModule, "stripTypeScriptTypes");
  if (typeof strip !== "function") return source;
  try {
    const out: unknown = Reflect.apply(strip, nodeModule, [
      source,
      { mode: "transform", sourceMap: true, sourceUrl: url },
    ]);
    return typeof out === "string" ? out : source;
  } catch {
    return source; // the compile below then leaves it as it is, with a warning
  }
}

function compileModule(url: string, source: string): string | undefined {
  const mapMatch = INLINE_MAP.exec(source);
  const code = mapMatch ? source.slice(0, mapMatch.index) : source;
  const inputSourceMap = mapMatch?.[1] === undefined ? undefined : parseMap(mapMatch[1]);
  let out: ReturnType<typeof compile>;
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
