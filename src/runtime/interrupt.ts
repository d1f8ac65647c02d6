/**
 * Ctrl-C drops the root future: how `main()` turns SIGINT and SIGTERM into
 * cancellation.
 *
 * Node's default for SIGINT is to end the process on the spot: no `finally`
 * runs, no `using` is disposed. `main()` instead listens for SIGINT and
 * SIGTERM and, at the first one, drops its root future at the runtime's
 * next turn (so cleanup runs, synchronously, as Rust's drop does), shuts
 * the runtime down, and ends the process with the shell's code for the
 * signal (128 + its number: 130, 143). A second signal ends the process at
 * once, for cleanup that hangs.
 *
 * A program that listens for the signal itself (`ctrlC()`, a
 * `signal("SIGTERM")` stream, or a plain `process.on("SIGINT", …)`) handles
 * the first one its own way, say a graceful shutdown: Node's own rule (a
 * listener replaces the default action), kept. A second signal still ends
 * the process at once.
 *
 * Engine-agnostic: everything about `process` is feature-detected, so on a
 * host without it this is a no-op.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { type Context, type Future, waitDescription } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";

/** The exit code after each signal: 128 + the signal's number, as shells report it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
const SIGNALS = ["SIGINT", "SIGTERM"] as const;
type TerminationSignal = (typeof SIGNALS)[number];

/**
 * Marks main's own listeners, so one main() does not take another's (two
 * running at once, or a copy of the package bundled twice) for the
 * program's. A registered symbol, so every copy agrees.
 */
const MAIN_LISTENER = Symbol.for("mini-tokio.main.signalListener");

/** The slice of Node's `process` used here. */
interface SignalHost {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  listeners(event: string): unknown[];
  exit(code: number): void;
}

function signalHost(): SignalHost | undefined {
  const p: unknown = Reflect.get(globalThis, "process");
  if (typeof p !== "object" || p === null) return undefined;
  for (const method of ["on", "off", "listeners", "exit"]) {
    if (typeof Reflect.get(p, method) !== "function") return undefined;
  }
  const call =
    (method: string) =>
    (...args: unknown[]): unknown =>
      Reflect.apply(Reflect.get(p, method), p, args);
  const listeners = call("listeners");
  return {
    on: call("on"),
    off: call("off"),
    listeners: (event) => {
      const list = listeners(event);
      return Array.isArray(list) ? list : [];
    },
    exit: call("exit"),
  };
}

/**
 * Wraps the root future: polls it as it is until a signal is noted, then
 * drops it and completes. @internal
 */
export class Interruptible<T> extends Awaitable<T | undefined> {
  /** The signal that interrupted the root, once one did. */
  signal: TerminationSignal | undefined = undefined;
  /** True once a signal asked for the root to be dropped (the program did not handle it itself). */
  #interrupted = false;
  #inner: Future<T> | undefined;
  #waker: Waker | undefined = undefined;
  #stopListening: () => void = () => {};

  constructor(inner: Future<T>) {
    super();
    this.#inner = inner;
  }

  /** Starts listening for SIGINT and SIGTERM (where the host has them). */
  listen(): void {
    const host = signalHost();
    if (host === undefined) return;
    const handlers = SIGNALS.map((name) => {
      const handler = () => this.#onSignal(host, name);
      Object.defineProperty(handler, MAIN_LISTENER, { value: true });
      host.on(name, handler);
      return [name, handler] as const;
    });
    this.#stopListening = () => {
      for (const [name, handler] of handlers) host.off(name, handler);
    };
  }

  /** The exit code for the signal that dropped the root, or undefined if none did. */
  exitCode(): number | undefined {
    return this.signal === undefined || !this.#interrupted ? undefined : EXIT_CODES[this.signal];
  }

  /** Stops listening. Idempotent. */
  stop(): void {
    this.#stopListening();
    this.#stopListening = () => {};
  }

  #onSignal(host: SignalHost, name: TerminationSignal): void {
    if (this.signal !== undefined) {
      host.exit(EXIT_CODES[name]); // the second signal: now
      return;
    }
    this.signal = name;
    const programHandles = host.listeners(name).some((l) => typeof l === "function" && !(MAIN_LISTENER in l));
    if (programHandles) return; // the program listens: the first one is its to handle
    const waker = this.#waker;
    this.#waker = undefined;
    this.#interrupted = true;
    waker?.wake();
  }

  poll(cx: Context): Poll<T | undefined> {
    const inner = this.#inner;
    if (inner === undefined) throw new Error("main(): the root future was polled after it completed or was dropped");
    if (this.#interrupted) {
      this.#inner = undefined;
      inner[Symbol.dispose]?.();
      return undefined;
    }
    const held = this.#waker;
    if (held === undefined || !held.willWake(cx.waker)) this.#waker = cx.waker;
    const p = inner.poll(cx);
    if (p !== PENDING) this.#inner = undefined;
    return p;
  }

  describeWait(): string {
    return waitDescription(this.#inner);
  }

  override [Symbol.dispose](): void {
    const inner = this.#inner;
    this.#inner = undefined;
    this.#waker = undefined;
    inner?.[Symbol.dispose]?.();
  }

  /** For `main` after the runtime is shut down: ends the process if a signal interrupted it. */
  exitIfInterrupted(): void {
    const code = this.exitCode();
    if (code !== undefined) signalHost()?.exit(code);
  }
}
