/**
 * The `closed()` future of every sender: ready once nobody can receive
 * what it would send (tokio's `Sender::closed`).
 *
 * A producer that computes values before sending them can race this
 * against its work and stop early instead of finding out at the next send.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { storeWaker, type WaitList, type WaitNode } from "../util/list.js";

/**
 * What a {@link ClosedFuture} watches: a flag, and the list its waiters
 * join. The channel wakes the list when the flag becomes true.
 *
 * @internal
 */
export interface ReceiversGone {
  /** True once nothing sent can be received any more. */
  receiversGone(): boolean;
  /** The `closed()` futures waiting for it. */
  readonly closedWaiters: WaitList<ClosedFuture>;
}

/**
 * A future that is ready once the receiving side of a channel is gone.
 *
 * **Cancel safety:** nothing is lost if it is dropped; it leaves the
 * waiter list at once.
 */
export class ClosedFuture extends Awaitable<void> implements WaitNode<ClosedFuture> {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: ClosedFuture | undefined = undefined;
  /** @internal */ nextNode: ClosedFuture | undefined = undefined;
  /** @internal */ linked = false;

  /** @internal Use a sender's `closed()`. */
  constructor(private readonly channel: ReceiversGone) {
    super();
  }

  poll(cx: Context): Poll<void> {
    const channel = this.channel;
    if (channel.receiversGone()) {
      if (!pollProceed(cx)) return PENDING;
      return undefined;
    }
    storeWaker(this, cx);
    if (!this.linked) channel.closedWaiters.push(this);
    return PENDING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "Sender.closed";
  }

  /** Drop: leaves the waiter list. Idempotent. */
  override [Symbol.dispose](): void {
    this.channel.closedWaiters.remove(this);
    this.waker = undefined;
  }
}
