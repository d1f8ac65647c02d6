/**
 * The broadcast channel (tokio's `sync::broadcast`): many senders, many
 * receivers, and every receiver sees every message sent after it
 * subscribed.
 *
 * Messages live once, in a ring of `capacity` slots shared by all
 * receivers; each receiver only keeps its position (the sequence number of
 * the next message it will read). Sending never waits: when the ring is
 * full the oldest message is overwritten. A receiver that was slower than
 * that has lost messages, and its next receive throws {@link LaggedError}
 * saying how many; the receive after that continues from the oldest
 * message the ring still holds.
 *
 * ```text
 *   seq:   5   6   7   8        capacity 4, tail = 9 (the next message is seq 9)
 *   ring: [8] [5] [6] [7]       slot = seq % capacity
 *           rx A at 7 ─────▶ reads 7, 8, then waits
 *           rx B at 3 ─────▶ LaggedError(missed: 2), then reads 5, 6, 7, 8
 * ```
 *
 * When every sender is dropped, receivers read what they have not read
 * yet, then get `undefined` ("no more"; so `undefined` cannot be sent).
 * Sending when there are no receivers throws {@link SendError} with the
 * value, as in tokio.
 *
 * The ring keeps the last `capacity` messages alive until they are
 * overwritten (there are no per-receiver copies to free earlier); dropping
 * the last receiver lets them go.
 *
 * @example
 * ```ts
 * import { Runtime, broadcast, future, spawn } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const [tx, rx1] = broadcast<string>(16);
 *   const rx2 = tx.subscribe();
 *   tx.send("to everyone"); // returns 2: two receivers
 *   tx[Symbol.dispose]();
 *   return [yield* rx1.recv(), yield* rx2.recv(), yield* rx1.recv()]; // ["to everyone", "to everyone", undefined]
 * }));
 * ```
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import type { Stream } from "../stream/stream.js";
import { storeWaker, WaitList, type WaitNode } from "../util/list.js";
import { ClosedFuture, type ReceiversGone } from "./closed.js";
import { checkCapacity, LaggedError, SendError, undefinedMessage, usedAfterDispose } from "./errors.js";

/** A waiting receive: a pending `recv()` future, or a receiver polled as a stream. */
interface BroadcastWaiter extends WaitNode<BroadcastWaiter> {}

/** The state every sender and receiver shares. @internal */
export class BroadcastShared<T> implements ReceiversGone {
  /**
   * The last `capacity` messages: message `seq` is in slot `seq % capacity`.
   * It grows by appending up to `capacity` slots, then is overwritten in
   * place.
   */
  readonly ring: (T | undefined)[] = [];
  readonly capacity: number;
  /**
   * For each slot of the ring, how many receivers alive when its message
   * was sent have not read it yet (tokio's `rem`). Never larger for an
   * older message than for a newer one (receivers read in order), so the
   * sender's `len` is a binary search.
   */
  readonly unread: number[] = [];
  /** The sequence number the next message will get (= messages ever sent). */
  tail = 0;
  senders = 1;
  receivers = 1;
  readonly waiters = new WaitList<BroadcastWaiter>();
  readonly closedWaiters = new WaitList<ClosedFuture>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** For the senders' `closed()`: true once every receiver is dropped. */
  receiversGone(): boolean {
    return this.receivers === 0;
  }

  /** A receiver at `position` leaves: the messages it had still to read no longer wait for it. */
  forgetUnread(position: number): void {
    const capacity = this.capacity;
    for (let seq = Math.max(position, this.tail - capacity); seq < this.tail; seq++) {
      const slot = seq % capacity;
      this.unread[slot] = (this.unread[slot] ?? 1) - 1;
    }
  }

  dropReceiver(): void {
    if (--this.receivers > 0) return;
    this.ring.fill(undefined); // nobody can read them any more
    this.closedWaiters.wakeAll();
  }
}

/**
 * One step of receiving for `rx`, shared by `recv()` futures, `pollNext`
 * and `tryRecv` (no `cx`: no waiting, no budget).
 */
