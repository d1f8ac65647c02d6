/**
 * `Framed`: a byte stream seen as a stream of frames and a sink of frames
 * (tokio-util's `Framed`).
 *
 * @module
 */

import { Awaitable, type Context, PENDING, type Poll, type Stream } from "../index.js";
import { type AsyncRead, checkReader, describeIo, isAsyncBufRead } from "./async-read.js";
import { type AsyncWrite, checkWriter } from "./async-write.js";
import { ByteBuffer } from "./byte-buffer.js";
import { type Codec, DecodeBuffer } from "./codec.js";
import { IoError } from "./io-error.js";

const READ_CHUNK = 8 * 1024;

/**
 * A stream of decoded frames read from `io` plus a sink of frames written
 * to it, by a {@link Codec}. `next()` yields the next frame (`undefined` at
 * the end of the stream); `send(frame)` encodes and writes one;
 * `feed(frame)` only encodes it into the write buffer, and `flush()`
 * writes everything fed in one write: that is how a pipelining server
 * answers a batch of requests with one system call.
 *
 * It owns `io`: dropping the `Framed` drops it. Reading and writing keep
 * separate wakers, so one task may read while another writes.
 *
 * @example
 * ```ts
 * import { future, main, spawn } from "mini-tokio";
 * import { duplex, Framed, LinesCodec } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(1024);
 *   spawn(future(function* () {
 *     using conn = new Framed(b, new LinesCodec());
 *     for (let line = yield* conn.next(); line !== undefined; line = yield* conn.next()) {
 *       conn.feed(line.toUpperCase());
 *       yield* conn.flush();
 *     }
 *   })).detach();
 *   using client = new Framed(a, new LinesCodec());
 *   yield* client.send("hello");
 *   console.log(yield* client.next());
 * });
 * ```
 * ```text output
 * HELLO
 * ```
 */
export class Framed<In, Out = In> implements Stream<In>, Disposable {
  readonly #io: AsyncRead & AsyncWrite & Partial<Disposable>;
  readonly #codec: Codec<In, Out>;
  readonly #in = new DecodeBuffer();
  readonly #out = new ByteBuffer();
  /** Encoded bytes handed to the writer, and how many it took. */
  #pending: Uint8Array | undefined = undefined;
  #pendingPos = 0;
  #eof = false;
  #readChunk: Uint8Array | undefined = undefined;
  #readWaiting = false;
  #writeWaiting = false;

  /** Frames `io` with `codec`. */
  constructor(io: AsyncRead & AsyncWrite, codec: Codec<In, Out>) {
    checkReader("new Framed(io, codec)", io);
    checkWriter("new Framed(io, codec)", io);
    if (
      typeof codec !== "object" ||
      codec === null ||
      typeof codec.decode !== "function" ||
      typeof codec.encode !== "function"
    ) {
      throw new TypeError("new Framed(io, codec): codec must have decode(buf) and encode(item, dst) methods");
    }
    this.#io = io;
    this.#codec = codec;
  }

  /** The stream underneath. */
  get io(): AsyncRead & AsyncWrite {
    return this.#io;
  }

  /** Bytes read but not yet decoded into a frame. */
  get readBuffered(): number {
    return this.#in.length;
  }

  /** Bytes encoded but not yet written. */
  get writeBuffered(): number {
    return this.#out.length + (this.#pending === undefined ? 0 : this.#pending.length - this.#pendingPos);
  }

  /** The next frame, `undefined` at the end of the stream, or PENDING. Throws what the codec or the stream throws. */
  pollNext(cx: Context): Poll<In | undefined> {
    const p = this.#pollNext(cx);
    this.#readWaiting = p === PENDING;
    return p;
  }

  #pollNext(cx: Context): Poll<In | undefined> {
    const codec = this.#codec;
    const buf = this.#in;
    for (;;) {
      if (buf.length > 0) {
        const frame = codec.decode(buf);
        if (frame !== undefined) return frame;
      }
      if (this.#eof) {
        if (buf.length === 0) return undefined;
        const last = codec.decodeEof?.(buf);
        if (last !== undefined) return last;
        if (buf.length === 0) return undefined;
        throw new IoError(
          "UNEXPECTED_EOF",
          `${describeIo(this.#io, "read")}: the stream ended inside a frame (${buf.length} bytes left undecoded)`,
        );
      }
      const io = this.#io;
      if (isAsyncBufRead(io)) {
        const view = io.pollFillBuf(cx);
        if (view === PENDING) return PENDING;
        if (view.length === 0) {
          this.#eof = true;
          continue;
        }
        if (buf.length === 0) {
          // Decode straight from the reader's chunk; copy only the leftover,
          // and only then give the chunk back.
          buf.lend(view);
          const frame = this.#decodeLent();
          io.consume(view.length);
          if (frame !== undefined) return frame;
        } else {
          buf.append(view);
          io.consume(view.length);
        }
      } else {
        const chunk = (this.#readChunk ??= new Uint8Array(READ_CHUNK));
        const n = io.pollRead(cx, chunk);
        if (n === PENDING) return PENDING;
        if (n === 0) this.#eof = true;
        else buf.append(chunk.subarray(0, n));
      }
    }
  }

