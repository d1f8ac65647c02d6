/**
 * Multi-producer, single-consumer channels (tokio's `sync::mpsc`): many
 * senders, one receiver, messages in order per sender.
 *
 * - {@link channel}`(capacity)` is bounded: at most `capacity` messages
 *   wait in the channel, and a sender that finds it full waits in line
 *   (backpressure). Senders waiting for room are served first come, first
 *   served.
 * - {@link unbounded}`()` never makes a sender wait; its `send` is
 *   synchronous. Memory is the limit, so prefer a bound.
 *
 * The channel closes for the receiver when the last sender is dropped
 * (disposed): `recv()` then yields the messages still buffered and, after
 * them, `undefined` — "no more". That is why `undefined` cannot be sent.
 * The receiver may also `close()` first: no new sends, what was sent still
 * drains. A send to a closed channel throws {@link SendError} with the
 * value.
 *
 * ```text
 *   Sender ─┐                      ┌─ ring of messages ─┐
 *   Sender ─┼── send / reserve ──▶ │ a b c · · · · · ·  │ ──▶ recv ──▶ Receiver
 *   Sender ─┘   (wait in line      └────────────────────┘      (waits while empty)
 *                when full)
 * ```
 *
 * Accounting for a bounded channel, always:
 * `capacity = free slots + reserved slots + buffered messages`. A slot is
 * reserved when a {@link Permit} holds it or when it was handed to a
 * waiting sender that has not been polled yet: a slot freed by `recv`
 * goes straight to the first waiting sender, so a newcomer's `trySend`
 * can never jump the line.
 *
 * @example
 * ```ts
 * import { Runtime, future, mpsc, spawn } from "mini-tokio";
 * const total = new Runtime().blockOn(future(function* () {
 *   const [tx, rx] = mpsc.channel<number>(16);
 *   for (let p = 0; p < 3; p++) {
 *     const mine = tx.clone();
 *     spawn(future(function* () {
 *       using _ = mine; // dropped when the producer ends
 *       for (let i = 1; i <= 10; i++) yield* mine.send(i);
 *     }));
 *   }
 *   tx[Symbol.dispose](); // keep only the producers' senders
 *   let sum = 0;
 *   for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) sum += v;
 *   return sum; // 165
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
import { timeout } from "../time/timeout.js";
import { checkCount } from "../util/check.js";
import { storeWaker, WaitList, type WaitNode, wakeNode } from "../util/list.js";
import { Ring } from "../util/ring.js";
import { ClosedFuture, type ReceiversGone } from "./closed.js";
import { checkCapacity, SendError, undefinedMessage, usedAfterDispose } from "./errors.js";

/** A waiting receive: a pending `recv()` future, or the receiver itself polled as a stream. */
interface RecvWaiter extends WaitNode<RecvWaiter> {}

/** A sender waiting in line for a slot: a pending `send` or `reserve`. */
interface SlotWaiter extends WaitNode<SlotWaiter> {
  /** True once a freed slot was handed to this waiter (counted in `reserved`). */
  granted: boolean;
  /** Slots this waiter needs: 1, or n for `reserveMany(n)`. */
  readonly wanted: number;
  /** Slots handed to it so far (counted in `reserved`); it is granted once it has `wanted`. */
  gathered: number;
}

/** The state the two ends share. @internal */
export class Chan<T> implements ReceiversGone {
  /** The messages, oldest first. */
  readonly queue: Ring<T>;
  /** False for an unbounded channel: no slots to count, senders never wait. */
  readonly bounded: boolean;
  /** The bound (Infinity when unbounded). */
  readonly capacity: number;
  /** Free slots nobody holds (bounded only). */
  permits: number;
  /** Slots held by permits and by waiting senders they were handed to. */
  reserved = 0;
  /** Live Sender handles. */
  senders = 1;
  /** No new sends: the receiver closed or dropped, or it saw the end. */
  isClosed = false;
  /** The receiver was dropped: buffered messages are gone, permits cannot deliver. */
  receiverDropped = false;
  readonly recvWaiters = new WaitList<RecvWaiter>();
  readonly sendWaiters = new WaitList<SlotWaiter>();
  readonly closedWaiters = new WaitList<ClosedFuture>();

  constructor(capacity: number, bounded: boolean) {
    this.bounded = bounded;
    this.capacity = capacity;
    this.permits = bounded ? capacity : 0;
    this.queue = new Ring<T>(bounded ? Math.min(capacity, 16) : 16);
  }

  /** Appends a message and wakes the receiver. */
  push(value: T): void {
    this.queue.push(value);
    // Every waiter is woken, not just the first: if the one woken were
    // dropped before it ran, the message would sit there with nobody told.
    if (this.recvWaiters.head !== undefined) this.recvWaiters.wakeAll();
  }

  /**
   * A slot became free (a message was received, a permit or a granted
   * waiter was dropped): it goes to the first sender in line, else back to
   * the free count.
   */
  releaseSlot(): void {
    const waiter = this.sendWaiters.head;
    if (waiter === undefined) {
      this.permits++;
      return;
    }
    this.reserved++;
    // A reserveMany(n) waiter gathers its slots at the head of the line, so
    // a stream of single sends behind it cannot starve it (tokio's fair
    // semaphore does the same).
    if (++waiter.gathered < waiter.wanted) return;
    this.sendWaiters.remove(waiter);
    waiter.granted = true;
    wakeNode(waiter);
  }

