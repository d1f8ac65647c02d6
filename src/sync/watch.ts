/**
 * The watch channel (tokio's `sync::watch`): one value that changes over
 * time, senders that set it (clone one for another task), many receivers
 * that each want the latest value, not every value in between.
 *
 * The channel holds a single value and a version number that each send
 * increments. Each receiver remembers the version it last saw:
 * `changed()` waits until the version moves past it, and
 * `borrowAndUpdate()` reads the value and marks it seen. A receiver that
 * is slow simply skips intermediate values; it never sees an older value
 * after a newer one, and it never lags.
 *
 * ```text
 *   send(a) send(b) send(c)         version 1 → 2 → 3, value c
 *   rx seen 1  ── changed() ready ──▶ borrowAndUpdate() = c, seen 3
 * ```
 *
 * When the last sender is dropped, `changed()` first reports a change the
 * receiver has not seen yet, then throws {@link RecvError}; `borrow()`
 * keeps returning the last value. A watch value may be `undefined`: the
 * receiver never uses it to mean "no more".
 *
 * @example
 * ```ts
 * import { Runtime, future, spawn, watch } from "mini-tokio";
 * new Runtime().blockOn(future(function* () {
 *   const [tx, rx] = watch("starting");
 *   const h = spawn(future(function* () {
 *     yield* rx.changed();
 *     return rx.borrowAndUpdate(); // "ready"
 *   }));
 *   tx.send("ready");
 *   return yield* h;
 * }));
 * ```
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import { type Context, describe } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { storeWaker, WaitList, type WaitNode } from "../util/list.js";
import { ClosedFuture, type ReceiversGone } from "./closed.js";
import { RecvError, SendError, usedAfterDispose } from "./errors.js";

/** The state the sender and every receiver share. @internal */
export class WatchShared<T> implements ReceiversGone {
  value: T;
  /** Incremented by every change; receivers compare it with what they saw. */
  version = 0;
  senderAlive = true;
  /** Senders alive: the channel closes when the last one is dropped. */
  senders = 1;
  receivers = 1;
  readonly waiters = new WaitList<ChangedFuture<T>>();
  /** Pending `waitFor()`s: a list of their own, so `changed()` futures keep one node type. */
  readonly waitForWaiters = new WaitList<WaitForFuture<T>>();
  readonly closedWaiters = new WaitList<ClosedFuture>();

  constructor(value: T) {
    this.value = value;
  }

  /** For the sender's `closed()`: true once every receiver is dropped. */
  receiversGone(): boolean {
    return this.receivers === 0;
  }

  /** Stores a new value and wakes every `changed()`. */
  publish(value: T): void {
    this.value = value;
    this.version++;
    if (this.waiters.head !== undefined) this.waiters.wakeAll();
    if (this.waitForWaiters.head !== undefined) this.waitForWaiters.wakeAll();
  }
}

/**
 * The future of {@link WatchReceiver.changed}: ready once the channel
 * holds a value newer than the one the receiver last saw, which it then
 * marks seen.
 *
 * **Cancel safety:** cancel safe. The receiver's "seen" version changes
 * only in the poll that returns ready, so if it is dropped, the next
 * `changed()` still reports the change. Dropping it leaves the waiter
 * list in O(1).
 */
export class ChangedFuture<T> extends Awaitable<void> implements WaitNode<ChangedFuture<T>> {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: ChangedFuture<T> | undefined = undefined;
  /** @internal */ nextNode: ChangedFuture<T> | undefined = undefined;
  /** @internal */ linked = false;
  private done = false;

  /** @internal Use {@link WatchReceiver.changed}. */
  constructor(private readonly rx: WatchReceiver<T>) {
    super();
  }

  poll(cx: Context): Poll<void> {
    if (this.done) throw new Error("a watch changed() future was polled after it completed; call rx.changed() again");
    const rx = this.rx;
    const shared = rx.shared;
    if (rx.seen !== shared.version) {
      if (!pollProceed(cx)) return PENDING;
      shared.waiters.remove(this);
      rx.seen = shared.version;
      this.done = true;
      return undefined;
    }
    if (!shared.senderAlive) {
      // Failing is an outcome too: spend budget, or a retry loop never yields.
      if (!pollProceed(cx)) return PENDING;
      shared.waiters.remove(this);
      this.done = true;
      throw new RecvError("the watch sender was dropped: the value will not change again");
    }
    storeWaker(this, cx);
    if (!this.linked) shared.waiters.push(this);
    return PENDING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "watch Receiver.changed";
  }

  /** Drop: leaves the waiter list; nothing is marked seen. Idempotent. */
  override [Symbol.dispose](): void {
    this.rx.shared.waiters.remove(this);
    this.waker = undefined;
  }
}

