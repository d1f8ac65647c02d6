/**
 * `mini-tokio/process`: child processes with their pipes as `AsyncRead`
 * and `AsyncWrite` (tokio's `process`). Node-only (`node:child_process`);
 * Bun and Deno implement it too.
 *
 * @module mini-tokio/process
 */

export { Child, type ExitStatus } from "./child.js";
export { Command, type Output, type Stdio } from "./command.js";
