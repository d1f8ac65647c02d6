/**
 * `Notify`: wake a task without sending it anything — the building block
 * for "something changed, go and look" (tokio's `sync::Notify`).
 *
 * Two ways to notify, with different rules for who hears it:
 *
 * - `notifyOne()` wakes the oldest waiting `notified()` future; with nobody
 *   waiting it stores **one** permit, which the next `notified()` takes at
 *   its first poll. So a notification sent just before the receiver starts
 *   waiting is not lost, and several collapse into one.
 * - `notifyWaiters()` wakes every `notified()` future made before the call
 *   and stores nothing.
 *
 * When does a `notified()` future start to count? For `notifyWaiters`, from
 * its **creation** (tokio's rule): create it, then check your condition,
 * then await it, and a `notifyWaiters()` in between is not missed. For
 * `notifyOne`, from its first poll or its `enable()` call, when it joins the
 * queue (a future nobody polls cannot be chosen, or the notification would
 * sit in a future that is never awaited).
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { storeWaker, WaitList, type WaitNode, wakeNode } from "../util/list.js";

/** Made; counts for `notifyWaiters` already, not yet for `notifyOne`. */
const INIT = 0;
/** In the queue: `notifyOne` may choose it. */
const WAITING = 1;
/** Chosen by `notifyOne` (or took the stored permit), not yet seen by its owner: dropping it passes the notification on. */
const NOTIFIED_ONE = 2;
/** Reached by a `notifyWaiters` made after its creation. */
const NOTIFIED_ALL = 3;
/** Completed or dropped. */
const DONE = 4;

/**
 * The future {@link Notify.notified} returns: ready once notified. It is
 * its own node in the notifier's queue, so waiting allocates nothing more.
 *
 * **Cancel safety:** see {@link Notify.notified}.
 *
 * @example
 * ```ts
 * import { Notify } from "mini-tokio";
 * const notify = new Notify();
 * const n = notify.notified();
 * n.enable(); // in the queue now: a notifyOne() can choose it before its first poll
 * notify.notifyOne();
 * n.enable(); // true
 * ```
 */
export class Notified extends Awaitable<void> implements WaitNode<Notified> {
  /** @internal */
  waker: Waker | undefined = undefined;
  /** @internal */
  prevNode: Notified | undefined = undefined;
  /** @internal */
  nextNode: Notified | undefined = undefined;
  /** @internal */
  linked = false;
  /** @internal See the states above. */
  state = INIT;
  /** `notifyWaiters` calls made before this future was: a later count means it was reached. */
  private readonly calls: number;

  /** @internal Use {@link Notify.notified}. */
  constructor(private readonly notify: Notify) {
    super();
    this.calls = notify.waitersCalls;
  }

  poll(cx: Context): Poll<void> {
    if (this.state === DONE)
      throw new Error("Notify.notified() was polled after it completed: a future is awaited once");
    if (!this.settle()) {
      storeWaker(this, cx);
      return PENDING;
    }
    if (!pollProceed(cx)) return PENDING;
    this.state = DONE;
    return undefined;
  }

  /**
   * Joins the queue without waiting, so a `notifyOne()` can choose this
   * future before its first poll (tokio's `Notified::enable`). Returns true
   * if it is already notified: it will then be ready at its next poll.
   * Polling does the same, so call this only to register before awaiting.
   */
  enable(): boolean {
    return this.state === DONE || this.settle();
  }

  /** Moves the state on as far as it goes without waiting; true when notified. */
  private settle(): boolean {
    const state = this.state;
    if (state === NOTIFIED_ONE || state === NOTIFIED_ALL) return true;
    const notify = this.notify;
    if (notify.waitersCalls !== this.calls) {
      // If it was queued, notifyWaiters has unlinked it already.
      this.state = NOTIFIED_ALL;
      return true;
    }
    if (state === INIT) {
      if (notify.permit) {
        notify.permit = false;
        this.state = NOTIFIED_ONE;
        return true;
      }
      this.state = WAITING;
      notify.waiters.push(this);
    }
    return false;
  }

