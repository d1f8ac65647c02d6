/**
 * The oneshot channel (tokio's `sync::oneshot`): one value, sent once,
 * from one task to another. The usual way to get an answer back from a
 * task you asked to do something.
 *
 * The receiver is itself the future: `const v = yield* rx` waits for the
 * value, or throws {@link RecvError} if the sender is dropped without
 * sending. `tx.send(v)` is synchronous; if the receiver is already gone it
 * throws {@link SendError} with the value. Either end is dropped by
 * disposing it.
 *
 * The receiver is also the cell the two ends share, so a oneshot is two
 * small objects and sending allocates nothing. Unlike mpsc and broadcast,
 * a oneshot may carry `undefined` (`oneshot<void>()` is a plain signal):
 * the receiver never uses `undefined` to mean "no more".
 *
 * @example
 * ```ts
 * import { Runtime, future, oneshot, spawn } from "mini-tokio";
 * const answer = new Runtime().blockOn(future(function* () {
 *   const [tx, rx] = oneshot<number>();
 *   spawn(future(function* () {
 *     tx.send(6 * 7);
 *   })).detach();
 *   return yield* rx; // 42
 * }));
 * ```
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { dropValue } from "../future/drop.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { storeWaker, WaitList, wakeNode } from "../util/list.js";
import { ClosedFuture, type ReceiversGone } from "./closed.js";
import { RecvError, SendError, usedAfterDispose } from "./errors.js";

/** The empty cell. */
const NOTHING: unique symbol = Symbol("nothing");

/**
 * The receiving end of a oneshot, and a future of its value: `yield* rx`
 * gives the value, or throws {@link RecvError} if the sender was dropped
 * without sending (or the receiver was closed before a value came).
 * Awaiting it spends one unit of budget when the value is there.
 *
 * **Cancel safety:** awaiting the receiver and dropping the await drops
 * the receiver: a value already sent is lost with it, and a later `send`
 * fails and hands its value back. To wait for the value without risking
 * it, keep awaiting the same receiver (in a `select`, pass the receiver,
 * not a wrapper that owns it).
 *
 * @example
 * ```ts
 * import { future, oneshot } from "mini-tokio";
 * const [tx, rx] = oneshot<string>();
 * tx.send("done");
 * const f = future(function* () { return yield* rx; }); // "done"
 * ```
 */
export class OneshotReceiver<T> extends Awaitable<T> implements ReceiversGone, Disposable {
  // The cell both ends share, kept here to make a oneshot two objects.
  // All of it is internal: the sender reaches in; users make pairs with oneshot().
  /**
   * @internal The value, or {@link NOTHING} while none is in the cell. A
   * sentinel rather than a flag: `T` may itself be undefined, and comparing
   * with the sentinel narrows the type without a cast.
   */
  value: T | typeof NOTHING = NOTHING;
  /** @internal The sender was dropped, or used up by sending. */
  senderGone = false;
  /** @internal No value may be sent any more: the receiver closed or was dropped. */
  closed = false;
  /** @internal The receiver was dropped. */
  dropped = false;
  /** @internal The receiver gave its outcome (the value, or RecvError). */
  done = false;
  /** @internal The waker of the task awaiting the receiver. */
  waker: Waker | undefined = undefined;
  /** @internal The sender's `closed()` futures, made on first use. */
  closedList: WaitList<ClosedFuture> | undefined = undefined;

  poll(cx: Context): Poll<T> {
    if (this.done) throw new Error("a oneshot receiver was awaited after it completed: it yields one value, once");
    if (this.dropped) throw usedAfterDispose("awaiting a oneshot receiver");
    const value = this.value;
    if (value !== NOTHING) {
      if (!pollProceed(cx)) return PENDING;
      return this.take(value);
    }
    if (this.senderGone || this.closed) {
      // Failing is an outcome too: spend budget, or a retry loop never yields.
      if (!pollProceed(cx)) return PENDING;
      this.done = true;
      throw this.whyEmpty();
    }
    storeWaker(this, cx);
    return PENDING;
  }

  /**
   * Takes the value without waiting: the value if it was sent;
   * {@link PENDING} if it was not sent yet. Throws {@link RecvError} if
   * it never will be (the sender was dropped, or the receiver closed
   * first), or if the value was already received.
   *
   * @example
   * ```ts
   * import { PENDING, oneshot } from "mini-tokio";
   * const [tx, rx] = oneshot<number>();
   * rx.tryRecv(); // PENDING
   * tx.send(1);
   * rx.tryRecv(); // 1
   * ```
   */
  tryRecv(): Poll<T> {
    if (this.dropped) throw usedAfterDispose("oneshot OneshotReceiver.tryRecv()");
    if (this.done) throw new RecvError("the value was already received");
    const value = this.value;
    if (value !== NOTHING) return this.take(value);
    if (this.senderGone || this.closed) {
      this.done = true;
      throw this.whyEmpty();
    }
    return PENDING;
  }

