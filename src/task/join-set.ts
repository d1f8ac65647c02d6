/**
 * `JoinSet<T>`: a set of spawned tasks, joined in the order they finish.
 *
 * Each task's JoinHandle is registered with a waker of its own (a
 * {@link Branch}): when a task finishes, its runtime wakes that waker,
 * which puts the task on the set's ready list and wakes whoever waits in
 * `joinNext()`. So `joinNext()` takes the head of the list: O(1) per
 * finished task, however many are still running, and no scan.
 *
 * ```text
 *   task 12 finishes ──▶ its entry's waker ──▶ ready list: [7, 12] ──▶ wake the joinNext() waiter
 *   joinNext(): take 7 ─▶ its value (or its JoinError thrown)
 * ```
 *
 * A finished task stays in the set until a `joinNext()` hands it out, so
 * dropping a `joinNext()` loses nothing. Disposing the set aborts every
 * task still in it (tokio's `JoinSet` does the same on drop), and disposes
 * the values of finished tasks nobody joined, as dropping their
 * JoinHandles does.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { Branch } from "../combinators/branch.js";
import { withBudgetUnconstrained } from "../context/budget.js";
import { currentRuntime } from "../context/current.js";
import type { SpawnOptions } from "../context/handle.js";
import type { AbortHandle, JoinHandle } from "../context/join-handle.js";
import { type DropFailure, dropAll, dropKeepingFirst } from "../future/drop.js";
import { type Context, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { notAFuture } from "../util/check.js";
import { List, type ListNode, ReadyList, type ReadyNode, storeWaker, WaitList, type WaitNode } from "../util/list.js";
import type { JoinError } from "./join-error.js";

/** One task of a set: its handle, its links, and the waker its task wakes when it finishes. */
class Entry<T> extends Branch implements ReadyNode<Entry<T>>, ListNode<Entry<T>> {
  /** On the set's ready list (finished, not handed out yet). */
  nextReady: Entry<T> | undefined = undefined;
  queued = false;
  /** Among all the set's tasks (for abortAll and dispose). */
  prevNode: Entry<T> | undefined = undefined;
  nextNode: Entry<T> | undefined = undefined;
  linked = false;
  /** The task's handle; undefined once the entry has left the set. */
  handle: JoinHandle<T> | undefined;

  constructor(
    readonly core: SetCore<T>,
    handle: JoinHandle<T>,
  ) {
    super();
    this.handle = handle;
  }

  /** The task finished (or a spent budget asks to be polled again): queue it, wake the waiters. */
  wakeBranch(): void {
    if (this.handle === undefined) return;
    const core = this.core;
    core.ready.push(this);
    core.waiters.wakeAll();
  }
}

/** A future waiting for a task of the set to finish: a `joinNext()` or a `joinAll()`. */
interface SetWaiter extends WaitNode<SetWaiter> {}

/** The set's state, shared by the set, its entries and its joinNext futures. */
class SetCore<T> {
  /** Finished tasks not yet handed out, in the order they finished. */
  readonly ready = new ReadyList<Entry<T>>();
  /** Pending joinNext() futures. */
  readonly waiters = new WaitList<SetWaiter>();
  /** Every task in the set, oldest first. */
  readonly entries = new List<Entry<T>>();

  get size(): number {
    return this.entries.size;
  }

  add(handle: JoinHandle<T>): void {
    const entry = new Entry(this, handle);
    this.entries.push(entry);
    // Register the entry as the task's joiner. A task just spawned has not
    // run yet (tasks are lazy), so this poll is PENDING and only stores
    // the entry's waker; the task wakes it when it finishes.
    handle.poll(entry);
  }

  /** Takes the head of the ready list out of the set. */
  removeHead(entry: Entry<T>): void {
    this.ready.shift();
    this.unlink(entry);
  }

  private unlink(entry: Entry<T>): void {
    this.entries.remove(entry);
    entry.handle = undefined;
  }

  /**
   * Hands out the first finished task: its value, or its JoinError
   * thrown. `PENDING` when none has finished, or when the current task's
   * budget is spent (then `cx` has been woken). `EMPTY` when the set is.
   */
  next(cx: Context): Poll<T> | typeof EMPTY {
    const entry = this.ready.head;
    if (entry === undefined) return this.size === 0 ? EMPTY : PENDING;
    const handle = entry.handle;
    if (handle === undefined) {
      this.ready.shift(); // cannot happen: entries leave the ready list as they leave the set
      return PENDING;
    }
    let out: Poll<T>;
    try {
      // Polled with the entry's own context: a spent budget wakes the
      // entry, which is still at the head of the list.
      out = handle.poll(entry);
    } catch (error) {
      this.removeHead(entry); // failed or cancelled: its JoinError is handed out
      throw error;
    }
    if (out === PENDING) {
      // The task has finished, so only a spent budget says PENDING: yield.
      cx.waker.wakeByRef();
      return PENDING;
    }
    this.removeHead(entry);
    return out;
  }

