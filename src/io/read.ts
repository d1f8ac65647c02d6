/**
 * Reading futures: `read`, `readExact`, `readToEnd`.
 *
 * @module
 */

import { type Context, PENDING, type Poll } from "../index.js";
import { type AsyncBufRead, type AsyncRead, checkReader, describeIo, isAsyncBufRead } from "./async-read.js";
import { checkBytes } from "./async-write.js";
import { unexpectedEof } from "./io-error.js";
import { IoFuture } from "./io-future.js";

class Read extends IoFuture<number> {
  constructor(
    private readonly reader: AsyncRead,
    private readonly buf: Uint8Array,
  ) {
    super();
  }
  protected step(cx: Context): Poll<number> {
    return this.reader.pollRead(cx, this.buf);
  }
  protected cancel(): void {
    this.reader.cancelRead?.();
  }
  describeWait(): string {
    return describeIo(this.reader, "read");
  }
}

/**
 * Reads what is available into `buf` (waiting until something is): yields
 * the number of bytes read, 0 at the end of the stream (tokio's `read`).
 *
 * **Cancel safety:** cancel safe. Dropped while waiting, no byte was read;
 * once it is ready, the bytes are in `buf`.
 *
 * @example
 * ```ts
 * import { future } from "mini-tokio";
 * import { duplex, read, writeAll } from "mini-tokio/io";
 * const [a, b] = duplex(64);
 * const f = future(function* () {
 *   yield* writeAll(a, Buffer.from("hi"));
 *   const buf = new Uint8Array(16);
 *   return yield* read(b, buf); // 2
 * });
 * ```
 */
export function read(reader: AsyncRead, buf: Uint8Array): IoFuture<number> {
  return new Read(checkReader("read(reader, buf)", reader), checkBytes("read(reader, buf)", "buf", buf));
}

