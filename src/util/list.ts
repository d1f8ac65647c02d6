/**
 * Intrusive lists: the links live in the nodes themselves, so adding,
 * removing and waking a node is O(1) and the list allocates nothing.
 *
 * ```text
 *   List (doubly linked):   head ──▶ [acquire 3] ⇄ [acquire 1] ⇄ [lock] ◀── tail
 *                                      │ waker        │ waker       │ waker
 *   ReadyList (singly linked, FIFO):  head ──▶ [branch 3] ──▶ [branch 7] ◀── tail
 * ```
 *
 * "Intrusive" is what makes cancellation cheap and exact: a pending
 * `recv()`, `acquire()` or `lock()` future *is* its node, so disposing it
 * unlinks it from wherever it sits, without searching, and nothing is left
 * behind to be woken in vain (tokio's `util::linked_list` does the same).
 *
 * Two shapes serve every place that needs one:
 *
 * - {@link List}, doubly linked, for membership that ends anywhere: the
 *   waiters of a sync primitive ({@link WaitList}), a JoinSet's tasks, a
 *   scope's children. (The runtime's waiting tasks are in a `SlotSet`,
 *   `slots.ts`: most tasks never wait, and links would cost every task.)
 * - {@link ReadyList}, singly linked, for "woken since the last poll"
 *   queues that are only ever taken from the head: join's branches, a
 *   JoinSet's finished tasks. A node can sit on a ReadyList and a List at
 *   once, because the two use different link fields.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import type { Waker } from "../future/waker.js";

/**
 * What a node of a {@link List} carries. `N` is the node's own type, so
 * the links are typed without casts.
 *
 * @internal
 */
export interface ListNode<N> {
  /** Toward the head (the oldest node). */
  prevNode: N | undefined;
  /**
   * Toward the tail (the newest node). Not `next`: a node is often a
   * library future, and a future's `next()` is its `yield*` step.
   */
  nextNode: N | undefined;
  /** True while linked into a list. */
  linked: boolean;
}

/**
 * What a waiter carries: its links and the waker it was last polled with.
 *
 * @internal
 */
export interface WaitNode<W> extends ListNode<W> {
  /** The waker of the last poll; woken (and cleared) by the list. */
  waker: Waker | undefined;
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
 * A doubly-linked list of nodes that carry their own links.
 *
 * @internal
 */
export class List<N extends ListNode<N>> {
  head: N | undefined = undefined;
  tail: N | undefined = undefined;
  size = 0;

  /** Adds `node` at the tail. It must not be in a list already. */
  push(node: N): void {
    const tail = this.tail;
    node.prevNode = tail;
    node.nextNode = undefined;
    node.linked = true;
    if (tail === undefined) this.head = node;
    else tail.nextNode = node;
    this.tail = node;
    this.size++;
  }

  /** Unlinks `node` if it is linked (into this list: a node is in one list at most). */
  remove(node: N): void {
    if (!node.linked) return;
    const prev = node.prevNode;
    const next = node.nextNode;
    if (prev === undefined) this.head = next;
    else prev.nextNode = next;
    if (next === undefined) this.tail = prev;
    else next.prevNode = prev;
    node.prevNode = node.nextNode = undefined;
    node.linked = false;
    this.size--;
  }

  /** Unlinks and returns the head, or undefined when the list is empty. */
  shift(): N | undefined {
    const head = this.head;
    if (head !== undefined) this.remove(head);
    return head;
  }

  /** Iterates head to tail; the node being visited may be unlinked meanwhile. */
  *[Symbol.iterator](): IterableIterator<N> {
    let node = this.head;
    while (node !== undefined) {
      const next = node.nextNode;
      yield node;
      node = next;
    }
  }
}

/**
 * First-in first-out list of waiters, linked through the waiters
 * themselves.
 *
 * @internal
 */
export class WaitList<W extends WaitNode<W>> extends List<W> {
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
      const next = node.nextNode;
      node.prevNode = node.nextNode = undefined;
      node.linked = false;
      wakeNode(node);
      node = next;
    }
  }
}

/**
 * What a node of a {@link ReadyList} carries. `B` is the node's own type,
 * so the link is typed without casts.
 *
 * @internal
 */
export interface ReadyNode<B> {
  /** The next woken branch, toward the tail. */
  nextReady: B | undefined;
  /** True while on a ready list: a second wake does not queue it twice. */
  queued: boolean;
}

/**
 * Branches woken since their owner's last poll, first woken first: a
 * singly-linked queue through the branches themselves, so queueing a wake
 * is O(1) and allocates nothing.
 *
 * @internal
 */
export class ReadyList<B extends ReadyNode<B>> {
  head: B | undefined = undefined;
  tail: B | undefined = undefined;

  /**
   * Queues `node` unless it is queued already. Returns true when the list
   * was empty before: the owner, who empties the list at each poll, needs
   * waking only then.
   */
  push(node: B): boolean {
    if (node.queued) return false;
    node.queued = true;
    node.nextReady = undefined;
    const tail = this.tail;
    this.tail = node;
    if (tail === undefined) {
      this.head = node;
      return true;
    }
    tail.nextReady = node;
    return false;
  }

  /**
   * Takes the whole list, leaving it empty, and returns its first node.
   * The caller walks the chain through `nextReady` and clears `queued` on
   * each node before polling it: a node woken again during that walk goes
   * onto the (now empty) list, for the next poll.
   */
  takeAll(): B | undefined {
    const head = this.head;
    this.head = this.tail = undefined;
    return head;
  }

  /** Removes and returns the first node, or undefined when the list is empty. */
  shift(): B | undefined {
    const head = this.head;
    if (head === undefined) return undefined;
    const next = head.nextReady;
    this.head = next;
    if (next === undefined) this.tail = undefined;
    head.nextReady = undefined;
    head.queued = false;
    return head;
  }

  /** Forgets every node (the owner has ended). */
  clear(): void {
    let node = this.head;
    this.head = this.tail = undefined;
    while (node !== undefined) {
      const next = node.nextReady;
      node.nextReady = undefined;
      node.queued = false;
      node = next;
    }
  }
}
