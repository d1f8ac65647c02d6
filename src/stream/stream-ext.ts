/**
 * `StreamExt`: the fluent side of streams. `stream(s)` wraps any
 * {@link Stream} (a channel receiver, an interval, a hand-written one) in
 * it; `fromIterable` and the adapters return one. Its methods are the ones
 * Rust's `StreamExt` trait adds to every stream:
 *
 * ```ts
 * using s = fromIterable(words).map((w) => w.length).filter((n) => n > 3);
 * for (let n = yield* s.next(); n !== undefined; n = yield* s.next()) total += n;
 * ```
 *
 * Ownership works as in Rust, where adapters take their stream by value:
 * `s.map(f)` moves `s`'s source into the new stream, and `s` is left empty
 * (using it again throws an error saying where its source went; disposing
 * it does nothing). So a pipeline has one owner, and disposing it disposes
 * every stage and source once. `forEach` and `collect` take the stream over
 * too; `next()` only borrows it.
 *
 * @module
 */

import type { Awaitable } from "../async/awaitable.js";
import type { Context, Future } from "../future/future.js";
import type { Poll } from "../future/poll.js";
import { checkCount } from "../util/check.js";
import { BufferUnorderedStream } from "./buffer-unordered.js";
import { ChainStream } from "./chain.js";
import { Collect, ForEach, Next } from "./consume.js";
import { FilterStream } from "./filter.js";
import { MapStream } from "./map.js";
import { MergeStream } from "./merge.js";
import { checkStream, dropStream, type Item, type Stream } from "./stream.js";
import { TakeStream } from "./take.js";

function checkFunction(what: string, f: unknown): void {
  if (typeof f !== "function") {
    throw new TypeError(`${what} must be a function, got ${f === null ? "null" : typeof f}`);
  }
}

/**
 * A stream with adapters and consumers as methods: `map`, `filter`,
 * `take`, `chain`, `merge`, `bufferUnordered`, and `next`, `forEach`,
 * `collect`. Rust spells these as the `StreamExt` trait, which every
 * stream gets for free; here `stream(s)` adds them to any {@link Stream}.
 *
 * A `StreamExt` owns its source: disposing it (`using`) disposes the whole
 * pipeline, each stage and source exactly once. Adapters move the source
 * out of the stream they are called on (see the module comment).
 *
 * @typeParam T - the item type (never `undefined`, which marks the end).
 * @example
 * ```ts
 * import { Runtime, fromIterable, future } from "mini-tokio";
 * const total = new Runtime().blockOn(future(function* () {
 *   using s = fromIterable([1, 2, 3, 4, 5]).map((n) => n * 10).filter((n) => n > 20);
 *   let sum = 0;
 *   for (let n = yield* s.next(); n !== undefined; n = yield* s.next()) sum += n;
 *   return sum; // 120
 * }));
 * ```
 */
export class StreamExt<T> implements Stream<T>, Disposable {
  /** The stream this one forwards to, until it is moved out or dropped. */
  private source: Stream<T> | undefined;
  /** The method the source was moved into, for the error if this stream is used afterwards. */
  private movedInto: string | undefined = undefined;
  /** The one `next()` future, made at the first call. */
  private nextFuture: Next<T> | undefined = undefined;

  /** @internal Use {@link stream}, {@link fromIterable} or an adapter. */
  constructor(source: Stream<T>) {
    this.source = source;
  }

  /** Polls the source: the next item, `undefined` at the end, or PENDING. */
  pollNext(cx: Context): Poll<T | undefined> {
    const source = this.source;
    if (source === undefined) throw this.goneError("pollNext()");
    return source.pollNext(cx);
  }

