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

import { register } from "node:module";

const hooks = import.meta.url.endsWith(".ts") ? "./hooks.ts" : "./hooks.js";
register(hooks, import.meta.url);
