/**
 * `SocketListener`: what a TCP listener and a Unix-domain listener share —
 * a listening Node `net.Server` whose connections wait in a bounded queue
 * until a task accepts them.
 *
 * Node accepts connections as they arrive and emits `'connection'`; there
 * is no pull-based accept. So the listener keeps the sockets that arrive
 * while no task is in `accept()` in a queue (tokio leaves them in the
 * kernel's backlog; here they sit in Node, paused, reading nothing beyond
 * Node's buffer). The queue is bounded: a connection that arrives when it
 * is full is closed at once, as a full backlog refuses.
 *
 * @module
 */

import type { Server, Socket } from "node:net";
import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import { IoError } from "../io/io-error.js";
import { type Once, once } from "../io/once.js";

/** Connections kept for `accept()` by default. */
export const DEFAULT_ACCEPT_QUEUE = 1024;

/**
 * Options of `TcpListener.bind` and `UnixListener.bind`.
 *
 * @example
 * ```ts no-run
 * import { TcpListener } from "mini-tokio/net";
 * const bind = TcpListener.bind("127.0.0.1:0", { backlog: 1024, acceptQueue: 4096 });
 * ```
 */
export interface ListenOptions {
  /** The kernel's backlog of connections not yet taken by Node (default 511). */
  readonly backlog?: number;
  /** Connections Node has taken that wait for `accept()` (default 1024); one more is closed at once. */
  readonly acceptQueue?: number;
}

/** Checks the listen options; returns the accept queue's size. @internal */
export function checkListenOptions(api: string, options: ListenOptions | undefined): number {
  const queue = options?.acceptQueue ?? DEFAULT_ACCEPT_QUEUE;
  if (!Number.isInteger(queue) || queue < 1 || queue > 2 ** 20) {
    throw new RangeError(`${api}: acceptQueue must be an integer from 1 to 2^20, got ${queue}`);
  }
  const backlog = options?.backlog;
  if (backlog !== undefined && (!Number.isInteger(backlog) || backlog < 1)) {
    throw new RangeError(`${api}: backlog must be a positive integer, got ${backlog}`);
  }
  return queue;
}

/**
 * A listening socket: {@link SocketListener.accept} yields each incoming
 * connection. Dropping it stops listening and closes the connections still
 * queued; connections already accepted live on. `TcpListener` and
 * `UnixListener` are the two kinds.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { type SocketListener, TcpListener } from "mini-tokio/net";
 * await main(function* () {
 *   const listener: SocketListener<unknown, unknown> = yield* TcpListener.bind("127.0.0.1:0");
 *   const [stream, peer] = yield* listener.accept();
 * });
 * ```
 */
export abstract class SocketListener<S, A> implements Disposable {
  /** @internal */
  protected readonly server: Server;
  /** Sockets waiting for accept(): a FIFO over an array with a moving head. */
  #queue: Socket[] = [];
  #head = 0;
  readonly #capacity: number;
  readonly #host = new HostWait();
  #error: IoError | undefined = undefined;
  #closed = false;

