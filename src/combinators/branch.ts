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
