/**
 * `SocketStream`: what a TCP stream and a Unix-domain stream share — a
 * connected Node `net.Socket` as a {@link NodeDuplex} that owns it: it
 * splits, and dropping it destroys the socket.
 *
 * @module
 */

import type { Socket } from "node:net";
import { NodeDuplex } from "../io/node-duplex.js";
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
export abstract class SocketStream extends NodeDuplex {
  /** @internal */
  protected readonly socket: Socket;
  #dropped = false;

  /** @internal */
  constructor(socket: Socket, kind: string, where: string) {
    super(socket, kind, where);
    this.socket = socket;
    socket.on("error", ignore);
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
  override [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    super[Symbol.dispose]();
    const socket = this.socket;
    if (socket.writableEnded && !socket.writableFinished && !socket.destroyed) socket.destroySoon();
    else socket.destroy();
  }
}