function pollRecv<T>(
  rx: BroadcastReceiver<T>,
  node: BroadcastWaiter | undefined,
  cx: Context | undefined,
): Poll<T | undefined> {
  const shared = rx.shared;
  const position = rx.position;
  if (position < shared.tail) {
    if (cx !== undefined && !pollProceed(cx)) return PENDING;
    if (node?.linked) shared.waiters.remove(node);
    const oldest = shared.tail - shared.capacity;
    if (position < oldest) {
      // Overwritten before we read them: say how many, once, and resume
      // from the oldest message still held.
      rx.position = oldest;
      throw new LaggedError(oldest - position);
    }
    rx.position = position + 1;
    const slot = position % shared.capacity;
    shared.unread[slot] = (shared.unread[slot] ?? 1) - 1;
    return shared.ring[slot];
  }
  if (shared.senders === 0 || rx.dropped) {
    if (cx !== undefined && !pollProceed(cx)) return PENDING;
    if (node?.linked) shared.waiters.remove(node);
    return undefined;
  }
  if (node !== undefined && cx !== undefined) {
    storeWaker(node, cx);
    if (!node.linked) shared.waiters.push(node);
  }
  return PENDING;
}

/**
 * The future of {@link BroadcastReceiver.recv}: the next message this
 * receiver has not seen, `undefined` once every sender is dropped and it
 * has read everything, or a thrown {@link LaggedError}.
 *
 * **Cancel safety:** cancel safe. The receiver's position moves only in
 * the poll that returns a message, so dropping a pending `recv` loses
 * nothing: the next `recv` gets the message. Dropping it leaves the waiter
 * list in O(1).
 */
export class BroadcastRecvFuture<T> extends Awaitable<T | undefined> implements BroadcastWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: BroadcastWaiter | undefined = undefined;
  /** @internal */ nextNode: BroadcastWaiter | undefined = undefined;
  /** @internal */ linked = false;
  private done = false;

  /** @internal Use {@link BroadcastReceiver.recv}. */
  constructor(private readonly rx: BroadcastReceiver<T>) {
    super();
  }

  poll(cx: Context): Poll<T | undefined> {
    if (this.done) throw new Error("a broadcast recv() future was polled after it completed; call rx.recv() again");
    let p: Poll<T | undefined>;
    try {
      p = pollRecv(this.rx, this, cx);
    } catch (lagged) {
      this.done = true;
      throw lagged;
    }
    if (p !== PENDING) this.done = true;
    return p;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "broadcast Receiver.recv";
  }

  /** Drop: leaves the waiter list; the receiver's position is unchanged. Idempotent. */
  override [Symbol.dispose](): void {
    this.rx.shared.waiters.remove(this);
    this.waker = undefined;
  }
}

/**
 * A sending handle of a broadcast channel. `send` is synchronous and
 * never waits. Clone it for more senders; receivers see the end once every
 * clone is dropped.
 *
 * @example
 * ```ts
 * import { broadcast } from "mini-tokio";
 * const [tx, rx] = broadcast<number>(8);
 * tx.send(1); // 1 receiver got it
 * ```
 */
export class BroadcastSender<T> implements Disposable {
  private dropped = false;

  /** @internal Use {@link broadcast}. */
  constructor(private readonly shared: BroadcastShared<T>) {}

  /**
   * Sends `value` to every current receiver and returns how many there
   * are. If the ring is full, the oldest message is overwritten: receivers
   * that had not read it will get a {@link LaggedError}. Throws
   * {@link SendError} with the value when there are no receivers (the
   * value is not kept), and a TypeError for `undefined`.
   *
   * @example
   * ```ts
   * import { broadcast } from "mini-tokio";
   * const [tx, rx] = broadcast<string>(4);
   * const rx2 = tx.subscribe();
   * tx.send("hi"); // 2
   * ```
   */
  send(value: T): number {
    if (this.dropped) throw usedAfterDispose("BroadcastSender.send(value)");
    if (value === undefined) throw undefinedMessage("BroadcastSender.send(value)");
    const shared = this.shared;
    if (shared.receivers === 0) throw new SendError(value, "the broadcast channel has no receivers");
    const slot = shared.tail % shared.capacity;
    shared.ring[slot] = value;
    shared.unread[slot] = shared.receivers;
    shared.tail++;
    if (shared.waiters.head !== undefined) shared.waiters.wakeAll();
    return shared.receivers;
  }

