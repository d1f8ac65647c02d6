/**
 * The Rollup plugin, which Vite runs too: compiles the generator futures of
 * every module that imports mini-tokio, in the `transform` hook, after the
 * plugins that turn TypeScript into JavaScript (Vite's own does so before
 * any user plugin; in Rollup, list one before this plugin).
 *
 * The bundler chains the source maps: the one returned here maps the
 * compiled module to the JavaScript the hook was given.
 *
 * @module
 */

import { pathToFileURL } from "node:url";
import { type CompileSourceMap, compile } from "./compile.js";
import { isDependency, mayImportRuntime, runtimeModuleTest, SOURCE_FILE } from "./runtime-module.js";

/** Options of {@link rollupPlugin}. */
export interface RollupPluginOptions {
  /** Which module ids to look at (default: `.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.jsx`, `.tsx`, outside node_modules). */
  filter?: RegExp;
  /** Called with each warning (default: the bundler reports them through `this.warn`). */
  onWarning?: (message: string) => void;
}

/** The part of the plugin context (Rollup's and Vite's) this plugin uses. */
interface TransformContext {
  warn(message: string): void;
}

/** What the plugin is to Rollup and Vite: a name and a `transform` hook (neither is a dependency of this entry). */
export interface RollupPlugin {
  readonly name: string;
  transform(
    this: TransformContext,
    code: string,
    id: string,
  ): { code: string; map: CompileSourceMap | undefined } | null;
}

/**
 * A Rollup (and Vite) plugin compiling generator futures into state
 * machines.
 *
 * @example
 * ```ts no-run
 * // vite.config.ts
 * import { rollupPlugin } from "mini-tokio/compile";
 * export default { plugins: [rollupPlugin()] };
 * ```
 */
export function rollupPlugin(options: RollupPluginOptions = {}): RollupPlugin {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("rollupPlugin(options): options must be an object such as { filter: /\\.ts$/ }");
  }
  const filter = options.filter ?? SOURCE_FILE;
  if (!(filter instanceof RegExp)) throw new TypeError("rollupPlugin({ filter }): filter must be a RegExp");
  const onWarning = options.onWarning;
  if (onWarning !== undefined && typeof onWarning !== "function") {
    throw new TypeError("rollupPlugin({ onWarning }): onWarning must be a function");
  }
  return {
    name: "mini-tokio-compile",
    transform(code, id) {
      // A "\0" id is another plugin's virtual module; a query (`?raw`) is not the module's code.
      if (id.startsWith("\0") || id.includes("?") || isDependency(id)) return null;
      if (!filter.test(id) || !mayImportRuntime(code)) return null;
      const out = compile(code, { filename: id, isRuntimeModule: runtimeModuleTest(pathToFileURL(id).href) });
      for (const w of out.warnings) {
        if (onWarning === undefined) this.warn(w.message);
        else onWarning(w.message);
      }
      if (out.compiled === 0) return null;
      return { code: out.code, map: out.map };
    },
  };
}
