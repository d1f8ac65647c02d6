/**
 * `take(n)`: the first `n` items.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { SourceAdapter } from "./adapter.js";
import type { Stream } from "./stream.js";

/**
 * The first `n` items of `source`, then the end (Rust's `StreamExt::take`).
 * The source is dropped as soon as the `n`-th item is handed out, so what
 * it holds (a timer, a channel) is released without waiting for the take
 * to be dropped; `take(0)` never polls it.
 *
 * @internal Made by `StreamExt.take`.
 */
export class TakeStream<T> extends SourceAdapter<T, T> {
  constructor(
    source: Stream<T>,
    private remaining: number,
  ) {
    super(source);
  }

  pollNext(cx: Context): Poll<T | undefined> {
    const source = this.source;
    if (source === undefined) return undefined;
    if (this.remaining === 0) return this.dropSource();
    const item = source.pollNext(cx);
    if (item === PENDING) return PENDING;
    if (item === undefined || --this.remaining === 0) this.dropSource();
    return item;
  }
}