/**
 * The future of {@link WatchReceiver.waitFor}: the first value, the
 * current one included, for which the predicate is true.
 *
 * **Cancel safety:** cancel safe in tokio's sense: dropping it loses no
 * value, but every value the predicate has already seen (and refused) is
 * marked seen on the receiver, so a later `changed()` waits for a newer
 * one.
 *
 * @example
 * ```ts
 * import { future, watch } from "mini-tokio";
 * const [tx, rx] = watch(0);
 * const f = future(function* () {
 *   return yield* rx.waitFor((n) => n >= 3); // 3, once some send makes it so
 * });
 * ```
 */
export class WaitForFuture<T> extends Awaitable<T> implements WaitNode<WaitForFuture<T>> {
  /** @internal */ waker: Waker | undefined = undefined;
  /** @internal */ prevNode: WaitForFuture<T> | undefined = undefined;
  /** @internal */ nextNode: WaitForFuture<T> | undefined = undefined;
  /** @internal */ linked = false;
  /** False until the current value has been checked: it is, even if already seen. */
  private checked = false;
  private done = false;

  /** @internal Use {@link WatchReceiver.waitFor}. */
  constructor(
    private readonly rx: WatchReceiver<T>,
    private readonly predicate: (value: T) => boolean,
  ) {
    super();
  }

  poll(cx: Context): Poll<T> {
    if (this.done) throw new Error("a watch waitFor() future was polled after it completed; call rx.waitFor() again");
    const rx = this.rx;
    const shared = rx.shared;
    const waiters = shared.waitForWaiters;
    let spent = false;
    if (!this.checked || rx.seen !== shared.version) {
      // Spend budget before looking, so a value is never marked seen by a poll that then gives up.
      if (!pollProceed(cx)) return PENDING;
      spent = true;
      this.checked = true;
      rx.seen = shared.version;
      // Not queued here (a send dequeues every waiter it wakes), so a
      // throwing predicate leaves nothing registered behind.
      let found: boolean;
      try {
        found = this.predicate(shared.value);
      } catch (error) {
        this.done = true;
        throw error;
      }
      if (found) {
        this.done = true;
        return shared.value;
      }
    }
    if (!shared.senderAlive) {
      // A value was just checked (and spent budget), or this spends it: a retry loop still yields.
      if (!spent && !pollProceed(cx)) return PENDING;
      waiters.remove(this);
      this.done = true;
      throw new RecvError("the watch sender was dropped before a value satisfied waitFor's predicate");
    }
    storeWaker(this, cx);
    if (!this.linked) waiters.push(this);
    return PENDING;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "watch Receiver.waitFor";
  }

  /** Drop: leaves the waiter list. Idempotent. */
  override [Symbol.dispose](): void {
    this.done = true;
    this.rx.shared.waitForWaiters.remove(this);
    this.waker = undefined;
  }
}

/**
 * A sending half of a watch channel. Clone it for another task, as tokio's
 * `watch::Sender` is `Clone`: the receivers see the channel closed once
 * every clone is dropped. Every way of sending is synchronous.
 *
 * @example
 * ```ts
 * import { watch } from "mini-tokio";
 * const [tx, rx] = watch({ connected: false });
 * tx.sendModify((state) => ({ ...state, connected: true }));
 * ```
 */
export class WatchSender<T> implements Disposable {
  private dropped = false;

  /** @internal Use {@link watch}. */
  constructor(private readonly shared: WatchShared<T>) {}

  /**
   * Replaces the value and wakes every receiver waiting in `changed()`.
   * Throws {@link SendError} with the value, storing nothing, when there
   * are no receivers (tokio's rule; {@link WatchSender.sendReplace} stores
   * anyway).
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch(0);
   * tx.send(1);
   * rx.borrow(); // 1
   * ```
   */
  send(value: T): void {
    if (this.dropped) throw usedAfterDispose("WatchSender.send(value)");
    const shared = this.shared;
    if (shared.receivers === 0) throw new SendError(value, "the watch channel has no receivers");
    shared.publish(value);
  }

  /**
   * Replaces the value with `modify(current)`, whether or not there are
   * receivers, and wakes the receivers. `modify` may return the same
   * object after changing it in place. If it throws, nothing changes.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch({ count: 0 });
   * tx.sendModify((s) => {
   *   s.count++;
   *   return s;
   * });
   * ```
   */
  sendModify(modify: (current: T) => T): void {
    if (this.dropped) throw usedAfterDispose("WatchSender.sendModify(modify)");
    if (typeof modify !== "function") {
      throw new TypeError(`WatchSender.sendModify(modify): modify must be a function, got ${describe(modify)}`);
    }
    this.shared.publish(modify(this.shared.value));
  }

