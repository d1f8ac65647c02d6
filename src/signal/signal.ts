/**
 * Process signals as futures and streams (tokio's `signal`).
 *
 * - `ctrlC()` is a future that completes at the next SIGINT after its first
 *   poll.
 * - `signal("SIGTERM")` is a {@link Stream} of every delivery of a signal,
 *   from the moment it is made. Deliveries that arrive while nobody polls
 *   are remembered as one (tokio coalesces the same way): a stream never
 *   yields more items than there were signals, and never loses the fact
 *   that one came.
 *
 * Each listens with its own `process.on(name, …)` listener, removed on
 * drop: while any listens, Node does not apply the signal's default action
 * (exiting); once all are dropped, it does again (unlike tokio, whose
 * handler stays installed for the life of the process).
 *
 * While one listens, `main()` leaves the first SIGINT or SIGTERM to the
 * program (see `main`'s `dropOnSignal`).
 *
 * @module
 */

import { constants } from "node:os";
import { describe } from "../future/future.js";
import { Awaitable, type Context, PENDING, type Poll, pollProceed, type Stream, type Waker } from "../index.js";
import { holdAlive, releaseAlive } from "./keep-alive.js";

/** A signal's name, as Node spells it (`"SIGINT"`, `"SIGTERM"`, `"SIGHUP"`, …). */
export type SignalName = NodeJS.Signals;

/** Signals a process cannot catch: listening for them is refused by the OS. */
const UNCATCHABLE = new Set(["SIGKILL", "SIGSTOP"]);

function isSignalName(name: unknown): name is SignalName {
  return typeof name === "string" && Object.hasOwn(constants.signals, name);
}

function checkSignal(api: string, name: unknown): SignalName {
  if (!isSignalName(name)) {
    throw new TypeError(`${api}: name must be a signal name such as "SIGTERM" or "SIGHUP", got ${describe(name)}`);
  }
  if (UNCATCHABLE.has(name)) {
    throw new RangeError(`${api}: ${name} cannot be caught by a process; listen for SIGTERM or SIGINT instead`);
  }
  return name;
}

/** One `process.on(name)` listener and the signals it has seen but not handed out. */
class Listener {
  /** A delivery arrived that no poll has taken yet (coalesced: one flag, not a count). */
  arrived = false;
  waker: Waker | undefined = undefined;
  readonly #name: SignalName;
  readonly #onSignal: () => void;
  #listening = false;
  #holding = false;

  constructor(name: SignalName) {
    this.#name = name;
    const onSignal = () => {
      this.arrived = true;
      const waker = this.waker;
      this.waker = undefined;
      waker?.wake();
    };
    this.#onSignal = onSignal;
  }

  listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    process.on(this.#name, this.#onSignal);
  }

  /** Stores the waker and keeps the process alive while waiting. */
  wait(cx: Context): void {
    const held = this.waker;
    if (held === undefined || !held.willWake(cx.waker)) this.waker = cx.waker;
    if (!this.#holding) {
      this.#holding = true;
      holdAlive();
    }
  }

  /** Takes an arrived signal, if one came (and the budget allows). */
  take(cx: Context): boolean {
    if (!this.arrived || !pollProceed(cx)) return false;
    this.arrived = false;
    this.#stopHolding();
    return true;
  }

  #stopHolding(): void {
    if (this.#holding) {
      this.#holding = false;
      releaseAlive();
    }
  }

  close(): void {
    this.waker = undefined;
    this.#stopHolding();
    if (this.#listening) {
      this.#listening = false;
      process.off(this.#name, this.#onSignal);
    }
  }
}

/** The future {@link ctrlC} returns. */
export class CtrlC extends Awaitable<void> {
  #listener: Listener | undefined = new Listener("SIGINT");
  #started = false;

  poll(cx: Context): Poll<void> {
    const listener = this.#listener;
    if (listener === undefined) throw new Error("ctrlC(): the future was polled after it completed or was dropped");
    if (!this.#started) {
      this.#started = true;
      listener.listen();
    } else if (listener.take(cx)) {
      this.#listener = undefined;
      listener.close();
      return undefined;
    }
    listener.wait(cx);
    // take() may have been refused by the budget with a signal pending: it woke us already.
    return PENDING;
  }