  /** Calls `fn` with every handle still in the set. */
  forEach(fn: (handle: JoinHandle<T>) => void): void {
    for (const e of this.entries) if (e.handle !== undefined) fn(e.handle);
  }

  /**
   * Empties the set, disposing every handle: that aborts the unfinished
   * tasks and disposes the values of finished ones nobody joined. Every
   * handle is disposed even if one throws; the first error is returned.
   */
  clear(): DropFailure | undefined {
    // Empty the set before any disposal runs code that might look at it.
    const handles: JoinHandle<T>[] = [];
    for (let e = this.entries.shift(); e !== undefined; e = this.entries.shift()) {
      if (e.handle !== undefined) handles.push(e.handle);
      e.handle = undefined;
    }
    this.ready.clear();
    let failed: DropFailure | undefined;
    for (const handle of handles) failed = dropKeepingFirst(handle, failed);
    this.waiters.wakeAll();
    return failed;
  }

  /** Empties the set, detaching every handle: the tasks run on, nobody joins them. */
  detachAll(): void {
    const handles: JoinHandle<T>[] = [];
    for (let e = this.entries.shift(); e !== undefined; e = this.entries.shift()) {
      if (e.handle !== undefined) handles.push(e.handle);
      e.handle = undefined;
    }
    this.ready.clear();
    for (const handle of handles) handle.detach();
    this.waiters.wakeAll();
  }
}

/** What {@link SetCore.next} returns for an empty set. */
const EMPTY: unique symbol = Symbol("EMPTY");

/** `core.next(cx)`, as a function of its arguments (for `withBudgetUnconstrained`). */
function nextOf<T>(core: SetCore<T>, cx: Context): Poll<T> | typeof EMPTY {
  return core.next(cx);
}

/** The future `joinNext()` returns; while it waits, it is its own node in the set's wait list. */
class JoinNext<T> extends Awaitable<T | undefined> implements SetWaiter {
  waker: Waker | undefined = undefined;
  prevNode: SetWaiter | undefined = undefined;
  nextNode: SetWaiter | undefined = undefined;
  linked = false;

  constructor(private readonly core: SetCore<T>) {
    super();
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "JoinSet.joinNext";
  }

  poll(cx: Context): Poll<T | undefined> {
    const core = this.core;
    let out: Poll<T> | typeof EMPTY;
    try {
      out = core.next(cx);
    } catch (error) {
      this.stopWaiting();
      throw error;
    }
    if (out === EMPTY) {
      this.stopWaiting();
      return undefined;
    }
    if (out !== PENDING) {
      this.stopWaiting();
      return out;
    }
    storeWaker(this, cx);
    if (!this.linked) core.waiters.push(this);
    return PENDING;
  }

  /** Drop: stops waiting. Nothing is lost: finished tasks stay in the set. */
  override [Symbol.dispose](): void {
    this.stopWaiting();
  }

  private stopWaiting(): void {
    this.core.waiters.remove(this);
    this.waker = undefined;
  }
}

/** The future `joinAll()` returns: every task's value, in the order they finished. */
class JoinAll<T> extends Awaitable<T[]> implements SetWaiter {
  waker: Waker | undefined = undefined;
  prevNode: SetWaiter | undefined = undefined;
  nextNode: SetWaiter | undefined = undefined;
  linked = false;
  /** Values handed out so far; owned by this future until it returns them. */
  private results: T[] = [];

  constructor(private readonly core: SetCore<T>) {
    super();
  }

  /** What a task awaiting it waits on: how far it got, for `rt.dump()`. */
  describeWait(): string {
    return `JoinSet.joinAll (${this.results.length} joined, ${this.core.size} to go)`;
  }

