/**
 * `File`: an open file read and written through the poll model (tokio's
 * `fs::File`).
 *
 * Node's file calls run on libuv's thread pool and cannot be cancelled, so
 * a `File` owns the buffer every call reads into or writes from, like
 * tokio's: a read fills the file's buffer, and a poll copies out of it; a
 * write copies the caller's bytes into it first. A future dropped while a
 * call is in flight therefore never has its buffer written to later: the
 * call completes into the file's buffer, and its result is kept for the
 * next operation (a read's bytes are returned by the next read; a write's
 * error is reported by the next operation).
 *
 * ```text
 *  pollRead(buf) ─ buffered bytes? ── copy, ready
 *        └ none ─ fs.read(fd, own buffer, position) ─ PENDING … callback: bytes buffered, wake
 *  pollWrite(bytes) ─ copy up to 64 KiB into own buffer ─ fs.write(fd, …) in the background ─ ready(n)
 *  pollFlush ─ background write done? ── report its error, or ready
 * ```
 *
 * One call is in flight at a time, and positions are explicit (`pread` and
 * `pwrite`), so the position the file reports is exact whatever was
 * dropped.
 *
 * @module
 */

import { close, constants, fstat, fsync, open, read, type Stats, write } from "node:fs";
import { describe } from "../future/future.js";
import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import {
  type AsyncRead,
  type AsyncWrite,
  flush,
  IoError,
  read as readInto,
  writeAll,
  write as writeSome,
} from "../io/index.js";
import { FsOperation } from "./fs-operation.js";
import { checkPath, type PathLike } from "./path-like.js";

/** The largest read or write a File hands to the OS at once (and its buffer's size). */
const CHUNK = 64 * 1024;

/**
 * How to open a file (tokio's `OpenOptions`, as an object). At least one of
 * `read`, `write`, `append` must be true; `create`, `truncate` and
 * `createNew` need `write` or `append`.
 */
export interface OpenOptions {
  /** Open for reading. */
  readonly read?: boolean;
  /** Open for writing (at the file's position: from the start unless you seek). */
  readonly write?: boolean;
  /** Open for writing at the end, always (`O_APPEND`). */
  readonly append?: boolean;
  /** Create the file if it does not exist. */
  readonly create?: boolean;
  /** Empty the file when it is opened (not with `append`). */
  readonly truncate?: boolean;
  /** Create the file, failing with `EEXIST` if it exists (implies `create`). */
  readonly createNew?: boolean;
  /** The permission bits of a created file (default `0o666`, less the umask). */
  readonly mode?: number;
}

/** Where {@link File.seek} counts from. */
export type SeekFrom = "start" | "current" | "end";

function openFlags(options: OpenOptions): number {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("File.open(path, options): options must be an object such as { read: true }");
  }
  const { read: r, write: w, append, create, truncate, createNew } = options;
  for (const [name, value] of Object.entries({ read: r, write: w, append, create, truncate, createNew })) {
    if (value !== undefined && typeof value !== "boolean") {
      throw new TypeError(`File.open(path, { ${name} }): ${name} must be a boolean, got ${typeof value}`);
    }
  }
  if (!r && !w && !append) {
    throw new TypeError("File.open(path, options): open for something: set read, write or append to true");
  }
  if ((create || truncate || createNew) && !w && !append) {
    throw new TypeError("File.open(path, options): create, truncate and createNew need write or append");
  }
  if (truncate && append) {
    throw new TypeError("File.open(path, options): truncate and append cannot be combined (append never overwrites)");
  }
  const writing = w || append;
  let flags = r && writing ? constants.O_RDWR : writing ? constants.O_WRONLY : constants.O_RDONLY;
  if (append) flags |= constants.O_APPEND;
  if (createNew) flags |= constants.O_CREAT | constants.O_EXCL;
  else if (create) flags |= constants.O_CREAT;
  if (truncate) flags |= constants.O_TRUNC;
  return flags;
}

