/**
 * `map(f)`: each item through a synchronous function.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { SourceAdapter } from "./adapter.js";
import type { Stream } from "./stream.js";

/**
 * The stream of `f(item)` for each item of `source` (Rust's
 * `StreamExt::map`). `f` is synchronous; for asynchronous mapping, map to
 * futures and run them with `bufferUnordered(n)`.
 *
 * @internal Made by `StreamExt.map`.
 */
export class MapStream<T, U> extends SourceAdapter<T, U> {
  constructor(
    source: Stream<T>,
    private readonly f: (item: T) => U,
  ) {
    super(source);
  }

  pollNext(cx: Context): Poll<U | undefined> {
    const source = this.source;
    if (source === undefined) return undefined;
    const item = source.pollNext(cx);
    if (item === PENDING) return PENDING;
    if (item === undefined) return this.dropSource();
    const out = this.f(item);
    if (out === undefined) {
      throw new TypeError(
        "stream.map(f): f returned undefined, which marks the end of a stream and cannot be an item; return null or a value",
      );
    }
    return out;
  }
}