  /**
   * A new receiver that will see every message sent from now on.
   *
   * @example
   * ```ts
   * import { broadcast } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(4);
   * tx.send(1);
   * const late = tx.subscribe(); // will not see 1
   * ```
   */
  subscribe(): BroadcastReceiver<T> {
    if (this.dropped) throw usedAfterDispose("BroadcastSender.subscribe()");
    this.shared.receivers++;
    return new BroadcastReceiver(this.shared, this.shared.tail);
  }

  /**
   * A new sender for the same channel.
   *
   * @example
   * ```ts
   * import { broadcast } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(4);
   * const tx2 = tx.clone();
   * ```
   */
  clone(): BroadcastSender<T> {
    if (this.dropped) throw usedAfterDispose("BroadcastSender.clone()");
    this.shared.senders++;
    return new BroadcastSender(this.shared);
  }

  /** How many receivers are alive: how many a `send` now would reach. */
  get receiverCount(): number {
    return this.shared.receivers;
  }

  /**
   * Messages still queued (tokio's `Sender::len`): sent, still in the
   * ring, and not yet read by every receiver that was alive when each was
   * sent. A message overwritten by newer sends no longer counts, nor does
   * one whose last reader was dropped. O(log capacity).
   *
   * @example
   * ```ts
   * import { broadcast } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(8);
   * const fast = tx.subscribe();
   * tx.send(1);
   * fast.tryRecv(); // 1
   * tx.len; // 1: rx has not read it yet
   * ```
   */
  get len(): number {
    const shared = this.shared;
    const { capacity, tail, unread } = shared;
    // The first message someone still has to read; every newer one is unread by someone too.
    let low = Math.max(0, tail - capacity);
    let high = tail;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if ((unread[mid % capacity] ?? 0) > 0) high = mid;
      else low = mid + 1;
    }
    return tail - low;
  }

  /**
   * A future that is ready once every receiver is dropped.
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { broadcast, future } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(4);
   * const f = future(function* () { yield* tx.closed(); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.shared);
  }

  /** Drop: once every sender is dropped, receivers drain and then get `undefined`. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    const shared = this.shared;
    if (--shared.senders === 0) shared.waiters.wakeAll();
  }
}

/**
 * A receiving handle of a broadcast channel: it reads every message sent
 * after it subscribed, in order, from the shared ring. It is a
 * {@link Stream}; a lag surfaces from `pollNext` as a thrown
 * {@link LaggedError} too, after which the stream continues.
 *
 * @example
 * ```ts
 * import { broadcast, future } from "mini-tokio";
 * const [tx, rx] = broadcast<string>(16);
 * const listener = future(function* () {
 *   using _ = rx;
 *   for (let m = yield* rx.recv(); m !== undefined; m = yield* rx.recv()) console.log(m);
 * });
 * ```
 */
export class BroadcastReceiver<T> implements Stream<T>, BroadcastWaiter, Disposable {
  // The receiver's own waiter node, for `pollNext`.
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: BroadcastWaiter | undefined = undefined;
  /** @internal */ nextNode: BroadcastWaiter | undefined = undefined;
  /** @internal */ linked = false;
  /** @internal The sequence number of the next message to read. */
  position: number;
  /** @internal */
  dropped = false;

  /** @internal Use {@link broadcast}, `subscribe()` or `resubscribe()`. */
  constructor(
    /** @internal */ readonly shared: BroadcastShared<T>,
    position: number,
  ) {
    this.position = position;
  }

  /**
   * The next message this receiver has not seen, waiting while there is
   * none; `undefined` once every sender is dropped and it has read
   * everything. Throws {@link LaggedError} once if messages were
   * overwritten before it read them; the next `recv` continues from the
   * oldest message still held. Spends one unit of budget when ready.
   *
   * **Cancel safety:** cancel safe: dropping a pending `recv` loses no
   * message; the next `recv` gets it.
   *
   * @example
   * ```ts
   * import { broadcast, future } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(4);
   * tx.send(3);
   * const f = future(function* () { return yield* rx.recv(); }); // 3
   * ```
   */
  recv(): BroadcastRecvFuture<T> {
    if (this.dropped) throw usedAfterDispose("BroadcastReceiver.recv()");
    return new BroadcastRecvFuture(this);
  }

