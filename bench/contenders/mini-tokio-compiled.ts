/**
 * mini-tokio compiled: `contenders/mini-tokio.ts` as `mini-tokio/compile`
 * turns it into state machines (see `bench/compiled.ts`). Same source, same
 * checksums; no generator object, no generator closure per call.
 *
 * @module
 */

import { importCompiled } from "../compiled.js";
import type * as Generators from "./mini-tokio.js";

// SAFETY (bench only): the module is mini-tokio.ts itself, compiled; it has its exports.
const compiled = (await importCompiled(new URL("./mini-tokio.js", import.meta.url))) as typeof Generators;

export const { spawnJoin, spawnJoinInline, yields, parkGenerator } = compiled;
