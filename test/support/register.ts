// Which mini-tokio/register the tests load after tsx: the source one. Its
// hooks compile what tsx hands on: JavaScript on Node 20; on newer Node,
// TypeScript, which they strip themselves (with esbuild, which tsx brings)
// before compiling. From Node 22.15 they run on the main thread
// (`module.registerHooks`), so tsx resolves their own imports too.

import { resolve } from "node:path";

/** The register module to `--import` after tsx. */
export const REGISTER: string = resolve("src/compile/register.ts");
