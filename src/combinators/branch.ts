/**
 * Branch wakers: how a future that polls many futures polls only the ones
 * that can make progress.
 *
 * A combinator such as `join` could poll every branch with its task's own
 * context (tokio's `join!` does): then a wake says only "something in this
 * task may progress", and every poll must try all N branches. For N
 * branches that finish one at a time that is O(N²) polls. Instead each
 * branch is polled with a context of its own, a {@link Branch}, whose
 * waker puts the branch on its owner's {@link ReadyList} and then wakes the
 * owner's task. The owner's next poll takes the list and polls exactly the
 * branches on it:
 *
 * ```text
 *   leaf future ── wake ──▶ Branch 7 ── push ──▶ ready list: [3, 7]
 *                                    └─ wake ──▶ the task that polls the owner
 *   owner.poll(cx): take [3, 7], poll branch 3 and branch 7 with their own contexts
 * ```
 *
 * The branches are made once, with the owner: polling allocates nothing.
 * A branch that wakes itself while it is being polled (a `yieldNow()`, a
 * spent budget) goes onto a fresh list and is polled at the owner's next
 * poll, never twice in one, so an always-ready branch cannot keep the
 * owner's poll from returning. A wake after a branch has ended does
 * nothing.
 *
 * @module
 */

import type { Context } from "../future/future.js";
import { type RawWakerVTable, Waker } from "../future/waker.js";

/**
 * A branch's waker and context in one object, like a task: `waker` is
 * itself, its raw data is itself, and one vtable serves every branch.
 * Subclasses say what a wake does ({@link Branch.wakeBranch}).
 *
 * @internal
 */
export abstract class Branch extends Waker implements Context {
  /** A branch is its own context: its waker is itself. */
  get waker(): Waker {
    return this;
  }

  /** The waker's raw data: the branch itself. */
  get data(): unknown {
    return this;
  }

  /** The one vtable shared by every branch. */
  get vtable(): RawWakerVTable<unknown> {
    return BRANCH_VTABLE;
  }

  /** Wakes the branch (the same as the vtable's `wake`, without the indirection). */
  override wake(): void {
    this.wakeBranch();
  }

  /** Wakes the branch and keeps the waker usable. */
  override wakeByRef(): void {
    this.wakeBranch();
  }

  /** What waking this branch does: queue it on its owner's ready list and wake the owner. */
  abstract wakeBranch(): void;
}

/**
 * The data of a branch waker is the branch itself; the check keeps that
 * honest without a cast (a raw waker built by hand with this vtable and
 * other data wakes nothing).
 */
function wakeBranch(data: unknown): void {
  if (data instanceof Branch) data.wakeBranch();
}

const BRANCH_VTABLE: RawWakerVTable<unknown> = {
  clone: (data) => ({ data, vtable: BRANCH_VTABLE }),
  wake: wakeBranch,
  wakeByRef: wakeBranch,
  drop: () => {},
};

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
