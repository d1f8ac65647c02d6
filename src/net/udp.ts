/**
 * UDP: {@link UdpSocket} (tokio's `net::UdpSocket`).
 *
 * @module
 */

import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { checkBytes } from "../io/async-write.js";
import { HostWait } from "../io/host-wait.js";
import { IoError } from "../io/io-error.js";
import { type Once, once } from "../io/once.js";
import { hostPort, SocketAddr, socketAddr, type ToSocketAddr } from "./socket-addr.js";

/** Datagrams kept for `recv`/`recvFrom` by default; more are dropped, as a full socket buffer drops them. */
export const DEFAULT_RECV_QUEUE = 1024;

interface Datagram {
  readonly data: Uint8Array;
  readonly from: SocketAddr;
}

/**
 * A UDP socket (tokio's `UdpSocket`): `sendTo`/`recvFrom` any peer, or
 * `connect` once and `send`/`recv`. Datagrams that arrive while no task is
 * receiving wait in a bounded queue (`recvQueue`, default 1024); beyond
 * that they are dropped and counted in {@link UdpSocket.dropped}, which UDP
 * allows. Dropping the socket closes it.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { UdpSocket } from "mini-tokio/net";
 * await main(function* () {
 *   using a = yield* UdpSocket.bind("127.0.0.1:0");
 *   using b = yield* UdpSocket.bind("127.0.0.1:0");
 *   yield* a.sendTo(Buffer.from("ping"), b.localAddr());
 *   const [data, from] = yield* b.recvFrom();
 *   console.log(Buffer.from(data).toString(), from.port === a.localAddr().port);
 * });
 * ```
 * ```text output
 * ping true
 * ```
 */
export class UdpSocket implements Disposable {
  readonly #socket: Socket;
  readonly #capacity: number;
  #queue: Datagram[] = [];
  #head = 0;
  readonly #host = new HostWait();
  #error: IoError | undefined = undefined;
  #closed = false;
  #dropped = 0;

  /** @internal Use {@link UdpSocket.bind}. */
  constructor(socket: Socket, capacity: number) {
    this.#socket = socket;
    this.#capacity = capacity;
    socket.on("message", this.#onMessage);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
  }

  /**
   * Binds a socket to `addr` (`"127.0.0.1:0"` picks a free port) and
   * yields it; fails with an `IoError`.
   *
   * **Cancel safety:** dropping it before it is ready closes the socket.
   */
  static bind(addr: ToSocketAddr, options?: { recvQueue?: number }): Awaitable<UdpSocket> {
    const api = "UdpSocket.bind(addr)";
    const { host, port } = hostPort(api, addr);
    if (isIP(host) === 0) throw new RangeError(`${api}: expected an IP address to bind, got "${host}"`);
    const capacity = options?.recvQueue ?? DEFAULT_RECV_QUEUE;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 20) {
      throw new RangeError(`${api}: recvQueue must be an integer from 1 to 2^20, got ${capacity}`);
    }
    return new Bound(host, port, capacity);
  }

  /** Datagrams dropped because the receive queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The local address. */
  localAddr(): SocketAddr {
    const a = this.#socket.address();
    return new SocketAddr(a.address, a.port);
  }

  /** The connected peer's address; throws an `IoError` when not connected. */
  peerAddr(): SocketAddr {
    try {
      const a = this.#socket.remoteAddress();
      return new SocketAddr(a.address, a.port);
    } catch (error) {
      throw IoError.from(error, "UdpSocket.peerAddr()");
    }
  }

