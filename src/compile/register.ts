/**
 * `node --import mini-tokio/register app.js`: compiles the generator
 * futures of every ES module that imports mini-tokio as it loads.
 *
 * For TypeScript, register a TypeScript loader first, so this one compiles
 * what it outputs: `node --import tsx --import mini-tokio/register app.ts`.
 * Compiled modules are cached on disk, keyed by their content (in
 * `os.tmpdir()`, or the directory `MINI_TOKIO_COMPILE_CACHE` names).
 *
 * @module
 */

import * as nodeModule from "node:module";

// `module.registerHooks` (Node 22.15 and later) runs the hooks on this
// thread, synchronously; Node 26 deprecates `module.register`, which runs
// them on a thread of their own, with a warning on every run.
const registerHooks: unknown = Reflect.get(nodeModule, "registerHooks");
if (typeof registerHooks === "function") {
  const { loadSync } = await import("./hooks.js");
  Reflect.apply(registerHooks, nodeModule, [{ load: loadSync }]);
} else {
  nodeModule.register(import.meta.url.endsWith(".ts") ? "./hooks.ts" : "./hooks.js", import.meta.url);
}
