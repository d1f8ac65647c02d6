/**
 * `chain(other)`: every item of one stream, then every item of another.
 *
 * @module
 */

import { dropAll } from "../future/drop.js";
import type { Context } from "../future/future.js";
import type { Poll } from "../future/poll.js";
import { dropStream, type Stream } from "./stream.js";

/**
 * The items of `first`, then those of `second` (Rust's
 * `StreamExt::chain`). `first` is dropped as soon as it ends; `second` is
 * not polled before that.
 *
 * @internal Made by `StreamExt.chain`.
 */
export class ChainStream<T> implements Stream<T>, Disposable {
  private first: Stream<T> | undefined;
  private second: Stream<T> | undefined;

  constructor(first: Stream<T>, second: Stream<T>) {
    this.first = first;
    this.second = second;
  }

  pollNext(cx: Context): Poll<T | undefined> {
    const first = this.first;
    if (first !== undefined) {
      const item = first.pollNext(cx);
      if (item !== undefined) return item; // an item or PENDING
      this.first = undefined;
      dropStream(first);
    }
    const second = this.second;
    if (second === undefined) return undefined;
    const item = second.pollNext(cx);
    if (item !== undefined) return item;
    this.second = undefined;
    dropStream(second);
    return undefined;
  }

  /** Drop: drops whichever of the two it still holds. Idempotent. */
  [Symbol.dispose](): void {
    const held = [this.first, this.second];
    this.first = this.second = undefined;
    dropAll(held);
  }
}