  /** A reserved slot comes back unused. */
  returnReserved(): void {
    this.reserved--;
    this.releaseSlot();
    // The receiver may have been waiting only for this slot's message.
    if (this.isEnded()) this.recvWaiters.wakeAll();
  }

  /** True when no message can ever arrive: the receiver's "no more". */
  isEnded(): boolean {
    return (
      this.queue.size === 0 && (this.receiverDropped || (this.reserved === 0 && (this.senders === 0 || this.isClosed)))
    );
  }

  /** No new sends. Wakes everyone whose outcome that changes. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.sendWaiters.wakeAll(); // each throws SendError when polled
    this.closedWaiters.wakeAll();
    this.recvWaiters.wakeAll(); // may now see the end
  }

  /** For `closed()`: true once the receiver closed or was dropped. */
  receiversGone(): boolean {
    return this.isClosed;
  }

  /** Why sends fail, for SendError's message. */
  whyClosed(): string {
    return this.receiverDropped ? "the receiver was dropped" : "the receiver closed";
  }

  dropSender(): void {
    if (--this.senders === 0) this.recvWaiters.wakeAll();
  }

  dropReceiver(): void {
    this.receiverDropped = true;
    this.close();
    this.recvWaiters.wakeAll(); // futures the receiver made earlier end now
    // Nobody can read the buffered messages: drop them, as Rust does, so a
    // guard or a handle sent through the channel lets go. Every one is
    // dropped even if one's disposal throws; the first error propagates.
    let failed: DropFailure | undefined;
    for (let left = this.queue.size; left > 0; left--) failed = dropKeepingFirst(this.queue.shift(), failed);
    if (failed !== undefined) throw failed.error;
  }
}

/**
 * One step of receiving, shared by `recv()` futures, `pollNext` and
 * `tryRecv` (with `node` undefined: no waiting). Only the poll that
 * returns a message takes it, so a dropped receive loses nothing.
 */
function pollRecv<T>(chan: Chan<T>, node: RecvWaiter | undefined, cx: Context | undefined): Poll<T | undefined> {
  if (chan.queue.size > 0) {
    // The hot path: one unit of budget, one ring read.
    if (cx !== undefined && !pollProceed(cx)) return PENDING;
    if (node?.linked) chan.recvWaiters.remove(node);
    const value = chan.queue.shift();
    if (chan.bounded) chan.releaseSlot();
    return value;
  }
  if (chan.isEnded()) {
    if (cx !== undefined && !pollProceed(cx)) return PENDING;
    if (node?.linked) chan.recvWaiters.remove(node);
    chan.close(); // the end was seen: a stray send from now on fails instead of vanishing
    return undefined;
  }
  if (node !== undefined && cx !== undefined) {
    storeWaker(node, cx);
    if (!node.linked) chan.recvWaiters.push(node);
  }
  return PENDING;
}

/**
 * The future of {@link Receiver.recv}: the next message, or `undefined`
 * once the channel is closed and drained.
 *
 * **Cancel safety:** cancel safe. A message leaves the channel only in
 * the poll that returns it, so dropping a pending `recv` loses nothing: the
 * next `recv` gets the message. Dropping it leaves the waiter list in O(1).
 */
export class RecvFuture<T> extends Awaitable<T | undefined> implements RecvWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: RecvWaiter | undefined = undefined;
  /** @internal */ nextNode: RecvWaiter | undefined = undefined;
  /** @internal */ linked = false;
  private done = false;

  /** @internal Use {@link Receiver.recv}. */
  constructor(private readonly chan: Chan<T>) {
    super();
  }

  poll(cx: Context): Poll<T | undefined> {
    if (this.done) throw new Error("an mpsc recv() future was polled after it completed; call rx.recv() again");
    const p = pollRecv(this.chan, this, cx);
    if (p !== PENDING) this.done = true;
    return p;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "mpsc Receiver.recv";
  }

  /** Drop: leaves the waiter list; no message is taken. Idempotent. */
  override [Symbol.dispose](): void {
    this.chan.recvWaiters.remove(this);
    this.waker = undefined;
  }
}

/**
 * The future of {@link Receiver.recvMany}: how many messages it appended
 * to the buffer (at least one), or 0 once the channel is closed and
 * drained.
 *
 * **Cancel safety:** cancel safe. Messages leave the channel only in the
 * poll that appends them to the buffer, so dropping a pending `recvMany`
 * loses nothing.
 *
 * @example
 * ```ts
 * import { future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<string>(64);
 * const drain = future(function* () {
 *   const batch: string[] = [];
 *   while ((yield* rx.recvMany(batch, 64)) > 0) {
 *     console.log(`writing ${batch.length} lines at once`);
 *     batch.length = 0;
 *   }
 * });
 * ```
 */