  /**
   * Each item through `f`, a synchronous function (Rust's `map`). For
   * asynchronous work per item, map each item to a future and run them
   * with {@link StreamExt.bufferUnordered}: `bufferUnordered(1)` runs them
   * one at a time, in order.
   *
   * @throws TypeError if `f` is not a function; from the poll, if `f`
   *   returns `undefined` (the end marker cannot be an item).
   * @example
   * ```ts
   * import { fromIterable } from "mini-tokio";
   * const lengths = fromIterable(["a", "bb", "ccc"]).map((s) => s.length);
   * ```
   */
  map<U extends {} | null>(f: (item: T) => U): StreamExt<U> {
    checkFunction("stream.map(f): f", f);
    return new StreamExt(new MapStream(this.intoSource("map()"), f));
  }

  /**
   * Only the items for which `pred` returns true (Rust's `filter`); a type
   * guard narrows the item type. Every item it skips spends a unit of the
   * task's budget, so a filter that rejects a long run of items still lets
   * other tasks run.
   *
   * @throws TypeError if `pred` is not a function.
   * @example
   * ```ts
   * import { fromIterable } from "mini-tokio";
   * const evens = fromIterable([1, 2, 3, 4]).filter((n) => n % 2 === 0);
   * const strings = fromIterable<string | number>(["a", 1]).filter((x): x is string => typeof x === "string");
   * ```
   */
  filter<S extends T>(pred: (item: T) => item is S): StreamExt<S>;
  filter(pred: (item: T) => boolean): StreamExt<T>;
  filter(pred: (item: T) => boolean): StreamExt<T> {
    checkFunction("stream.filter(pred): pred", pred);
    return new StreamExt(new FilterStream(this.intoSource("filter()"), pred));
  }

  /**
   * The first `n` items, then the end (Rust's `take`). The source is
   * disposed as soon as the `n`-th item is handed out; `take(0)` never
   * polls it.
   *
   * @throws RangeError unless `n` is an integer ≥ 0.
   * @example
   * ```ts
   * import { interval, stream } from "mini-tokio";
   * const threeTicks = stream(interval(100)).take(3); // the interval is disposed after the third
   * ```
   */
  take(n: number): StreamExt<T> {
    checkCount("stream.take(n)", "n", n, 0, Number.MAX_SAFE_INTEGER);
    return new StreamExt(new TakeStream(this.intoSource("take()"), n));
  }

  /**
   * Every item of this stream, then every item of `other` (Rust's
   * `chain`). `other` is not polled until this one has ended; this one is
   * disposed as soon as it ends.
   *
   * @throws TypeError if `other` is not a stream.
   * @example
   * ```ts
   * import { fromIterable } from "mini-tokio";
   * const all = fromIterable([1, 2]).chain(fromIterable([3, 4])); // 1, 2, 3, 4
   * ```
   */
  chain<U>(other: Stream<U>): StreamExt<T | U> {
    checkTakeable("stream.chain(other)", [this, other], (i) => (i === 0 ? "this stream" : "other"), "chain()");
    const first: Stream<T | U> = this.intoSource("chain()");
    return new StreamExt<T | U>(new ChainStream(first, own(other, "chain()")));
  }

  /**
   * The items of this stream and of `others`, each as soon as it is ready
   * (see the free function {@link merge}).
   *
   * @throws TypeError if one of `others` is not a stream.
   * @example
   * ```ts
   * import { fromIterable } from "mini-tokio";
   * const both = fromIterable([1, 3]).merge(fromIterable([2, 4])); // 1, 2, 3, 4: fair turns
   * ```
   */
  merge<U>(...others: Stream<U>[]): StreamExt<T | U> {
    const all: Stream<T | U>[] = [this, ...others];
    checkTakeable("stream.merge(...others)", all, (i) => (i === 0 ? "this stream" : `others[${i - 1}]`), "merge()");
    return new StreamExt<T | U>(new MergeStream(all.map((s) => own(s, "merge()"))));
  }

