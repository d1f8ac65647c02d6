/**
 * Multi-producer, multi-consumer channels: a work queue (what Rust users
 * take from async-channel or flume; tokio has none). Senders and receivers
 * are both cloneable; **each message goes to exactly one receiver**, the
 * first that asks, so a pool of workers shares one queue without a mutex
 * around a receiver.
 *
 * - {@link channel}`(capacity)` is bounded: a sender that finds it full
 *   waits in line, first come, first served (backpressure).
 * - {@link unbounded}`()` never makes a sender wait; its `send` is
 *   synchronous.
 *
 * The channel closes when every sender is dropped (receivers drain what is
 * buffered, then get `undefined`: "no more"), when every receiver is
 * dropped (the buffered messages are dropped, sends fail with
 * {@link SendError}), or when either side calls `close()` (no new sends;
 * what was sent still drains).
 *
 * ```text
 *   Sender ─┐                                 ┌─▶ Receiver (worker 1)
 *   Sender ─┼── send ──▶ │ a b c · · · │ ──────┼─▶ Receiver (worker 2)   each message to one
 *   Sender ─┘            └─────────────┘       └─▶ Receiver (worker 3)
 * ```
 *
 * A message wakes one waiting receiver, not all of them: a thousand idle
 * workers cost nothing per message. If the woken receive is dropped before
 * it takes the message, it passes the wake to the next waiting receiver,
 * so no message sits in the queue while someone waits.
 *
 * @example
 * ```ts
 * import { Runtime, future, mpmc, spawn } from "mini-tokio";
 * const done = new Runtime().blockOn(future(function* () {
 *   const [tx, rx] = mpmc.channel<number>(8);
 *   const workers = [1, 2, 3].map(() => {
 *     const mine = rx.clone();
 *     return spawn(future(function* () {
 *       using _ = mine;
 *       let handled = 0;
 *       while ((yield* mine.recv()) !== undefined) handled++;
 *       return handled;
 *     }));
 *   });
 *   rx[Symbol.dispose](); // the workers hold the receivers now
 *   for (let job = 0; job < 30; job++) yield* tx.send(job);
 *   tx[Symbol.dispose](); // no more jobs: the workers drain and stop
 *   let total = 0;
 *   for (const w of workers) total += yield* w;
 *   return total; // 30: every job handled exactly once
 * }));
 * ```
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { type DropFailure, dropKeepingFirst } from "../future/drop.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import type { Stream } from "../stream/stream.js";
import { storeWaker, WaitList, type WaitNode, wakeNode } from "../util/list.js";
import { Ring } from "../util/ring.js";
import { ClosedFuture, type ReceiversGone } from "./closed.js";
import { checkCapacity, SendError, undefinedMessage, usedAfterDispose } from "./errors.js";

/** A waiting receive: a pending `recv()`, or a receiver polled as a stream. */
interface RecvWaiter extends WaitNode<RecvWaiter> {
  /** Woken for a message and taken off the list, not polled since: it owes the wake on if dropped. */
  notified: boolean;
}

/** A sender waiting in line for a slot. */
interface SendWaiter extends WaitNode<SendWaiter> {
  /** True once a freed slot was handed to it (counted in `reserved`). */
  granted: boolean;
}

/** The state every handle shares. @internal */
export class Chan<T> implements ReceiversGone {
  readonly queue: Ring<T>;
  /** False for an unbounded channel: no slots, senders never wait. */
  readonly bounded: boolean;
  /** The bound (Infinity when unbounded). */
  readonly capacity: number;
  /** Free slots nobody holds (bounded only). Slots = free + reserved + buffered. */
  permits: number;
  /** Slots handed to waiting senders that have not been polled since. */
  reserved = 0;
  senders = 1;
  receivers = 1;
  /** No new sends: `close()`, or every receiver dropped. */
  isClosed = false;
  /** Every receiver was dropped: buffered messages are gone, granted slots cannot deliver. */
  receiversDropped = false;
  readonly recvWaiters = new WaitList<RecvWaiter>();
  readonly sendWaiters = new WaitList<SendWaiter>();
  readonly closedWaiters = new WaitList<ClosedFuture>();

