/**
 * `mini-tokio/compile`: generator futures compiled into poll state
 * machines, as rustc compiles an `async fn`.
 *
 * `future(function* () { … })`, `asyncFn(function* … )`, `main(function* … )`
 * and `scope(function* … )` become `compiled.future(…)` /
 * `compiled.asyncFn(…)` calls on a plain function whose `switch` on a saved
 * state does what the generator did, with no generator object and no
 * generator closure per call. Everything observable is the same: values,
 * errors, the order of `finally` blocks, drops at any await, trace events.
 * What cannot be compiled exactly stays a generator, with a warning.
 *
 * Three ways to use it:
 * - `node --import mini-tokio/register app.js` (after `--import tsx` for
 *   TypeScript): Node's module hooks compile every module that imports
 *   mini-tokio, with a cache on disk.
 * - `esbuildPlugin()` in an esbuild build.
 * - {@link compile} on a string, for any other tool.
 *
 * This entry needs `@babel/parser`, `@babel/traverse`, `@babel/generator`
 * and `@babel/types` (optional peer dependencies: the core needs none).
 *
 * @module
 */

export {
  type CompileOptions,
  type CompileResult,
  type CompileSourceMap,
  type CompileWarning,
  compile,
} from "./compile.js";
export { type EsbuildPluginOptions, esbuildPlugin } from "./esbuild-plugin.js";
export { type RollupPlugin, type RollupPluginOptions, rollupPlugin } from "./rollup-plugin.js";