export class RecvManyFuture<T> extends Awaitable<number> implements RecvWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: RecvWaiter | undefined = undefined;
  /** @internal */ nextNode: RecvWaiter | undefined = undefined;
  /** @internal */ linked = false;
  private done = false;

  /** @internal Use {@link Receiver.recvMany}. */
  constructor(
    private readonly chan: Chan<T>,
    private readonly buffer: T[],
    private readonly limit: number,
  ) {
    super();
  }

  poll(cx: Context): Poll<number> {
    if (this.done) throw new Error("an mpsc recvMany() future was polled after it completed; call rx.recvMany() again");
    const chan = this.chan;
    if (this.limit === 0) {
      this.done = true;
      return 0;
    }
    const available = chan.queue.size;
    if (available > 0) {
      // One unit of budget for the whole batch, as tokio spends.
      if (!pollProceed(cx)) return PENDING;
      if (this.linked) chan.recvWaiters.remove(this);
      this.done = true;
      const n = Math.min(available, this.limit);
      const buffer = this.buffer;
      for (let i = 0; i < n; i++) {
        // Never undefined (n ≤ size, and undefined cannot be sent); the check keeps the type honest.
        const value = chan.queue.shift();
        if (value !== undefined) buffer.push(value);
        if (chan.bounded) chan.releaseSlot();
      }
      return n;
    }
    // Empty: pollRecv waits, or sees the end (then it answers undefined).
    const p = pollRecv(chan, this, cx);
    if (p === PENDING) return PENDING;
    this.done = true;
    return 0;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "mpsc Receiver.recvMany";
  }

  /** Drop: leaves the waiter list; no message is taken. Idempotent. */
  override [Symbol.dispose](): void {
    this.chan.recvWaiters.remove(this);
    this.waker = undefined;
  }
}

/**
 * What {@link SendFuture} and {@link ReserveFuture} share: a place in the
 * senders' line, the slot handed to it, and how dropping gives both back.
 * {@link SlotFuture.takeSlot} is one step of getting a slot; each subclass
 * says what it does with the slot once it has it.
 *
 * Only two classes extend it, so the shared code sees two shapes at most
 * (polymorphic, never megamorphic), and each subclass's `poll` calls
 * `takeSlot` on its own shape only.
 */
abstract class SlotFuture<T, R> extends Awaitable<R> implements SlotWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: SlotWaiter | undefined = undefined;
  /** @internal */ nextNode: SlotWaiter | undefined = undefined;
  /** @internal */ linked = false;
  /** @internal */ granted = false;
  /** @internal */ readonly wanted = 1;
  /** @internal */ gathered = 0;
  protected done = false;

  constructor(protected readonly chan: Chan<T>) {
    super();
  }

  /**
   * One step of getting a slot. True once this future holds one (counted
   * in `reserved`, for the caller to fill or to hand to a permit); false
   * while it waits in line with its waker stored. Throws {@link SendError}
   * carrying `failValue` if the channel closed first.
   */
  protected takeSlot<V>(cx: Context, failValue: V): boolean {
    const chan = this.chan;
    if (this.granted) {
      // A slot was handed to us while we waited. It holds even if the
      // receiver closed meanwhile (as a permit does), but not if it dropped.
      if (!pollProceed(cx)) return false; // spent on failing too, or a retry loop never yields
      if (chan.receiverDropped) this.fail(failValue, "the receiver was dropped");
      this.granted = false;
      this.done = true;
      return true;
    }
    if (chan.isClosed) {
      if (!pollProceed(cx)) return false; // spent on failing too, or a retry loop never yields
      this.fail(failValue, chan.whyClosed());
    }
    if (chan.permits > 0) {
      // A free slot means nobody waits: slots freed while senders wait go
      // to them, never to the free count.
      if (!pollProceed(cx)) return false;
      this.done = true;
      chan.permits--;
      chan.reserved++;
      return true;
    }
    storeWaker(this, cx);
    if (!this.linked) chan.sendWaiters.push(this);
    return false;
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

  private fail<V>(failValue: V, why: string): never {
    this.done = true;
    if (this.granted) {
      this.granted = false;
      this.chan.reserved--;
    }
    throw new SendError(failValue, why);
  }
}

/**
 * The future of {@link Sender.send}: waits in line for a free slot, then
 * puts the value in the channel.
 *
 * **Cancel safety:** dropping it before it completes sends nothing and
 * gives up its place in line: the next waiting sender moves up. If a slot
 * had already been handed to it (it was woken but not polled again), the
 * slot passes on to the next waiting sender, or back to the channel; no
 * capacity leaks. The value is not sent; you still hold it.
 */
export class SendFuture<T> extends SlotFuture<T, void> {
  /** @internal Use {@link Sender.send}. */
  constructor(
    chan: Chan<T>,
    private readonly value: T,
  ) {
    super(chan);
  }

  poll(cx: Context): Poll<void> {
    if (this.done) throw new Error("an mpsc send() future was polled after it completed");
    if (!this.takeSlot(cx, this.value)) return PENDING;
    // The slot is ours: fill it.
    this.chan.reserved--;
    this.chan.push(this.value);
    return undefined;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "mpsc Sender.send (channel full)";
  }
}