  poll(cx: Context): Poll<T[]> {
    const core = this.core;
    for (;;) {
      let out: Poll<T> | typeof EMPTY;
      try {
        out = core.next(cx);
      } catch (error) {
        // tokio's join_all panics here, dropping the set: the others are aborted.
        // The task's JoinError is the error to report; a disposal's error is not.
        this.stopWaiting();
        let failed = core.clear();
        for (const value of this.takeResults()) failed = dropKeepingFirst(value, failed);
        throw error;
      }
      if (out === EMPTY) {
        this.stopWaiting();
        return this.takeResults();
      }
      if (out === PENDING) break;
      this.results.push(out);
    }
    storeWaker(this, cx);
    if (!this.linked) core.waiters.push(this);
    return PENDING;
  }

  /** Drop: stops waiting; the values joined so far are dropped (disposed if Disposable). */
  override [Symbol.dispose](): void {
    this.stopWaiting();
    dropAll(this.takeResults());
  }

  private takeResults(): T[] {
    const results = this.results;
    this.results = [];
    return results;
  }

  private stopWaiting(): void {
    this.core.waiters.remove(this);
    this.waker = undefined;
  }
}

/**
 * A set of spawned tasks of one type, joined in the order they finish
 * (tokio's `JoinSet`). Disposing the set aborts every task still in it,
 * so `using set = new JoinSet()` cannot leak tasks past its block.
 *
 * `joinNext()` yields `undefined` when the set is empty ("undefined means
 * no more"); for tasks that themselves return `undefined`, loop on
 * `set.size > 0` instead.
 *
 * @example
 * ```ts
 * import { JoinSet, asyncFn, future, sleep } from "mini-tokio";
 * const work = asyncFn(function* (ms: number) { yield* sleep(ms); return ms; });
 * const f = future(function* () {
 *   using set = new JoinSet<number>();
 *   for (const ms of [30, 10, 20]) set.spawn(work(ms));
 *   const order: number[] = [];
 *   let v: number | undefined;
 *   while ((v = yield* set.joinNext()) !== undefined) order.push(v);
 *   return order; // [10, 20, 30]: completion order
 * });
 * ```
 */
export class JoinSet<T> implements Disposable {
  readonly #core = new SetCore<T>();

  /** Tasks in the set: running, or finished and not yet handed out by `joinNext`. */
  get size(): number {
    return this.#core.size;
  }

  /**
   * Spawns `future` as a task on the current runtime and adds it to the
   * set. Returns an {@link AbortHandle}: the set owns the task's result.
   *
   * @throws TypeError when `future` is not a future; Error outside a runtime.
   */
  spawn(future: Future<T>, options?: SpawnOptions): AbortHandle {
    const rt = currentRuntime();
    if (rt === undefined) {
      throw new Error(
        "JoinSet.spawn() was called outside a runtime: call it from a task (a future run by rt.blockOn, rt.run or main)",
      );
    }
    if (!isFuture(future)) throw notAFuture("JoinSet.spawn(future)", "future", future);
    const handle = rt.spawn(future, options);
    this.#core.add(handle);
    return handle.abortHandle();
  }