  /** Decodes one frame from a lent view; whatever is left is copied before the view goes back. */
  #decodeLent(): In | undefined {
    const buf = this.#in;
    try {
      return this.#codec.decode(buf);
    } finally {
      // The frames after this one are decoded by later polls: keep their bytes.
      buf.keepLeftover();
    }
  }

  /**
   * Waits for the next frame and yields it, or `undefined` at the end of
   * the stream.
   *
   * **Cancel safety:** cancel safe: bytes read for a frame not yet complete
   * stay in the `Framed`.
   */
  next(): Awaitable<In | undefined> {
    return new NextFrame(this);
  }

  /**
   * Encodes `frame` into the write buffer without writing anything: call
   * {@link Framed.flush} after a batch. Throws what the encoder throws.
   */
  feed(frame: Out): void {
    this.#codec.encode(frame, this.#out);
  }

  /**
   * Encodes `frame`, writes it with everything fed before it, and flushes
   * (tokio-util's `SinkExt::send`). To answer a batch with one write,
   * `feed` each frame and `flush` once.
   *
   * **Cancel safety:** the frame is encoded at the first poll; dropped
   * after that, what is not yet written stays in the write buffer and goes
   * out with the next flush.
   */
  send(frame: Out): Awaitable<void> {
    return new SendFrame(this, frame);
  }

  /**
   * Writes everything encoded so far and flushes the stream.
   *
   * **Cancel safety:** cancel safe: what is not yet written stays buffered
   * for the next flush.
   */
  flush(): Awaitable<void> {
    return new FlushFramed(this);
  }

  /**
   * Writes everything encoded so far, then shuts the writing side down.
   *
   * **Cancel safety:** as {@link Framed.flush}.
   */
  close(): Awaitable<void> {
    return new CloseFramed(this);
  }

  /** @internal Encodes a frame for `send`. */
  encode(frame: Out): void {
    this.#codec.encode(frame, this.#out);
  }

  /** @internal Writes buffered bytes; with `flush`, also flushes the stream. */
  pollWriteBuffered(cx: Context, flushToo: boolean): Poll<void> {
    const io = this.#io;
    for (;;) {
      const pending = this.#pending;
      if (pending !== undefined) {
        const n = io.pollWrite(cx, this.#pendingPos === 0 ? pending : pending.subarray(this.#pendingPos));
        if (n === PENDING) return this.#waitingToWrite();
        if (n === 0) throw new IoError("WRITE_ZERO", `${describeIo(io, "write")}: the writer accepted nothing`);
        this.#pendingPos += n;
        if (this.#pendingPos === pending.length) this.#pending = undefined;
        continue;
      }
      if (this.#out.length === 0) break;
      this.#pending = this.#out.take();
      this.#pendingPos = 0;
    }
    if (flushToo && io.pollFlush(cx) === PENDING) return this.#waitingToWrite();
    this.#writeWaiting = false;
  }

  /** @internal */
  pollShutdown(cx: Context): Poll<void> {
    if (this.pollWriteBuffered(cx, true) === PENDING) return PENDING;
    if (this.#io.pollShutdown(cx) === PENDING) return this.#waitingToWrite();
    this.#writeWaiting = false;
  }

  #waitingToWrite(): typeof PENDING {
    this.#writeWaiting = true;
    return PENDING;
  }

  /** @internal A `next()` was dropped. */
  cancelRead(): void {
    if (this.#readWaiting) this.#io.cancelRead?.();
    this.#readWaiting = false;
  }

  /** @internal A `send`/`flush` was dropped. */
  cancelWrite(): void {
    if (this.#writeWaiting) this.#io.cancelWrite?.();
    this.#writeWaiting = false;
  }

  /** @internal */
  describeOperation(operation: string): string {
    return describeIo(this.#io, operation);
  }

  /** Drop: drops the stream underneath; what was fed and not flushed is lost. Idempotent. */
  [Symbol.dispose](): void {
    this.cancelRead();
    this.cancelWrite();
    this.#io[Symbol.dispose]?.();
  }
}

class NextFrame<In> extends Awaitable<In | undefined> {
  constructor(private readonly framed: Framed<In, unknown>) {
    super();
  }
  poll(cx: Context): Poll<In | undefined> {
    return this.framed.pollNext(cx);
  }
  override [Symbol.dispose](): void {
    this.framed.cancelRead();
  }
  describeWait(): string {
    return this.framed.describeOperation("next");
  }
}

class SendFrame<Out> extends Awaitable<void> {
  #encoded = false;
  constructor(
    private readonly framed: Framed<unknown, Out>,
    private readonly frame: Out,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    if (!this.#encoded) {
      this.#encoded = true;
      this.framed.encode(this.frame);
    }
    return this.framed.pollWriteBuffered(cx, true);
  }
  override [Symbol.dispose](): void {
    this.framed.cancelWrite();
  }
  describeWait(): string {
    return this.framed.describeOperation("send");
  }
}

class FlushFramed extends Awaitable<void> {
  constructor(private readonly framed: Framed<unknown, unknown>) {
    super();
  }
  poll(cx: Context): Poll<void> {
    return this.framed.pollWriteBuffered(cx, true);
  }
  override [Symbol.dispose](): void {
    this.framed.cancelWrite();
  }
  describeWait(): string {
    return this.framed.describeOperation("flush");
  }
}

class CloseFramed extends Awaitable<void> {
  constructor(private readonly framed: Framed<unknown, unknown>) {
    super();
  }
  poll(cx: Context): Poll<void> {
    return this.framed.pollShutdown(cx);
  }
  override [Symbol.dispose](): void {
    this.framed.cancelWrite();
  }
  describeWait(): string {
    return this.framed.describeOperation("close");
  }
}