/**
 * The future of {@link Sender.reserve}: waits in line for a free slot and
 * yields a {@link Permit} holding it.
 *
 * **Cancel safety:** dropping it before it completes gives up its place in
 * line. If a slot had already been handed to it, the slot passes on to
 * the next waiting sender, or back to the channel: no capacity leaks.
 */
export class ReserveFuture<T> extends SlotFuture<T, Permit<T>> {
  /** @internal Use {@link Sender.reserve}. */
  constructor(chan: Chan<T>) {
    super(chan);
  }

  poll(cx: Context): Poll<Permit<T>> {
    if (this.done) throw new Error("an mpsc reserve() future was polled after it completed");
    // The slot stays counted in `reserved`: the permit holds it now.
    return this.takeSlot<void>(cx, undefined) ? new Permit(this.chan) : PENDING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "mpsc Sender.reserve (channel full)";
  }
}

/**
 * One slot of a bounded channel, reserved: {@link Permit.send} fills it
 * synchronously and cannot find the channel full. Disposing an unused
 * permit gives the slot back (to the first waiting sender, if any).
 *
 * A permit taken before the receiver called `close()` still delivers, and
 * the receiver's `recv()` does not report the end while permits are out.
 *
 * @example
 * ```ts
 * import { future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<string>(1);
 * const f = future(function* () {
 *   using permit = yield* tx.reserve(); // the slot is ours; compute the message now
 *   permit.send("ready");
 * });
 * ```
 */
export class Permit<T> implements Disposable {
  private chan: Chan<T> | undefined;

  /** @internal Use {@link Sender.reserve}. */
  constructor(chan: Chan<T>) {
    this.chan = chan;
  }

  /**
   * Sends `value` in the reserved slot, at once. Throws
   * {@link SendError} if the receiver was dropped meanwhile, a TypeError
   * for `undefined`, and an Error if the permit was already used.
   */
  send(value: T): void {
    const chan = this.chan;
    if (chan === undefined) throw new Error("mpsc Permit.send(value): this permit was already used or disposed");
    if (value === undefined) throw undefinedMessage("mpsc Permit.send(value)");
    this.chan = undefined;
    chan.reserved--;
    if (chan.receiverDropped) throw new SendError(value, "the receiver was dropped");
    chan.push(value);
  }

  /** Drop: an unused permit gives its slot back. Idempotent. */
  [Symbol.dispose](): void {
    const chan = this.chan;
    if (chan === undefined) return;
    this.chan = undefined;
    chan.returnReserved();
  }
}

/**
 * The future of {@link Sender.reserveMany}: waits in line until `n` slots
 * are free and yields {@link Permits} holding them.
 *
 * **Cancel safety:** dropping it before it completes gives up its place
 * in line and passes every slot it had gathered to the next waiting
 * sender, or back to the channel: no capacity leaks.
 *
 * @example
 * ```ts
 * import { future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<number>(4);
 * const f = future(function* () {
 *   using pair = yield* tx.reserveMany(2); // both slots, or wait
 *   pair.send(1);
 *   pair.send(2);
 * });
 * ```
 */
export class ReserveManyFuture<T> extends Awaitable<Permits<T>> implements SlotWaiter {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: SlotWaiter | undefined = undefined;
  /** @internal */ nextNode: SlotWaiter | undefined = undefined;
  /** @internal */ linked = false;
  /** @internal */ granted = false;
  /** @internal */ gathered = 0;
  private done = false;

  /** @internal Use {@link Sender.reserveMany}. */
  constructor(
    private readonly chan: Chan<T>,
    /** @internal */ readonly wanted: number,
  ) {
    super();
  }

  poll(cx: Context): Poll<Permits<T>> {
    if (this.done) throw new Error("an mpsc reserveMany() future was polled after it completed");
    const chan = this.chan;
    if (this.granted) {
      // As for one slot: granted slots hold if the receiver closed, not if it dropped.
      // Failing spends budget too (tokio's rule), so a retry loop still yields.
      if (!pollProceed(cx)) return PENDING;
      if (chan.receiverDropped) this.fail("the receiver was dropped");
      return this.finish();
    }
    if (chan.isClosed) {
      if (!pollProceed(cx)) return PENDING;
      this.fail(chan.whyClosed());
    }
    if (!this.linked) {
      // Free slots mean nobody waits in line: take what is there.
      const missing = this.wanted - this.gathered;
      if (chan.permits >= missing) {
        if (!pollProceed(cx)) return PENDING;
        chan.permits -= missing;
        chan.reserved += missing;
        this.gathered = this.wanted;
        return this.finish();
      }
      // Not enough: hold what is free and wait at the head for the rest.
      const some = chan.permits;
      chan.permits = 0;
      chan.reserved += some;
      this.gathered += some;
      chan.sendWaiters.push(this);
    }
    storeWaker(this, cx);
    return PENDING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return `mpsc Sender.reserveMany(${this.wanted}) (holding ${this.gathered})`;
  }

