/**
 * `HostWait`: the waker a task left for a host callback, with a host
 * operation held while it waits (so paused time does not skip past the
 * I/O). What every future that waits on a Node callback keeps: the
 * readers and writers, sockets, listeners, child processes, file
 * operations and `once`.
 *
 * @module
 */

import { type Context, currentRuntime, type HostOperation, hostOperation, type Waker } from "../index.js";

/** One waiting task and its host operation; made once per reader or writer, reused for every wait. @internal */
export class HostWait {
  #waker: Waker | undefined = undefined;
  #operation: HostOperation | undefined = undefined;

  /** True while a task waits. */
  get waiting(): boolean {
    return this.#waker !== undefined;
  }

  /** Keeps `cx.waker` (replaced only when it would wake someone else) and holds a host operation. */
  wait(cx: Context): void {
    const stored = this.#waker;
    if (stored === undefined || !stored.willWake(cx.waker)) this.#waker = cx.waker;
    if (this.#operation === undefined && currentRuntime() !== undefined) this.#operation = hostOperation();
  }

  /** The wait is over (or dropped): forget the waker, end the host operation. */
  stop(): void {
    this.#waker = undefined;
    const op = this.#operation;
    if (op !== undefined) {
      this.#operation = undefined;
      op.end();
    }
  }

  /** The host has news: end the wait, and wake the waiting task once, if there is one. */
  wake(): void {
    const waker = this.#waker;
    this.stop();
    waker?.wake();
  }
}