  constructor(capacity: number, bounded: boolean) {
    this.bounded = bounded;
    this.capacity = capacity;
    this.permits = bounded ? capacity : 0;
    this.queue = new Ring<T>(bounded ? Math.min(capacity, 16) : 16);
  }

  /** Appends a message and wakes one waiting receiver. */
  push(value: T): void {
    this.queue.push(value);
    this.notifyOne();
  }

  /**
   * Wakes the first waiting receiver and takes it off the list: one wake
   * per message. It is marked `notified` so that, dropped before it takes
   * a message, it passes the wake on.
   */
  notifyOne(): void {
    const waiter = this.recvWaiters.shift();
    if (waiter === undefined) return;
    waiter.notified = true;
    wakeNode(waiter);
  }

  /** A slot became free: to the first sender in line, else to the free count. */
  releaseSlot(): void {
    const waiter = this.sendWaiters.shift();
    if (waiter === undefined) {
      this.permits++;
      return;
    }
    this.reserved++;
    waiter.granted = true;
    wakeNode(waiter);
  }

  /** A granted slot comes back unused. */
  returnReserved(): void {
    this.reserved--;
    this.releaseSlot();
    if (this.isEnded()) this.recvWaiters.wakeAll();
  }

  /** True when no message can ever arrive: the receivers' "no more". */
  isEnded(): boolean {
    return (
      this.queue.size === 0 && (this.receiversDropped || (this.reserved === 0 && (this.senders === 0 || this.isClosed)))
    );
  }

  /** No new sends; waiting senders fail, receivers that can see the end are told. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.sendWaiters.wakeAll();
    this.closedWaiters.wakeAll();
    if (this.isEnded()) this.recvWaiters.wakeAll();
  }

  /** For `closed()`: true once no new send can succeed. */
  receiversGone(): boolean {
    return this.isClosed;
  }

  whyClosed(): string {
    return this.receiversDropped ? "every receiver was dropped" : "the channel was closed";
  }

  dropSender(): void {
    if (--this.senders === 0 && this.isEnded()) this.recvWaiters.wakeAll();
  }

  dropReceiver(): void {
    if (--this.receivers !== 0) return;
    this.receiversDropped = true;
    this.close();
    this.recvWaiters.wakeAll(); // futures made by the receivers end now
    // Nobody can read the buffered messages: drop them, as Rust does.
    let failed: DropFailure | undefined;
    for (let left = this.queue.size; left > 0; left--) failed = dropKeepingFirst(this.queue.shift(), failed);
    if (failed !== undefined) throw failed.error;
  }
}

/**
 * One step of receiving for `recv()` futures, `pollNext` and `tryRecv`
 * (`node` undefined: no waiting). Only the poll that returns a message
 * takes it.
 */
function pollRecv<T>(chan: Chan<T>, node: RecvWaiter | undefined, cx: Context | undefined): Poll<T | undefined> {
  if (chan.queue.size > 0) {
    if (cx !== undefined && !pollProceed(cx)) return PENDING; // still notified: the task is polled again soon
    if (node !== undefined) {
      if (node.linked) chan.recvWaiters.remove(node);
      node.notified = false;
    }
    const value = chan.queue.shift();
    if (chan.bounded) chan.releaseSlot();
    // The last message taken: the others waiting may be waiting for nothing now.
    if (chan.queue.size === 0 && chan.isEnded()) chan.recvWaiters.wakeAll();
    return value;
  }
  if (chan.isEnded()) {
    if (cx !== undefined && !pollProceed(cx)) return PENDING;
    if (node !== undefined) {
      if (node.linked) chan.recvWaiters.remove(node);
      node.notified = false;
    }
    return undefined;
  }
  if (node !== undefined && cx !== undefined) {
    // Woken but another receiver took the message first: wait again.
    node.notified = false;
    storeWaker(node, cx);
    if (!node.linked) chan.recvWaiters.push(node);
  }
  return PENDING;
}