  /**
   * Waits for the next task of the set to finish and yields its value, in
   * completion order; throws its {@link JoinError} if it failed or was
   * cancelled. Either way the task leaves the set. Yields `undefined` at
   * once when the set is empty: a `select` loop with a `joinNext()` branch
   * spins on an empty set (that branch wins every time), so guard it with
   * `set.size > 0`, as tokio users do.
   *
   * **Cancel safety:** safe. A task's result is taken only in the poll
   * that returns it, so a dropped `joinNext()` (a lost `select`) leaves
   * every finished task in the set for the next call.
   *
   * @example
   * ```ts
   * import { JoinSet, future, yieldNow } from "mini-tokio";
   * const f = future(function* () {
   *   const set = new JoinSet<string>();
   *   set.spawn(future(function* () { yield* yieldNow(); return "a"; }));
   *   return yield* set.joinNext(); // "a"
   * });
   * ```
   */
  joinNext(): Awaitable<T | undefined> {
    return new JoinNext(this.#core);
  }

  /**
   * The value of a task that has already finished, without waiting (its
   * JoinError thrown if it failed or was cancelled), or `undefined` when
   * none has finished yet. It does not wait, so the cooperative budget does
   * not limit it (as in tokio): with the budget spent it still hands out
   * every finished task.
   *
   * @example
   * ```ts
   * import { JoinSet, future, yieldNow } from "mini-tokio";
   * const f = future(function* () {
   *   const set = new JoinSet<number>();
   *   set.spawn(future(function* () { return 1; }));
   *   set.tryJoinNext(); // undefined: the task has not run yet
   *   yield* yieldNow();
   *   return set.tryJoinNext(); // 1
   * });
   * ```
   */
  tryJoinNext(): T | undefined {
    const core = this.#core;
    const head = core.ready.head;
    if (head === undefined) return undefined;
    // It does not wait, so the budget has no say (tokio turns it off here
    // too): with the budget spent it would say "none finished" falsely.
    const out = withBudgetUnconstrained(nextOf, core, head);
    return out === PENDING || out === EMPTY ? undefined : out;
  }

  /**
   * Requests the abort of every task in the set. The tasks stay in the
   * set: `joinNext()` hands each one out, as a cancelled JoinError (or
   * its value, if it finished first). Loop on it to wait until every task
   * is gone.
   *
   * @example
   * ```ts
   * import { JoinError, JoinSet, future, sleep } from "mini-tokio";
   * const f = future(function* () {
   *   const set = new JoinSet<void>();
   *   set.spawn(sleep(1000));
   *   set.abortAll();
   *   try { yield* set.joinNext(); } catch (e) { return e instanceof JoinError && e.isCancelled(); } // true
   * });
   * ```
   */
  abortAll(): void {
    this.#core.forEach(abort);
  }

  /**
   * Waits for every task in the set and yields their values in the order
   * they finished (tokio's `join_all`); the set is empty afterwards. If a
   * task fails or is cancelled, its {@link JoinError} is thrown and every
   * task still in the set is aborted and removed (tokio panics and drops
   * the set), and the values joined so far are dropped.
   *
   * **Cancel safety:** not cancel safe. Dropping it drops the values
   * joined so far (disposing the Disposable ones); the tasks not yet
   * joined stay in the set.
   *
   * @example
   * ```ts
   * import { JoinSet, asyncFn, future, sleep } from "mini-tokio";
   * const work = asyncFn(function* (ms: number) { yield* sleep(ms); return ms; });
   * const f = future(function* () {
   *   using set = new JoinSet<number>();
   *   set.extend([work(20), work(10)]);
   *   return yield* set.joinAll(); // [10, 20]
   * });
   * ```
   */
  joinAll(): Awaitable<T[]> {
    return new JoinAll(this.#core);
  }

  /**
   * Spawns every future of `futures` into the set (tokio's `Extend` for
   * `JoinSet`). Every element is checked before any is spawned.
   *
   * @throws TypeError (spawning none) if an element is not a future;
   *   Error outside a runtime.
   * @example
   * ```ts
   * import { JoinSet, future, yieldNow } from "mini-tokio";
   * const f = future(function* () {
   *   using set = new JoinSet<string>();
   *   set.extend(["a", "b"].map((s) => future(function* () { yield* yieldNow(); return s; })));
   *   return set.size; // 2
   * });
   * ```
   */
  extend(futures: Iterable<Future<T>>): void {
    if (futures === null || typeof futures !== "object" || !(Symbol.iterator in futures)) {
      throw new TypeError(`JoinSet.extend(futures): futures must be an iterable of futures, got ${typeof futures}`);
    }
    const all = Array.from(futures);
    all.forEach((f, i) => {
      if (!isFuture(f)) throw notAFuture("JoinSet.extend(futures)", `futures[${i}]`, f);
    });
    for (const f of all) this.spawn(f);
  }

  /**
   * Removes every task from the set without aborting it (tokio's
   * `detach_all`): each runs on with nobody to join it. A finished task's
   * value that nobody joined is dropped, as `detach()` drops it. A waiting
   * `joinNext()` then yields `undefined`.
   *
   * @example
   * ```ts
   * import { JoinSet, future, sleep } from "mini-tokio";
   * const f = future(function* () {
   *   const set = new JoinSet<void>();
   *   set.spawn(sleep(100)); // say, a flush that must finish
   *   set.detachAll();
   *   return set.size; // 0, and the flush runs on
   * });
   * ```
   */
  detachAll(): void {
    this.#core.detachAll();
  }

  /**
   * Drop: aborts every unfinished task and forgets all of them (their
   * handles are disposed). A task that had finished but was not yet
   * handed out by `joinNext()` has its value disposed if it is Disposable
   * (tokio drops it): a lock guard it returned is released. Every task
   * leaves the set even if disposing a value throws; the first such error
   * is rethrown. A waiting `joinNext()` then yields `undefined`.
   */
  [Symbol.dispose](): void {
    const failed = this.#core.clear();
    if (failed !== undefined) throw failed.error;
  }
}

function abort(handle: AbortHandle): void {
  handle.abort();
}