  /** Drop: leaves the line and passes on the slots gathered so far. Idempotent. */
  override [Symbol.dispose](): void {
    const chan = this.chan;
    this.done = true;
    this.waker = undefined;
    this.granted = false;
    // Out of the line first, or the slots given back would come straight back here.
    chan.sendWaiters.remove(this);
    for (; this.gathered > 0; this.gathered--) chan.returnReserved();
  }

  private finish(): Permits<T> {
    this.done = true;
    this.granted = false;
    const n = this.gathered;
    this.gathered = 0;
    return new Permits(this.chan, n);
  }

  private fail(why: string): never {
    const chan = this.chan;
    this.done = true;
    this.granted = false;
    chan.sendWaiters.remove(this);
    // Closed: nothing can use the slots; they only go back on the count.
    chan.reserved -= this.gathered;
    chan.permits += this.gathered;
    this.gathered = 0;
    if (chan.isEnded()) chan.recvWaiters.wakeAll();
    throw new SendError(undefined, why);
  }
}

/**
 * `n` reserved slots of a bounded channel (tokio's `PermitIterator`):
 * {@link Permits.send} fills one synchronously; iterating hands each slot
 * out as a {@link Permit}. Disposing gives back the slots still unused.
 *
 * @example
 * ```ts
 * import { future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<number>(8);
 * const f = future(function* () {
 *   using batch = yield* tx.reserveMany(3); // all three or none
 *   for (const n of [1, 2, 3]) batch.send(n);
 * });
 * ```
 */
export class Permits<T> implements Iterable<Permit<T>>, Disposable {
  private chan: Chan<T> | undefined;
  private left: number;

  /** @internal Use {@link Sender.reserveMany}. */
  constructor(chan: Chan<T>, n: number) {
    this.chan = n === 0 ? undefined : chan;
    this.left = n;
  }

  /** Slots still unused. */
  get remaining(): number {
    return this.left;
  }

  /**
   * Sends `value` in one of the reserved slots, at once. Throws
   * {@link SendError} if the receiver was dropped meanwhile, a TypeError
   * for `undefined`, and an Error if every slot is used.
   */
  send(value: T): void {
    const chan = this.chan;
    if (chan === undefined)
      throw new Error("mpsc Permits.send(value): every reserved slot was already used or disposed");
    if (value === undefined) throw undefinedMessage("mpsc Permits.send(value)");
    if (--this.left === 0) this.chan = undefined;
    chan.reserved--;
    if (chan.receiverDropped) throw new SendError(value, "the receiver was dropped");
    chan.push(value);
  }

  /** Hands each unused slot out as a {@link Permit} (tokio's iterator of permits). */
  [Symbol.iterator](): Iterator<Permit<T>> {
    return {
      next: (): IteratorResult<Permit<T>> => {
        const chan = this.chan;
        if (chan === undefined) return { done: true, value: undefined };
        if (--this.left === 0) this.chan = undefined;
        return { done: false, value: new Permit(chan) };
      },
    };
  }

  /** Drop: the unused slots go back (to waiting senders first). Idempotent. */
  [Symbol.dispose](): void {
    const chan = this.chan;
    if (chan === undefined) return;
    this.chan = undefined;
    for (; this.left > 0; this.left--) chan.returnReserved();
  }
}

/**
 * The sending half of a bounded channel. Clone it for each producer;
 * the channel closes for the receiver when the last clone is disposed.
 *
 * @example
 * ```ts
 * import { future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<number>(4);
 * const producer = future(function* () {
 *   using _ = tx; // closes the channel when the producer ends
 *   for (let i = 0; i < 10; i++) yield* tx.send(i);
 * });
 * ```
 */
export class Sender<T> implements Disposable {
  private dropped = false;

  /** @internal Use {@link channel}. */
  constructor(private readonly chan: Chan<T>) {}

