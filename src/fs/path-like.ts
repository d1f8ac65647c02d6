/**
 * Paths as `mini-tokio/fs` accepts them: a string, a `file:` URL or a
 * Buffer, as Node's `fs` does.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** A path: a string, a `file:` URL or a Buffer. */
export type PathLike = string | URL | Buffer;

/** Checks `path` and returns it as a string (for Node and for messages). @internal */
export function checkPath(api: string, path: unknown): string {
  if (typeof path === "string" && path !== "") return path;
  if (path instanceof URL) {
    if (path.protocol !== "file:") throw new TypeError(`${api}: a URL path must be a file: URL, got ${path.href}`);
    return fileURLToPath(path);
  }
  if (Buffer.isBuffer(path)) return path.toString();
  throw new TypeError(
    `${api}: path must be a non-empty string, a file: URL or a Buffer, got ${path === "" ? "an empty string" : typeof path}`,
  );
}