  /**
   * Refuses the value from now on without dropping the receiver: a later
   * `send` throws {@link SendError}, and the sender's `closed()` is ready.
   * A value sent before `close()` can still be received.
   *
   * @example
   * ```ts
   * import { oneshot } from "mini-tokio";
   * const [tx, rx] = oneshot<number>();
   * rx.close();
   * tx.isClosed; // true
   * ```
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closedList?.wakeAll();
    // A task already awaiting the receiver must hear of it: no value can
    // come now, so its next poll throws RecvError instead of waiting forever.
    wakeNode(this);
  }

  /**
   * True once the receiver has given its outcome, the value or a
   * {@link RecvError} (tokio's `is_terminated`): awaiting or `tryRecv` on
   * it again is an error. Check this, not `isEmpty`, to know whether it
   * may still be awaited.
   *
   * @example
   * ```ts
   * import { oneshot } from "mini-tokio";
   * const [tx, rx] = oneshot<number>();
   * tx.send(1);
   * rx.isTerminated; // false: the value is there, not taken
   * rx.tryRecv(); // 1
   * rx.isTerminated; // true
   * ```
   */
  get isTerminated(): boolean {
    return this.done;
  }

  /**
   * True while no value is in the channel (tokio's `is_empty`): not sent
   * yet, never to be sent, or already taken. An empty receiver may still
   * be terminated; see {@link OneshotReceiver.isTerminated}.
   *
   * @example
   * ```ts
   * import { oneshot } from "mini-tokio";
   * const [tx, rx] = oneshot<string>();
   * rx.isEmpty; // true
   * tx.send("v");
   * rx.isEmpty; // false
   * ```
   */
  get isEmpty(): boolean {
    return this.value === NOTHING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "oneshot Receiver";
  }

  /**
   * Drop: refuses the value, and drops one already sent that nobody took
   * (disposing it if it is Disposable, as Rust drops it). Idempotent.
   */
  override [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    const unclaimed = this.value;
    this.value = NOTHING;
    this.waker = undefined;
    this.close();
    if (unclaimed !== NOTHING) dropValue(unclaimed);
  }

  /** @internal For the sender's `closed()`. */
  receiversGone(): boolean {
    return this.closed;
  }

  /** @internal */
  get closedWaiters(): WaitList<ClosedFuture> {
    this.closedList ??= new WaitList<ClosedFuture>();
    return this.closedList;
  }

  private take(value: T): T {
    this.value = NOTHING;
    this.done = true;
    return value;
  }

  private whyEmpty(): RecvError {
    return new RecvError(
      this.closed
        ? "the receiver was closed before a value was sent"
        : "the sender was dropped without sending a value",
    );
  }
}

/**
 * The sending end of a oneshot: `send(v)` once, synchronously.
 * Disposing it unsent makes the receiver throw {@link RecvError}.
 *
 * @example
 * ```ts
 * import { oneshot } from "mini-tokio";
 * const [tx, rx] = oneshot<string>();
 * tx.send("the only value");
 * ```
 */
export class OneshotSender<T> implements Disposable {
  private used = false;

  /** @internal Use {@link oneshot}. */
  constructor(private readonly cell: OneshotReceiver<T>) {}

  /**
   * Sends the value and wakes the receiver. Returns nothing on success.
   * Throws {@link SendError} holding the value if the receiver was closed
   * or dropped (tokio returns `Err(value)`; we throw, as every send in
   * the package does). A sender sends once: a second call throws.
   *
   * @example
   * ```ts
   * import { SendError, oneshot } from "mini-tokio";
   * const [tx, rx] = oneshot<number>();
   * rx[Symbol.dispose]();
   * try {
   *   tx.send(1);
   * } catch (e) {
   *   if (e instanceof SendError) console.log("nobody wanted", e.value);
   * }
   * ```
   */
  send(value: T): void {
    if (this.used) {
      throw new Error(
        "oneshot OneshotSender.send(value): this sender already sent or was disposed; a oneshot carries one value",
      );
    }
    this.used = true;
    const cell = this.cell;
    cell.senderGone = true; // a sender is used up by sending, as Rust's `send(self)`
    if (cell.closed) {
      throw new SendError(value, cell.dropped ? "the receiver was dropped" : "the receiver closed");
    }
    cell.value = value;
    wakeNode(cell);
  }

  /** True once the receiver closed or was dropped: `send` would fail. */
  get isClosed(): boolean {
    return this.cell.closed;
  }

  /**
   * A future that is ready once the receiver closed or was dropped, so a
   * task computing the answer can stop early (tokio's `Sender::closed`).
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { future, oneshot } from "mini-tokio";
   * const [tx, rx] = oneshot<number>();
   * const f = future(function* () { yield* tx.closed(); console.log("nobody waits for the answer"); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.cell);
  }

  /** Drop: unsent, the receiver gets {@link RecvError}. Idempotent; nothing after a send. */
  [Symbol.dispose](): void {
    if (this.used) return;
    this.used = true;
    this.cell.senderGone = true;
    wakeNode(this.cell);
  }
}

/**
 * A oneshot channel (tokio's `oneshot::channel`): a sender that sends one
 * value synchronously and a receiver that is the future of it.
 *
 * @example
 * ```ts
 * import { Runtime, future, oneshot, spawn } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const [tx, rx] = oneshot<void>();
 *   spawn(future(function* () { tx.send(); })).detach(); // a plain signal
 *   yield* rx;
 * }));
 * ```
 */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const cell = new OneshotReceiver<T>();
  return [new OneshotSender(cell), cell];
}
