/**
 * `once(emitter, event)`: awaiting one event of a Node `EventEmitter` as a
 * cancellable future.
 *
 * @module
 */

import type { EventEmitter } from "node:events";
import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { kindOf } from "./async-read.js";
import { HostWait } from "./host-wait.js";
import { IoError } from "./io-error.js";

const IDLE = 0;
const WAITING = 1;
const FIRED = 2;
const FAILED = 3;
const DONE = 4;

/**
 * The future {@link once} returns: listens from its first poll until the
 * event, an `'error'` or a `'close'` arrives, or until it is dropped.
 *
 * **Cancel safety:** cancel safe: dropping it removes its listeners.
 *
 * @example
 * ```ts
 * import { EventEmitter } from "node:events";
 * import { noopWaker } from "mini-tokio";
 * import { once } from "mini-tokio/io";
 * const e = new EventEmitter();
 * const waiting = once(e, "ready");
 * waiting.poll({ waker: noopWaker() }); // PENDING: now listening
 * waiting[Symbol.dispose]();
 * console.log(e.listenerCount("ready"));
 * ```
 * ```text output
 * 0
 * ```
 */
export class Once extends Awaitable<unknown[]> {
  #state = IDLE;
  #args: unknown[] = [];
  #error: unknown = undefined;
  readonly #host = new HostWait();

  /** @internal Use {@link once}. */
  constructor(
    private readonly emitter: EventEmitter,
    private readonly event: string | symbol,
  ) {
    super();
  }

  poll(cx: Context): Poll<unknown[]> {
    switch (this.#state) {
      case IDLE:
        this.#listen();
        this.#state = WAITING;
        break;
      case FIRED:
        if (!pollProceed(cx)) return PENDING;
        this.#state = DONE;
        return this.#args;
      case FAILED:
        this.#state = DONE;
        throw this.#error;
      case DONE:
        throw new Error(`${this.describeWait()} was polled after it completed: await each future once`);
    }
    this.#host.wait(cx);
    return PENDING;
  }

  describeWait(): string {
    return `once(${kindOf(this.emitter).replace(/^an instance of /, "")}, ${String(this.event)})`;
  }

  /** Drop: removes the listeners. Idempotent. */
  override [Symbol.dispose](): void {
    if (this.#state === WAITING) this.#unlisten();
    this.#state = DONE;
    this.#host.stop();
  }

  #listen(): void {
    const e = this.emitter;
    e.on(this.event, this.#onEvent);
    if (this.event !== "error") e.on("error", this.#onError);
    if (this.event !== "close") e.on("close", this.#onClose);
  }

  #unlisten(): void {
    const e = this.emitter;
    e.off(this.event, this.#onEvent);
    if (this.event !== "error") e.off("error", this.#onError);
    if (this.event !== "close") e.off("close", this.#onClose);
  }

  #settle(state: number): void {
    if (this.#state !== WAITING) return;
    this.#state = state;
    this.#unlisten();
    this.#host.wake();
  }

  readonly #onEvent = (...args: unknown[]): void => {
    this.#args = args;
    this.#settle(FIRED);
  };
  readonly #onError = (error: unknown): void => {
    this.#error = error instanceof Error ? error : IoError.from(error, this.describeWait());
    this.#settle(FAILED);
  };
  readonly #onClose = (): void => {
    this.#error = new IoError(
      "ERR_STREAM_PREMATURE_CLOSE",
      `${this.describeWait()}: the emitter closed before the event`,
    );
    this.#settle(FAILED);
  };
}

/**
 * Waits for `emitter` to emit `event` and yields the event's arguments
 * (Node's `events.once`, as a lazy, cancellable future). It listens from
 * its first poll. It fails with the error if the emitter emits `'error'`
 * first, and with an {@link IoError} (`"ERR_STREAM_PREMATURE_CLOSE"`) if it
 * emits `'close'` first, so waiting for `'drain'` on a socket that dies
 * never hangs. While it waits it holds a host operation: paused time does
 * not skip past it.
 *
 * **Cancel safety:** cancel safe: dropping it removes its listeners; an
 * event emitted after that is not seen by anyone (it was not consumed).
 *
 * @example
 * ```ts
 * import { EventEmitter } from "node:events";
 * import { main, spawn } from "mini-tokio";
 * import { once } from "mini-tokio/io";
 * await main(function* () {
 *   const e = new EventEmitter();
 *   const waiting = spawn(once(e, "ready"));
 *   setTimeout(() => e.emit("ready", 42), 1);
 *   const [value] = yield* waiting;
 *   console.log(value, e.listenerCount("ready"));
 * });
 * ```
 * ```text output
 * 42 0
 * ```
 */
export function once(emitter: EventEmitter, event: string | symbol): Once {
  if (
    typeof emitter !== "object" ||
    emitter === null ||
    typeof emitter.on !== "function" ||
    typeof emitter.off !== "function"
  ) {
    throw new TypeError(`once(emitter, event): emitter must be a Node EventEmitter, got ${kindOf(emitter)}`);
  }
  if (typeof event !== "string" && typeof event !== "symbol") {
    throw new TypeError(`once(emitter, event): event must be a string or a symbol, got ${typeof event}`);
  }
  return new Once(emitter, event);
}
