/**
 * `split(io)`: one stream as a read half and a write half that two tasks
 * use at once (tokio's `io::split` and `into_split`).
 *
 * @module
 */

import { type Context, noopWaker, type Poll } from "../index.js";
import { type AsyncBufRead, type AsyncRead, checkReader, isAsyncBufRead } from "./async-read.js";
import { type AsyncWrite, checkWriter } from "./async-write.js";

/** The halves share the stream and drop it when both are dropped. */
class Shared {
  halves = 2;
  constructor(readonly io: AsyncRead & AsyncWrite & Partial<Disposable>) {}
  release(): void {
    if (--this.halves === 0) this.io[Symbol.dispose]?.();
  }
}

/**
 * The reading half of a stream split by {@link split}: an
 * {@link AsyncBufRead} when the stream is one (else `pollFillBuf` throws).
 *
 * @example
 * ```ts
 * import { duplex, type ReadHalf, split } from "mini-tokio/io";
 * const [, b] = duplex(8);
 * const [rd]: [ReadHalf, unknown] = split(b);
 * ```
 */
export class ReadHalf implements AsyncBufRead, Disposable {
  #shared: Shared | undefined;
  /** @internal Use {@link split}. */
  constructor(shared: Shared) {
    this.#shared = shared;
  }
  #io(): AsyncRead & AsyncWrite {
    const s = this.#shared;
    if (s === undefined) throw new Error("ReadHalf: used after it was dropped");
    return s.io;
  }
  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    return this.#io().pollRead(cx, buf);
  }
  get stableViews(): boolean {
    const io = this.#shared?.io;
    return io !== undefined && isAsyncBufRead(io) && io.stableViews === true;
  }
  pollFillBuf(cx: Context): Poll<Uint8Array> {
    const io = this.#io();
    if (!isAsyncBufRead(io))
      throw new TypeError("ReadHalf.pollFillBuf: the split stream is not an AsyncBufRead; wrap it in a BufReader");
    return io.pollFillBuf(cx);
  }
  consume(n: number): void {
    const io = this.#io();
    if (!isAsyncBufRead(io))
      throw new TypeError("ReadHalf.consume: the split stream is not an AsyncBufRead; wrap it in a BufReader");
    io.consume(n);
  }
  cancelRead(): void {
    this.#shared?.io.cancelRead?.();
  }
  describeOperation(operation: string): string {
    const io = this.#shared?.io;
    return io?.describeOperation?.(operation) ?? `ReadHalf.${operation}`;
  }
  /** Drop: forgets a pending read; the stream is dropped once both halves are. Idempotent. */
  [Symbol.dispose](): void {
    const s = this.#shared;
    if (s === undefined) return;
    this.#shared = undefined;
    s.io.cancelRead?.();
    s.release();
  }
}

const DROP_CX: Context = { waker: noopWaker() };

/**
 * The writing half of a stream split by {@link split}. Dropping it shuts
 * the writing side down (the peer reads the end), as tokio's
 * `OwnedWriteHalf` does.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, readToEnd, split, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   const [, wr] = split(a);
 *   yield* writeAll(wr, Buffer.from("bye"));
 *   wr[Symbol.dispose](); // shuts the writing side down
 *   console.log(Buffer.from(yield* readToEnd(b)).toString());
 * });
 * ```
 * ```text output
 * bye
 * ```
 */
export class WriteHalf implements AsyncWrite, Disposable {
  #shared: Shared | undefined;
  /** @internal Use {@link split}. */
  constructor(shared: Shared) {
    this.#shared = shared;
  }
  #io(): AsyncRead & AsyncWrite {
    const s = this.#shared;
    if (s === undefined) throw new Error("WriteHalf: used after it was dropped");
    return s.io;
  }
  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    return this.#io().pollWrite(cx, bytes);
  }
  pollFlush(cx: Context): Poll<void> {
    return this.#io().pollFlush(cx);
  }
  pollShutdown(cx: Context): Poll<void> {
    return this.#io().pollShutdown(cx);
  }
  cancelWrite(): void {
    this.#shared?.io.cancelWrite?.();
  }
  describeOperation(operation: string): string {
    const io = this.#shared?.io;
    return io?.describeOperation?.(operation) ?? `WriteHalf.${operation}`;
  }
  /** Drop: starts shutting the writing side down; the stream is dropped once both halves are. Idempotent. */
  [Symbol.dispose](): void {
    const s = this.#shared;
    if (s === undefined) return;
    this.#shared = undefined;
    s.io.cancelWrite?.();
    try {
      // Starts the close; nobody waits for it (a drop is synchronous).
      s.io.pollShutdown(DROP_CX);
    } catch {
      // Already closed or failed: nothing left to shut down.
    }
    s.io.cancelWrite?.();
    s.release();
  }
}

/**
 * Splits a stream that reads and writes into a {@link ReadHalf} and a
 * {@link WriteHalf}, so one task can read while another writes (tokio's
 * `into_split`). The halves own the stream: do not use it directly any
 * more; it is dropped when both halves are. This needs no lock, unlike
 * tokio's `io::split`: every reader and writer of this package keeps its
 * read waiter and its write waiter apart.
 *
 * @example
 * ```ts
 * import { main, spawn } from "mini-tokio";
 * import { duplex, readToEnd, shutdown, split, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   const [rd, wr] = split(b);
 *   const echo = spawn(readToEnd(rd));
 *   yield* writeAll(wr, Buffer.from("to a"));
 *   yield* writeAll(a, Buffer.from("to b"));
 *   yield* shutdown(a);
 *   console.log(Buffer.from(yield* echo).toString());
 * });
 * ```
 * ```text output
 * to b
 * ```
 */
export function split<S extends AsyncRead & AsyncWrite>(io: S): [ReadHalf, WriteHalf] {
  checkReader("split(io)", io);
  checkWriter("split(io)", io);
  const shared = new Shared(io);
  return [new ReadHalf(shared), new WriteHalf(shared)];
}
