/**
 * `SocketStream`: what a TCP stream and a Unix-domain stream share — a
 * connected Node `net.Socket` read through a {@link NodeReader} and
 * written through a {@link NodeWriter}.
 *
 * @module
 */

import type { Socket } from "node:net";
import type { Context, Poll } from "../index.js";
import type { AsyncBufRead } from "../io/async-read.js";
import type { AsyncWrite } from "../io/async-write.js";
import { NodeReader } from "../io/node-reader.js";
import { NodeWriter } from "../io/node-writer.js";
import { type ReadHalf, split, type WriteHalf } from "../io/split.js";

/** Errors after we let a socket go are nobody's business: without a listener Node would crash the process. */
function ignore(): void {}

/**
 * A connected stream socket: reads and writes through the poll model,
 * with Node's buffering and backpressure underneath. Dropping it destroys
 * the socket. `TcpStream` and `UnixStream` are the two kinds.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { readLine } from "mini-tokio/io";
 * import { type SocketStream, TcpStream } from "mini-tokio/net";
 * await main(function* () {
 *   using s: SocketStream = yield* TcpStream.connect("127.0.0.1:7000");
 *   console.log(yield* readLine(s));
 * });
 * ```
 */
export abstract class SocketStream implements AsyncBufRead, AsyncWrite, Disposable {
  /** @internal */
  protected readonly socket: Socket;
  readonly #reader: NodeReader;
  readonly #writer: NodeWriter;
  #dropped = false;

  /** @internal */
  constructor(socket: Socket, kind: string, where: string) {
    this.socket = socket;
    socket.on("error", ignore);
    this.#reader = new NodeReader(socket, { kind, where });
    this.#writer = new NodeWriter(socket, { kind, where });
  }

  /** Views are Node's own chunks, never written again. */
  readonly stableViews = true;

  pollFillBuf(cx: Context): Poll<Uint8Array> {
    return this.#reader.pollFillBuf(cx);
  }
  consume(n: number): void {
    this.#reader.consume(n);
  }
  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    return this.#reader.pollRead(cx, buf);
  }
  cancelRead(): void {
    this.#reader.cancelRead();
  }
  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    return this.#writer.pollWrite(cx, bytes);
  }
  pollFlush(cx: Context): Poll<void> {
    return this.#writer.pollFlush(cx);
  }
  pollShutdown(cx: Context): Poll<void> {
    return this.#writer.pollShutdown(cx);
  }
  cancelWrite(): void {
    this.#writer.cancelWrite();
  }
  describeOperation(operation: string): string {
    return this.#reader.describeOperation(operation);
  }

  /**
   * A read half and a write half for two tasks (tokio's `into_split`):
   * the halves own the stream; dropping the write half shuts writing down,
   * dropping both destroys the socket.
   *
   * @example
   * ```ts no-run
   * import { main, spawn } from "mini-tokio";
   * import { copy } from "mini-tokio/io";
   * import { TcpStream } from "mini-tokio/net";
   * await main(function* () {
   *   const s = yield* TcpStream.connect("127.0.0.1:7");
   *   const [rd, wr] = s.split();
   *   const echo = spawn(copy(rd, wr));
   *   yield* echo;
   * });
   * ```
   */
  split(): [ReadHalf, WriteHalf] {
    return split(this);
  }

  /**
   * Drop: destroys the socket (no goodbye: use `shutdown` first for a
   * clean close). When the writing side was shut down and Node still holds
   * bytes for it, they are sent first (`destroySoon`), as the kernel would
   * after tokio's shutdown: dropping a split stream's halves one after the
   * other loses nothing written. Idempotent.
   */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#reader[Symbol.dispose]();
    this.#writer[Symbol.dispose]();
    const socket = this.socket;
    if (socket.writableEnded && !socket.writableFinished && !socket.destroyed) socket.destroySoon();
    else socket.destroy();
  }
}