/** A receive dropped while woken for a message passes the wake on: the message still needs a taker. */
function leaveRecv<T>(chan: Chan<T>, node: RecvWaiter): void {
  node.waker = undefined;
  if (node.linked) chan.recvWaiters.remove(node);
  else if (node.notified && chan.queue.size > 0) chan.notifyOne();
  node.notified = false;
}

/**
 * The future of {@link Receiver.recv}: the next message, or `undefined`
 * once the channel is closed and drained.
 *
 * **Cancel safety:** cancel safe. A message leaves the channel only in the
 * poll that returns it; a receive dropped after it was woken for a message
 * passes the wake to the next waiting receiver. Nothing is lost.
 *
 * @example
 * ```ts
 * import { future, mpmc, select, sleep } from "mini-tokio";
 * const [tx, rx] = mpmc.unbounded<string>();
 * const f = future(function* () {
 *   // losing the select loses no job: another worker is told of it
 *   const r = yield* select(rx.recv(), sleep(1000));
 *   return r.index === 0 ? r.value : "idle";
 * });
 * ```
 */
export class RecvFuture<T> extends Awaitable<T | undefined> implements RecvWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: RecvWaiter | undefined = undefined;
  /** @internal */ nextNode: RecvWaiter | undefined = undefined;
  /** @internal */ linked = false;
  /** @internal */ notified = false;
  private done = false;

  /** @internal Use {@link Receiver.recv}. */
  constructor(private readonly chan: Chan<T>) {
    super();
  }

  poll(cx: Context): Poll<T | undefined> {
    if (this.done) throw new Error("an mpmc recv() future was polled after it completed; call rx.recv() again");
    const p = pollRecv(this.chan, this, cx);
    if (p !== PENDING) this.done = true;
    return p;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "mpmc Receiver.recv";
  }

  /** Drop: leaves the waiter list, or passes on a wake it got. Idempotent. */
  override [Symbol.dispose](): void {
    this.done = true;
    leaveRecv(this.chan, this);
  }
}

/**
 * The future of {@link Sender.send}: waits in line for a free slot, then
 * puts the value in the channel.
 *
 * **Cancel safety:** dropping it before it completes sends nothing and
 * gives up its place in line; a slot already handed to it passes to the
 * next waiting sender. The value is not sent; you still hold it.
 *
 * @example
 * ```ts
 * import { future, mpmc } from "mini-tokio";
 * const [tx, rx] = mpmc.channel<number>(1);
 * const f = future(function* () {
 *   yield* tx.send(1);
 *   yield* tx.send(2); // waits until a worker takes 1
 * });
 * ```
 */
export class SendFuture<T> extends Awaitable<void> implements SendWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: SendWaiter | undefined = undefined;
  /** @internal */ nextNode: SendWaiter | undefined = undefined;
  /** @internal */ linked = false;
  /** @internal */ granted = false;
  private done = false;

  /** @internal Use {@link Sender.send}. */
  constructor(
    private readonly chan: Chan<T>,
    private readonly value: T,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    if (this.done) throw new Error("an mpmc send() future was polled after it completed");
    const chan = this.chan;
    if (this.granted) {
      // A slot handed over holds if the channel was closed since, not if every receiver is gone.
      // Failing spends budget too (tokio's rule), so a retry loop still yields.
      if (!pollProceed(cx)) return PENDING;
      if (chan.receiversDropped) this.fail("every receiver was dropped");
      this.granted = false;
      this.done = true;
      chan.reserved--;
      chan.push(this.value);
      return undefined;
    }
    if (chan.isClosed) {
      if (!pollProceed(cx)) return PENDING;
      this.fail(chan.whyClosed());
    }
    if (chan.permits > 0) {
      // Free slots mean nobody waits in line.
      if (!pollProceed(cx)) return PENDING;
      this.done = true;
      chan.permits--;
      chan.push(this.value);
      return undefined;
    }
    storeWaker(this, cx);
    if (!this.linked) chan.sendWaiters.push(this);
    return PENDING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "mpmc Sender.send (channel full)";
  }

  /** Drop: leaves the line, or passes on a slot handed to it. Idempotent. */
  override [Symbol.dispose](): void {
    const chan = this.chan;
    this.done = true;
    this.waker = undefined;
    if (this.linked) chan.sendWaiters.remove(this);
    else if (this.granted) {
      this.granted = false;
      chan.returnReserved();
    }
  }

  private fail(why: string): never {
    this.done = true;
    if (this.granted) {
      this.granted = false;
      this.chan.reserved--;
    }
    throw new SendError(this.value, why);
  }
}