/**
 * An open file, an {@link AsyncRead} and {@link AsyncWrite}: read it with
 * `file.read(buf)` (or any io reader utility), write with
 * `file.writeAll(bytes)`, move with `seek`, make durable with `syncAll`.
 * Dropping it closes the file (after the call in flight, if any).
 *
 * Writes are accepted into the file's buffer and written in the background,
 * as tokio's are: **`flush()` waits for them and reports their errors**;
 * a file dropped without a flush still writes everything, but an error is
 * then lost.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { File } from "mini-tokio/fs";
 * await main(function* () {
 *   using f = yield* File.create("/tmp/hello.txt");
 *   yield* f.writeAll(new TextEncoder().encode("hello\n"));
 *   yield* f.flush();
 * });
 * ```
 */
export class File implements AsyncRead, AsyncWrite, Disposable {
  /** The path it was opened with. */
  readonly path: string;
  #fd: number;
  readonly #append: boolean;
  /** The position of the next call to the OS (past any read-ahead still buffered). */
  #pos = 0;
  /** The file's own buffer: every call reads into or writes from it, never into a caller's bytes. */
  #buf: Buffer | undefined = undefined;
  /** Read-ahead still buffered: `#buf[#start, #end)`. */
  #start = 0;
  #end = 0;
  /** The last read found the end of the file (a read returns 0 once for it). */
  #eof = false;
  /** A call is in flight. */
  #busy = false;
  /** A background call failed: the next operation reports it. */
  #error: IoError | undefined = undefined;
  readonly #host = new HostWait();
  /** Dropped: close once the call in flight (if any) is done. */
  #dropped = false;

  /** @internal Use {@link File.open} or {@link File.create}. */
  constructor(fd: number, path: string, append: boolean) {
    this.#fd = fd;
    this.path = path;
    this.#append = append;
  }

