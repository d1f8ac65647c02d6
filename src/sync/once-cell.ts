/**
 * `OnceCell<T>`: a value set once, usually by the first task that needs
 * it, asynchronously (tokio's `sync::OnceCell`).
 *
 * `getOrInit(init)` gives the value if it is there. Otherwise the first
 * caller runs *its* initialiser (`init()` makes a future, which that caller
 * awaits) while later callers wait in line. If the initialiser succeeds,
 * every waiter gets its value. If it throws, or the caller running it is
 * dropped, the initialisation is abandoned and the next caller in line
 * runs its own initialiser: a failed or cancelled attempt never leaves the
 * cell stuck.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { type Context, describe, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { storeWaker, WaitList, type WaitNode, wakeNode } from "../util/list.js";

/**
 * Thrown by {@link OnceCell.set} when the cell already has a value, or an
 * initialiser is running. It carries the value that was not stored.
 *
 * @example
 * ```ts
 * import { OnceCell, SetError } from "mini-tokio";
 * const cell = new OnceCell<number>();
 * cell.set(1);
 * try {
 *   cell.set(2);
 * } catch (e) {
 *   if (e instanceof SetError) console.log(e.value, e.reason); // 2 "initialized"
 * }
 * ```
 */
export class SetError<T> extends Error {
  override readonly name = "SetError";
  /** The value `set` was given, handed back. */
  readonly value: T;
  /** Why it was refused: the cell had a value, or a `getOrInit` initialiser was running. */
  readonly reason: "initialized" | "initializing";

  /** @internal Made by the cell. */
  constructor(value: T, reason: "initialized" | "initializing") {
    super(
      reason === "initialized"
        ? "OnceCell.set(value): the cell already has a value; a OnceCell is set once"
        : "OnceCell.set(value): a getOrInit() initialiser is running; await getOrInit() instead",
    );
    this.value = value;
    this.reason = reason;
  }
}

/** Made, never polled. */
const INIT = 0;
/** In line behind the caller running an initialiser. */
const WAITING = 1;
/** Running its own initialiser. */
const RUNNING = 2;
/** Completed, failed or dropped. */
const DONE = 3;

/** The future `getOrInit` returns; its own node in the cell's line. */
class GetOrInit<T> extends Awaitable<T> implements WaitNode<GetOrInit<T>> {
  waker: Waker | undefined = undefined;
  prevNode: GetOrInit<T> | undefined = undefined;
  nextNode: GetOrInit<T> | undefined = undefined;
  linked = false;
  state = INIT;
  /** The initialiser's future while RUNNING. */
  private inner: Future<T> | undefined = undefined;

  constructor(
    private readonly cell: OnceCell<T>,
    private readonly init: () => Future<T>,
  ) {
    super();
  }

  poll(cx: Context): Poll<T> {
    const state = this.state;
    if (state === RUNNING) return this.pollInit(cx);
    if (state === DONE) throw new Error("OnceCell.getOrInit() was polled after it completed: a future is awaited once");
    const cell = this.cell;
    const slot = cell.slot;
    if (slot !== undefined) {
      if (!pollProceed(cx)) return PENDING;
      cell.waiters.remove(this);
      this.state = DONE;
      return slot.value;
    }
    // Only the first in line may start an initialiser (a newcomer does not
    // jump ahead of a waiter that was woken to take its turn).
    const waiters = cell.waiters;
    if (cell.initializing === undefined && waiters.head === (this.linked ? this : undefined)) {
      waiters.remove(this);
      return this.start(cx);
    }
    if (!this.linked) {
      this.state = WAITING;
      waiters.push(this);
    }
    storeWaker(this, cx);
    return PENDING;
  }

  private start(cx: Context): Poll<T> {
    this.cell.initializing = this;
    this.state = RUNNING;
    let inner: Future<T>;
    try {
      inner = this.init();
    } catch (error) {
      this.abandon();
      throw error;
    }
    if (!isFuture(inner)) {
      this.abandon();
      throw new TypeError(`OnceCell.getOrInit(init): init() must return a future, got ${describe(inner)}`);
    }
    this.inner = inner;
    return this.pollInit(cx);
  }

  private pollInit(cx: Context): Poll<T> {
    const inner = this.inner;
    if (inner === undefined) throw new Error("internal: OnceCell.getOrInit() is running without an initialiser");
    let out: Poll<T>;
    try {
      out = inner.poll(cx);
    } catch (error) {
      this.inner = undefined;
      this.abandon();
      throw error;
    }
    if (out === PENDING) return PENDING;
    this.inner = undefined;
    this.state = DONE;
    const cell = this.cell;
    cell.initializing = undefined;
    cell.fill(out);
    return out;
  }

