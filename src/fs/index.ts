/**
 * `mini-tokio/fs`: files and directories as futures and streams (tokio's
 * `fs`). Node-only (`node:fs`, on libuv's thread pool); Bun and Deno
 * implement it too. Every operation fails with an `IoError` carrying
 * Node's `code` (`ENOENT`, `EEXIST`, …).
 *
 * @module mini-tokio/fs
 */

export { File, type OpenOptions, type SeekFrom } from "./file.js";
export type { PathLike } from "./path-like.js";
export { createDir, metadata, readFile, readToString, remove, rename, writeFile } from "./path-operations.js";
export { ReadDir, readDir } from "./read-dir.js";
