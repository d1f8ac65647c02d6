/**
 * `StreamMap<K, V>`: streams kept by key and merged into one stream of
 * `[key, item]` pairs, with streams added and removed while it is being
 * read (tokio-stream's `StreamMap`).
 *
 * The usual shape is a task that owns the map and a `select` between the
 * map and a control channel: subscribe adds a stream under its key,
 * unsubscribe removes it, and the items of every subscription arrive
 * tagged with their key.
 *
 * @module
 */

import type { Awaitable } from "../async/awaitable.js";
import { dropAll } from "../future/drop.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { Next } from "./consume.js";
import { checkStream, dropStream, type Stream } from "./stream.js";

/** One stream of a map and its key. */
interface MapEntry<K, V> {
  readonly key: K;
  stream: Stream<V>;
}

/**
 * Streams by key, read as one stream of `[key, item]` pairs
 * (tokio-stream's `StreamMap`). Each poll polls the streams in turn,
 * starting after the one that gave the last item, so an always-ready
 * stream cannot starve the others; each stream keeps its own order. A
 * stream that ends is removed from the map (and dropped) on the spot.
 *
 * As in tokio-stream, a map with no streams is at its end: `pollNext`
 * (and `next()`) give `undefined` at once. The map is not fused: insert
 * a stream and it yields again. So in a loop over a map that may become
 * empty, guard the read with `map.size > 0`, as for `JoinSet.joinNext()`.
 * An `insert` does not wake a task waiting on the map; insert from the
 * task that reads it (the usual shape), then poll again.
 *
 * The map owns its streams: disposing it drops every one; `remove` and a
 * replacing `insert` hand the stream back to the caller, undropped.
 *
 * @typeParam K - the key type (compared as a `Map` compares keys).
 * @typeParam V - the item type of the streams (never `undefined`).
 * @example
 * ```ts
 * import { Runtime, StreamMap, fromIterable, future } from "mini-tokio";
 * const seen = new Runtime().blockOn(future(function* () {
 *   using feeds = new StreamMap<string, number>();
 *   feeds.insert("a", fromIterable([1, 2]));
 *   feeds.insert("b", fromIterable([10]));
 *   const out: string[] = [];
 *   for (let e = yield* feeds.next(); e !== undefined; e = yield* feeds.next()) out.push(`${e[0]}=${e[1]}`);
 *   return out; // ["a=1", "b=10", "a=2"]
 * }));
 * ```
 */
export class StreamMap<K, V> implements Stream<[K, V]>, Disposable {
  // An array for polling in turn; `index` finds a key's slot in O(1).
  // Removal swaps the last entry into the hole, as tokio-stream does.
  private readonly entries: MapEntry<K, V>[] = [];
  private readonly index = new Map<K, number>();
  /** Where the next poll starts: after the stream that gave the last item. */
  private start = 0;
  /** The one `next()` future, made at the first call. */
  private nextFuture: Next<[K, V]> | undefined = undefined;

  /** How many streams the map holds. */
  get size(): number {
    return this.entries.length;
  }