  describeWait(): string {
    return "ctrlC() (SIGINT)";
  }

  /** Drop: removes the listener. Idempotent. */
  override [Symbol.dispose](): void {
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.close();
  }
}

/**
 * A future that completes at the next Ctrl-C (SIGINT) delivered after its
 * first poll (tokio's `signal::ctrl_c`). While it waits, the process does
 * not exit on SIGINT, and it is kept alive (Node would otherwise end a
 * program that only waits for a signal).
 *
 * **Cancel safety:** dropping it removes its listener; a SIGINT delivered
 * before its first poll or after the drop is not seen by it.
 *
 * @example
 * ```ts no-run
 * import { main, select, sleep } from "mini-tokio";
 * import { ctrlC } from "mini-tokio/signal";
 * await main(function* () {
 *   const { index } = yield* select(ctrlC(), sleep(60_000));
 *   console.log(index === 0 ? "interrupted" : "a minute passed");
 * }, { dropOnSignal: false });
 * ```
 */
export function ctrlC(): CtrlC {
  return new CtrlC();
}

/** The future {@link SignalStream.recv} returns. */
class Recv extends Awaitable<SignalName> {
  readonly #stream: SignalStream;
  constructor(stream: SignalStream) {
    super();
    this.#stream = stream;
  }
  poll(cx: Context): Poll<SignalName> {
    const next = this.#stream.pollNext(cx);
    if (next === PENDING) return PENDING;
    if (next === undefined) throw new Error("SignalStream.recv(): the stream was dropped");
    return next;
  }
  describeWait(): string {
    return this.#stream.describeWait();
  }
}

/**
 * The stream {@link signal} returns: yields the signal's name once per
 * delivery, coalescing deliveries nobody polled for into one. It never ends
 * on its own; drop it to stop listening.
 */
export class SignalStream implements Stream<SignalName>, Disposable {
  /** The signal it listens for. */
  readonly name: SignalName;
  #listener: Listener | undefined;

  /** @internal Made by {@link signal}. */
  constructor(name: SignalName) {
    this.name = name;
    this.#listener = new Listener(name);
    this.#listener.listen();
  }

  /** The next delivery (the signal's name), or PENDING with the waker stored; `undefined` once dropped. */
  pollNext(cx: Context): Poll<SignalName | undefined> {
    const listener = this.#listener;
    if (listener === undefined) return undefined;
    if (listener.take(cx)) return this.name;
    listener.wait(cx);
    return PENDING;
  }

  /**
   * A future of the next delivery (tokio's `Signal::recv`).
   *
   * **Cancel safety:** a delivery is remembered by the stream, not the
   * future, so dropping the future loses nothing.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { signal } from "mini-tokio/signal";
   * await main(function* () {
   *   using hup = signal("SIGHUP");
   *   for (;;) {
   *     yield* hup.recv();
   *     console.log("reloading configuration");
   *   }
   * });
   * ```
   */
  recv(): Awaitable<SignalName> {
    return new Recv(this);
  }

  describeWait(): string {
    return `signal(${this.name})`;
  }

  /** Drop: removes the listener (with none left, the signal's default action applies again). Idempotent. */
  [Symbol.dispose](): void {
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.close();
  }
}

/**
 * A stream of deliveries of the signal `name`, listening from now on
 * (tokio's `signal::unix::signal`). While it exists, Node does not apply
 * the signal's default action; while a task waits on it, the process is
 * kept alive.
 *
 * **Cancel safety:** deliveries are remembered by the stream; dropping a
 * `recv()` or `next()` future loses none. Dropping the stream removes its
 * listener.
 *
 * @throws TypeError if `name` is not a signal name; RangeError for SIGKILL
 *   and SIGSTOP, which cannot be caught.
 * @example
 * ```ts no-run
 * import { main, stream } from "mini-tokio";
 * import { signal } from "mini-tokio/signal";
 * await main(function* () {
 *   using terms = stream(signal("SIGTERM"));
 *   yield* terms.next();
 *   console.log("terminating");
 * }, { dropOnSignal: false });
 * ```
 */
export function signal(name: SignalName): SignalStream {
  return new SignalStream(checkSignal("signal(name)", name));
}
