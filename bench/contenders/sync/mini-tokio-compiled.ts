/**
 * The channel and lock benchmarks' generator tasks, compiled by
 * `mini-tokio/compile` (see `bench/compiled.ts`).
 *
 * @module
 */

import { importCompiled } from "../../compiled.js";
import type * as Generators from "./mini-tokio.js";

// SAFETY (bench only): the module is sync/mini-tokio.ts itself, compiled; it has its exports.
const compiled = (await importCompiled(new URL("./mini-tokio.js", import.meta.url))) as typeof Generators;

export const { mpscRoundTrips, oneshotRoundTrips, workQueue } = compiled;
