/**
 * `AsyncRead` and `AsyncBufRead`: byte sources polled like futures
 * (tokio's `AsyncRead` and `AsyncBufRead`).
 *
 * A reader is not a future: it is polled by the futures that read from it
 * (`read`, `readExact`, `readLine`, `Framed`, …), which store nothing of
 * their own but the progress they made. The reader keeps the one waker of
 * the task waiting on it, as tokio's I/O resources do, and a reader has one
 * reading owner at a time.
 *
 * @module
 */

import { type Context, PENDING, type Poll } from "../index.js";

/**
 * A source of bytes polled like a future (tokio's `AsyncRead`).
 *
 * `pollRead(cx, buf)` copies the next bytes into `buf` and returns how many
 * (at least one), returns 0 at the end of the stream (and when `buf` is
 * empty), or returns `PENDING` after storing `cx.waker`, which is woken
 * once bytes, the end or an error arrive. It throws an
 * {@link IoError} when the stream failed.
 *
 * A future that polled a reader and got PENDING, then is dropped, calls
 * `cancelRead()`: the reader forgets the waker, ends its host operation and
 * removes the listeners it put on the host's object.
 *
 * @example
 * ```ts
 * import type { Context, Poll } from "mini-tokio";
 * import type { AsyncRead } from "mini-tokio/io";
 * // A reader of a fixed text, a few bytes per poll.
 * class Slow implements AsyncRead {
 *   #at = 0;
 *   constructor(private readonly bytes: Uint8Array) {}
 *   pollRead(_cx: Context, buf: Uint8Array): Poll<number> {
 *     const n = Math.min(3, buf.length, this.bytes.length - this.#at);
 *     buf.set(this.bytes.subarray(this.#at, this.#at + n));
 *     this.#at += n;
 *     return n;
 *   }
 * }
 * ```
 */
export interface AsyncRead {
  /** The next bytes copied into `buf`: their count, 0 at the end, or PENDING with the waker stored. */
  pollRead(cx: Context, buf: Uint8Array): Poll<number>;
  /** The future that last got PENDING from this reader was dropped: forget its waker and registrations. */
  cancelRead?(): void;
  /**
   * Names a wait on this reader for `rt.dump()`: `"read"` becomes
   * `"TcpStream.read(127.0.0.1:53122)"`.
   */
  describeOperation?(operation: string): string;
}

/**
 * A reader with a buffer the caller may look into without copying
 * (tokio's `AsyncBufRead`): `pollFillBuf(cx)` returns a view of the bytes
 * buffered now (filling the buffer first when it is empty), an empty view at
 * the end of the stream, or `PENDING`; `consume(n)` marks the first
 * `n` bytes of that view as read.
 *
 * The view stays valid until the next `consume` or poll; keep what you need
 * by copying it (`Uint8Array.prototype.slice`).
 *
 * @example
 * ```ts
 * import { PENDING, type Context, type Poll } from "mini-tokio";
 * import type { AsyncBufRead } from "mini-tokio/io";
 * function pollFirstByte(r: AsyncBufRead, cx: Context): Poll<number | undefined> {
 *   const view = r.pollFillBuf(cx);
 *   if (view === PENDING) return PENDING;
 *   if (view.length === 0) return undefined; // the end
 *   const b = view[0];
 *   r.consume(1);
 *   return b;
 * }
 * ```
 */
export interface AsyncBufRead extends AsyncRead {
  /** A view of the buffered bytes (empty at the end), or PENDING with the waker stored. */
  pollFillBuf(cx: Context): Poll<Uint8Array>;
  /** Marks the first `n` bytes of the last view as read. */
  consume(n: number): void;
  /**
   * True when every view is a buffer of its own that the reader never
   * writes again (Node's chunks are), so a consumer may keep a view after
   * `consume` and hand it to a writer without copying. Absent means false.
   */
  readonly stableViews?: boolean;
}

/**
 * `pollRead` for a reader that keeps its own buffer: copies what
 * `pollFillBuf` has (as much as `buf` holds) and consumes it. What
 * `BufReader` and the in-memory duplex both read through.
 *
 * @internal
 */
export function pollReadBuffered(r: AsyncBufRead, cx: Context, buf: Uint8Array): Poll<number> {
  const view = r.pollFillBuf(cx);
  if (view === PENDING) return PENDING;
  const n = Math.min(view.length, buf.length);
  buf.set(view.subarray(0, n));
  r.consume(n);
  return n;
}

/**
 * True when `value` is an {@link AsyncRead}: an object with a `pollRead` method.
 *
 * @example
 * ```ts
 * import { duplex, isAsyncRead } from "mini-tokio/io";
 * const [a] = duplex(8);
 * console.log(isAsyncRead(a), isAsyncRead({}));
 * ```
 * ```text output
 * true false
 * ```
 */
export function isAsyncRead(value: unknown): value is AsyncRead {
  return typeof value === "object" && value !== null && "pollRead" in value && typeof value.pollRead === "function";
}

/**
 * True when `value` is an {@link AsyncBufRead}: a reader with `pollFillBuf` and `consume`.
 *
 * @example
 * ```ts
 * import { BufReader, duplex, isAsyncBufRead } from "mini-tokio/io";
 * const [a] = duplex(8);
 * console.log(isAsyncBufRead(a), isAsyncBufRead(new BufReader(a)));
 * ```
 * ```text output
 * true true
 * ```
 */
export function isAsyncBufRead(value: unknown): value is AsyncBufRead {
  return (
    isAsyncRead(value) &&
    "pollFillBuf" in value &&
    typeof value.pollFillBuf === "function" &&
    "consume" in value &&
    typeof value.consume === "function"
  );
}

/** A TypeError for a non-reader passed to `api`. @internal */
export function checkReader(api: string, value: unknown): AsyncRead {
  if (!isAsyncRead(value)) {
    throw new TypeError(
      `${api}: expected an AsyncRead (an object with pollRead(cx, buf), such as a TcpStream or fromReadable(stream)), got ${kindOf(value)}`,
    );
  }
  return value;
}

/** How a bad argument is named in a TypeError. @internal */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const name = value.constructor?.name;
    return name && name !== "Object" ? `an instance of ${name}` : "a plain object";
  }
  return typeof value;
}

/** The label of a wait on `io`: its own description, or `"<Class>.<operation>"`. @internal */
export function describeIo(
  io: { describeOperation?(operation: string): string } | undefined,
  operation: string,
): string {
  if (io === undefined) return `${operation}()`;
  if (typeof io.describeOperation === "function") return io.describeOperation(operation);
  const name = io.constructor?.name;
  return `${name && name !== "Object" ? name : "reader"}.${operation}`;
}
