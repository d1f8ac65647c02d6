/**
 * The esbuild plugin: compiles the generator futures of every source file
 * that imports mini-tokio, after esbuild has stripped its TypeScript.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { compile } from "./compile.js";
import { isDependency, mayImportRuntime, runtimeModuleTest, SOURCE_FILE } from "./runtime-module.js";

/** Options of {@link esbuildPlugin}. */
export interface EsbuildPluginOptions {
  /** Which files to look at (default: `.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.jsx`, `.tsx`, outside node_modules). */
  filter?: RegExp;
  /** Called with each warning (default: esbuild reports them as build warnings). */
  onWarning?: (message: string) => void;
}

/** The part of esbuild's plugin API this plugin uses (esbuild is not a dependency of this entry). */
interface PluginBuild {
  onLoad(
    options: { filter: RegExp },
    callback: (args: {
      path: string;
    }) => Promise<{ contents: string; loader: "js"; warnings: { text: string }[]; resolveDir?: string } | undefined>,
  ): void;
  esbuild: {
    transform(
      code: string,
      options: {
        loader: "ts" | "tsx" | "jsx" | "js";
        sourcefile: string;
        sourcemap: "external";
        format: "esm";
        supported: { using: boolean };
      },
    ): Promise<{ code: string; map: string }>;
  };
}

/**
 * An esbuild plugin compiling generator futures into state machines.
 *
 * @example
 * ```ts no-run
 * import { build } from "esbuild";
 * import { esbuildPlugin } from "mini-tokio/compile";
 * await build({ entryPoints: ["app.ts"], bundle: true, outfile: "out.js", plugins: [esbuildPlugin()] });
 * ```
 */
export function esbuildPlugin(options: EsbuildPluginOptions = {}): { name: string; setup(build: PluginBuild): void } {
  const filter = options.filter ?? SOURCE_FILE;
  if (!(filter instanceof RegExp)) throw new TypeError("esbuildPlugin({ filter }): filter must be a RegExp");
  return {
    name: "mini-tokio-compile",
    setup(build) {
      build.onLoad({ filter }, async ({ path }) => {
        if (isDependency(path)) return undefined;
        const source = await readFile(path, "utf8");
        if (!mayImportRuntime(source)) return undefined;
        const loader = path.endsWith("x")
          ? path.endsWith(".tsx")
            ? "tsx"
            : "jsx"
          : /\.[cm]?ts$/.test(path)
            ? "ts"
            : "js";
        const stripped = await build.esbuild.transform(source, {
          loader,
          sourcefile: path,
          sourcemap: "external",
          format: "esm",
          // `using` lowered to try/finally, which the compiler handles.
          supported: { using: false },
        });
        const url = pathToFileURL(path).href;
        const out = compile(stripped.code, {
          filename: path,
          isRuntimeModule: runtimeModuleTest(url),
          inputSourceMap: JSON.parse(stripped.map),
        });
        for (const w of out.warnings) options.onWarning?.(w.message);
        if (out.compiled === 0) return undefined;
        const map =
          out.map === undefined
            ? ""
            : `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(out.map)).toString("base64")}`;
        return {
          contents: out.code + map,
          loader: "js",
          warnings: options.onWarning === undefined ? out.warnings.map((w) => ({ text: w.message })) : [],
        };
      });
    },
  };
}