  /**
   * Runs the futures this stream yields, at most `n` at a time, and yields
   * their values in the order they finish (Rust's `buffer_unordered`).
   * `bufferUnordered(1)` is an in-order, one-at-a-time asynchronous map.
   *
   * - A future that throws: its error is thrown to the consumer; the other
   *   futures stay in flight until the stream is disposed.
   * - Disposing the stream disposes every future in flight (their
   *   `finally` blocks run; a JoinHandle's task is aborted) and the source.
   * - A future that resolves to `undefined` is a TypeError: map it to a
   *   value.
   *
   * @throws RangeError unless `n` is an integer ≥ 1; TypeError from the
   *   poll if the stream yields something that is not a future.
   * @example
   * ```ts
   * import { asyncFn, fromIterable, sleep } from "mini-tokio";
   * const fetchUser = asyncFn(function* (id: number) {
   *   yield* sleep(10 * id);
   *   return `user ${id}`;
   * });
   * const users = fromIterable([3, 1, 2]).map(fetchUser).bufferUnordered(2); // "user 1", "user 3", "user 2"
   * ```
   */
  bufferUnordered<U>(this: StreamExt<Future<U>>, n: number): StreamExt<U> {
    checkCount("stream.bufferUnordered(n)", "n", n, 1, Number.MAX_SAFE_INTEGER);
    return new StreamExt(new BufferUnorderedStream(this.intoSource("bufferUnordered()"), n));
  }

  /**
   * A future of the next item, or `undefined` once the stream has ended
   * (Rust's `next`). It borrows the stream, and it is the same small
   * object on every call, so a loop allocates nothing per item:
   *
   * ```ts
   * for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) { … }
   * ```
   *
   * **Cancel safety:** dropping it mid-wait loses no item: an item is only
   * taken from the stream by the poll that returns it. (That holds for
   * every stream in this package; a hand-written stream keeps it by never
   * holding an item across a PENDING.)
   *
   * @example
   * ```ts
   * import { fromIterable, future } from "mini-tokio";
   * const first = future(function* () {
   *   using s = fromIterable(["a", "b"]);
   *   return yield* s.next(); // "a"
   * });
   * ```
   */
  next(): Awaitable<T | undefined> {
    if (this.source === undefined) throw this.goneError("next()");
    let next = this.nextFuture;
    if (next === undefined) next = this.nextFuture = new Next(this);
    return next;
  }

  /**
   * Calls `fn` (synchronous) with every item until the stream ends, then
   * disposes it (Rust's `for_each`). Takes the stream over. To await
   * inside the loop body, loop on {@link StreamExt.next} instead.
   *
   * **Cancel safety:** dropping it disposes the stream; the items `fn`
   * has already seen are done, the rest are never taken.
   *
   * @throws TypeError if `fn` is not a function.
   * @example
   * ```ts
   * import { fromIterable, future } from "mini-tokio";
   * const log = future(function* () {
   *   yield* fromIterable([1, 2, 3]).forEach((n) => console.log(n));
   * });
   * ```
   */
  forEach(fn: (item: T) => void): Awaitable<void> {
    checkFunction("stream.forEach(fn): fn", fn);
    return new ForEach(this.intoSource("forEach()"), fn);
  }

  /**
   * Every item, in order, in an array, once the stream ends (Rust's
   * `collect`). Takes the stream over and disposes it at the end.
   *
   * **Cancel safety:** dropping it disposes the stream and loses the
   * items collected so far.
   *
   * @example
   * ```ts
   * import { fromIterable, future } from "mini-tokio";
   * const squares = future(function* () {
   *   return yield* fromIterable([1, 2, 3]).map((n) => n * n).collect(); // [1, 4, 9]
   * });
   * ```
   */
  collect(): Awaitable<T[]> {
    return new Collect(this.intoSource("collect()"));
  }

  /**
   * Drop: disposes the pipeline, each stage and source once. Idempotent;
   * does nothing on a stream whose source was moved out.
   */
  [Symbol.dispose](): void {
    const source = this.source;
    if (source === undefined) return;
    this.source = undefined;
    dropStream(source);
  }

