/**
 * `merge(...streams)`: the items of several streams as they come.
 *
 * @module
 */

import { dropAll } from "../future/drop.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { dropStream, type Stream } from "./stream.js";

/**
 * The items of every source, each as soon as it is ready; ends when all
 * sources have ended (tokio-stream's `merge`, futures' `select_all`).
 *
 * Fair: a poll starts with the source after the one that gave the last
 * item, so a source that is always ready cannot starve the others (two
 * always-ready sources alternate). Each source keeps its own order. A
 * source is dropped as soon as it ends; the others go on.
 *
 * One poll polls each source at most once, so it never loops on its own;
 * sources that are always ready spend budget as leaves do.
 *
 * @internal Made by `merge()` and `StreamExt.merge`.
 */
export class MergeStream<T> implements Stream<T>, Disposable {
  /** The sources; an ended or dropped one is `undefined` in its place. */
  private readonly sources: (Stream<T> | undefined)[];
  private live: number;
  /** Where the next poll starts. */
  private start = 0;

  constructor(sources: Stream<T>[]) {
    this.sources = sources;
    this.live = sources.length;
  }

  pollNext(cx: Context): Poll<T | undefined> {
    const sources = this.sources;
    const n = sources.length;
    let i = this.start;
    for (let k = 0; k < n && this.live > 0; k++, i = i + 1 === n ? 0 : i + 1) {
      const source = sources[i];
      if (source === undefined) continue;
      const item = source.pollNext(cx);
      if (item === PENDING) continue;
      if (item === undefined) {
        sources[i] = undefined;
        this.live--;
        dropStream(source);
        continue;
      }
      // The source that just gave an item goes last next time.
      this.start = i + 1 === n ? 0 : i + 1;
      return item;
    }
    return this.live === 0 ? undefined : PENDING;
  }

  /** Drop: drops every source still live, each once. Idempotent. */
  [Symbol.dispose](): void {
    const held = this.sources.slice();
    this.sources.fill(undefined);
    this.live = 0;
    dropAll(held);
  }
}
