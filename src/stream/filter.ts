/**
 * `filter(pred)`: only the items the predicate keeps.
 *
 * @module
 */

import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { SourceAdapter } from "./adapter.js";
import type { Stream } from "./stream.js";

/**
 * The items of `source` for which `pred` returns true (Rust's
 * `StreamExt::filter`).
 *
 * One poll may take many items from the source to find one that passes.
 * Each item it swallows costs a unit of the task's budget, so a filter that
 * rejects everything from an always-ready source still lets other tasks
 * run, even when the source does not spend budget itself.
 *
 * @internal Made by `StreamExt.filter`.
 */
export class FilterStream<T> extends SourceAdapter<T, T> {
  constructor(
    source: Stream<T>,
    private readonly pred: (item: T) => boolean,
  ) {
    super(source);
  }

  pollNext(cx: Context): Poll<T | undefined> {
    const source = this.source;
    if (source === undefined) return undefined;
    const pred = this.pred;
    for (;;) {
      const item = source.pollNext(cx);
      if (item === PENDING) return PENDING;
      if (item === undefined) return this.dropSource();
      if (pred(item)) return item;
      if (!pollProceed(cx)) return PENDING; // the task was woken: the rest on its next turn
    }
  }
}