/**
 * The sending half of a bounded MPMC channel. Clone it for each producer.
 *
 * @example
 * ```ts
 * import { future, mpmc } from "mini-tokio";
 * const [tx, rx] = mpmc.channel<string>(4);
 * const producer = future(function* () {
 *   using _ = tx;
 *   for (const job of ["a", "b", "c"]) yield* tx.send(job);
 * });
 * ```
 */
export class Sender<T> implements Disposable {
  private dropped = false;

  /** @internal Use {@link channel}. */
  constructor(private readonly chan: Chan<T>) {}

  /**
   * Sends `value`, waiting in line while the channel is full. The future
   * throws {@link SendError} holding the value if the channel closes or
   * every receiver is dropped first.
   *
   * **Cancel safety:** dropping the future before it completes sends
   * nothing and gives up its place in line; a slot already handed to it
   * passes to the next waiting sender.
   *
   * @throws TypeError (at the call) for `undefined`.
   * @example
   * ```ts
   * import { future, mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.channel<number>(2);
   * const f = future(function* () { yield* tx.send(1); });
   * ```
   */
  send(value: T): SendFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpmc Sender.send(value)");
    if (value === undefined) throw undefinedMessage("mpmc Sender.send(value)");
    return new SendFuture(this.chan, value);
  }

  /**
   * Sends `value` now if a slot is free: true if sent, false if full (the
   * value was not taken). Never overtakes senders waiting in line. Throws
   * {@link SendError} if the channel is closed.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.channel<number>(1);
   * tx.trySend(1); // true
   * tx.trySend(2); // false: full
   * ```
   */
  trySend(value: T): boolean {
    if (this.dropped) throw usedAfterDispose("mpmc Sender.trySend(value)");
    if (value === undefined) throw undefinedMessage("mpmc Sender.trySend(value)");
    const chan = this.chan;
    if (chan.isClosed) throw new SendError(value, chan.whyClosed());
    if (chan.permits === 0) return false;
    chan.permits--;
    chan.push(value);
    return true;
  }

  /**
   * A new sender for the same channel; receivers see the end only once
   * every clone is disposed.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.channel<number>(4);
   * const tx2 = tx.clone();
   * ```
   */
  clone(): Sender<T> {
    if (this.dropped) throw usedAfterDispose("mpmc Sender.clone()");
    this.chan.senders++;
    return new Sender(this.chan);
  }

  /**
   * Closes the channel: waiting and later sends fail with
   * {@link SendError}; what was sent still drains to the receivers.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.channel<number>(4);
   * tx.close();
   * tx.isClosed; // true
   * ```
   */
  close(): void {
    this.chan.close();
  }

  /** True once the channel is closed or every receiver was dropped: every send will fail. */
  get isClosed(): boolean {
    return this.chan.isClosed;
  }

  /**
   * A future that is ready once the channel is closed or every receiver
   * was dropped.
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { future, mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.channel<number>(1);
   * const f = future(function* () { yield* tx.closed(); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.chan);
  }

  /** Messages waiting in the channel. */
  get len(): number {
    return this.chan.queue.size;
  }

  /** Free slots right now: how many sends would not wait. */
  get capacity(): number {
    return this.chan.permits;
  }

  /** The bound the channel was made with. */
  get maxCapacity(): number {
    return this.chan.capacity;
  }

  /** Live senders (this one included). */
  get senderCount(): number {
    return this.chan.senders;
  }

  /** Live receivers. */
  get receiverCount(): number {
    return this.chan.receivers;
  }

  /** Drop: receivers see the end once every sender is dropped. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    this.chan.dropSender();
  }
}

/**
 * The sending half of an unbounded MPMC channel: `send` is synchronous.
 *
 * @example
 * ```ts
 * import { mpmc } from "mini-tokio";
 * const [tx, rx] = mpmc.unbounded<string>();
 * tx.send("no waiting");
 * ```
 */
