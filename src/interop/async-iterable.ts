/**
 * Streams and async iterables, both ways.
 *
 * - `toAsyncIterable(s)` lets Promise-based code read a stream with
 *   `for await`; leaving the loop early (`break`, `return`, a throw)
 *   disposes the stream.
 * - `fromAsyncIterable(it)` reads an async iterable (a Node readable, an
 *   async generator, a web `ReadableStream`) as a stream, one item at a
 *   time; disposing the stream early calls the iterator's `return()`.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { currentRuntime } from "../context/current.js";
import type { Handle } from "../context/handle.js";
import { type HostOperation, hostOperation } from "../context/host-operation.js";
import { type Context, describe } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { Runtime } from "../runtime/runtime.js";
import { checkStream, dropStream, type Stream } from "../stream/stream.js";
import { own, StreamExt } from "../stream/stream-ext.js";
import { storeWaker } from "../util/list.js";
import { pickRuntime } from "./promise.js";

// --- Stream → AsyncIterable ----------------------------------------------------

/**
 * One pull from the stream, run as the task of each `next()`. The same
 * object serves every pull. If the iterator is closed while a pull waits,
 * the pull is woken and ends without polling the stream again.
 */
class Pull<T> extends Awaitable<T | undefined> {
  /** The waiting task's waker (public for `storeWaker`). @internal */
  waker: Waker | undefined = undefined;

  constructor(private readonly owner: StreamIterator<T>) {
    super();
  }

  poll(cx: Context): Poll<T | undefined> {
    const source = this.owner.source;
    if (source === undefined) return undefined; // closed meanwhile
    const item = source.pollNext(cx);
    if (item === PENDING) storeWaker(this, cx);
    else this.waker = undefined;
    return item;
  }

