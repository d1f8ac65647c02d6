/**
 * What the one-source stream adapters (`map`, `filter`, `take`) share:
 * owning their source and dropping it exactly once.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import type { Poll } from "../future/poll.js";
import { dropStream, type Stream } from "./stream.js";

/**
 * A stream made from one source it owns (Rust's stream adapters). The
 * source is dropped exactly once: when it ends, when the adapter is done
 * with it, or when the adapter is dropped.
 *
 * Each subclass polls its source in its own `pollNext`, so that call site
 * sees only the sources of one adapter kind instead of every adapter's.
 *
 * @internal
 */
export abstract class SourceAdapter<T, U> implements Stream<U>, Disposable {
  /** The source, until it ends or this stream is dropped. */
  protected source: Stream<T> | undefined;

  constructor(source: Stream<T>) {
    this.source = source;
  }

  abstract pollNext(cx: Context): Poll<U | undefined>;

  /**
   * Lets go of the source and drops it. The reference is cleared first,
   * so a dispose that throws is never repeated. Returns `undefined` (the
   * end) so `return this.dropSource()` ends the stream. Idempotent.
   */
  protected dropSource(): undefined {
    const source = this.source;
    this.source = undefined;
    dropStream(source);
    return undefined;
  }

  /** Drop: drops the source if it is still held. Idempotent. */
  [Symbol.dispose](): void {
    this.dropSource();
  }
}
