// Hand-written streams the stream tests share: what a user would write
// (store the waker, return PENDING, wake later), plus counters that let a
// test see every poll and every dispose.

import { type Context, PENDING, type Poll, type Stream, type Waker } from "../../src/index.js";

/**
 * A stream fed by hand: `push(v)` adds an item, `end()` ends it. Counts
 * polls and disposes. It does not spend budget (a hand-written stream need
 * not), so tests can check that adapters guard themselves.
 */
export class Feed<T> implements Stream<T> {
  polls = 0;
  disposed = 0;
  waker: Waker | undefined = undefined;
  private readonly queue: T[] = [];
  private ended = false;

  static of<T>(items: readonly T[]): Feed<T> {
    const feed = new Feed<T>();
    for (const item of items) feed.push(item);
    feed.end();
    return feed;
  }

  push(item: T): void {
    this.queue.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  pollNext(cx: Context): Poll<T | undefined> {
    this.polls++;
    if (this.disposed > 0) throw new Error("Feed: polled after it was disposed");
    if (this.queue.length > 0) return this.queue.shift();
    if (this.ended) return undefined;
    this.waker = cx.waker;
    return PENDING;
  }

  [Symbol.dispose](): void {
    this.disposed++;
    this.waker = undefined;
  }

  private wake(): void {
    const waker = this.waker;
    this.waker = undefined;
    waker?.wake();
  }
}

/**
 * Counts 0, 1, 2, … forever, always ready, never spending budget: the
 * stream that would starve a runtime if adapters trusted their sources.
 * Throws after `limit` polls so a test that fails hangs no one.
 */
export class Forever implements Stream<number> {
  polls = 0;
  disposed = 0;
  constructor(private readonly limit = 1_000_000) {}

  pollNext(_cx: Context): Poll<number | undefined> {
    if (this.polls >= this.limit) throw new Error(`Forever: polled ${this.limit} times in a row, nobody yielded`);
    return this.polls++;
  }

  [Symbol.dispose](): void {
    this.disposed++;
  }
}

/**
 * Yields `items` in order, but returns PENDING (waking itself at once)
 * before each item the schedule marks: exercises every adapter's pending
 * path without a timer.
 */
export class Stutter<T> implements Stream<T> {
  disposed = 0;
  private index = 0;
  private step = 0;
  private stalled = false;

  constructor(
    private readonly items: readonly T[],
    private readonly schedule: readonly boolean[],
  ) {}

  pollNext(cx: Context): Poll<T | undefined> {
    const stall = this.schedule.length > 0 && this.schedule[this.step++ % this.schedule.length] === true;
    if (stall && !this.stalled) {
      this.stalled = true;
      cx.waker.wakeByRef();
      return PENDING;
    }
    this.stalled = false;
    return this.index < this.items.length ? this.items[this.index++] : undefined;
  }

  [Symbol.dispose](): void {
    this.disposed++;
  }
}
