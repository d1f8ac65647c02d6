/**
 * The futures that consume a stream: `next()`, `forEach(fn)` and
 * `collect()` (Rust's `StreamExt::next`, `for_each` and `collect`).
 *
 * `next()` borrows the stream: it is one small future per stream, made
 * once and handed out again on every call, so a loop of `yield* s.next()`
 * allocates nothing per item. `forEach` and `collect` take the stream over
 * (Rust's `self` by value): they dispose it when it ends, when they throw,
 * or when they are dropped.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { dropStream, type Stream } from "./stream.js";

/**
 * `yield* s.next()`: the stream's next item, or `undefined` at its end.
 * It holds no state of its own (the stream does), which is what lets one
 * object serve every call.
 *
 * @internal
 */
export class Next<T> extends Awaitable<T | undefined> {
  constructor(private readonly stream: Stream<T>) {
    super();
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "Stream.next";
  }

  poll(cx: Context): Poll<T | undefined> {
    return this.stream.pollNext(cx);
  }

  // Dropping a `next()` leaves the stream alone: it is borrowed, not owned
  // (the inherited no-op dispose).
}

/**
 * `yield* s.forEach(fn)`: calls `fn` with every item, in order, until the
 * stream ends.
 *
 * @internal
 */
export class ForEach<T> extends Awaitable<void> {
  private stream: Stream<T> | undefined;

  /** `call` names the API in the "polled after it completed" error (Collect reuses this loop). */
  constructor(
    stream: Stream<T>,
    private readonly fn: (item: T) => void,
    private readonly call = "stream.forEach(fn)",
  ) {
    super();
    this.stream = stream;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "Stream.forEach";
  }

  poll(cx: Context): Poll<void> {
    const stream = this.stream;
    if (stream === undefined) throw new Error(`${this.call} was polled after it completed`);
    const fn = this.fn;
    try {
      for (;;) {
        const item = stream.pollNext(cx);
        if (item === PENDING) return PENDING;
        if (item === undefined) break;
        fn(item);
        // Every item taken here is swallowed without returning: spend a unit
        // for each, so a source that never spends budget itself cannot keep
        // this loop (and its task) running forever.
        if (!pollProceed(cx)) return PENDING;
      }
    } catch (error) {
      this.stream = undefined;
      dropStream(stream);
      throw error;
    }
    this.stream = undefined;
    dropStream(stream);
  }

  /** Drop: disposes the stream it took over. */
  override [Symbol.dispose](): void {
    const stream = this.stream;
    this.stream = undefined;
    dropStream(stream);
  }
}

/**
 * `yield* s.collect()`: every item, in order, in an array.
 *
 * It is a {@link ForEach} that pushes each item: the same loop, budget
 * spending and disposal of the stream.
 *
 * @internal
 */
export class Collect<T> extends Awaitable<T[]> {
  private readonly items: T[] = [];
  private readonly forEach: ForEach<T>;

  constructor(stream: Stream<T>) {
    super();
    const items = this.items;
    this.forEach = new ForEach(
      stream,
      (item) => {
        items.push(item);
      },
      "stream.collect()",
    );
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "Stream.collect";
  }

  poll(cx: Context): Poll<T[]> {
    return this.forEach.poll(cx) === PENDING ? PENDING : this.items;
  }

  /** Drop: disposes the stream it took over; the items collected so far are lost. */
  override [Symbol.dispose](): void {
    this.forEach[Symbol.dispose]();
  }
}
