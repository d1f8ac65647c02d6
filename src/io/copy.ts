/**
 * `copy(reader, writer)` and `copyBidirectional(a, b)` (tokio's
 * `io::copy` and `io::copy_bidirectional`).
 *
 * @module
 */

import { type Context, PENDING, type Poll } from "../index.js";
import { type AsyncRead, checkReader, describeIo, isAsyncBufRead } from "./async-read.js";
import { type AsyncWrite, checkWriter } from "./async-write.js";
import { IoError } from "./io-error.js";
import { IoFuture } from "./io-future.js";

const CHUNK = 16 * 1024;

/**
 * One direction of a copy: read a chunk, write it all, again, until the
 * end; then shut the writer down. A reader whose views are stable (Node's
 * chunks) is forwarded without a copy; others are read into a fresh chunk
 * each time, since the writer may keep what it was given.
 */
class CopyState {
  copied = 0;
  #out: Uint8Array | undefined = undefined;
  #outPos = 0;
  #spare: Uint8Array | undefined = undefined;
  #eof = false;

  constructor(
    readonly reader: AsyncRead,
    readonly writer: AsyncWrite,
    readonly shutdownAtEnd: boolean,
  ) {}

  /** True once everything is copied (and the writer shut down or flushed), or PENDING. */
  poll(cx: Context): Poll<true> {
    for (;;) {
      const out = this.#out;
      if (out !== undefined) {
        const n = this.writer.pollWrite(cx, this.#outPos === 0 ? out : out.subarray(this.#outPos));
        if (n === PENDING) return PENDING;
        if (n === 0) throw new IoError("WRITE_ZERO", `${describeIo(this.writer, "copy")}: the writer accepted nothing`);
        this.#outPos += n;
        this.copied += n;
        if (this.#outPos === out.length) this.#out = undefined;
        continue;
      }
      if (this.#eof) {
        const done = this.shutdownAtEnd ? this.writer.pollShutdown(cx) : this.writer.pollFlush(cx);
        return done === PENDING ? PENDING : true;
      }
      const reader = this.reader;
      if (isAsyncBufRead(reader) && reader.stableViews === true) {
        const view = reader.pollFillBuf(cx);
        if (view === PENDING) return PENDING;
        if (view.length === 0) this.#eof = true;
        else {
          reader.consume(view.length);
          this.#out = view;
          this.#outPos = 0;
        }
      } else {
        const chunk = this.#spare ?? new Uint8Array(CHUNK);
        const n = reader.pollRead(cx, chunk);
        if (n === PENDING) {
          this.#spare = chunk;
          return PENDING;
        }
        this.#spare = undefined;
        if (n === 0) this.#eof = true;
        else {
          this.#out = chunk.subarray(0, n);
          this.#outPos = 0;
        }
      }
    }
  }

  cancel(): void {
    this.reader.cancelRead?.();
    this.writer.cancelWrite?.();
  }
}

class Copy extends IoFuture<number> {
  readonly #state: CopyState;
  constructor(reader: AsyncRead, writer: AsyncWrite) {
    super();
    this.#state = new CopyState(reader, writer, false);
  }
  protected step(cx: Context): Poll<number> {
    return this.#state.poll(cx) === PENDING ? PENDING : this.#state.copied;
  }
  protected cancel(): void {
    this.#state.cancel();
  }
  describeWait(): string {
    return `copy(${describeIo(this.#state.reader, "read")} → ${describeIo(this.#state.writer, "write")})`;
  }
}

/**
 * Copies everything `reader` yields into `writer` until the end of the
 * stream, flushes, and yields the number of bytes copied (tokio's
 * `io::copy`). The writer is not shut down. With a Node stream on both
 * sides, Node's chunks go through as they are (no copy), and a slow writer
 * slows the reading down.
 *
 * **Cancel safety:** not cancel safe: dropped midway, bytes read but not
 * yet written are lost.
 *
 * @example
 * ```ts
 * import { main, spawn } from "mini-tokio";
 * import { copy, duplex, readToEnd, shutdown, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(8);
 *   const [c, d] = duplex(8);
 *   const out = spawn(readToEnd(d));
 *   const copying = spawn(copy(b, c));
 *   yield* writeAll(a, Buffer.from("through two pipes"));
 *   yield* shutdown(a);
 *   console.log(yield* copying);
 *   yield* shutdown(c);
 *   console.log(Buffer.from(yield* out).toString());
 * });
 * ```
 * ```text output
 * 17
 * through two pipes
 * ```
 */
export function copy(reader: AsyncRead, writer: AsyncWrite): IoFuture<number> {
  return new Copy(checkReader("copy(reader, writer)", reader), checkWriter("copy(reader, writer)", writer));
}

class CopyBidirectional extends IoFuture<[number, number]> {
  readonly #ab: CopyState;
  readonly #ba: CopyState;
  #abDone = false;
  #baDone = false;
  constructor(a: AsyncRead & AsyncWrite, b: AsyncRead & AsyncWrite) {
    super();
    this.#ab = new CopyState(a, b, true);
    this.#ba = new CopyState(b, a, true);
  }
  protected step(cx: Context): Poll<[number, number]> {
    if (!this.#abDone) this.#abDone = this.#ab.poll(cx) !== PENDING;
    if (!this.#baDone) this.#baDone = this.#ba.poll(cx) !== PENDING;
    return this.#abDone && this.#baDone ? [this.#ab.copied, this.#ba.copied] : PENDING;
  }
  protected cancel(): void {
    this.#ab.cancel();
    this.#ba.cancel();
  }
  describeWait(): string {
    return `copyBidirectional(${describeIo(this.#ab.reader, "read")} ⇄ ${describeIo(this.#ba.reader, "read")})`;
  }
}

/**
 * Copies `a` to `b` and `b` to `a` at the same time until both reach the
 * end of the stream; each direction shuts its writer down when its reader
 * ends (a proxy's half-close). Yields `[bytes a→b, bytes b→a]` (tokio's
 * `copy_bidirectional`).
 *
 * **Cancel safety:** not cancel safe: dropped midway, bytes read but not
 * yet written are lost.
 *
 * @example
 * ```ts no-run
 * import { asyncFn, main, spawn } from "mini-tokio";
 * import { copyBidirectional } from "mini-tokio/io";
 * import { TcpListener, TcpStream } from "mini-tokio/net";
 * // A TCP proxy: every connection to :8080 is joined to :6379.
 * const proxy = asyncFn(function* (inbound: TcpStream) {
 *   using a = inbound;
 *   using b = yield* TcpStream.connect("127.0.0.1:6379");
 *   yield* copyBidirectional(a, b);
 * });
 * await main(function* () {
 *   using listener = yield* TcpListener.bind("127.0.0.1:8080");
 *   for (;;) {
 *     const [inbound] = yield* listener.accept();
 *     spawn(proxy(inbound)).detach();
 *   }
 * });
 * ```
 */
export function copyBidirectional(a: AsyncRead & AsyncWrite, b: AsyncRead & AsyncWrite): IoFuture<[number, number]> {
  const api = "copyBidirectional(a, b)";
  checkReader(api, a);
  checkWriter(api, a);
  checkReader(api, b);
  checkWriter(api, b);
  return new CopyBidirectional(a, b);
}