  /** The initialiser failed or was dropped: the next in line takes its turn. */
  private abandon(): void {
    this.state = DONE;
    const cell = this.cell;
    cell.initializing = undefined;
    const next = cell.waiters.head;
    if (next !== undefined) wakeNode(next);
  }

  /**
   * Drop. A waiter leaves the line (if it was first and nobody is running
   * an initialiser, the new first is woken to take the turn it was given);
   * a running initialiser is dropped and the next caller in line runs its
   * own. Idempotent.
   */
  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "OnceCell.getOrInit";
  }

  override [Symbol.dispose](): void {
    const state = this.state;
    this.waker = undefined;
    if (state === RUNNING) {
      const inner = this.inner;
      this.inner = undefined;
      this.abandon();
      inner?.[Symbol.dispose]?.();
      return;
    }
    this.state = DONE;
    if (state === WAITING) {
      const cell = this.cell;
      const wasFirst = cell.waiters.head === this;
      cell.waiters.remove(this);
      const next = cell.waiters.head;
      if (wasFirst && next !== undefined && cell.initializing === undefined && cell.slot === undefined) wakeNode(next);
    }
  }
}

/**
 * A cell set at most once, often lazily by `getOrInit` (tokio's
 * `sync::OnceCell`): concurrent callers share one initialisation, and a
 * failed or cancelled one is retried by the next caller.
 *
 * @example
 * ```ts
 * import { OnceCell, Runtime, asyncFn, future, sleep } from "mini-tokio";
 * const loadConfig = asyncFn(function* () {
 *   yield* sleep(10); // read a file, once
 *   return { port: 8080 };
 * });
 * const config = new OnceCell<{ port: number }>();
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   const a = yield* config.getOrInit(loadConfig);
 *   const b = yield* config.getOrInit(loadConfig); // no second load
 *   return a === b; // true
 * }));
 * ```
 */
export class OnceCell<T> {
  /** @internal The value, boxed so "unset" and a stored `undefined` differ. */
  slot: { readonly value: T } | undefined = undefined;
  /** @internal The caller running an initialiser, if any. */
  initializing: GetOrInit<T> | undefined = undefined;
  /** @internal Callers waiting for the value or for their turn, oldest first. */
  readonly waiters = new WaitList<GetOrInit<T>>();

  /** True once the cell has a value. */
  get isInitialized(): boolean {
    return this.slot !== undefined;
  }

  /**
   * The value, or undefined while the cell is empty (use `isInitialized`
   * to tell an empty cell from a stored `undefined`).
   *
   * @example
   * ```ts
   * import { OnceCell } from "mini-tokio";
   * const cell = new OnceCell<string>();
   * cell.get(); // undefined
   * cell.set("x");
   * cell.get(); // "x"
   * ```
   */
  get(): T | undefined {
    return this.slot?.value;
  }

  /**
   * Stores `value`; every `getOrInit` waiting gets it.
   *
   * @throws SetError when the cell already has a value, or a `getOrInit`
   *   initialiser is running (tokio refuses both too).
   * @example
   * ```ts
   * import { OnceCell } from "mini-tokio";
   * const cell = new OnceCell<number>();
   * cell.set(42);
   * cell.isInitialized; // true
   * ```
   */
  set(value: T): void {
    if (this.slot !== undefined) throw new SetError(value, "initialized");
    if (this.initializing !== undefined) throw new SetError(value, "initializing");
    this.fill(value);
  }

  /**
   * The value; if the cell is empty, runs `init()` and awaits the future it
   * returns to make it — unless another caller is already doing so, in
   * which case this waits for that result. `init` is called lazily, only by
   * the caller whose turn it is, so nothing is computed twice.
   *
   * **Cancel safety:** dropping a waiting caller loses nothing; dropping
   * the caller that runs the initialiser drops the initialiser's future and
   * passes the turn to the next caller in line, which runs its own `init`.
   * If the initialiser throws, that caller gets the error and the next in
   * line retries likewise. The cell is never left stuck "initialising".
   *
   * @throws TypeError when `init` is not a function, or (from the future)
   *   when it does not return a future.
   * @example
   * ```ts
   * import { OnceCell, Runtime, future, yieldNow } from "mini-tokio";
   * const cell = new OnceCell<number>();
   * const answer = () => future(function* () {
   *   yield* yieldNow();
   *   return 42;
   * });
   * new Runtime().blockOn(cell.getOrInit(answer)); // 42
   * ```
   */
  getOrInit(init: () => Future<T>): Awaitable<T> {
    if (typeof init !== "function") {
      throw new TypeError(
        `OnceCell.getOrInit(init): init must be a function returning a future (e.g. () => future(function* () { … })), got ${describe(init)}`,
      );
    }
    return new GetOrInit(this, init);
  }

  /** @internal Stores the value and wakes everyone in line. */
  fill(value: T): void {
    this.slot = { value };
    this.waiters.wakeAll();
  }
}
