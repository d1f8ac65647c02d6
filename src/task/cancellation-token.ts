/**
 * `CancellationToken`: a flag that, once set, wakes everyone waiting on
 * it, and sets the flags of its child tokens (tokio-util's
 * `CancellationToken`).
 *
 * Dropping a future is how one cancels one piece of work. A token is for
 * the other case: telling many pieces of work, in many tasks, that it is
 * time to stop, and letting each decide where it stops (`select` its work
 * against `token.cancelled()`, or check `token.isCancelled` between
 * steps).
 *
 * ```text
 *   root ── cancel() ──▶ root ✗ ──▶ child A ✗ ──▶ grandchild ✗
 *                                 └▶ child B ✗
 *   child B ── cancel() ──▶ child B ✗ only (never its parent)
 * ```
 *
 * Children are kept in an intrusive list, so making a child and
 * disposing it are O(1), and a long-lived parent does not accumulate the
 * children of finished work if each is disposed (`using child =
 * token.child()`).
 *
 * It also bridges to the web's cancellation: `toAbortSignal()` for APIs
 * that take a signal (`fetch`), and `CancellationToken.fromAbortSignal()`
 * for work started by code that holds an `AbortController`.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { type Context, describe, type Future, isFuture, waitDescription } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { storeWaker, WaitList, type WaitNode } from "../util/list.js";
import type { HostAbortSignal } from "./abort-signal.js";

/** The future `cancelled()` returns; while it waits, it is its own node in the token's wait list. */
class Cancelled extends Awaitable<void> implements WaitNode<Cancelled> {
  waker: Waker | undefined = undefined;
  prevNode: Cancelled | undefined = undefined;
  nextNode: Cancelled | undefined = undefined;
  linked = false;

  constructor(
    private readonly token: CancellationToken,
    private readonly waiters: WaitList<Cancelled>,
  ) {
    super();
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "CancellationToken.cancelled";
  }

  poll(cx: Context): Poll<void> {
    if (this.token.isCancelled) {
      this.stopWaiting();
      // Ready without waiting: spend budget, so a loop over a cancelled token still lets others run.
      return pollProceed(cx) ? undefined : PENDING;
    }
    storeWaker(this, cx);
    if (!this.linked) this.waiters.push(this);
    return PENDING;
  }

  /** Drop: leaves the token's wait list. */
  override [Symbol.dispose](): void {
    this.stopWaiting();
  }

  private stopWaiting(): void {
    this.waiters.remove(this);
    this.waker = undefined;
  }
}

/** The future `runUntilCancelled(f)` returns: `f`'s value, or undefined once the token is cancelled. */
class RunUntilCancelled<T> extends Awaitable<T | undefined> {
  private inner: Future<T> | undefined;

  constructor(
    inner: Future<T>,
    private readonly cancelled: Cancelled,
  ) {
    super();
    this.inner = inner;
  }

  poll(cx: Context): Poll<T | undefined> {
    const inner = this.inner;
    if (inner === undefined)
      throw new Error("runUntilCancelled() was polled after it completed; a future is awaited once");
    // Biased towards the work, as tokio-util's: a value that is ready is
    // never thrown away because the token was cancelled in the meantime.
    let out: Poll<T>;
    try {
      out = inner.poll(cx);
    } catch (error) {
      this.finish();
      throw error;
    }
    if (out !== PENDING) {
      this.finish();
      return out;
    }
    if (this.cancelled.poll(cx) === PENDING) return PENDING;
    this.finish();
    inner[Symbol.dispose]?.();
    return undefined;
  }

  /** What a task awaiting it waits on: the work, until the token is cancelled. */
  describeWait(): string {
    const inner = this.inner;
    return inner === undefined
      ? "CancellationToken.runUntilCancelled"
      : `CancellationToken.runUntilCancelled of ${waitDescription(inner)}`;
  }

  /** Drop: drops the work and leaves the token's wait list. Idempotent. */
  override [Symbol.dispose](): void {
    const inner = this.inner;
    this.finish();
    inner?.[Symbol.dispose]?.();
  }

  private finish(): void {
    this.inner = undefined;
    this.cancelled[Symbol.dispose]();
  }
}

/**
 * Cancels its token when disposed, unless disarmed (tokio-util's
 * `DropGuard`): `using guard = token.dropGuard()` cancels the token however
 * the block is left, by return, throw, or the future being dropped.
 *
 * @example
 * ```ts
 * import { CancellationToken, future, sleep } from "mini-tokio";
 * const token = new CancellationToken();
 * const f = future(function* () {
 *   using _guard = token.dropGuard();
 *   yield* sleep(1000);
 * }); // dropping f, or f finishing, cancels token
 * ```
 */
export class DropGuard implements Disposable {
  #token: CancellationToken | undefined;

  /** @internal Use `token.dropGuard()`. */
  constructor(token: CancellationToken) {
    this.#token = token;
  }