  /** Closed while waiting: let the task finish. */
  wakeClosed(): void {
    const waker = this.waker;
    this.waker = undefined;
    waker?.wake();
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** The async iterator {@link toAsyncIterable} returns. */
class StreamIterator<T> implements AsyncIterableIterator<T> {
  /** The stream, until it ends, fails or the iterator is closed. @internal */
  source: Stream<T> | undefined;
  private runtime: Handle | undefined;
  /** The runtime made here when none was at hand: shut down at the end. */
  private fresh: Runtime | undefined = undefined;
  private readonly pull: Pull<T>;
  /** A pull's task is running. */
  private pulling = false;
  /** The last `next()` promise, while it is unsettled: later calls wait for it. */
  private last: Promise<IteratorResult<T, undefined>> | undefined = undefined;

  constructor(source: Stream<T>, runtime: Handle | undefined) {
    this.source = source;
    this.runtime = runtime;
    this.pull = new Pull(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const before = this.last;
    const pull = (): Promise<IteratorResult<T, undefined>> => this.pullOnce();
    // A next() before the previous one settled waits its turn, as with an
    // async generator: the stream has one poller at a time.
    const result = before === undefined ? pull() : before.then(pull, pull);
    this.last = result;
    const settled = (): void => {
      if (this.last === result) this.last = undefined;
    };
    result.then(settled, settled);
    return result;
  }

  private pullOnce(): Promise<IteratorResult<T, undefined>> {
    if (this.source === undefined) return Promise.resolve(DONE);
    let rt = this.runtime;
    if (rt === undefined) {
      const fresh = new Runtime();
      rt = this.runtime = this.fresh = fresh;
    }
    this.pulling = true;
    return rt.run(this.pull).then(
      (item): IteratorResult<T, undefined> => {
        this.pulling = false;
        if (item === undefined) {
          this.close();
          return DONE;
        }
        return { done: false, value: item };
      },
      (error: unknown) => {
        this.pulling = false;
        this.close(); // a stream that threw is over, and for-await will not call return()
        throw error;
      },
    );
  }

  /** `break` out of `for await` (or `return`, or a throw): disposes the stream. */
  return(): Promise<IteratorResult<T, undefined>> {
    this.close();
    return Promise.resolve(DONE);
  }

  /**
   * Disposes the stream (once) and, with a pull in flight, wakes it so its
   * task ends. A runtime made here is shut down once no pull is running.
   */
  private close(): void {
    const source = this.source;
    this.source = undefined;
    try {
      dropStream(source);
    } finally {
      this.pull.wakeClosed();
      if (this.fresh !== undefined && !this.pulling) {
        const fresh = this.fresh;
        this.fresh = undefined;
        fresh.shutdown();
      }
    }
  }
}

/**
 * An async iterable of a stream's items, for `for await` in Promise-based
 * code. Each `next()` polls the stream as a task (`rt.run`) on `runtime`,
 * or on the runtime whose task is running, or else on a fresh `Runtime`
 * made at the first `next()` and shut down at the end. It takes the stream
 * over:
 *
 * - leaving the loop early (`break`, `return`, a throw: the iterator's
 *   `return()`) disposes the stream, once;
 * - the stream ending, or throwing (the error rejects `next()`), disposes
 *   it too;
 * - it can be iterated once (it is its own iterator, like an async
 *   generator); `next()` calls made before the previous one settled wait
 *   their turn.
 *
 * @throws TypeError if `s` is not a stream or `runtime` not a Runtime.
 * @example
 * ```ts
 * import { fromIterable, toAsyncIterable } from "mini-tokio";
 * for await (const n of toAsyncIterable(fromIterable([1, 2, 3]).map((n) => n * 2))) {
 *   if (n > 2) break; // disposes the stream
 *   console.log(n);
 * }
 * ```
 */
export function toAsyncIterable<T>(s: Stream<T>, runtime?: Handle): AsyncIterableIterator<T> {
  checkStream("toAsyncIterable(s): s", s);
  const rt = pickRuntime("toAsyncIterable(s, runtime)", runtime);
  const source = own(s, "toAsyncIterable()");
  return new StreamIterator(source, rt);
}

// --- AsyncIterable → Stream ----------------------------------------------------

/**
 * A stream pulling from an async iterator, one `next()` at a time. Each
 * pull is a host operation while its promise is pending (virtual time
 * waits for it), and wakes the task when it settles.
 */
class AsyncIteratorStream<T> implements Stream<T>, Disposable {
  private iterable: AsyncIterable<T> | undefined;
  private iterator: AsyncIterator<T> | undefined = undefined;
  /** A `next()` promise is pending. */
  private pulling = false;
  /** Its outcome, once settled and until taken by a poll. */
  private result: IteratorResult<T> | undefined = undefined;
  private failed = false;
  private failure: unknown = undefined;
  /** Ended, failed or dropped: no more pulls. */
  private over = false;
  private operation: HostOperation | undefined = undefined;
  /** The waiting task's waker (public for `storeWaker`). @internal */
  waker: Waker | undefined = undefined;
  // Made once: one pull in flight at a time, so the callbacks are shared.
  private readonly onResult = (result: IteratorResult<T>): void => {
    if (this.over) return;
    if (typeof result !== "object" || result === null) {
      this.fail(
        new TypeError(
          `fromAsyncIterable(iterable): iterator.next() resolved to ${describe(result)}, not { done, value }`,
        ),
      );
      return;
    }
    this.result = result;
    this.arrived();
  };
  private readonly onError = (error: unknown): void => {
    if (!this.over) this.fail(error);
  };

  constructor(iterable: AsyncIterable<T>) {
    this.iterable = iterable;
  }

  pollNext(cx: Context): Poll<T | undefined> {
    if (this.over) {
      if (!this.failed) return undefined;
      const error = this.failure;
      this.failed = false;
      this.failure = undefined;
      throw error;
    }
    const result = this.result;
    if (result !== undefined) {
      this.result = undefined;
      if (result.done === true) {
        this.finish(); // the iterator finished itself: no return() to call
        return undefined;
      }
      if (result.value === undefined) {
        this[Symbol.dispose]();
        throw new TypeError(
          "fromAsyncIterable(iterable): the iterable yielded undefined, which marks the end of a stream and cannot be an item",
        );
      }
      return result.value;
    }
    if (!this.pulling) this.startPull();
    if (this.over) return this.pollNext(cx); // next() threw at once
    storeWaker(this, cx);
    return PENDING;
  }

  private startPull(): void {
    let iterator = this.iterator;
    try {
      if (iterator === undefined) {
        const iterable = this.iterable;
        this.iterable = undefined;
        if (iterable === undefined) return;
        iterator = this.iterator = iterable[Symbol.asyncIterator]();
      }
      const promise = iterator.next();
      this.pulling = true;
      if (currentRuntime() !== undefined) this.operation = hostOperation();
      Promise.resolve(promise).then(this.onResult, this.onError);
    } catch (error) {
      this.fail(error);
    }
  }

  /** The pull settled: stop holding time, wake the task. */
  private arrived(): void {
    this.pulling = false;
    this.operation?.end();
    this.operation = undefined;
    const waker = this.waker;
    this.waker = undefined;
    waker?.wake();
  }

  /** The iterator threw or rejected: it is finished; the next poll throws. */
  private fail(error: unknown): void {
    this.arrived();
    this.finish();
    this.failed = true;
    this.failure = error;
  }

  private finish(): void {
    this.over = true;
    this.iterator = undefined;
    this.iterable = undefined;
  }

  /**
   * Drop: an iterator stopped early is told so (`return()`: an async
   * generator's `finally` runs), and a pull in flight is forgotten.
   * Idempotent; never throws (see {@link fromAsyncIterable} for where a
   * failing `return()` is reported).
   */
  [Symbol.dispose](): void {
    const iterator = this.iterator;
    const wasOver = this.over;
    this.finish();
    this.failed = false;
    this.failure = undefined;
    this.result = undefined;
    this.waker = undefined;
    this.pulling = false;
    this.operation?.end();
    this.operation = undefined;
    if (wasOver || iterator === undefined || typeof iterator.return !== "function") return;
    // Cleanup is asynchronous here and nobody awaits it, so a return() that
    // throws at once and one that rejects later end the same way: a
    // rejected promise the host reports as unhandled. Throwing from the drop
    // instead would lose the item the dropping adapter was handing out.
    let closed: unknown;
    try {
      closed = iterator.return();
    } catch (error) {
      closed = Promise.reject(error);
    }
    void Promise.resolve(closed);
  }
}

/**
 * A stream of an async iterable's items (an async generator, a Node
 * readable, a web `ReadableStream`), pulled one at a time: each `next()`
 * starts when the stream is polled for an item, never ahead.
 *
 * - While a `next()` is pending the stream holds a host operation, so
 *   virtual time does not jump past it.
 * - Disposing the stream before the iterator has finished calls its
 *   `return()` once (an async generator's `finally` runs); a pull still
 *   in flight is forgotten.
 * - An iterator that throws or rejects is finished: the poll throws its
 *   error as it is, and `return()` is not called.
 * - Disposing never throws, and the items already read stay delivered. A
 *   `return()` that fails, by throwing or by rejecting, cannot be awaited
 *   by anyone: its error becomes an unhandled promise rejection, which the
 *   host reports (Node prints it and, by default, exits with an error).
 *   Catch inside the generator's `finally` to handle it yourself.
 *
 * @throws TypeError if `iterable` is not async iterable.
 * @example
 * ```ts
 * import { fromAsyncIterable, future } from "mini-tokio";
 * async function* lines() {
 *   yield "a";
 *   yield "b";
 * }
 * const all = future(function* () {
 *   return yield* fromAsyncIterable(lines()).collect(); // ["a", "b"]
 * });
 * ```
 */
export function fromAsyncIterable<T extends {} | null>(iterable: AsyncIterable<T>): StreamExt<T> {
  if (
    typeof iterable !== "object" ||
    iterable === null ||
    !(Symbol.asyncIterator in iterable) ||
    typeof iterable[Symbol.asyncIterator] !== "function"
  ) {
    throw new TypeError(
      `fromAsyncIterable(iterable): iterable must be async iterable (an async generator, a readable stream, anything with a [Symbol.asyncIterator]() method; use fromIterable for arrays and other sync iterables), got ${describe(iterable, "[Symbol.asyncIterator]")}`,
    );
  }
  return new StreamExt(new AsyncIteratorStream(iterable));
}