export class UnboundedSender<T> implements Disposable {
  private dropped = false;

  /** @internal Use {@link unbounded}. */
  constructor(private readonly chan: Chan<T>) {}

  /**
   * Sends `value` at once. Throws {@link SendError} holding the value if
   * the channel is closed, a TypeError for `undefined`.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.unbounded<number>();
   * tx.send(1);
   * ```
   */
  send(value: T): void {
    if (this.dropped) throw usedAfterDispose("mpmc UnboundedSender.send(value)");
    if (value === undefined) throw undefinedMessage("mpmc UnboundedSender.send(value)");
    const chan = this.chan;
    if (chan.isClosed) throw new SendError(value, chan.whyClosed());
    chan.push(value);
  }

  /**
   * A new sender for the same channel.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.unbounded<number>();
   * const tx2 = tx.clone();
   * ```
   */
  clone(): UnboundedSender<T> {
    if (this.dropped) throw usedAfterDispose("mpmc UnboundedSender.clone()");
    this.chan.senders++;
    return new UnboundedSender(this.chan);
  }

  /** Closes the channel for sending; what was sent still drains. */
  close(): void {
    this.chan.close();
  }

  /** True once the channel is closed or every receiver was dropped. */
  get isClosed(): boolean {
    return this.chan.isClosed;
  }

  /**
   * A future that is ready once the channel is closed or every receiver
   * was dropped.
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { future, mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.unbounded<number>();
   * const f = future(function* () { yield* tx.closed(); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.chan);
  }

  /** Messages waiting in the channel. */
  get len(): number {
    return this.chan.queue.size;
  }

  /** Live receivers. */
  get receiverCount(): number {
    return this.chan.receivers;
  }

  /** Drop: receivers see the end once every sender is dropped. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    this.chan.dropSender();
  }
}

/**
 * A receiving half of an MPMC channel (bounded or unbounded). Clone it
 * for each consumer: each message goes to exactly one of them. It is a
 * {@link Stream}: `pollNext` yields messages, then `undefined`. Disposing
 * the last receiver drops the buffered messages and makes sends fail.
 *
 * @example
 * ```ts
 * import { future, mpmc } from "mini-tokio";
 * const [tx, rx] = mpmc.unbounded<string>();
 * const worker = rx.clone();
 * tx.send("job");
 * const f = future(function* () {
 *   using _ = worker;
 *   return yield* worker.recv(); // "job", or undefined at the end
 * });
 * ```
 */
export class Receiver<T> implements Stream<T>, RecvWaiter, Disposable {
  // The receiver's own waiter node, for `pollNext`.
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: RecvWaiter | undefined = undefined;
  /** @internal */ nextNode: RecvWaiter | undefined = undefined;
  /** @internal */ linked = false;
  /** @internal */ notified = false;
  private dropped = false;

  /** @internal Use {@link channel} or {@link unbounded}. */
  constructor(private readonly chan: Chan<T>) {}

  /**
   * The next message, waiting while the channel is empty; `undefined`
   * once it is closed (every sender dropped, or `close()`) and drained.
   * Receivers waiting together are served one message each, in the order
   * they started waiting (a receive that finds a message buffered takes it
   * at once).
   *
   * **Cancel safety:** cancel safe: dropping a pending `recv` loses no
   * message; a wake it had got passes to the next waiting receiver.
   *
   * @example
   * ```ts
   * import { future, mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.unbounded<number>();
   * tx.send(7);
   * const f = future(function* () { return yield* rx.recv(); }); // 7
   * ```
   */
  recv(): RecvFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpmc Receiver.recv()");
    return new RecvFuture(this.chan);
  }