  /**
   * Sends `bytes` as one datagram to `addr` and yields its length once
   * Node has handed it to the system.
   *
   * **Cancel safety:** once polled, the datagram is on its way; dropping
   * the future only stops waiting for the confirmation.
   */
  sendTo(bytes: Uint8Array, addr: ToSocketAddr): Awaitable<number> {
    const { host, port } = hostPort("UdpSocket.sendTo(bytes, addr)", addr);
    return new Send(this.#socket, checkBytes("UdpSocket.sendTo(bytes, addr)", "bytes", bytes), host, port);
  }

  /**
   * Sends `bytes` to the connected peer (see {@link UdpSocket.connect}).
   *
   * **Cancel safety:** as {@link UdpSocket.sendTo}.
   */
  send(bytes: Uint8Array): Awaitable<number> {
    return new Send(this.#socket, checkBytes("UdpSocket.send(bytes)", "bytes", bytes), undefined, undefined);
  }

  /**
   * Fixes the peer: `send` goes there and only its datagrams are received.
   *
   * **Cancel safety:** dropping it before it is ready leaves the socket
   * connecting; awaiting `connect` again fails with `ERR_SOCKET_DGRAM_IS_CONNECTED`.
   */
  connect(addr: ToSocketAddr): Awaitable<void> {
    const { host, port } = hostPort("UdpSocket.connect(addr)", addr);
    return new UdpConnect(this.#socket, host, port);
  }

  /**
   * Waits for the next datagram and yields its bytes (Node's own buffer,
   * not copied) and its sender.
   *
   * **Cancel safety:** cancel safe: a datagram is taken from the queue only
   * by the poll that returns it.
   */
  recvFrom(): Awaitable<[Uint8Array, SocketAddr]> {
    return new RecvFrom(this);
  }

  /**
   * Waits for the next datagram from the connected peer and yields its bytes.
   *
   * **Cancel safety:** as {@link UdpSocket.recvFrom}.
   */
  recv(): Awaitable<Uint8Array> {
    return new Recv(this);
  }

  /** Polls for the next datagram. @internal */
  pollRecv(cx: Context): Poll<Datagram> {
    if (this.#head < this.#queue.length) {
      if (!pollProceed(cx)) return PENDING;
      this.#host.stop();
      const d = this.#queue[this.#head];
      if (d === undefined) throw new Error("UdpSocket: the receive queue is empty (a bug in mini-tokio)");
      this.#queue[this.#head] = EMPTY_DATAGRAM;
      if (++this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      return d;
    }
    if (this.#error !== undefined) throw this.#error;
    if (this.#closed)
      throw new IoError("ERR_SOCKET_DGRAM_NOT_RUNNING", `UdpSocket.recv(${this.#where()}): the socket is closed`);
    this.#host.wait(cx);
    return PENDING;
  }

  /** @internal */
  cancelRecv(): void {
    this.#host.stop();
  }

  /** @internal */
  describeRecv(): string {
    return `UdpSocket.recv(${this.#where()})`;
  }

  /** Drop: closes the socket. Idempotent. */
  [Symbol.dispose](): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.off("message", this.#onMessage);
    this.#socket.close();
    this.#host.wake();
  }

  #where(): string {
    try {
      return `${this.localAddr()}`;
    } catch {
      return "closed";
    }
  }

  readonly #onMessage = (data: Buffer, rinfo: { address: string; port: number }): void => {
    if (this.#queue.length - this.#head >= this.#capacity) {
      this.#dropped++;
      return;
    }
    this.#queue.push({ data, from: socketAddr(rinfo.address, rinfo.port) ?? new SocketAddr("0.0.0.0", 0) });
    this.#host.wake();
  };
  readonly #onError = (error: unknown): void => {
    this.#error ??= IoError.from(error, `UdpSocket(${this.#where()})`);
    this.#host.wake();
  };
  readonly #onClose = (): void => {
    this.#closed = true;
    this.#host.wake();
  };
}

const EMPTY_DATAGRAM: Datagram = { data: new Uint8Array(0), from: new SocketAddr("0.0.0.0", 0) };

/** What `recv` and `recvFrom` share: a wait on the socket's queue. */
abstract class RecvBase<T> extends Awaitable<T> {
  #waiting = false;
  constructor(protected readonly socket: UdpSocket) {
    super();
  }
  protected abstract output(d: Datagram): T;
  poll(cx: Context): Poll<T> {
    const d = this.socket.pollRecv(cx);
    this.#waiting = d === PENDING;
    return d === PENDING ? PENDING : this.output(d);
  }
  describeWait(): string {
    return this.socket.describeRecv();
  }
  override [Symbol.dispose](): void {
    if (this.#waiting) this.socket.cancelRecv();
    this.#waiting = false;
  }
}

class RecvFrom extends RecvBase<[Uint8Array, SocketAddr]> {
  protected output(d: Datagram): [Uint8Array, SocketAddr] {
    return [d.data, d.from];
  }
}

class Recv extends RecvBase<Uint8Array> {
  protected output(d: Datagram): Uint8Array {
    return d.data;
  }
}

/** Waits for a callback-style completion (a send, a connect), holding a host operation. */
abstract class Completion<T> extends Awaitable<T> {
  #started = false;
  #result: { value: T } | undefined = undefined;
  #error: IoError | undefined = undefined;
  readonly #host = new HostWait();

  protected abstract start(): void;
  abstract describeWait(): string;

  poll(cx: Context): Poll<T> {
    if (!this.#started) {
      this.#started = true;
      try {
        this.start();
      } catch (error) {
        throw IoError.from(error, this.describeWait());
      }
    }
    if (this.#error !== undefined) throw this.#error;
    const result = this.#result;
    if (result !== undefined) return pollProceed(cx) ? result.value : PENDING;
    this.#host.wait(cx);
    return PENDING;
  }

  protected complete(error: unknown, result: T): void {
    if (error) this.#error = IoError.from(error, this.describeWait());
    else this.#result = { value: result };
    this.#host.wake();
  }

  override [Symbol.dispose](): void {
    this.#host.stop();
  }
}

class Send extends Completion<number> {
  constructor(
    private readonly socket: Socket,
    private readonly bytes: Uint8Array,
    private readonly host: string | undefined,
    private readonly port: number | undefined,
  ) {
    super();
  }
  protected start(): void {
    const n = this.bytes.length;
    const done = (error: Error | null): void => this.complete(error, n);
    if (this.port === undefined) this.socket.send(this.bytes, done);
    else this.socket.send(this.bytes, this.port, this.host, done);
  }
  describeWait(): string {
    return this.port === undefined ? "UdpSocket.send" : `UdpSocket.sendTo(${this.host}:${this.port})`;
  }
}

class UdpConnect extends Completion<void> {
  constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly port: number,
  ) {
    super();
  }
  protected start(): void {
    this.socket.connect(this.port, this.host, () => this.complete(null, undefined));
    // A failed connect is reported as 'error' on the socket, which the UdpSocket records.
  }
  describeWait(): string {
    return `UdpSocket.connect(${this.host}:${this.port})`;
  }
}

class Bound extends Awaitable<UdpSocket> {
  #socket: Socket | undefined = undefined;
  #waiting: Once | undefined = undefined;
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly capacity: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<UdpSocket> {
    if (this.#waiting === undefined) {
      const socket = createSocket(isIP(this.host) === 6 ? "udp6" : "udp4");
      this.#socket = socket;
      this.#waiting = once(socket, "listening");
      socket.bind(this.port, this.host);
    }
    let p: Poll<unknown[]>;
    try {
      p = this.#waiting.poll(cx);
    } catch (error) {
      this.#close();
      throw IoError.from(error, this.describeWait());
    }
    if (p === PENDING) return PENDING;
    const socket = this.#socket;
    if (socket === undefined) throw new Error("UdpSocket.bind: the socket is gone (a bug in mini-tokio)");
    this.#socket = undefined;
    return new UdpSocket(socket, this.capacity);
  }
  describeWait(): string {
    return `UdpSocket.bind(${this.host}:${this.port})`;
  }
  #close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      socket.on("error", () => {});
      socket.close();
    }
  }
  override [Symbol.dispose](): void {
    this.#waiting?.[Symbol.dispose]();
    this.#close();
  }
}