  /** @internal */
  constructor(server: Server, capacity: number) {
    this.server = server;
    this.#capacity = capacity;
    server.on("connection", this.#onConnection);
    server.on("error", this.#onError);
  }

  /** Wraps an accepted socket. @internal */
  protected abstract wrap(socket: Socket): [S, A];
  /** What the listener listens on, for waits and errors. @internal */
  protected abstract where(): string;
  /** `"TcpListener"`, `"UnixListener"`. @internal */
  protected abstract get kind(): string;

  /** Connections accepted by Node and waiting for `accept()`. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Waits for the next connection and yields it with the peer's address
   * (tokio's `accept`).
   *
   * **Cancel safety:** cancel safe: a connection is taken from the queue
   * only by the poll that returns it, so dropping `accept()` loses none.
   */
  accept(): Awaitable<[S, A]> {
    return new Accept(this);
  }

  /** Polls for the next connection: the stream and address, or PENDING with the waker stored. */
  pollAccept(cx: Context): Poll<[S, A]> {
    if (this.#head < this.#queue.length) {
      if (!pollProceed(cx)) return PENDING;
      this.#host.stop();
      return this.wrap(this.#shift());
    }
    if (this.#error !== undefined) throw this.#error;
    if (this.#closed) {
      throw new IoError("ERR_SERVER_NOT_RUNNING", `${this.kind}.accept(${this.where()}): the listener was dropped`);
    }
    this.#host.wait(cx);
    return PENDING;
  }

  /** A dropped `accept()` forgets its waker and host operation. @internal */
  cancelAccept(): void {
    this.#host.stop();
  }

  /** @internal */
  describeAccept(): string {
    return `${this.kind}.accept(${this.where()})`;
  }

  /** Drop: stops listening and closes the queued connections. Idempotent. */
  [Symbol.dispose](): void {
    if (this.#closed) return;
    this.#closed = true;
    this.server.off("connection", this.#onConnection);
    this.server.close();
    while (this.#head < this.#queue.length) this.#shift().destroy();
    this.#host.wake();
  }

  #shift(): Socket {
    const q = this.#queue;
    const s = q[this.#head];
    if (s === undefined) throw new Error("SocketListener: the accept queue is empty (a bug in mini-tokio)");
    this.#head++;
    if (this.#head === q.length) {
      q.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= q.length) {
      // Amortised O(1): drop the consumed prefix once it is half the array.
      q.splice(0, this.#head);
      this.#head = 0;
    }
    return s;
  }

  readonly #onConnection = (socket: Socket): void => {
    if (this.queued >= this.#capacity) {
      // The queue is full: refuse, as a full backlog would.
      socket.on("error", () => {});
      socket.destroy();
      return;
    }
    this.#queue.push(socket);
    this.#host.wake();
  };

  readonly #onError = (error: unknown): void => {
    this.#error ??= IoError.from(error, `${this.kind}(${this.where()})`);
    this.#host.wake();
  };
}

class Accept<S, A> extends Awaitable<[S, A]> {
  #waiting = false;
  #done = false;
  constructor(private readonly listener: SocketListener<S, A>) {
    super();
  }
  poll(cx: Context): Poll<[S, A]> {
    if (this.#done) throw new Error(`${this.describeWait()} was polled after it completed: await each future once`);
    let p: Poll<[S, A]>;
    try {
      p = this.listener.pollAccept(cx);
    } catch (e) {
      this.#done = true;
      throw e;
    }
    this.#waiting = p === PENDING;
    if (p !== PENDING) this.#done = true;
    return p;
  }
  describeWait(): string {
    return this.listener.describeAccept();
  }
  override [Symbol.dispose](): void {
    if (this.#waiting) this.listener.cancelAccept();
    this.#waiting = false;
    this.#done = true;
  }
}

/**
 * Listens at its first poll and yields the listener once Node reports
 * `'listening'`; fails with an `IoError` (`"EADDRINUSE"`, …) if it
 * cannot. Dropped before that, the server is closed.
 *
 * @internal
 */
export class Bind<L> extends Awaitable<L> {
  #server: Server | undefined = undefined;
  #waiting: Once | undefined = undefined;
  #done = false;

  constructor(
    private readonly open: () => Server,
    private readonly wrap: (server: Server) => L,
    private readonly what: string,
  ) {
    super();
  }

  poll(cx: Context): Poll<L> {
    if (this.#done) throw new Error(`${this.what} was polled after it completed: await each future once`);
    if (this.#waiting === undefined) {
      this.#server = this.open();
      this.#waiting = once(this.#server, "listening");
    }
    let p: Poll<unknown[]>;
    try {
      p = this.#waiting.poll(cx);
    } catch (error) {
      this.#done = true;
      this.#server?.close();
      this.#server = undefined;
      throw IoError.from(error, this.what);
    }
    if (p === PENDING) return PENDING;
    this.#done = true;
    const server = this.#server;
    if (server === undefined) throw new Error(`${this.what}: the server is gone (a bug in mini-tokio)`);
    this.#server = undefined;
    return this.wrap(server);
  }

  describeWait(): string {
    return this.what;
  }

  /** Drop: a server that was not handed out is closed. Idempotent. */
  override [Symbol.dispose](): void {
    this.#waiting?.[Symbol.dispose]();
    this.#done = true;
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) {
      server.on("error", () => {});
      server.close();
    }
  }
}