  /**
   * Sends `value`, waiting in line while the channel is full. The future
   * throws {@link SendError} holding the value if the receiver closes or
   * is dropped first. Senders waiting for room are served in the order
   * they started waiting.
   *
   * **Cancel safety:** dropping the future before it completes sends
   * nothing and gives up its place in line; a slot already handed to it
   * passes to the next waiting sender. The value is not sent.
   *
   * @throws TypeError (at the call) for `undefined`.
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<string>(8);
   * const f = future(function* () { yield* tx.send("hi"); });
   * ```
   */
  send(value: T): SendFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.send(value)");
    if (value === undefined) throw undefinedMessage("mpsc Sender.send(value)");
    return new SendFuture(this.chan, value);
  }

  /**
   * Sends `value` now if there is a free slot. Returns true if it was
   * sent, false if the channel is full (the value was not taken); throws
   * {@link SendError} if the receiver is closed or dropped. It never
   * overtakes senders already waiting in line: while they wait, there are
   * no free slots.
   *
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<number>(1);
   * tx.trySend(1); // true
   * tx.trySend(2); // false: full
   * ```
   */
  trySend(value: T): boolean {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.trySend(value)");
    if (value === undefined) throw undefinedMessage("mpsc Sender.trySend(value)");
    const chan = this.chan;
    if (chan.isClosed) throw new SendError(value, chan.whyClosed());
    if (chan.permits === 0) return false;
    chan.permits--;
    chan.push(value);
    return true;
  }

  /**
   * Waits in line for a free slot and yields a {@link Permit} holding it,
   * so the message can be computed once room is guaranteed. Throws
   * {@link SendError} (with value `undefined`) if the receiver closes or
   * is dropped first.
   *
   * **Cancel safety:** dropping the future before it completes gives up
   * its place in line; a slot already handed to it passes to the next
   * waiting sender, so no capacity leaks.
   *
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<number>(2);
   * const f = future(function* () {
   *   using permit = yield* tx.reserve();
   *   permit.send(42);
   * });
   * ```
   */
  reserve(): ReserveFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.reserve()");
    return new ReserveFuture(this.chan);
  }

  /**
   * Waits in line until `n` slots are free at once and yields
   * {@link Permits} holding all of them (tokio's `reserve_many`): a batch
   * goes in whole or not at all. While it waits at the head of the line it
   * keeps the slots it has gathered, so smaller sends behind it cannot
   * starve it. `n = 0` is ready at once with no slots. Throws
   * {@link SendError} if the receiver closes or is dropped first.
   *
   * **Cancel safety:** dropping the future before it completes gives up
   * its place in line and passes every slot it had gathered on: no
   * capacity leaks.
   *
   * @throws RangeError (at the call) unless `n` is an integer from 0 to
   *   `maxCapacity` (tokio reports `n > max_capacity` as a send error; a
   *   request that can never be met is a bad argument here).
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<string>(4);
   * const f = future(function* () {
   *   using batch = yield* tx.reserveMany(2);
   *   batch.send("header");
   *   batch.send("body");
   * });
   * ```
   */
  reserveMany(n: number): ReserveManyFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.reserveMany(n)");
    checkCount("mpsc Sender.reserveMany(n)", "n", n, 0, this.chan.capacity);
    return new ReserveManyFuture(this.chan, n);
  }

  /**
   * Reserves a slot now if one is free (tokio's `try_reserve`): a
   * {@link Permit}, or `undefined` if the channel is full. Like `trySend`
   * it never overtakes senders waiting in line. Throws {@link SendError}
   * if the receiver closed or was dropped.
   *
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<number>(1);
   * const permit = tx.tryReserve(); // a Permit
   * tx.tryReserve(); // undefined: full
   * permit?.send(1);
   * ```
   */
  tryReserve(): Permit<T> | undefined {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.tryReserve()");
    return this.takeFree(1) ? new Permit(this.chan) : undefined;
  }

  /**
   * Reserves `n` slots now if that many are free (tokio's
   * `try_reserve_many`): {@link Permits}, or `undefined` if fewer are free
   * (none is taken then). Throws {@link SendError} if the receiver closed
   * or was dropped.
   *
   * @throws RangeError unless `n` is an integer from 0 to `maxCapacity`.
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<number>(4);
   * using batch = tx.tryReserveMany(3);
   * batch?.send(1);
   * ```
   */
  tryReserveMany(n: number): Permits<T> | undefined {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.tryReserveMany(n)");
    checkCount("mpsc Sender.tryReserveMany(n)", "n", n, 0, this.chan.capacity);
    return this.takeFree(n) ? new Permits(this.chan, n) : undefined;
  }

  /** Takes `n` free slots into `reserved`, or none; throws SendError when closed. */
  private takeFree(n: number): boolean {
    const chan = this.chan;
    if (chan.isClosed) throw new SendError(undefined, chan.whyClosed());
    if (chan.permits < n) return false;
    chan.permits -= n;
    chan.reserved += n;
    return true;
  }

  /**
   * Sends `value`, waiting at most `ms` milliseconds for room (tokio's
   * `send_timeout`). Throws {@link TimeoutError} if no slot came in time
   * (the value was not sent; you still hold it), {@link SendError} with
   * the value if the receiver closes or is dropped first.
   *
   * **Cancel safety:** as {@link Sender.send}: dropping it sends nothing
   * and gives up its place in line; a slot already handed to it passes on.
   *
   * @throws TypeError (at the call) for `undefined`; RangeError/TypeError
   *   for a bad duration.
   * @example
   * ```ts
   * import { TimeoutError, future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<string>(1);
   * const f = future(function* () {
   *   try {
   *     yield* tx.sendTimeout("job", 100);
   *   } catch (e) {
   *     if (!(e instanceof TimeoutError)) throw e;
   *     console.log("the consumer is behind; dropping the job");
   *   }
   * });
   * ```
   */
  sendTimeout(value: T, ms: number): Awaitable<void> {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.sendTimeout(value, ms)");
    if (value === undefined) throw undefinedMessage("mpsc Sender.sendTimeout(value, ms)");
    return timeout(ms, new SendFuture(this.chan, value));
  }

  /**
   * A new sender for the same channel; the channel stays open for the
   * receiver until every clone is disposed.
   *
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<string>(8);
   * const tx2 = tx.clone();
   * ```
   */
  clone(): Sender<T> {
    if (this.dropped) throw usedAfterDispose("mpsc Sender.clone()");
    this.chan.senders++;
    return new Sender(this.chan);
  }

  /** True once the receiver closed or was dropped: every send will fail. */
  get isClosed(): boolean {
    return this.chan.isClosed;
  }

  /**
   * A future that is ready once the receiver closed or was dropped
   * (tokio's `Sender::closed`).
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.channel<number>(1);
   * const f = future(function* () { yield* tx.closed(); console.log("nobody listens any more"); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.chan);
  }

  /** Free slots right now: how many sends would not wait. */
  get capacity(): number {
    return this.chan.permits;
  }

  /** The bound the channel was made with. */
  get maxCapacity(): number {
    return this.chan.capacity;
  }

  /** Messages waiting in the channel (tokio's `len`, also on the receiver). */
  get len(): number {
    return this.chan.queue.size;
  }

  /** Drop: the channel closes for the receiver when the last sender is dropped. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    this.chan.dropSender();
  }
}

/**
 * The sending half of an unbounded channel: `send` is synchronous and
 * never waits.
 *
 * @example
 * ```ts
 * import { mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.unbounded<string>();
 * tx.send("no waiting");
 * ```
 */
