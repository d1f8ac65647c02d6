// Which mini-tokio/register the tests load after tsx. On Node 20, tsx's
// hooks turn each TypeScript file into JavaScript before ours compile it,
// and they also load our hooks module from its TypeScript source. On newer
// Node, tsx leaves some of that to Node's own type stripping, which our
// hooks do not fully reproduce yet (TypeScript-only syntax such as
// parameter properties cannot be stripped on Node 26): running a
// TypeScript program compiled through the hooks is tested on Node 20 only
// until that is done. The built register on JavaScript is not affected.

import { resolve } from "node:path";

/** The register module to `--import` after tsx, or undefined where it is not tested (see {@link registerMissing}). */
export const REGISTER: string | undefined = process.versions.node.startsWith("20.")
  ? resolve("src/compile/register.ts")
  : undefined;

/** Why {@link REGISTER} is undefined. */
export const registerMissing = `on Node ${process.versions.node}, tsx hands TypeScript to Node's own stripping, which mini-tokio/register does not reproduce yet: tested on Node 20`;