  /** Gives the token back without cancelling it; disposing the guard then does nothing. */
  disarm(): CancellationToken {
    const token = this.#token;
    if (token === undefined) throw new Error("DropGuard.disarm(): the guard was already disarmed or disposed");
    this.#token = undefined;
    return token;
  }

  /** Cancels the token, unless disarmed. Idempotent. */
  [Symbol.dispose](): void {
    const token = this.#token;
    this.#token = undefined;
    token?.cancel();
  }
}

/**
 * A token that can be cancelled once; cancelling it wakes every
 * `cancelled()` waiting on it and cancels its child tokens (tokio-util's
 * `CancellationToken`). A child's cancellation never reaches its parent.
 *
 * @example
 * ```ts
 * import { CancellationToken, future, select, sleep, spawn } from "mini-tokio";
 * const f = future(function* () {
 *   const token = new CancellationToken();
 *   const worker = spawn(future(function* () {
 *     const stop = token.child();
 *     for (let n = 0; ; n++) {
 *       const r = yield* select(stop.cancelled(), sleep(10));
 *       if (r.index === 0) return n; // ticks done before the stop
 *     }
 *   }));
 *   yield* sleep(55);
 *   token.cancel();
 *   return yield* worker; // 5
 * });
 * ```
 */
export class CancellationToken implements Disposable {
  #cancelled = false;
  readonly #waiters = new WaitList<Cancelled>();
  #parent: CancellationToken | undefined = undefined;
  /** Children, and this token's neighbours in its parent's list. */
  #firstChild: CancellationToken | undefined = undefined;
  #prevSibling: CancellationToken | undefined = undefined;
  #nextSibling: CancellationToken | undefined = undefined;
  /** Made by the first toAbortSignal(). */
  #controller: AbortController | undefined = undefined;
  /** Removes the listener fromAbortSignal() put on a signal. */
  #unlisten: (() => void) | undefined = undefined;

  /** True once the token (or an ancestor) has been cancelled. */
  get isCancelled(): boolean {
    return this.#cancelled;
  }