export class UnboundedSender<T> implements Disposable {
  private dropped = false;

  /** @internal Use {@link unbounded}. */
  constructor(private readonly chan: Chan<T>) {}

  /**
   * Sends `value` at once. Throws {@link SendError} holding the value if
   * the receiver closed or was dropped, a TypeError for `undefined`.
   *
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<number>();
   * tx.send(1);
   * ```
   */
  send(value: T): void {
    if (this.dropped) throw usedAfterDispose("mpsc UnboundedSender.send(value)");
    if (value === undefined) throw undefinedMessage("mpsc UnboundedSender.send(value)");
    const chan = this.chan;
    if (chan.isClosed) throw new SendError(value, chan.whyClosed());
    chan.push(value);
  }

  /**
   * A new sender for the same channel; the channel stays open for the
   * receiver until every clone is disposed.
   *
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<string>();
   * const tx2 = tx.clone();
   * ```
   */
  clone(): UnboundedSender<T> {
    if (this.dropped) throw usedAfterDispose("mpsc UnboundedSender.clone()");
    this.chan.senders++;
    return new UnboundedSender(this.chan);
  }

  /** True once the receiver closed or was dropped: every send will fail. */
  get isClosed(): boolean {
    return this.chan.isClosed;
  }

  /** Messages waiting in the channel (as the receiver's `len`). */
  get len(): number {
    return this.chan.queue.size;
  }

  /**
   * A future that is ready once the receiver closed or was dropped.
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<number>();
   * const f = future(function* () { yield* tx.closed(); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.chan);
  }

  /** Drop: the channel closes for the receiver when the last sender is dropped. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    this.chan.dropSender();
  }
}

/**
 * The receiving half of an mpsc channel (bounded or unbounded). It is a
 * {@link Stream}: `pollNext` yields the messages, then `undefined`.
 * Disposing it drops the channel's buffered messages and makes every send
 * fail with {@link SendError}.
 *
 * @example
 * ```ts
 * import { future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<string>(8);
 * const consumer = future(function* () {
 *   using _ = rx;
 *   for (let msg = yield* rx.recv(); msg !== undefined; msg = yield* rx.recv()) console.log(msg);
 * });
 * ```
 */
export class Receiver<T> implements Stream<T>, RecvWaiter, Disposable {
  // The receiver's own waiter node, for `pollNext` (a stream has no future
  // object of its own to wait with).
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: RecvWaiter | undefined = undefined;
  /** @internal */ nextNode: RecvWaiter | undefined = undefined;
  /** @internal */ linked = false;
  private dropped = false;

  /** @internal Use {@link channel} or {@link unbounded}. */
  constructor(private readonly chan: Chan<T>) {}

  /**
   * The next message, waiting while the channel is empty; `undefined`
   * once the channel is closed (every sender dropped, or `close()`) and
   * drained. Spends one unit of the task's budget when ready.
   *
   * **Cancel safety:** cancel safe. Dropping a pending `recv` loses no
   * message; the next `recv` gets it.
   *
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<number>();
   * tx.send(7);
   * const f = future(function* () { return yield* rx.recv(); }); // 7
   * ```
   */
  recv(): RecvFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpsc Receiver.recv()");
    return new RecvFuture(this.chan);
  }

  /**
   * Waits for at least one message, then moves up to `limit` of those
   * waiting into `buffer` (appended) and yields how many it moved
   * (tokio's `recv_many`). Yields 0 once the channel is closed and
   * drained, and at once when `limit` is 0. One batch spends one unit of
   * budget, so it is the cheap way to drain a busy channel.
   *
   * **Cancel safety:** cancel safe. Messages leave the channel only in the
   * poll that appends them; dropping a pending `recvMany` loses none.
   *
   * @throws TypeError unless `buffer` is an array; RangeError/TypeError
   *   unless `limit` is an integer ≥ 0.
   * @example
   * ```ts
   * import { future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<number>();
   * for (const n of [1, 2, 3]) tx.send(n);
   * const f = future(function* () {
   *   const batch: number[] = [];
   *   const n = yield* rx.recvMany(batch, 10); // 3: batch is [1, 2, 3]
   *   return n;
   * });
   * ```
   */
  recvMany(buffer: T[], limit: number): RecvManyFuture<T> {
    if (this.dropped) throw usedAfterDispose("mpsc Receiver.recvMany(buffer, limit)");
    if (!Array.isArray(buffer)) {
      throw new TypeError(
        `mpsc Receiver.recvMany(buffer, limit): buffer must be an array to append to, got ${typeof buffer}`,
      );
    }
    checkCount("mpsc Receiver.recvMany(buffer, limit)", "limit", limit, 0, Number.MAX_SAFE_INTEGER);
    return new RecvManyFuture(this.chan, buffer, limit);
  }