  /**
   * Receives without waiting: the next message; `undefined` if every
   * sender is dropped and nothing is left; {@link PENDING} if nothing new
   * has been sent yet. Throws {@link LaggedError} as `recv` does.
   *
   * @example
   * ```ts
   * import { PENDING, broadcast } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(4);
   * rx.tryRecv(); // PENDING
   * tx.send(1);
   * rx.tryRecv(); // 1
   * ```
   */
  tryRecv(): Poll<T | undefined> {
    if (this.dropped) throw usedAfterDispose("BroadcastReceiver.tryRecv()");
    return pollRecv(this, undefined, undefined);
  }

  /**
   * The stream view of {@link recv}: the next message, `undefined` at the
   * end, or PENDING; throws {@link LaggedError} once after a lag.
   */
  pollNext(cx: Context): Poll<T | undefined> {
    if (this.dropped) throw usedAfterDispose("BroadcastReceiver.pollNext(cx)");
    return pollRecv(this, this, cx);
  }

  /**
   * A new receiver for the same channel that starts at the newest
   * position: it sees messages sent from now on, not the ones this
   * receiver has yet to read (tokio's `resubscribe`).
   *
   * @example
   * ```ts
   * import { broadcast } from "mini-tokio";
   * const [tx, rx] = broadcast<number>(4);
   * const rx2 = rx.resubscribe();
   * ```
   */
  resubscribe(): BroadcastReceiver<T> {
    if (this.dropped) throw usedAfterDispose("BroadcastReceiver.resubscribe()");
    this.shared.receivers++;
    return new BroadcastReceiver(this.shared, this.shared.tail);
  }

  /** Messages sent that this receiver has not read yet (lagged ones included). */
  get size(): number {
    return this.shared.tail - this.position;
  }

  /** Drop: the receiver stops counting; the last one lets the ring go. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    const shared = this.shared;
    shared.waiters.remove(this);
    this.waker = undefined;
    shared.forgetUnread(this.position);
    shared.dropReceiver();
  }
}

/**
 * A broadcast channel whose ring holds the last `capacity` messages
 * (tokio's `broadcast::channel`). Returns a sender and a first receiver;
 * `tx.subscribe()` makes more.
 *
 * @throws RangeError unless `capacity` is an integer from 1 to 2^30.
 * @example
 * ```ts
 * import { broadcast } from "mini-tokio";
 * const [tx, rx] = broadcast<{ event: string }>(64);
 * const audit = tx.subscribe();
 * tx.send({ event: "started" });
 * ```
 */
export function broadcast<T>(capacity: number): [BroadcastSender<T>, BroadcastReceiver<T>] {
  checkCapacity("broadcast(capacity)", capacity);
  const shared = new BroadcastShared<T>(capacity);
  return [new BroadcastSender(shared), new BroadcastReceiver(shared, 0)];
}

/**
 * A broadcast sender with no receiver yet (tokio's
 * `broadcast::Sender::new`): receivers come from `subscribe()`. Until
 * then `send` throws {@link SendError}, since nobody would get the value.
 * Handy for a struct that owns the sender and hands out receivers on
 * demand.
 *
 * @throws RangeError unless `capacity` is an integer from 1 to 2^30.
 * @example
 * ```ts
 * import { broadcast } from "mini-tokio";
 * const events = broadcast.sender<string>(32);
 * const listener = events.subscribe();
 * events.send("hello"); // 1
 * ```
 */
function broadcastSender<T>(capacity: number): BroadcastSender<T> {
  checkCapacity("broadcast.sender(capacity)", capacity);
  const shared = new BroadcastShared<T>(capacity);
  shared.receivers = 0;
  return new BroadcastSender(shared);
}
broadcast.sender = broadcastSender;