  /**
   * Moves the source out: this stream is left empty, and `api` is named
   * in the error if it is used again. @internal
   */
  intoSource(api: string): Stream<T> {
    const source = this.source;
    if (source === undefined) throw this.goneError(api);
    this.source = undefined;
    this.movedInto = api;
    return source;
  }

  /** Throws what {@link StreamExt.intoSource} would, without taking the source. @internal */
  checkOwnable(api: string): void {
    if (this.source === undefined) throw this.goneError(api);
  }

  private goneError(api: string): Error {
    const into = this.movedInto;
    return new Error(
      into === undefined
        ? `stream.${api}: the stream was disposed`
        : `stream.${api}: this stream's source was moved into ${into} (adapters and consumers take their stream over, as in Rust); use what ${into} returned`,
    );
  }
}

/**
 * The source of a stream argument: moved out of a `StreamExt`, or the
 * stream itself. @internal
 */
export function own<T>(s: Stream<T>, api: string): Stream<T> {
  return s instanceof StreamExt ? s.intoSource(api) : s;
}

/**
 * Checks every stream a combinator is about to take over: each is a
 * stream, none is given twice, none has been moved already. Checking them
 * all before taking any means a bad argument throws with every stream
 * still owned by its caller, none left owned by nobody (and never
 * disposed).
 */
function checkTakeable(
  api: string,
  streams: readonly Stream<unknown>[],
  nameOf: (i: number) => string,
  into: string,
): void {
  const seen = new Map<Stream<unknown>, number>();
  streams.forEach((s, i) => {
    checkStream(`${api}: ${nameOf(i)}`, s);
    const earlier = seen.get(s);
    if (earlier !== undefined) {
      throw new TypeError(
        `${api}: ${nameOf(i)} is the same stream as ${nameOf(earlier)}: a stream cannot be combined with itself`,
      );
    }
    seen.set(s, i);
    if (s instanceof StreamExt) s.checkOwnable(into);
  });
}

/**
 * Wraps any {@link Stream} (a channel receiver, an `Interval`, a
 * hand-written stream) in a {@link StreamExt}, which owns it from then on:
 * disposing the wrapper disposes it. A `StreamExt` is returned as it is.
 *
 * @throws TypeError if `s` is not a stream.
 * @example
 * ```ts
 * import { future, interval, stream } from "mini-tokio";
 * const ticks = future(function* () {
 *   return yield* stream(interval(1000)).take(3).collect(); // three Instants
 * });
 * ```
 */
export function stream<T>(s: Stream<T>): StreamExt<T> {
  if (s instanceof StreamExt) return s;
  return new StreamExt(checkStream("stream(s): s", s));
}

/**
 * The items of several streams, each as soon as it is ready; ends when all
 * have ended (tokio-stream's `merge`, futures' `select_all`).
 *
 * - Fair: each poll starts with the stream after the one that gave the
 *   last item, so a stream that is always ready cannot starve the others.
 * - Each stream's items keep their order; a stream that ends early is
 *   disposed at once and the others go on.
 * - Disposing the merge disposes every stream still live, once.
 * - `merge()` of nothing is a stream that ends at once.
 *
 * @throws TypeError naming the argument that is not a stream.
 * @example
 * ```ts
 * import { fromIterable, interval, merge, stream } from "mini-tokio";
 * const events = merge(
 *   stream(interval(1000)).map(() => "tick"),
 *   fromIterable(["start"]),
 * ); // StreamExt<string>
 * ```
 */
export function merge<S extends Stream<unknown>[]>(...streams: S): StreamExt<Item<S[number]>>;
// The implementation's signature is wider than the public one: TypeScript
// cannot see that each element of S is a Stream<Item<S[number]>>. Callers
// get the public signature.
export function merge(...streams: Stream<unknown>[]): StreamExt<unknown> {
  checkTakeable("merge(...streams)", streams, (i) => `streams[${i}]`, "merge()");
  return new StreamExt(new MergeStream(streams.map((s) => own(s, "merge()"))));
}