  /**
   * Opens `path` (read-only by default, like tokio's `File::open`; pass
   * {@link OpenOptions} for anything else).
   *
   * **Cancel safety:** if dropped while the open is in flight, the file is
   * closed as soon as it opens (no descriptor leaks).
   *
   * @throws TypeError at the call for bad options; the future throws an
   *   `IoError` (`ENOENT`, `EACCES`, `EEXIST`, …) if the open fails.
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using log = yield* File.open("app.log", { append: true, create: true });
   *   yield* log.writeAll(new TextEncoder().encode("started\n"));
   *   yield* log.flush();
   * });
   * ```
   */
  static open(path: PathLike, options: OpenOptions = { read: true }): Awaitable<File> {
    const p = checkPath("File.open(path)", path);
    const flags = openFlags(options);
    const mode = options.mode ?? 0o666;
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new RangeError(`File.open(path, { mode }): mode must be permission bits from 0 to 0o7777, got ${mode}`);
    }
    return new OpenFile(p, flags, mode, options.append === true);
  }

  /**
   * Opens `path` for writing, creating it or emptying it (tokio's
   * `File::create`).
   *
   * **Cancel safety:** as {@link File.open}.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.create("/tmp/out.bin");
   * });
   * ```
   */
  static create(path: PathLike): Awaitable<File> {
    return File.open(path, { write: true, create: true, truncate: true });
  }

  // ── AsyncRead / AsyncWrite ───────────────────────────────────────────

  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    this.#checkOpen("read");
    if (buf.length === 0) return 0;
    if (this.#start < this.#end) {
      if (!pollProceed(cx)) return PENDING;
      return this.#copyOut(buf);
    }
    if (this.#busy) return this.#wait(cx);
    this.#throwPending();
    if (this.#eof) {
      if (!pollProceed(cx)) return PENDING;
      this.#eof = false;
      return 0;
    }
    this.#readAhead();
    // A host that calls back synchronously has the bytes buffered already.
    if (!this.#busy) return this.pollRead(cx, buf);
    return this.#wait(cx);
  }

  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    this.#checkOpen("write");
    if (this.#busy) return this.#wait(cx);
    this.#throwPending();
    if (bytes.length === 0) return 0;
    if (!pollProceed(cx)) return PENDING;
    this.#dropReadAhead();
    const n = Math.min(bytes.length, CHUNK);
    const own = this.#buffer();
    own.set(n === bytes.length ? bytes : bytes.subarray(0, n));
    this.#writeOut(0, n);
    this.#host.stop();
    return n;
  }

  pollFlush(cx: Context): Poll<void> {
    this.#checkOpen("flush");
    if (this.#busy) return this.#wait(cx);
    this.#throwPending();
    if (!pollProceed(cx)) return PENDING;
    this.#host.stop();
  }

  /** Flushes (a file has no writing side to close; dropping it closes it). */
  pollShutdown(cx: Context): Poll<void> {
    return this.pollFlush(cx);
  }

  cancelRead(): void {
    this.#host.stop();
  }

  cancelWrite(): void {
    this.#host.stop();
  }

  describeOperation(operation: string): string {
    return `File.${operation}(${this.path})`;
  }

  // ── futures ──────────────────────────────────────────────────────────

  /**
   * Reads what is available into `buf` and yields the count, 0 at the end
   * of the file.
   *
   * **Cancel safety:** cancel safe: dropped while waiting, the read goes on
   * into the file's own buffer and the next read returns those bytes; `buf`
   * is not touched.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.open("package.json");
   *   const buf = new Uint8Array(16);
   *   const n = yield* f.read(buf);
   * });
   * ```
   */
  read(buf: Uint8Array): Awaitable<number> {
    return readInto(this, buf);
  }

  /**
   * Writes a prefix of `bytes` (at most 64 KiB) and yields its length; the
   * write itself goes on in the background (see {@link File.flush}).
   *
   * **Cancel safety:** cancel safe: dropped while waiting for the previous
   * write, nothing of `bytes` was taken.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.create("/tmp/x");
   *   const n = yield* f.write(new Uint8Array([1, 2, 3]));
   * });
   * ```
   */
  write(bytes: Uint8Array): Awaitable<number> {
    return writeSome(this, bytes);
  }

  /**
   * Writes all of `bytes`, 64 KiB at a time; the last part may still be in
   * flight when it completes, so `flush()` to see errors.
   *
   * **Cancel safety:** not cancel safe: dropped midway, an unknown prefix
   * has been written (the part in flight completes).
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.create("/tmp/x");
   *   yield* f.writeAll(new TextEncoder().encode("all of it"));
   *   yield* f.flush();
   * });
   * ```
   */
  writeAll(bytes: Uint8Array): Awaitable<void> {
    return writeAll(this, bytes);
  }

  /**
   * Waits for the write in flight and throws the `IoError` of any
   * background write that failed.
   *
   * **Cancel safety:** cancel safe: the writes go on; flush again to wait.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.create("/tmp/x");
   *   yield* f.writeAll(new Uint8Array(10));
   *   yield* f.flush();
   * });
   * ```
   */
  flush(): Awaitable<void> {
    return flush(this);
  }

  /**
   * Moves the position to `offset` bytes from the start (default), the
   * current position or the end, and yields the new position from the
   * start. Read-ahead is discarded; in append mode writes still go to the
   * end.
   *
   * **Cancel safety:** dropped before it completes, the position is
   * unchanged.
   *
   * @throws TypeError/RangeError at the call for a bad offset or origin;
   *   the future throws an `IoError` (`EINVAL`) for a position before the
   *   start.
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.open("package.json");
   *   const size = yield* f.seek(0, "end");
   * });
   * ```
   */
  seek(offset: number, from: SeekFrom = "start"): Awaitable<number> {
    if (!Number.isSafeInteger(offset)) {
      throw new TypeError(`File.seek(offset): offset must be an integer, got ${describe(offset)}`);
    }
    if (from !== "start" && from !== "current" && from !== "end") {
      throw new RangeError(`File.seek(offset, from): from must be "start", "current" or "end", got ${describe(from)}`);
    }
    return new FileCall(this, `File.seek(${this.path})`, (fd, done) => {
      const settle = (base: number): void => {
        let position: number;
        try {
          position = this.#seekTo(base + offset);
        } catch (error) {
          done(error instanceof IoError ? error : null, 0);
          return;
        }
        done(null, position);
      };
      if (from === "end") {
        fstat(fd, (error, stats) => (error === null ? settle(stats.size) : done(error, 0)));
      } else {
        const base = from === "start" ? 0 : this.#position();
        queueMicrotask(() => settle(base));
      }
    });
  }

  /**
   * Waits for writes in flight, then asks the OS to put the file's data and
   * metadata on disk (`fsync`).
   *
   * **Cancel safety:** dropped midway, the sync still happens; its error,
   * if any, is lost.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.create("/tmp/x");
   *   yield* f.writeAll(new Uint8Array(10));
   *   yield* f.syncAll();
   * });
   * ```
   */
  syncAll(): Awaitable<void> {
    return new FileCall(this, `File.syncAll(${this.path})`, (fd, done) => fsync(fd, (error) => done(error, undefined)));
  }

  /**
   * The file's metadata (`fstat`): size, times, permissions, as Node's
   * `Stats`.
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { File } from "mini-tokio/fs";
   * await main(function* () {
   *   using f = yield* File.open("package.json");
   *   console.log((yield* f.metadata()).size);
   * });
   * ```
   */
  metadata(): Awaitable<Stats> {
    return new FileCall(this, `File.metadata(${this.path})`, (fd, done) => fstat(fd, done));
  }

  /** Drop: closes the file, after the call in flight if there is one. Idempotent. */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#host.stop();
    if (!this.#busy) this.#close();
  }

  // ── internals shared with FileCall ───────────────────────────────────

  /** @internal Ready when no call is in flight (throwing a background error), else PENDING with the waker stored. */
  pollIdle(cx: Context): Poll<number> {
    this.#checkOpen("call");
    if (this.#busy) return this.#wait(cx);
    this.#throwPending();
    return this.#fd;
  }

  /** @internal Marks a call in flight; `finish` ends it. */
  begin(): void {
    this.#busy = true;
  }

  /** @internal The call in flight finished: close if dropped meanwhile, wake the waiter. */
  finish(): void {
    this.#busy = false;
    if (this.#dropped) {
      this.#close();
      return;
    }
    this.#host.wake();
  }

  /** @internal Stores the waker and holds a host operation while a call is in flight. */
  wait(cx: Context): typeof PENDING {
    return this.#wait(cx);
  }

  #wait(cx: Context): typeof PENDING {
    this.#host.wait(cx);
    return PENDING;
  }

  #checkOpen(operation: string): void {
    if (this.#dropped)
      throw new IoError("EBADF", `${this.describeOperation(operation)}: the file was dropped (closed)`);
  }

  #throwPending(): void {
    const error = this.#error;
    if (error !== undefined) {
      this.#error = undefined;
      throw error;
    }
  }

  #buffer(): Buffer {
    this.#buf ??= Buffer.allocUnsafe(CHUNK);
    return this.#buf;
  }

  /** The position as the reader sees it: the OS position less the read-ahead not yet handed out. */
  #position(): number {
    return this.#pos - (this.#end - this.#start);
  }

  #seekTo(position: number): number {
    if (position < 0) {
      throw new IoError("EINVAL", `${this.describeOperation("seek")}: the position ${position} is before the start`);
    }
    this.#start = this.#end = 0;
    this.#eof = false;
    this.#pos = position;
    return position;
  }

  #dropReadAhead(): void {
    this.#pos = this.#position();
    this.#start = this.#end = 0;
    this.#eof = false;
  }

  #copyOut(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.#end - this.#start);
    const own = this.#buffer();
    buf.set(own.subarray(this.#start, this.#start + n));
    this.#start += n;
    return n;
  }

  #readAhead(): void {
    const own = this.#buffer();
    this.#busy = true;
    read(this.#fd, own, 0, CHUNK, this.#pos, (error, n) => {
      if (error !== null) this.#error = IoError.from(error, this.describeOperation("read"));
      else if (n === 0) this.#eof = true;
      else {
        this.#start = 0;
        this.#end = n;
        this.#pos += n;
      }
      this.finish();
    });
  }

  /** Writes `#buf[from, to)` at the position (or the end, in append mode), looping over short writes. */
  #writeOut(from: number, to: number): void {
    this.#busy = true;
    const own = this.#buffer();
    write(this.#fd, own, from, to - from, this.#append ? null : this.#pos, (error, written) => {
      if (error !== null) {
        this.#error = IoError.from(error, this.describeOperation("write"));
        this.finish();
        return;
      }
      if (!this.#append) this.#pos += written;
      if (from + written < to) this.#writeOut(from + written, to);
      else this.finish();
    });
  }

  #close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    close(fd, () => {});
  }
}

