/**
 * The queue of futures waiting on a sync primitive: an intrusive,
 * doubly-linked list, so a waiter is added, woken or removed in O(1) and
 * the list allocates nothing.
 *
 * ```text
 *   head ──▶ [acquire 3] ⇄ [acquire 1] ⇄ [lock] ◀── tail
 *              │ waker        │ waker       │ waker
 * ```
 *
 * "Intrusive" means the links live in the waiter itself: a pending
 * `recv()`, `acquire()` or `lock()` future *is* its node. That is what
 * makes cancellation cheap and exact: disposing a pending future unlinks
 * it from wherever it sits, without searching, and nothing is left behind
 * to be woken in vain (Rust's tokio does the same with its intrusive
 * linked lists).
 *
 * Every primitive in `sync/` keeps its waiters here and only ever talks to
 * them through wakers, so the primitives do not depend on the runtime:
 * they work with any executor.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import type { Waker } from "../future/waker.js";

/**
 * What a waiter carries: its links and the waker it was last polled with.
 * `W` is the waiter's own type, so the links are typed without casts.
 *
 * @internal
 */
export interface WaitNode<W> {
  /** The waker of the last poll; woken (and cleared) by the list. */
  waker: Waker | undefined;
  /** Toward the head (the oldest waiter). */
  prevWaiter: W | undefined;
  /**
   * Toward the tail (the newest waiter). Not `next`: a waiter is usually a
   * library future, and a future's `next()` is its `yield*` step.
   */
  nextWaiter: W | undefined;
  /** True while linked into a list. */
  queued: boolean;
}

/**
 * Keeps `cx.waker` in `node`, replacing the one held only when it would
 * wake someone else (Rust's `will_wake` rule: a task polls with the same
 * waker every time, so the usual case is one identity check).
 *
 * @internal
 */
export function storeWaker(node: { waker: Waker | undefined }, cx: Context): void {
  const held = node.waker;
  const next = cx.waker;
  if (held === undefined || (held !== next && !held.willWake(next))) node.waker = next;
}

/**
 * Wakes the waker held by `node` once and forgets it: a woken waiter is
 * polled again and stores a waker again if it still has to wait.
 *
 * @internal
 */
export function wakeNode(node: { waker: Waker | undefined }): void {
  const waker = node.waker;
  if (waker !== undefined) {
    node.waker = undefined;
    waker.wake();
  }
}

/**
 * First-in first-out list of waiters, linked through the waiters
 * themselves.
 *
 * @internal
 */
export class WaitList<W extends WaitNode<W>> {
  head: W | undefined = undefined;
  tail: W | undefined = undefined;
  size = 0;

  /** Adds `node` at the tail. It must not be in a list already. */
  push(node: W): void {
    const tail = this.tail;
    node.prevWaiter = tail;
    node.nextWaiter = undefined;
    node.queued = true;
    if (tail === undefined) this.head = node;
    else tail.nextWaiter = node;
    this.tail = node;
    this.size++;
  }

  /** Unlinks `node` if it is queued (in this list: a node is in one list at most). */
  remove(node: W): void {
    if (!node.queued) return;
    const prev = node.prevWaiter;
    const next = node.nextWaiter;
    if (prev === undefined) this.head = next;
    else prev.nextWaiter = next;
    if (next === undefined) this.tail = prev;
    else next.prevWaiter = prev;
    node.prevWaiter = node.nextWaiter = undefined;
    node.queued = false;
    this.size--;
  }

  /** Unlinks and returns the head, or undefined when the list is empty. */
  shift(): W | undefined {
    const head = this.head;
    if (head !== undefined) this.remove(head);
    return head;
  }

  /**
   * Unlinks every waiter and wakes it: for closing a channel, notifying
   * all, releasing a barrier. The list is emptied first, so a waker that
   * re-enters the primitive sees a consistent, empty list.
   */
  wakeAll(): void {
    let node = this.head;
    this.head = this.tail = undefined;
    this.size = 0;
    while (node !== undefined) {
      const next = node.nextWaiter;
      node.prevWaiter = node.nextWaiter = undefined;
      node.queued = false;
      wakeNode(node);
      node = next;
    }
  }
}