  /**
   * Receives without waiting: the next message; `undefined` if closed and
   * drained; {@link PENDING} if empty for now.
   *
   * @example
   * ```ts
   * import { PENDING, mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.unbounded<number>();
   * rx.tryRecv(); // PENDING
   * tx.send(1);
   * rx.tryRecv(); // 1
   * ```
   */
  tryRecv(): Poll<T | undefined> {
    if (this.dropped) throw usedAfterDispose("mpmc Receiver.tryRecv()");
    return pollRecv(this.chan, undefined, undefined);
  }

  /**
   * The stream view of {@link recv}: the next message, `undefined` at the
   * end, or PENDING. The receiver itself is the waiter here, so a receiver
   * woken for a message keeps that wake until it is polled again or
   * disposed: keep polling a receiver you read as a stream, or dispose it
   * (a dropped `recv()` future passes its wake on by itself).
   */
  pollNext(cx: Context): Poll<T | undefined> {
    if (this.dropped) throw usedAfterDispose("mpmc Receiver.pollNext(cx)");
    return pollRecv(this.chan, this, cx);
  }

  /**
   * A new receiver sharing the same queue: each message goes to one
   * receiver only.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.channel<number>(4);
   * const worker2 = rx.clone();
   * ```
   */
  clone(): Receiver<T> {
    if (this.dropped) throw usedAfterDispose("mpmc Receiver.clone()");
    this.chan.receivers++;
    return new Receiver(this.chan);
  }

  /**
   * Closes the channel for sending, without dropping the receiver: sends
   * fail with {@link SendError}; what was sent still drains, then `recv()`
   * yields `undefined`.
   *
   * @example
   * ```ts
   * import { mpmc } from "mini-tokio";
   * const [tx, rx] = mpmc.unbounded<number>();
   * tx.send(1);
   * rx.close();
   * rx.tryRecv(); // 1, then undefined
   * ```
   */
  close(): void {
    this.chan.close();
  }

  /** True once no new message can be sent: closed, or every sender dropped. */
  get isClosed(): boolean {
    return this.chan.isClosed || this.chan.senders === 0;
  }

  /** Messages waiting in the channel. */
  get len(): number {
    return this.chan.queue.size;
  }

  /** Free slots right now; `Infinity` for an unbounded channel. */
  get capacity(): number {
    return this.chan.bounded ? this.chan.permits : Number.POSITIVE_INFINITY;
  }

  /** The bound the channel was made with; `Infinity` for an unbounded channel. */
  get maxCapacity(): number {
    return this.chan.capacity;
  }

  /** Live receivers (this one included). */
  get receiverCount(): number {
    return this.chan.receivers;
  }

  /**
   * Drop: other receivers carry on. The last one closes the channel and
   * drops the buffered messages (disposing the Disposable ones); if a
   * disposal throws, every message is still dropped and the first error
   * propagates. Idempotent.
   */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    const chan = this.chan;
    leaveRecv(chan, this);
    chan.dropReceiver();
  }
}

/**
 * A bounded MPMC channel of `capacity` slots: senders wait in line when
 * it is full; each message goes to one of the receivers.
 *
 * @throws RangeError unless `capacity` is an integer from 1 to 2^30
 *   (TypeError for a non-number).
 * @example
 * ```ts
 * import { mpmc } from "mini-tokio";
 * const [tx, rx] = mpmc.channel<string>(16);
 * const worker2 = rx.clone();
 * tx.trySend("job");
 * ```
 */
export function channel<T>(capacity: number): [Sender<T>, Receiver<T>] {
  checkCapacity("mpmc.channel(capacity)", capacity);
  const chan = new Chan<T>(capacity, true);
  return [new Sender(chan), new Receiver(chan)];
}

/**
 * An unbounded MPMC channel: `send` is synchronous and never waits;
 * memory is the only bound.
 *
 * @example
 * ```ts
 * import { mpmc } from "mini-tokio";
 * const [tx, rx] = mpmc.unbounded<string>();
 * tx.send("queued");
 * ```
 */
export function unbounded<T>(): [UnboundedSender<T>, Receiver<T>] {
  const chan = new Chan<T>(Number.POSITIVE_INFINITY, false);
  return [new UnboundedSender(chan), new Receiver(chan)];
}
