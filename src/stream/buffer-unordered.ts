/**
 * `bufferUnordered(n)`: runs the futures a stream yields, up to `n` at a
 * time, and yields their values as they finish.
 *
 * ```text
 *   source ──▶ f1 f2 f3 f4 …        pulled while fewer than n are in flight
 *                 │
 *   slots   [f1][f2][f3]            n = 3; each slot has its own waker
 *                 │ f2's waker fires: f2's slot joins the ready list, the task is woken
 *   ready   f2 ─▶ …                 only ready slots are polled
 *                 │
 *   out     v2, v1, v3, …           in completion order
 * ```
 *
 * @module
 */

import { dropAll } from "../future/drop.js";
import { type Context, describe, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { type Waker, wakerFromFn } from "../future/waker.js";
import { storeWaker } from "../util/list.js";
import { dropStream, type Stream } from "./stream.js";

/**
 * One place for a future in flight. A slot is its future's context: its
 * waker puts the slot on the ready list and wakes the consumer, so a poll
 * touches only the futures that said they can make progress (as
 * `FuturesUnordered` does in Rust). Slots are made once, up to `n`, and
 * reused.
 */
class Slot<T> implements Context {
  future: Future<T> | undefined = undefined;
  /** On the ready list. */
  queued = false;
  /** The next slot on the ready list. */
  nextReady: Slot<T> | undefined = undefined;
  readonly waker: Waker;

  constructor(owner: BufferUnorderedStream<T>) {
    this.waker = wakerFromFn(() => owner.wakeSlot(this));
  }
}

/**
 * The values of the futures `source` yields, at most `limit` in flight, in
 * the order they finish (Rust's `StreamExt::buffer_unordered`).
 *
 * - A future that throws: its error is thrown from the poll that finds it;
 *   the other futures stay in flight and the stream can be polled on (or,
 *   usually, is dropped by the code the error unwinds through).
 * - Dropping the stream drops every future in flight and the source.
 *
 * @internal Made by `StreamExt.bufferUnordered`.
 */
export class BufferUnorderedStream<T> implements Stream<T>, Disposable {
  /** The source, until it ends or this stream is dropped. */
  private source: Stream<Future<T>> | undefined;
  /** Every slot made so far (at most `limit`). */
  private readonly slots: Slot<T>[] = [];
  /** Slots with no future. */
  private readonly free: Slot<T>[] = [];
  private inFlight = 0;
  /** The ready list: slots whose futures asked to be polled, oldest first. */
  private head: Slot<T> | undefined = undefined;
  private tail: Slot<T> | undefined = undefined;
  private queued = 0;
  /** The consumer's waker (public for `storeWaker`). @internal */
  waker: Waker | undefined = undefined;
  private dropped = false;

  constructor(
    source: Stream<Future<T>>,
    private readonly limit: number,
  ) {
    this.source = source;
  }

  pollNext(cx: Context): Poll<T | undefined> {
    if (this.dropped) return undefined;
    storeWaker(this, cx);
    this.fill(cx);
    // Poll the slots that are ready now, no more: a future that wakes itself
    // while polled (a yield) is polled again next time, so this loop ends.
    for (let n = this.queued; n > 0; n--) {
      const slot = this.dequeue();
      const future = slot?.future;
      if (slot === undefined || future === undefined) continue;
      let value: Poll<T>;
      try {
        value = future.poll(slot);
      } catch (error) {
        this.vacate(slot);
        throw error;
      }
      if (value === PENDING) continue;
      this.vacate(slot);
      if (value === undefined) {
        throw new TypeError(
          "stream.bufferUnordered(n): a future resolved to undefined, which marks the end of a stream and cannot be an item; have it return a value (map its result, e.g. to null or true)",
        );
      }
      return value;
    }
    if (this.inFlight === 0 && this.source === undefined) return undefined;
    // Slots still ready (woken while polled): come back after the others had a turn.
    if (this.queued > 0) cx.waker.wakeByRef();
    return PENDING;
  }

  /** Pulls futures from the source while there is room. */
  private fill(cx: Context): void {
    const source = this.source;
    if (source === undefined) return;
    while (this.inFlight < this.limit) {
      const future = source.pollNext(cx);
      if (future === PENDING) return;
      if (future === undefined) {
        this.source = undefined;
        dropStream(source);
        return;
      }
      if (!isFuture(future)) {
        throw new TypeError(
          `stream.bufferUnordered(n): the stream must yield futures (objects with a poll(cx) method), got ${describe(future)}`,
        );
      }
      let slot = this.free.pop();
      if (slot === undefined) {
        slot = new Slot(this);
        this.slots.push(slot);
      }
      slot.future = future;
      this.inFlight++;
      this.enqueue(slot); // a new future is polled at once
    }
  }

  /** A slot's waker fired. @internal */
  wakeSlot(slot: Slot<T>): void {
    // A stale wake (the slot was vacated, or the stream dropped) wakes no one.
    if (slot.future === undefined || this.dropped) return;
    if (!slot.queued) this.enqueue(slot);
    this.waker?.wakeByRef();
  }

  private enqueue(slot: Slot<T>): void {
    slot.queued = true;
    slot.nextReady = undefined;
    if (this.tail === undefined) this.head = slot;
    else this.tail.nextReady = slot;
    this.tail = slot;
    this.queued++;
  }

  private dequeue(): Slot<T> | undefined {
    const slot = this.head;
    if (slot === undefined) return undefined;
    this.head = slot.nextReady;
    if (this.head === undefined) this.tail = undefined;
    slot.nextReady = undefined;
    slot.queued = false;
    this.queued--;
    return slot;
  }

  /** The slot's future finished: free the slot for the next one. */
  private vacate(slot: Slot<T>): void {
    slot.future = undefined;
    this.inFlight--;
    this.free.push(slot);
  }

  /** Drop: drops every future in flight, then the source, each once. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    this.waker = undefined;
    const held: ({ [Symbol.dispose]?(): void } | undefined)[] = [];
    for (const slot of this.slots) {
      held.push(slot.future);
      slot.future = undefined;
      slot.queued = false;
      slot.nextReady = undefined;
    }
    held.push(this.source);
    this.source = undefined;
    this.head = this.tail = undefined;
    this.queued = 0;
    this.inFlight = 0;
    dropAll(held);
  }
}