  /**
   * Drop: leaves the queue; a notification from `notifyOne` it received
   * but its owner never saw goes to the next waiter (or back to the stored
   * permit, merging into one already there). Idempotent.
   */
  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "Notify.notified";
  }

  override [Symbol.dispose](): void {
    const state = this.state;
    this.state = DONE;
    this.waker = undefined;
    if (state === WAITING) this.notify.waiters.remove(this);
    else if (state === NOTIFIED_ONE) this.notify.notifyOne();
  }
}

/**
 * Wakes waiting tasks without sending a value (tokio's `sync::Notify`):
 * `notified()` waits; `notifyOne()` wakes one waiter or stores a single
 * permit; `notifyWaiters()` wakes everyone waiting now.
 *
 * @example
 * ```ts
 * import { Notify, Runtime, future, spawn } from "mini-tokio";
 * const ready = new Notify();
 * new Runtime().blockOn(future(function* () {
 *   const waiter = spawn(future(function* () {
 *     yield* ready.notified();
 *     return "woken";
 *   }));
 *   ready.notifyOne(); // stored if the waiter has not started waiting yet
 *   return yield* waiter;
 * }));
 * ```
 */
export class Notify {
  /** @internal The futures `notifyOne` may choose, oldest first. */
  readonly waiters = new WaitList<Notified>();
  /** @internal A stored `notifyOne` (at most one). */
  permit = false;
  /** @internal How many times `notifyWaiters` was called. */
  waitersCalls = 0;

  /**
   * A future that is ready once this is notified: by a `notifyOne()` that
   * chooses it (or whose permit it takes at its first poll), or by a
   * `notifyWaiters()` made any time after this call — even before the
   * future is first polled. See the module notes for when it starts to
   * count.
   *
   * **Cancel safety:** dropping it while it waits leaves the queue and
   * loses nothing. If a `notifyOne()` had already chosen it (or it had taken
   * the stored permit) and it is dropped before its owner saw it, that
   * notification passes to the next waiter, or back to the stored permit:
   * a notification is never lost to a dropped future. It is passed on as a
   * `notifyOne()` made at the moment of the drop, so if a permit is already
   * stored by then it merges into it, as any `notifyOne()` would: two chosen
   * futures dropped with nobody waiting leave one permit, not two (tokio
   * does the same). A `notifyWaiters()` it received is simply dropped with
   * it (that call reaches everyone anyway).
   *
   * @example
   * ```ts
   * import { Notify, Runtime, future } from "mini-tokio";
   * const notify = new Notify();
   * notify.notifyOne(); // nobody waits: stored
   * new Runtime().blockOn(future(function* () {
   *   yield* notify.notified(); // takes the stored permit at once
   * }));
   * ```
   */
  notified(): Notified {
    return new Notified(this);
  }

  /**
   * Wakes the oldest waiting `notified()` future; with nobody waiting,
   * stores one permit for the next one (a second call while one is stored
   * changes nothing).
   *
   * @example
   * ```ts
   * import { Notify } from "mini-tokio";
   * const notify = new Notify();
   * notify.notifyOne();
   * notify.notifyOne(); // still one permit
   * ```
   */
  notifyOne(): void {
    const chosen = this.waiters.shift();
    if (chosen === undefined) {
      this.permit = true;
      return;
    }
    chosen.state = NOTIFIED_ONE;
    wakeNode(chosen);
  }

  /**
   * Wakes every `notified()` future made before this call, polled or not,
   * and stores no permit: futures made afterwards wait for the next
   * notification.
   *
   * @example
   * ```ts
   * import { Notify, Runtime, future, spawn, yieldNow } from "mini-tokio";
   * const go = new Notify();
   * new Runtime().blockOn(future(function* () {
   *   const hs = [1, 2, 3].map(() => spawn(future(function* () { yield* go.notified(); })));
   *   yield* yieldNow(); // let them start waiting
   *   go.notifyWaiters();
   *   for (const h of hs) yield* h;
   * }));
   * ```
   */
  notifyWaiters(): void {
    this.waitersCalls++;
    // The count alone tells each future made before now that it was
    // reached; waking the queued ones gets them polled.
    this.waiters.wakeAll();
  }
}