  /**
   * Lets `modify` change the value in place and notifies the receivers
   * only if it returns true (tokio's `send_if_modified`): a change that
   * turns out to be no change wakes nobody. Works whether or not there are
   * receivers; returns what `modify` returned. Made for values that are
   * objects; a primitive value cannot be changed in place (use
   * `sendModify` or `sendReplace`). If `modify` throws, nobody is notified,
   * but what it changed before throwing stays changed.
   *
   * @throws TypeError unless `modify` is a function that returns a boolean.
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch({ peers: new Set<string>() });
   * tx.sendIfModified((s) => {
   *   if (s.peers.has("a")) return false; // already known: nobody is woken
   *   s.peers.add("a");
   *   return true;
   * }); // true
   * ```
   */
  sendIfModified(modify: (current: T) => boolean): boolean {
    if (this.dropped) throw usedAfterDispose("WatchSender.sendIfModified(modify)");
    if (typeof modify !== "function") {
      throw new TypeError(`WatchSender.sendIfModified(modify): modify must be a function, got ${describe(modify)}`);
    }
    const shared = this.shared;
    const modified: unknown = modify(shared.value);
    if (typeof modified !== "boolean") {
      throw new TypeError(
        `WatchSender.sendIfModified(modify): modify must return true (it changed the value: notify) or false (no change), got ${describe(modified)}`,
      );
    }
    if (modified) shared.publish(shared.value);
    return modified;
  }

  /**
   * Replaces the value whether or not there are receivers, wakes the
   * receivers, and returns the previous value.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch("a");
   * tx.sendReplace("b"); // "a"
   * ```
   */
  sendReplace(value: T): T {
    if (this.dropped) throw usedAfterDispose("WatchSender.sendReplace(value)");
    const previous = this.shared.value;
    this.shared.publish(value);
    return previous;
  }

  /** The current value. */
  borrow(): T {
    return this.shared.value;
  }

  /**
   * A new receiver that has already seen the current value: its
   * `changed()` waits for the next send.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch(1);
   * const rx2 = tx.subscribe();
   * rx2.hasChanged(); // false
   * ```
   */
  subscribe(): WatchReceiver<T> {
    if (this.dropped) throw usedAfterDispose("WatchSender.subscribe()");
    this.shared.receivers++;
    return new WatchReceiver(this.shared, this.shared.version);
  }

  /** How many receivers are alive. */
  get receiverCount(): number {
    return this.shared.receivers;
  }

  /** True once every receiver is dropped: `send` would fail. */
  get isClosed(): boolean {
    return this.shared.receivers === 0;
  }

  /**
   * A future that is ready once every receiver is dropped.
   *
   * **Cancel safety:** nothing is lost if it is dropped.
   *
   * @example
   * ```ts
   * import { future, watch } from "mini-tokio";
   * const [tx, rx] = watch(0);
   * const f = future(function* () { yield* tx.closed(); });
   * ```
   */
  closed(): ClosedFuture {
    return new ClosedFuture(this.shared);
  }

  /**
   * Another sender for the same channel. The channel stays open until
   * every sender is dropped.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch("idle");
   * const tx2 = tx.clone();
   * tx[Symbol.dispose]();
   * tx2.send("busy"); // still open: tx2 is alive
   * ```
   */
  clone(): WatchSender<T> {
    if (this.dropped) throw usedAfterDispose("WatchSender.clone()");
    this.shared.senders++;
    return new WatchSender(this.shared);
  }

  /**
   * Drop: once the last sender is dropped, receivers' `changed()` throws
   * {@link RecvError} once they have seen the last value. Idempotent.
   */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    if (--this.shared.senders > 0) return;
    this.shared.senderAlive = false;
    this.shared.waiters.wakeAll();
    this.shared.waitForWaiters.wakeAll();
  }
}

/**
 * A receiving half of a watch channel: reads the latest value and waits
 * for it to change. Clone it for another task; each clone keeps its own
 * "seen" version.
 *
 * @example
 * ```ts
 * import { future, watch } from "mini-tokio";
 * const [tx, rx] = watch(0);
 * const follower = future(function* () {
 *   for (;;) {
 *     yield* rx.changed(); // throws RecvError once the sender is gone
 *     console.log("now", rx.borrowAndUpdate());
 *   }
 * });
 * ```
 */
export class WatchReceiver<T> implements Disposable {
  /** @internal The version this receiver last saw. */
  seen: number;
  private dropped = false;

  /** @internal Use {@link watch}, `subscribe()` or `clone()`. */
  constructor(
    /** @internal */ readonly shared: WatchShared<T>,
    seen: number,
  ) {
    this.seen = seen;
  }

  /** The current value, without marking it seen. */
  borrow(): T {
    return this.shared.value;
  }

