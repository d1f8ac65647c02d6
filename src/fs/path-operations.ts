/**
 * One-call file system operations on paths (tokio's `fs::read`,
 * `fs::write`, `fs::metadata`, …): each is a lazy {@link FsOperation}
 * future.
 *
 * @module
 */

import {
  mkdir,
  readFile as nodeReadFile,
  rename as nodeRename,
  writeFile as nodeWriteFile,
  rm,
  rmdir,
  type Stats,
  stat,
} from "node:fs";
import type { Awaitable } from "../index.js";
import { FsOperation } from "./fs-operation.js";
import { checkPath, type PathLike } from "./path-like.js";

/**
 * The whole content of the file at `path`, as a `Buffer` (a Uint8Array).
 *
 * **Cancel safety:** dropping it loses the content read so far; the read
 * finishes in the background into a buffer nobody else holds.
 *
 * @throws TypeError if `path` is not a path; the future throws an
 *   `IoError` (`ENOENT`, `EISDIR`, …).
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { readFile } from "mini-tokio/fs";
 * await main(function* () {
 *   const bytes = yield* readFile("package.json");
 *   console.log(bytes.length);
 * });
 * ```
 */
export function readFile(path: PathLike): Awaitable<Buffer> {
  const p = checkPath("readFile(path)", path);
  return new FsOperation<Buffer>(`fs.readFile(${p})`, (done) => nodeReadFile(p, done));
}

/**
 * The whole content of the file at `path`, decoded as UTF-8 (tokio's
 * `read_to_string`).
 *
 * **Cancel safety:** as {@link readFile}.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { readToString } from "mini-tokio/fs";
 * await main(function* () {
 *   const text = yield* readToString("package.json");
 *   console.log(JSON.parse(text).name);
 * });
 * ```
 */
export function readToString(path: PathLike): Awaitable<string> {
  const p = checkPath("readToString(path)", path);
  return new FsOperation<string>(`fs.readToString(${p})`, (done) => nodeReadFile(p, "utf8", done));
}

/**
 * Writes `data` as the whole content of the file at `path`, creating it or
 * replacing what it held (tokio's `fs::write`). A string is written as
 * UTF-8.
 *
 * **Cancel safety:** not cancel safe: dropped midway, the write goes on in
 * the background (Node copies nothing: do not modify `data` until then),
 * and the file may hold part of it.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { writeFile } from "mini-tokio/fs";
 * await main(function* () {
 *   yield* writeFile("/tmp/greeting.txt", "hello\n");
 * });
 * ```
 */
export function writeFile(path: PathLike, data: Uint8Array | string): Awaitable<void> {
  const p = checkPath("writeFile(path, data)", path);
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError(`writeFile(path, data): data must be a Uint8Array or a string, got ${typeof data}`);
  }
  return new FsOperation<void>(`fs.writeFile(${p})`, (done) => nodeWriteFile(p, data, (e) => done(e, undefined)));
}

/**
 * The metadata of `path` (following symbolic links), as Node's `Stats`.
 *
 * **Cancel safety:** nothing is lost if it is dropped.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { metadata } from "mini-tokio/fs";
 * await main(function* () {
 *   const m = yield* metadata("package.json");
 *   console.log(m.isFile(), m.size);
 * });
 * ```
 */
export function metadata(path: PathLike): Awaitable<Stats> {
  const p = checkPath("metadata(path)", path);
  return new FsOperation<Stats>(`fs.metadata(${p})`, (done) => stat(p, done));
}

/**
 * Renames `from` to `to`, replacing `to` if it is a file (tokio's
 * `fs::rename`).
 *
 * **Cancel safety:** dropped before it completes, the rename may or may not
 * have happened.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { rename } from "mini-tokio/fs";
 * await main(function* () {
 *   yield* rename("/tmp/a.txt", "/tmp/b.txt");
 * });
 * ```
 */
export function rename(from: PathLike, to: PathLike): Awaitable<void> {
  const a = checkPath("rename(from, to): from", from);
  const b = checkPath("rename(from, to): to", to);
  return new FsOperation<void>(`fs.rename(${a} → ${b})`, (done) => nodeRename(a, b, (e) => done(e, undefined)));
}

/**
 * Removes a file, or an empty directory; with `{ recursive: true }`, a
 * directory and everything in it (tokio's `remove_file`, `remove_dir` and
 * `remove_dir_all` in one). A path that does not exist is an `ENOENT`
 * error (unless `force: true`).
 *
 * **Cancel safety:** dropped before it completes, the removal may or may
 * not have happened (a recursive one, partly).
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { remove } from "mini-tokio/fs";
 * await main(function* () {
 *   yield* remove("/tmp/build", { recursive: true, force: true });
 * });
 * ```
 */
export function remove(path: PathLike, options?: { recursive?: boolean; force?: boolean }): Awaitable<void> {
  const p = checkPath("remove(path)", path);
  const recursive = options?.recursive ?? false;
  const force = options?.force ?? false;
  if (typeof recursive !== "boolean" || typeof force !== "boolean") {
    throw new TypeError("remove(path, { recursive, force }): both must be booleans");
  }
  return new FsOperation<void>(`fs.remove(${p})`, (done) =>
    rm(p, { recursive, force }, (error) => {
      // fs.rm refuses a directory unless recursive: an empty one is still ours to remove.
      if (error !== null && error.code === "ERR_FS_EISDIR") rmdir(p, (e) => done(e, undefined));
      else done(error, undefined);
    }),
  );
}

/**
 * Creates the directory `path`; with `{ recursive: true }`, its missing
 * parents too, and an existing directory is not an error (tokio's
 * `create_dir` and `create_dir_all`).
 *
 * **Cancel safety:** dropped before it completes, the directory may or may
 * not have been created.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { createDir } from "mini-tokio/fs";
 * await main(function* () {
 *   yield* createDir("/tmp/a/b/c", { recursive: true });
 * });
 * ```
 */
export function createDir(path: PathLike, options?: { recursive?: boolean }): Awaitable<void> {
  const p = checkPath("createDir(path)", path);
  const recursive = options?.recursive ?? false;
  if (typeof recursive !== "boolean")
    throw new TypeError("createDir(path, { recursive }): recursive must be a boolean");
  return new FsOperation<void>(`fs.createDir(${p})`, (done) => mkdir(p, { recursive }, (e) => done(e, undefined)));
}