  /**
   * Cancels the token and, depth first, every child token: wakes all their
   * `cancelled()` futures and aborts their AbortSignals. Idempotent.
   */
  cancel(): void {
    // An explicit stack, not recursion: a chain of a million tokens is fine.
    const stack: CancellationToken[] = [this];
    for (let token = stack.pop(); token !== undefined; token = stack.pop()) {
      if (token.#cancelled) continue;
      token.#cancelled = true;
      token.#unlink();
      const unlisten = token.#unlisten;
      token.#unlisten = undefined;
      unlisten?.();
      let child = token.#firstChild;
      token.#firstChild = undefined;
      while (child !== undefined) {
        const next = child.#nextSibling;
        child.#parent = child.#prevSibling = child.#nextSibling = undefined;
        stack.push(child);
        child = next;
      }
      token.#waiters.wakeAll();
      token.#controller?.abort();
    }
  }

  /**
   * Waits until the token is cancelled (at once if it is).
   *
   * **Cancel safety:** safe: dropping it only leaves the wait list.
   *
   * @example
   * ```ts
   * import { CancellationToken, future } from "mini-tokio";
   * const token = new CancellationToken();
   * const f = future(function* () {
   *   yield* token.cancelled();
   *   return "stopped";
   * });
   * ```
   */
  cancelled(): Awaitable<void> {
    return new Cancelled(this, this.#waiters);
  }

  /**
   * Runs `future` until it finishes or the token is cancelled, whichever
   * comes first (tokio-util's `run_until_cancelled`): its value, or
   * `undefined` once the token is cancelled (then `future` is dropped: its
   * `finally` blocks run). A value that is ready wins over a cancellation
   * seen in the same poll. For a future whose value may itself be
   * `undefined`, tell the two apart with `token.isCancelled`.
   *
   * **Cancel safety:** dropping it drops `future`; what is lost is what
   * `future` loses when dropped.
   *
   * @throws TypeError (at the call) when `future` is not a future.
   * @example
   * ```ts
   * import { CancellationToken, future, mpsc } from "mini-tokio";
   * const shutdown = new CancellationToken();
   * const [tx, rx] = mpsc.unbounded<string>();
   * const worker = future(function* () {
   *   for (;;) {
   *     const job = yield* shutdown.runUntilCancelled(rx.recv());
   *     if (job === undefined) return; // shut down, or the channel closed
   *     console.log("job", job);
   *   }
   * });
   * ```
   */
  runUntilCancelled<T>(future: Future<T>): Awaitable<T | undefined> {
    if (!isFuture(future)) {
      throw new TypeError(
        `CancellationToken.runUntilCancelled(future): future must be a future (an object with a poll(cx) method), got ${describe(future)}`,
      );
    }
    return new RunUntilCancelled(future, new Cancelled(this, this.#waiters));
  }

  /**
   * A new token cancelled when this one is (already cancelled if this one
   * is). Cancelling the child does not cancel this token. Dispose the
   * child when its work is done, so this token forgets it.
   *
   * @example
   * ```ts
   * import { CancellationToken } from "mini-tokio";
   * const parent = new CancellationToken();
   * using child = parent.child();
   * child.cancel();
   * parent.isCancelled; // false
   * ```
   */
  child(): CancellationToken {
    const child = new CancellationToken();
    if (this.#cancelled) {
      child.#cancelled = true;
      return child;
    }
    child.#parent = this;
    const first = this.#firstChild;
    child.#nextSibling = first;
    if (first !== undefined) first.#prevSibling = child;
    this.#firstChild = child;
    return child;
  }

  /**
   * A guard that cancels this token when disposed, unless disarmed.
   *
   * @example
   * ```ts
   * import { CancellationToken } from "mini-tokio";
   * const token = new CancellationToken();
   * {
   *   using _guard = token.dropGuard();
   * }
   * token.isCancelled; // true
   * ```
   */
  dropGuard(): DropGuard {
    return new DropGuard(this);
  }

  /**
   * An AbortSignal that aborts when this token is cancelled (aborted
   * already if it is), for APIs that take a signal. One signal per token,
   * made at the first call. Its `reason` is the engine's default
   * (`AbortError`).
   *
   * @throws Error on an engine without `AbortController`.
   * @example
   * ```ts
   * import { CancellationToken } from "mini-tokio";
   * const token = new CancellationToken();
   * const signal = token.toAbortSignal();
   * token.cancel();
   * signal.aborted; // true
   * ```
   */
  toAbortSignal(): HostAbortSignal {
    let controller = this.#controller;
    if (controller === undefined) {
      if (typeof AbortController !== "function") {
        throw new Error("CancellationToken.toAbortSignal(): this engine has no AbortController");
      }
      controller = this.#controller = new AbortController();
      if (this.#cancelled) controller.abort();
    }
    return controller.signal;
  }

  /**
   * A token cancelled when `signal` aborts (at once if it has).
   *
   * **Leaks:** the token listens on the signal, so the signal keeps the
   * token alive until one of three things happens, each of which removes
   * the listener: the signal aborts, the token is cancelled, or the token
   * is disposed. Tokens made from a long-lived signal (a server's shutdown
   * signal) for short-lived work should be disposed: `using token =
   * CancellationToken.fromAbortSignal(signal)`.
   *
   * @throws TypeError when `signal` is not an AbortSignal.
   * @example
   * ```ts
   * import { CancellationToken } from "mini-tokio";
   * const controller = new AbortController();
   * using token = CancellationToken.fromAbortSignal(controller.signal);
   * controller.abort();
   * token.isCancelled; // true
   * ```
   */
  static fromAbortSignal(signal: HostAbortSignal): CancellationToken {
    if (!isAbortSignal(signal)) {
      throw new TypeError(
        `CancellationToken.fromAbortSignal(signal): signal must be an AbortSignal, got ${describe(signal)}`,
      );
    }
    const token = new CancellationToken();
    if (signal.aborted) {
      token.#cancelled = true;
      return token;
    }
    const onAbort = (): void => token.cancel();
    signal.addEventListener("abort", onAbort, { once: true });
    token.#unlisten = () => signal.removeEventListener("abort", onAbort);
    return token;
  }

  /**
   * Releases the token without cancelling it: it leaves the tree and stops
   * listening on the signal it was made from. Its parent will no longer
   * cancel it, and it no longer cancels its children: they are handed to
   * its parent (as tokio re-attaches the children of a dropped token), so
   * cancelling an ancestor still reaches them; a root's children become
   * roots of their own. Waiters are left as they are. Idempotent.
   */
  [Symbol.dispose](): void {
    const parent = this.#parent;
    this.#unlink();
    let child = this.#firstChild;
    this.#firstChild = undefined;
    while (child !== undefined) {
      const next = child.#nextSibling;
      child.#parent = child.#prevSibling = child.#nextSibling = undefined;
      if (parent !== undefined) parent.#adopt(child);
      child = next;
    }
    const unlisten = this.#unlisten;
    this.#unlisten = undefined;
    unlisten?.();
  }

  /** Puts `child` (out of any list) first in this token's list of children: O(1). */
  #adopt(child: CancellationToken): void {
    child.#parent = this;
    const first = this.#firstChild;
    child.#nextSibling = first;
    if (first !== undefined) first.#prevSibling = child;
    this.#firstChild = child;
  }

  /** Leaves the parent's list of children: O(1). */
  #unlink(): void {
    const parent = this.#parent;
    if (parent === undefined) return;
    const prev = this.#prevSibling;
    const next = this.#nextSibling;
    if (prev === undefined) parent.#firstChild = next;
    else prev.#nextSibling = next;
    if (next !== undefined) next.#prevSibling = prev;
    this.#parent = this.#prevSibling = this.#nextSibling = undefined;
  }
}

function isAbortSignal(value: unknown): value is HostAbortSignal {
  if (typeof AbortSignal === "function") return value instanceof AbortSignal;
  return (
    typeof value === "object" &&
    value !== null &&
    "aborted" in value &&
    "addEventListener" in value &&
    typeof value.addEventListener === "function"
  );
}