  /**
   * Receives without waiting: the next message; `undefined` if the
   * channel is closed and drained; {@link PENDING} if it is empty for now.
   * (It is `pollNext` without a waker.)
   *
   * @example
   * ```ts
   * import { PENDING, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<number>();
   * rx.tryRecv(); // PENDING
   * tx.send(1);
   * rx.tryRecv(); // 1
   * tx[Symbol.dispose]();
   * rx.tryRecv(); // undefined: closed and drained
   * ```
   */
  tryRecv(): Poll<T | undefined> {
    if (this.dropped) throw usedAfterDispose("mpsc Receiver.tryRecv()");
    return pollRecv(this.chan, undefined, undefined);
  }

  /** The stream view of {@link recv}: the next message, `undefined` at the end, or PENDING. */
  pollNext(cx: Context): Poll<T | undefined> {
    if (this.dropped) throw usedAfterDispose("mpsc Receiver.pollNext(cx)");
    return pollRecv(this.chan, this, cx);
  }

  /**
   * Closes the channel for sending, without dropping the receiver:
   * waiting and later sends fail with {@link SendError}; messages already
   * sent, and those of permits already taken, still drain. `recv()` yields
   * `undefined` after them.
   *
   * @example
   * ```ts
   * import { mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<number>();
   * tx.send(1);
   * rx.close();
   * rx.tryRecv(); // 1, then undefined
   * ```
   */
  close(): void {
    this.chan.close();
  }

  /**
   * True once no new message can be sent: closed by the receiver, or every
   * sender dropped and no permit left out (a permit keeps the channel open,
   * as in tokio: it can still send, and `recv()` waits for it).
   */
  get isClosed(): boolean {
    const chan = this.chan;
    return chan.isClosed || (chan.senders === 0 && chan.reserved === 0);
  }

  /** Messages waiting in the channel. */
  get size(): number {
    return this.chan.queue.size;
  }

  /** Messages waiting in the channel: tokio's name for {@link Receiver.size}. */
  get len(): number {
    return this.chan.queue.size;
  }

  /**
   * Free slots right now, as the sender's `capacity` (tokio's
   * `Receiver::capacity`): the bound minus buffered messages and reserved
   * slots. `Infinity` for an unbounded channel.
   */
  get capacity(): number {
    return this.chan.bounded ? this.chan.permits : Number.POSITIVE_INFINITY;
  }

  /** The bound the channel was made with; `Infinity` for an unbounded channel. */
  get maxCapacity(): number {
    return this.chan.capacity;
  }

  /**
   * Drop: closes the channel and drops the buffered messages, disposing the
   * Disposable ones (a guard sent through the channel lets go, as in Rust).
   * Every one is dropped; if a disposal throws, the first error propagates.
   * Idempotent.
   */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    const chan = this.chan;
    chan.recvWaiters.remove(this);
    this.waker = undefined;
    chan.dropReceiver();
  }
}

/**
 * A bounded mpsc channel of `capacity` slots (tokio's `mpsc::channel`):
 * senders wait in line when it is full.
 *
 * @throws RangeError unless `capacity` is an integer from 1 to 2^30.
 * @example
 * ```ts
 * import { Runtime, future, mpsc, spawn } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const [tx, rx] = mpsc.channel<string>(1);
 *   spawn(future(function* () {
 *     using _ = tx;
 *     yield* tx.send("a");
 *     yield* tx.send("b"); // waits until "a" is received
 *   }));
 *   return [yield* rx.recv(), yield* rx.recv(), yield* rx.recv()]; // ["a", "b", undefined]
 * }));
 * ```
 */
export function channel<T>(capacity: number): [Sender<T>, Receiver<T>] {
  checkCapacity("mpsc.channel(capacity)", capacity);
  const chan = new Chan<T>(capacity, true);
  return [new Sender(chan), new Receiver(chan)];
}

/**
 * An unbounded mpsc channel (tokio's `mpsc::unbounded_channel`): `send`
 * is synchronous and never waits; memory is the only bound.
 *
 * @example
 * ```ts
 * import { mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.unbounded<string>();
 * tx.send("queued");
 * ```
 */
export function unbounded<T>(): [UnboundedSender<T>, Receiver<T>] {
  const chan = new Chan<T>(Number.POSITIVE_INFINITY, false);
  return [new UnboundedSender(chan), new Receiver(chan)];
}