const IDLE = 0;
const RUNNING = 1;
const SETTLED = 2;
const DONE = 3;

/** A call on an open file (seek, sync, stat) that waits its turn behind the call in flight. */
class FileCall<T> extends Awaitable<T> {
  #state = IDLE;
  readonly #file: File;
  readonly #what: string;
  readonly #call: (fd: number, done: (error: NodeJS.ErrnoException | null, value: T) => void) => void;
  #result: { readonly value: T } | undefined = undefined;
  #error: unknown = undefined;

  constructor(
    file: File,
    what: string,
    call: (fd: number, done: (error: NodeJS.ErrnoException | null, value: T) => void) => void,
  ) {
    super();
    this.#file = file;
    this.#what = what;
    this.#call = call;
  }

  poll(cx: Context): Poll<T> {
    switch (this.#state) {
      case IDLE: {
        const fd = this.#file.pollIdle(cx);
        if (fd === PENDING) return PENDING;
        this.#state = RUNNING;
        this.#file.begin();
        this.#call(fd, (error, value) => {
          if (this.#state === RUNNING) {
            this.#state = SETTLED;
            if (error !== null) this.#error = IoError.from(error, this.#what);
            else this.#result = { value };
          }
          this.#file.finish();
        });
        if (this.#state === SETTLED) return this.poll(cx); // called back synchronously
        return this.#file.wait(cx);
      }
      case RUNNING:
        return this.#file.wait(cx);
      case SETTLED: {
        if (!pollProceed(cx)) return PENDING;
        this.#state = DONE;
        const result = this.#result;
        this.#result = undefined;
        if (result === undefined) throw this.#error;
        return result.value;
      }
      default:
        throw new Error(`${this.#what} was polled after it completed or was dropped`);
    }
  }

  describeWait(): string {
    return this.#what;
  }

  /** Drop: a call in flight finishes, its result discarded. Idempotent. */
  override [Symbol.dispose](): void {
    if (this.#state === RUNNING) this.#file.cancelRead();
    this.#state = DONE;
    this.#result = undefined;
  }
}