  /** True when the map holds no stream: reading it gives `undefined` at once. */
  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Adds `stream` under `key` (tokio-stream's `insert`). If the key held a
   * stream already, that one is replaced and returned, undropped: the
   * caller owns it now. Otherwise returns `undefined`.
   *
   * @throws TypeError when `stream` is not a stream.
   * @example
   * ```ts
   * import { StreamMap, fromIterable } from "mini-tokio";
   * const map = new StreamMap<number, string>();
   * map.insert(1, fromIterable(["x"])); // undefined
   * const old = map.insert(1, fromIterable(["y"])); // the first stream
   * ```
   */
  insert(key: K, stream: Stream<V>): Stream<V> | undefined {
    checkStream("StreamMap.insert(key, stream): stream", stream);
    const at = this.index.get(key);
    const entry = at === undefined ? undefined : this.entries[at];
    if (entry !== undefined) {
      const old = entry.stream;
      entry.stream = stream;
      return old;
    }
    this.index.set(key, this.entries.length);
    this.entries.push({ key, stream });
    return undefined;
  }

  /**
   * Takes the stream under `key` out of the map, undropped (the caller
   * owns it now), or `undefined` if there is none (tokio-stream's
   * `remove`). Its items not read yet stay in it.
   *
   * @example
   * ```ts
   * import { StreamMap, fromIterable } from "mini-tokio";
   * const map = new StreamMap<string, number>();
   * map.insert("a", fromIterable([1]));
   * const a = map.remove("a"); // the caller owns it now
   * map.size; // 0
   * a?.[Symbol.dispose]?.();
   * ```
   */
  remove(key: K): Stream<V> | undefined {
    const at = this.index.get(key);
    if (at === undefined) return undefined;
    return this.removeAt(at);
  }

  /** True when a stream is kept under `key` (tokio-stream's `contains_key`). */
  has(key: K): boolean {
    return this.index.has(key);
  }

  /** The keys, in the order the map polls them from its first slot. */
  keys(): K[] {
    return this.entries.map((e) => e.key);
  }

  /**
   * Drops every stream and empties the map (tokio-stream's `clear`). Every
   * stream is dropped even if one's disposal throws; the first error is
   * rethrown.
   */
  clear(): void {
    const held = this.entries.map((e) => e.stream);
    this.entries.length = 0;
    this.index.clear();
    this.start = 0;
    dropAll(held);
  }

  /**
   * The next `[key, item]` from whichever stream has one, `undefined` when
   * the map is empty, or PENDING with every stream waiting.
   */
  pollNext(cx: Context): Poll<[K, V] | undefined> {
    const entries = this.entries;
    let n = entries.length;
    if (n === 0) return undefined;
    let i = this.start < n ? this.start : 0;
    // At most n polls per call, so the map never loops on its own. A
    // stream that ends is swapped out for the last one, so slot i is
    // polled again (with the round counted down, possibly once more for a
    // stream already polled this call: harmless, it just answers again).
    for (let left = n; left > 0; left--) {
      const entry = entries[i];
      if (entry === undefined) break; // cannot happen: i < n
      const source = entry.stream;
      const item = source.pollNext(cx);
      if (item === undefined) {
        this.removeAt(i);
        dropStream(source);
        n--;
        if (i >= n) i = 0;
        continue;
      }
      if (item !== PENDING) {
        this.start = i + 1;
        return [entry.key, item];
      }
      i = i + 1 === n ? 0 : i + 1;
    }
    return n === 0 ? undefined : PENDING;
  }

  /**
   * A future of the next `[key, item]`, or `undefined` when the map is
   * empty. One future per map, made once: a loop of `yield* map.next()`
   * allocates nothing but the pairs.
   *
   * **Cancel safety:** cancel safe: an item leaves its stream only in the
   * poll that returns it, so a dropped `next()` loses nothing (provided
   * the streams in the map are cancel safe themselves, as channel
   * receivers are).
   *
   * @example
   * ```ts
   * import { StreamMap, future, mpsc } from "mini-tokio";
   * const [tx, rx] = mpsc.unbounded<string>();
   * const map = new StreamMap<string, string>();
   * map.insert("chat", rx);
   * tx.send("hi");
   * const f = future(function* () { return yield* map.next(); }); // ["chat", "hi"]
   * ```
   */
  next(): Awaitable<[K, V] | undefined> {
    this.nextFuture ??= new Next(this);
    return this.nextFuture;
  }

  /** Drop: drops every stream, each once. Idempotent. */
  [Symbol.dispose](): void {
    this.clear();
  }

  /** Takes slot `at` out, moving the last entry into it. */
  private removeAt(at: number): Stream<V> | undefined {
    const entries = this.entries;
    const entry = entries[at];
    const moved = entries.pop();
    if (entry === undefined || moved === undefined) return undefined; // cannot happen: at < size
    this.index.delete(entry.key);
    if (moved !== entry) {
      entries[at] = moved;
      this.index.set(moved.key, at);
    }
    return entry.stream;
  }
}