  /** The current value, marked seen: `changed()` now waits for the next one. */
  borrowAndUpdate(): T {
    const shared = this.shared;
    this.seen = shared.version;
    return shared.value;
  }

  /**
   * Marks the current value unseen (tokio's `mark_changed`): the next
   * `changed()` is ready at once and `hasChanged()` says true. Useful to
   * make a new receiver act on the value it starts with.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch("initial");
   * rx.markChanged();
   * rx.hasChanged(); // true
   * ```
   */
  markChanged(): void {
    // Any version but the current one reads as unseen; versions only grow.
    this.seen = this.shared.version - 1;
  }

  /**
   * Marks the current value seen without reading it (tokio's
   * `mark_unchanged`): `changed()` waits for the next send.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch(0);
   * tx.send(1);
   * rx.markUnchanged();
   * rx.hasChanged(); // false
   * ```
   */
  markUnchanged(): void {
    this.seen = this.shared.version;
  }

  /**
   * True if a value this receiver has not seen is there. Throws
   * {@link RecvError} once the sender is dropped (tokio's rule: nothing
   * will change any more).
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch(0);
   * rx.hasChanged(); // false
   * tx.send(1);
   * rx.hasChanged(); // true
   * ```
   */
  hasChanged(): boolean {
    const shared = this.shared;
    if (!shared.senderAlive) throw new RecvError("the watch sender was dropped");
    return this.seen !== shared.version;
  }

  /**
   * Waits until a value newer than the last one this receiver saw is
   * there, and marks it seen. Ready at once if there is one already.
   * Throws {@link RecvError} when the sender is dropped and there is no
   * unseen value. Spends one unit of budget when ready.
   *
   * **Cancel safety:** cancel safe: dropping a pending `changed()` marks
   * nothing seen, so the next `changed()` still reports the change.
   *
   * @example
   * ```ts
   * import { future, watch } from "mini-tokio";
   * const [tx, rx] = watch("idle");
   * const f = future(function* () {
   *   yield* rx.changed();
   *   return rx.borrow();
   * });
   * ```
   */
  changed(): ChangedFuture<T> {
    if (this.dropped) throw usedAfterDispose("WatchReceiver.changed()");
    return new ChangedFuture(this);
  }

  /**
   * Waits for a value for which `predicate` is true and yields it
   * (tokio's `wait_for`). The current value is checked first, even if it
   * was already seen; after that, each new value once. Every value checked
   * is marked seen. Throws {@link RecvError} once the sender is dropped and
   * the last value was refused; an error thrown by `predicate` propagates.
   * Spends one unit of budget per value checked.
   *
   * **Cancel safety:** cancel safe: dropping it loses no value, but the
   * values already checked (and refused) stay marked seen.
   *
   * @throws TypeError (at the call) unless `predicate` is a function.
   * @example
   * ```ts
   * import { future, watch } from "mini-tokio";
   * const [tx, rx] = watch({ ready: false, peers: 0 });
   * const f = future(function* () {
   *   const state = yield* rx.waitFor((s) => s.ready);
   *   return state.peers;
   * });
   * ```
   */
  waitFor(predicate: (value: T) => boolean): WaitForFuture<T> {
    if (this.dropped) throw usedAfterDispose("WatchReceiver.waitFor(predicate)");
    if (typeof predicate !== "function") {
      throw new TypeError(`WatchReceiver.waitFor(predicate): predicate must be a function, got ${describe(predicate)}`);
    }
    return new WaitForFuture(this, predicate);
  }

  /**
   * A new receiver for the same channel that has seen what this one has.
   *
   * @example
   * ```ts
   * import { watch } from "mini-tokio";
   * const [tx, rx] = watch(0);
   * const rx2 = rx.clone();
   * ```
   */
  clone(): WatchReceiver<T> {
    if (this.dropped) throw usedAfterDispose("WatchReceiver.clone()");
    this.shared.receivers++;
    return new WatchReceiver(this.shared, this.seen);
  }

  /** Drop: stops counting as a receiver. Idempotent. */
  [Symbol.dispose](): void {
    if (this.dropped) return;
    this.dropped = true;
    const shared = this.shared;
    if (--shared.receivers === 0) shared.closedWaiters.wakeAll();
  }
}

/**
 * A watch channel holding `initial` (tokio's `watch::channel`). The
 * receiver starts having seen `initial`: its `changed()` waits for the
 * first send.
 *
 * @example
 * ```ts
 * import { watch } from "mini-tokio";
 * const [config, configRx] = watch({ level: "info" });
 * config.send({ level: "debug" });
 * configRx.borrow().level; // "debug"
 * ```
 */
export function watch<T>(initial: T): [WatchSender<T>, WatchReceiver<T>] {
  const shared = new WatchShared(initial);
  return [new WatchSender(shared), new WatchReceiver(shared, 0)];
}
