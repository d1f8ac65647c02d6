/**
 * `readDir(path)`: a directory's entries as a {@link Stream} (tokio's
 * `fs::read_dir`), read one at a time with Node's `fs.opendir`, so a
 * directory of a million entries never sits in memory at once.
 *
 * @module
 */

import { type Dir, type Dirent, opendir } from "node:fs";
import { Awaitable, type Context, PENDING, type Poll, pollProceed, type Stream } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import { IoError } from "../io/index.js";
import { checkPath, type PathLike } from "./path-like.js";

/**
 * The stream {@link readDir} returns: yields each entry as Node's `Dirent`
 * (`name`, `isFile()`, `isDirectory()`, `isSymbolicLink()`), then
 * `undefined`; `.` and `..` are not listed, and the order is the file
 * system's. Dropping it closes the directory.
 */
export class ReadDir implements Stream<Dirent>, Disposable {
  /** The directory being listed. */
  readonly path: string;
  #dir: Dir | undefined = undefined;
  /** opendir or read in flight. */
  #busy = false;
  #started = false;
  #next: Dirent | undefined = undefined;
  #ended = false;
  #error: IoError | undefined = undefined;
  #dropped = false;
  readonly #host = new HostWait();

  /** @internal Use {@link readDir}. */
  constructor(path: string) {
    this.path = path;
  }

  pollNext(cx: Context): Poll<Dirent | undefined> {
    // A loop, not one pass: a host may call back synchronously (the entry is
    // then there at once), and opening is followed by the first read.
    for (;;) {
      if (this.#dropped) return undefined;
      const next = this.#next;
      if (next !== undefined) {
        if (!pollProceed(cx)) return PENDING;
        this.#next = undefined;
        this.#host.stop();
        return next;
      }
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        this.#ended = true;
        this.#host.stop();
        throw error;
      }
      if (this.#ended) {
        this.#host.stop();
        return undefined;
      }
      if (this.#busy) break;
      this.#advance();
    }
    this.#host.wait(cx);
    return PENDING;
  }

  /**
   * The next entry, or `undefined` after the last (tokio's `next_entry`).
   *
   * **Cancel safety:** cancel safe: an entry read while nobody waited is
   * kept for the next call.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { readDir } from "mini-tokio/fs";
   * await main(function* () {
   *   using entries = readDir(".");
   *   for (let e = yield* entries.nextEntry(); e !== undefined; e = yield* entries.nextEntry()) console.log(e.name);
   * });
   * ```
   */
  nextEntry(): Awaitable<Dirent | undefined> {
    return new NextEntry(this);
  }

  describeWait(): string {
    return `readDir(${this.path})`;
  }

  /** Drop: closes the directory (after the read in flight, if any). Idempotent. */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#next = undefined;
    this.#host.stop();
    if (!this.#busy) this.#close();
  }

  /** @internal A NextEntry was dropped while waiting. */
  cancel(): void {
    this.#host.stop();
  }

  #advance(): void {
    this.#busy = true;
    if (!this.#started) {
      this.#started = true;
      opendir(this.path, (error, opened) => {
        if (error !== null) this.#error = IoError.from(error, `readDir(${this.path})`);
        else this.#dir = opened;
        this.#settled();
      });
      return;
    }
    const dir = this.#dir;
    if (dir === undefined) {
      this.#busy = false;
      this.#ended = true;
      return;
    }
    dir.read((error, entry) => {
      if (error !== null) this.#error = IoError.from(error, `readDir(${this.path})`);
      else if (entry === null) this.#ended = true;
      else this.#next = entry;
      this.#settled();
    });
  }

  /** A call finished: close if dropped meanwhile, else wake the waiter (which reads on after an open). */
  #settled(): void {
    this.#busy = false;
    if (this.#dropped) {
      this.#close();
      return;
    }
    this.#host.wake();
  }

  #close(): void {
    const dir = this.#dir;
    this.#dir = undefined;
    dir?.close(() => {});
  }
}

class NextEntry extends Awaitable<Dirent | undefined> {
  readonly #dir: ReadDir;
  #waiting = false;
  constructor(dir: ReadDir) {
    super();
    this.#dir = dir;
  }
  poll(cx: Context): Poll<Dirent | undefined> {
    const p = this.#dir.pollNext(cx);
    this.#waiting = p === PENDING;
    return p;
  }
  describeWait(): string {
    return this.#dir.describeWait();
  }
  override [Symbol.dispose](): void {
    if (this.#waiting) this.#dir.cancel();
    this.#waiting = false;
  }
}

/**
 * The entries of the directory `path`, as a stream (tokio's
 * `fs::read_dir`). The directory is opened at the first poll; an error
 * (`ENOENT`, `ENOTDIR`, `EACCES`) is thrown by that poll as an `IoError`.
 *
 * **Cancel safety:** dropping a `next()` loses no entry; dropping the
 * stream closes the directory.
 *
 * @throws TypeError if `path` is not a path.
 * @example
 * ```ts no-run
 * import { main, stream } from "mini-tokio";
 * import { readDir } from "mini-tokio/fs";
 * await main(function* () {
 *   const names = yield* stream(readDir(".")).map((e) => e.name).collect();
 *   console.log(names.length);
 * });
 * ```
 */
export function readDir(path: PathLike): ReadDir {
  return new ReadDir(checkPath("readDir(path)", path));
}
