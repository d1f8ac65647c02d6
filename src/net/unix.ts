/**
 * Unix-domain sockets: {@link UnixListener} and {@link UnixStream}
 * (tokio's `net::UnixListener` and `net::UnixStream`).
 *
 * @module
 */

import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import type { Awaitable } from "../index.js";
import { Connect } from "./connect.js";
import { Bind, checkListenOptions, type ListenOptions, SocketListener } from "./listener.js";
import { SocketStream } from "./socket-stream.js";

function checkPath(api: string, path: unknown): string {
  if (typeof path !== "string" || path.length === 0) {
    throw new TypeError(
      `${api}: path must be a non-empty string (a file system path for the socket), got ${typeof path}`,
    );
  }
  return path;
}

/**
 * A connection over a Unix-domain socket: an `AsyncBufRead` and an
 * `AsyncWrite`, like a `TcpStream`. Dropping it destroys the socket.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { main, spawn } from "mini-tokio";
 * import { readToEnd, shutdown, writeAll } from "mini-tokio/io";
 * import { UnixListener, UnixStream } from "mini-tokio/net";
 * await main(function* () {
 *   const path = join(mkdtempSync(join(tmpdir(), "uds-")), "s.sock");
 *   using listener = yield* UnixListener.bind(path);
 *   const accepted = spawn(listener.accept());
 *   using client = yield* UnixStream.connect(path);
 *   const [conn] = yield* accepted;
 *   using server = conn;
 *   yield* writeAll(client, Buffer.from("over a unix socket"));
 *   yield* shutdown(client);
 *   console.log(Buffer.from(yield* readToEnd(server)).toString());
 * });
 * ```
 * ```text output
 * over a unix socket
 * ```
 */
export class UnixStream extends SocketStream {
  /** @internal Use {@link UnixStream.connect} or `UnixListener.accept()`. */
  constructor(socket: Socket, path: string) {
    super(socket, "UnixStream", path);
  }

  /**
   * Connects to the socket at `path` and yields the stream; fails with an
   * `IoError` (`"ENOENT"`, `"ECONNREFUSED"`, …).
   *
   * **Cancel safety:** dropping it before it is ready destroys the socket
   * being connected.
   */
  static connect(path: string): Awaitable<UnixStream> {
    const p = checkPath("UnixStream.connect(path)", path);
    return new Connect(
      () => netConnect({ path: p, allowHalfOpen: true }),
      (socket) => new UnixStream(socket, p),
      `UnixStream.connect(${p})`,
    );
  }
}

/**
 * A Unix-domain socket listening for connections (tokio's
 * `UnixListener`): `accept()` yields `[UnixStream, path]`. Dropping it
 * stops listening (Node removes the socket file).
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { UnixListener } from "mini-tokio/net";
 * await main(function* () {
 *   using listener = yield* UnixListener.bind("/tmp/app.sock");
 *   const [stream] = yield* listener.accept();
 * });
 * ```
 */
export class UnixListener extends SocketListener<UnixStream, string> {
  readonly #path: string;

  /** @internal Use {@link UnixListener.bind}. */
  constructor(server: Server, capacity: number, path: string) {
    super(server, capacity);
    this.#path = path;
  }

  /**
   * Listens on the socket file `path` and yields the listener; fails with
   * an `IoError` (`"EADDRINUSE"` when the file exists, …).
   *
   * **Cancel safety:** dropping it before it is ready closes the server.
   */
  // `override`: the static side inherits Function.prototype.bind (see TcpListener.bind).
  static override bind(path: string, options?: ListenOptions): Awaitable<UnixListener> {
    const api = "UnixListener.bind(path)";
    const p = checkPath(api, path);
    const capacity = checkListenOptions(api, options);
    const backlog = options?.backlog;
    return new Bind(
      () => {
        const server = createServer({ allowHalfOpen: true });
        server.listen({ path: p, ...(backlog === undefined ? {} : { backlog }) });
        return server;
      },
      (server) => new UnixListener(server, capacity, p),
      `UnixListener.bind(${p})`,
    );
  }

  /** The path it listens on. */
  localAddr(): string {
    return this.#path;
  }

  /** @internal */
  protected wrap(socket: Socket): [UnixStream, string] {
    return [new UnixStream(socket, this.#path), this.#path];
  }

  /** @internal */
  protected where(): string {
    return this.#path;
  }

  /** @internal */
  protected get kind(): string {
    return "UnixListener";
  }
}