class ReadExact extends IoFuture<Uint8Array> {
  #filled = 0;
  constructor(
    private readonly reader: AsyncRead,
    private readonly buf: Uint8Array,
  ) {
    super();
  }
  protected step(cx: Context): Poll<Uint8Array> {
    const buf = this.buf;
    while (this.#filled < buf.length) {
      const n = this.reader.pollRead(cx, this.#filled === 0 ? buf : buf.subarray(this.#filled));
      if (n === PENDING) return PENDING;
      if (n === 0) throw unexpectedEof(describeIo(this.reader, "readExact"), buf.length, this.#filled);
      this.#filled += n;
    }
    return buf;
  }
  protected cancel(): void {
    this.reader.cancelRead?.();
  }
  describeWait(): string {
    return describeIo(this.reader, "readExact");
  }
}

/**
 * Fills `buf` exactly, waiting as long as it takes, and yields it; throws
 * an {@link IoError} with code `"UNEXPECTED_EOF"` if the stream ends first
 * (tokio's `read_exact`).
 *
 * **Cancel safety:** not cancel safe. Dropped midway, the bytes already
 * read are in the front of `buf` but the count is lost, and the reader has
 * moved past them.
 *
 * @example
 * ```ts
 * import { future } from "mini-tokio";
 * import { duplex, readExact, writeAll } from "mini-tokio/io";
 * const [a, b] = duplex(64);
 * const f = future(function* () {
 *   yield* writeAll(a, Uint8Array.of(0, 0, 0, 7));
 *   const header = yield* readExact(b, new Uint8Array(4));
 *   return new DataView(header.buffer).getUint32(0); // 7
 * });
 * ```
 */
export function readExact(reader: AsyncRead, buf: Uint8Array): IoFuture<Uint8Array> {
  return new ReadExact(checkReader("readExact(reader, buf)", reader), checkBytes("readExact(reader, buf)", "buf", buf));
}

class ReadToEnd extends IoFuture<Uint8Array> {
  #buf = new Uint8Array(0);
  #length = 0;
  constructor(
    private readonly reader: AsyncRead,
    private readonly limit: number,
  ) {
    super();
  }
  protected step(cx: Context): Poll<Uint8Array> {
    const reader = this.reader;
    for (;;) {
      if (isAsyncBufRead(reader)) {
        // Copy straight out of the reader's buffer: no intermediate chunk.
        const view = reader.pollFillBuf(cx);
        if (view === PENDING) return PENDING;
        if (view.length === 0) return this.#buf.subarray(0, this.#length);
        this.#reserve(view.length);
        this.#buf.set(view, this.#length);
        this.#length += view.length;
        reader.consume(view.length);
      } else {
        this.#reserve(8192);
        const n = reader.pollRead(cx, this.#buf.subarray(this.#length));
        if (n === PENDING) return PENDING;
        if (n === 0) return this.#buf.subarray(0, this.#length);
        this.#length += n;
      }
    }
  }
  #reserve(more: number): void {
    const need = this.#length + more;
    if (need > this.limit) {
      throw new RangeError(
        `readToEnd(reader, { limit }): the stream holds more than ${this.limit} bytes; raise the limit or read it in parts`,
      );
    }
    if (need <= this.#buf.length) return;
    const grown = new Uint8Array(Math.min(Math.max(need, this.#buf.length * 2, 1024), Math.max(need, this.limit)));
    grown.set(this.#buf.subarray(0, this.#length));
    this.#buf = grown;
  }
  protected cancel(): void {
    this.reader.cancelRead?.();
  }
  describeWait(): string {
    return describeIo(this.reader, "readToEnd");
  }
}

/**
 * Reads until the end of the stream and yields every byte (tokio's
 * `read_to_end`). `limit` (default 2^30) bounds the memory: a stream
 * longer than that throws a RangeError rather than exhausting the heap.
 *
 * **Cancel safety:** not cancel safe: dropped midway, the bytes read so far
 * are lost.
 *
 * @example
 * ```ts
 * import { future } from "mini-tokio";
 * import { duplex, readToEnd, shutdown, writeAll } from "mini-tokio/io";
 * const [a, b] = duplex(64);
 * const f = future(function* () {
 *   yield* writeAll(a, Buffer.from("all of it"));
 *   yield* shutdown(a);
 *   return (yield* readToEnd(b)).length; // 9
 * });
 * ```
 */
export function readToEnd(reader: AsyncRead, options?: { limit?: number }): IoFuture<Uint8Array> {
  const limit = options?.limit ?? 2 ** 30;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`readToEnd(reader, { limit }): limit must be a non-negative integer, got ${limit}`);
  }
  return new ReadToEnd(checkReader("readToEnd(reader)", reader), limit);
}

class FillBuf extends IoFuture<Uint8Array> {
  constructor(private readonly reader: AsyncBufRead) {
    super();
  }
  protected step(cx: Context): Poll<Uint8Array> {
    return this.reader.pollFillBuf(cx);
  }
  protected cancel(): void {
    this.reader.cancelRead?.();
  }
  describeWait(): string {
    return describeIo(this.reader, "read");
  }
}

/**
 * Waits until the reader has bytes buffered and yields a view of them
 * (empty at the end of the stream) without copying or consuming them
 * (tokio's `fill_buf`): parse what you can, then `reader.consume(n)`. The
 * view is valid until the next `consume` or read.
 *
 * **Cancel safety:** cancel safe: nothing is consumed until you call
 * `consume`.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, fillBuf, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* writeAll(a, Buffer.from("GET key\r\n"));
 *   const view = yield* fillBuf(b);
 *   const end = view.indexOf(10);
 *   console.log(Buffer.from(view.subarray(0, end - 1)).toString());
 *   b.consume(end + 1);
 * });
 * ```
 * ```text output
 * GET key
 * ```
 */
export function fillBuf(reader: AsyncBufRead): IoFuture<Uint8Array> {
  if (!isAsyncBufRead(reader)) {
    throw new TypeError(
      `fillBuf(reader): expected an AsyncBufRead (a TcpStream, fromReadable(…), or new BufReader(…)), got ${typeof reader}`,
    );
  }
  return new FillBuf(reader);
}