/** The future {@link File.open} returns: closes a file that opens after it was dropped. */
class OpenFile extends Awaitable<File> {
  readonly #inner: FsOperation<number>;
  readonly #path: string;
  readonly #append: boolean;
  #dropped = false;
  #opened: number | undefined = undefined;

  constructor(path: string, flags: number, mode: number, append: boolean) {
    super();
    this.#path = path;
    this.#append = append;
    this.#inner = new FsOperation<number>(`File.open(${path})`, (done) =>
      open(path, flags, mode, (error, fd) => {
        if (error === null && this.#dropped)
          close(fd, () => {}); // nobody will own it
        else if (error === null) this.#opened = fd;
        done(error, fd);
      }),
    );
  }

  poll(cx: Context): Poll<File> {
    const fd = this.#inner.poll(cx);
    if (fd === PENDING) return PENDING;
    this.#opened = undefined;
    return new File(fd, this.#path, this.#append);
  }

  describeWait(): string {
    return `File.open(${this.#path})`;
  }

  /** Drop: a file that opened and was not handed out is closed. Idempotent. */
  override [Symbol.dispose](): void {
    this.#dropped = true;
    this.#inner[Symbol.dispose]();
    const fd = this.#opened;
    this.#opened = undefined;
    if (fd !== undefined) close(fd, () => {});
  }
}
