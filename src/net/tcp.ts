/**
 * TCP: {@link TcpListener} and {@link TcpStream} (tokio's `net::TcpListener`
 * and `net::TcpStream`).
 *
 * @module
 */

import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import type { Awaitable } from "../index.js";
import { IoError } from "../io/io-error.js";
import { Connect } from "./connect.js";
import { Bind, checkListenOptions, type ListenOptions, SocketListener } from "./listener.js";
import { hostPort, SocketAddr, socketAddr, type ToSocketAddr } from "./socket-addr.js";
import { SocketStream } from "./socket-stream.js";

/**
 * A TCP connection: an `AsyncBufRead` and an `AsyncWrite`
 * (read it with `read`, `readExact`, `lines`, `Framed`…; write with
 * `writeAll`, `BufWriter`…). Made by {@link TcpStream.connect} or
 * `TcpListener.accept()`. Reading the end of the stream does not close the
 * writing side (half-close, as in tokio); dropping the stream destroys the
 * socket.
 *
 * @example
 * ```ts
 * import { main, spawn } from "mini-tokio";
 * import { readToEnd, shutdown, writeAll } from "mini-tokio/io";
 * import { TcpListener, TcpStream } from "mini-tokio/net";
 * await main(function* () {
 *   using listener = yield* TcpListener.bind("127.0.0.1:0");
 *   const server = spawn(listener.accept());
 *   using client = yield* TcpStream.connect(listener.localAddr());
 *   const [conn] = yield* server;
 *   using s = conn;
 *   yield* writeAll(client, Buffer.from("hello"));
 *   yield* shutdown(client);
 *   console.log(Buffer.from(yield* readToEnd(s)).toString());
 * });
 * ```
 * ```text output
 * hello
 * ```
 */
export class TcpStream extends SocketStream {
  /** @internal Use {@link TcpStream.connect} or `TcpListener.accept()`. */
  constructor(socket: Socket) {
    super(socket, "TcpStream", `${socketAddr(socket.remoteAddress, socket.remotePort) ?? "not connected"}`);
  }

  /**
   * Connects to `addr` (`"127.0.0.1:6379"`, a {@link SocketAddr} or
   * `{ host, port }`; a host name is resolved by Node) and yields the
   * stream; fails with an `IoError` (`"ECONNREFUSED"`, …).
   *
   * **Cancel safety:** dropping it before it is ready destroys the socket
   * being connected; nothing else is left behind.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { TcpStream } from "mini-tokio/net";
   * await main(function* () {
   *   using s = yield* TcpStream.connect("127.0.0.1:6379");
   *   s.setNoDelay(true);
   * });
   * ```
   */
  static connect(addr: ToSocketAddr): Awaitable<TcpStream> {
    const { host, port } = hostPort("TcpStream.connect(addr)", addr);
    const shown = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    return new Connect(
      () => netConnect({ host, port, allowHalfOpen: true }),
      (socket) => new TcpStream(socket),
      `TcpStream.connect(${shown})`,
    );
  }

  /** Turns Nagle's algorithm off (`true`: small writes leave at once) or on. */
  setNoDelay(noDelay: boolean): void {
    this.socket.setNoDelay(noDelay);
  }

  /** The local address; throws an `IoError` once the socket is closed. */
  localAddr(): SocketAddr {
    return addrOrThrow(socketAddr(this.socket.localAddress, this.socket.localPort), "TcpStream.localAddr()");
  }

  /** The peer's address; throws an `IoError` once the socket is closed. */
  peerAddr(): SocketAddr {
    return addrOrThrow(socketAddr(this.socket.remoteAddress, this.socket.remotePort), "TcpStream.peerAddr()");
  }
}

function addrOrThrow(addr: SocketAddr | undefined, api: string): SocketAddr {
  if (addr === undefined) throw new IoError("ENOTCONN", `${api}: the socket is not connected`);
  return addr;
}

/**
 * A TCP socket listening for connections (tokio's `TcpListener`).
 * `accept()` yields `[TcpStream, SocketAddr]`; connections that arrive
 * while no task is accepting wait in a bounded queue (see
 * `ListenOptions.acceptQueue`). Dropping it stops listening.
 *
 * @example
 * ```ts no-run
 * import { main, spawn } from "mini-tokio";
 * import { copy, split } from "mini-tokio/io";
 * import { TcpListener } from "mini-tokio/net";
 * await main(function* () {
 *   using listener = yield* TcpListener.bind("127.0.0.1:7000");
 *   for (;;) {
 *     const [stream] = yield* listener.accept();
 *     const [rd, wr] = stream.split();
 *     spawn(copy(rd, wr)).detach(); // an echo server
 *   }
 * });
 * ```
 */
export class TcpListener extends SocketListener<TcpStream, SocketAddr> {
  /**
   * Listens on `addr` (`"127.0.0.1:0"` picks a free port: read it back
   * with {@link TcpListener.localAddr}) and yields the listener; fails with
   * an `IoError` (`"EADDRINUSE"`, `"EACCES"`, …).
   *
   * **Cancel safety:** dropping it before it is ready closes the server.
   *
   * @example
   * ```ts
   * import { main } from "mini-tokio";
   * import { TcpListener } from "mini-tokio/net";
   * await main(function* () {
   *   using listener = yield* TcpListener.bind("127.0.0.1:0");
   *   console.log(listener.localAddr().port > 0);
   * });
   * ```
   * ```text output
   * true
   * ```
   */
  // `override` because a class's static side inherits Function.prototype.bind; this is tokio's `bind`.
  static override bind(addr: ToSocketAddr, options?: ListenOptions): Awaitable<TcpListener> {
    const api = "TcpListener.bind(addr)";
    const { host, port } = hostPort(api, addr);
    const capacity = checkListenOptions(api, options);
    const backlog = options?.backlog;
    return new Bind(
      () => {
        const server: Server = createServer({ allowHalfOpen: true });
        server.listen({ host, port, ...(backlog === undefined ? {} : { backlog }) });
        return server;
      },
      (server) => new TcpListener(server, capacity),
      `TcpListener.bind(${host.includes(":") ? `[${host}]` : host}:${port})`,
    );
  }

  /** The address it listens on (with the port the system picked for port 0). */
  localAddr(): SocketAddr {
    const a = this.server.address();
    if (a === null || typeof a === "string") throw new IoError("ENOTCONN", "TcpListener.localAddr(): not listening");
    return new SocketAddr(a.address, a.port);
  }

  /** @internal */
  protected wrap(socket: Socket): [TcpStream, SocketAddr] {
    const stream = new TcpStream(socket);
    const peer = socketAddr(socket.remoteAddress, socket.remotePort) ?? new SocketAddr("0.0.0.0", 0);
    return [stream, peer];
  }

  /** @internal */
  protected where(): string {
    const a = this.server.address();
    return a === null ? "closed" : typeof a === "string" ? a : `${new SocketAddr(a.address, a.port)}`;
  }

  /** @internal */
  protected get kind(): string {
    return "TcpListener";
  }
}
