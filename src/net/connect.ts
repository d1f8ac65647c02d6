/**
 * `Connect`: the future of `TcpStream.connect` and `UnixStream.connect`.
 *
 * @module
 */

import type { Socket } from "node:net";
import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import { IoError } from "../io/io-error.js";

/**
 * Connects at its first poll (futures are lazy), waits for `'connect'` or
 * `'error'`, and yields the stream made from the socket. Dropped before
 * that, it destroys the socket.
 *
 * @internal
 */
export class Connect<S> extends Awaitable<S> {
  #socket: Socket | undefined = undefined;
  #connected = false;
  #error: IoError | undefined = undefined;
  #done = false;
  readonly #host = new HostWait();

  constructor(
    private readonly open: () => Socket,
    private readonly wrap: (socket: Socket) => S,
    private readonly what: string,
  ) {
    super();
  }

  poll(cx: Context): Poll<S> {
    if (this.#done) throw new Error(`${this.what} was polled after it completed: await each future once`);
    let socket = this.#socket;
    if (socket === undefined) {
      try {
        socket = this.open();
      } catch (error) {
        this.#done = true;
        throw IoError.from(error, this.what);
      }
      this.#socket = socket;
      socket.once("connect", this.#onConnect);
      socket.once("error", this.#onError);
    }
    if (this.#error !== undefined) {
      this.#finish();
      socket.destroy();
      throw this.#error;
    }
    if (this.#connected) {
      if (!pollProceed(cx)) return PENDING;
      this.#finish();
      this.#socket = undefined;
      return this.wrap(socket);
    }
    this.#host.wait(cx);
    return PENDING;
  }

  describeWait(): string {
    return this.what;
  }

  /** Drop: a connection not yet handed out is destroyed. Idempotent. */
  override [Symbol.dispose](): void {
    const socket = this.#socket;
    this.#finish();
    if (socket !== undefined) {
      this.#socket = undefined;
      socket.on("error", () => {});
      socket.destroy();
    }
  }

  #finish(): void {
    this.#done = true;
    this.#host.stop();
    const socket = this.#socket;
    if (socket !== undefined) {
      socket.off("connect", this.#onConnect);
      socket.off("error", this.#onError);
    }
  }

  readonly #onConnect = (): void => {
    this.#connected = true;
    this.#host.wake();
  };
  readonly #onError = (error: unknown): void => {
    this.#error = IoError.from(error, this.what);
    this.#host.wake();
  };
}
