/**
 * `join`, `tryJoin`, `joinAll`, `tryJoinAll`: run futures concurrently
 * inside one task and wait for all of them.
 *
 * The branches are polled by the joining future itself, in the task that
 * awaits it: no task is spawned, and dropping the join drops every branch
 * that has not finished (tokio's `join!`). Each branch is polled with a
 * waker of its own ({@link Branch}), so a poll of the join polls only the
 * branches that were woken since the last one: joining N futures that
 * finish one at a time costs O(N) polls, not O(N²).
 *
 * **Fairness.** Woken branches are polled in the order they were woken,
 * except that the branch polled first by one poll is polled last by the
 * next if it is due again (tokio's `join!` rotates its start the same way):
 * a branch that spends the task's whole cooperative budget each poll
 * cannot starve its siblings.
 *
 * Two rules for errors, because exceptions are our `Result::Err`:
 *
 * - `join` and `joinAll` let every branch run to its end. If any threw,
 *   the first error (in the order they were thrown) is rethrown once all
 *   branches have ended; later errors are dropped.
 * - `tryJoin` and `tryJoinAll` fail fast: the first error drops every
 *   other unfinished branch at once (their `finally` blocks run, once)
 *   and is rethrown (tokio's `try_join!`).
 *
 * **The values of finished branches.** A branch that finishes early hands
 * its value to the join, which holds it until every branch is done. If
 * the join ends without handing the values out — it is dropped, it fails
 * fast, or `join` rethrows a branch's error — nobody will ever receive
 * them, so the join drops them as Rust drops a dropped `join!`'s outputs:
 * each value with a `[Symbol.dispose]()` method (a lock guard, a permit, a
 * JoinHandle) is disposed, once, after the unfinished branches have been
 * dropped. Without that, a `mutex.lock()` branch that finished before its
 * sibling failed would leave the mutex locked for good.
 *
 * **Errors while dropping.** Every drop is attempted even if one throws.
 * The first error wins and the later ones are discarded: a branch's own
 * error when the join fails; otherwise the first thrown by dropping an
 * unfinished branch, then by disposing a value, each in input order (the
 * same rule `select` and the rest of the library follow, rather than an
 * `AggregateError` that callers would have to unpack).
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { type DropFailure, dropKeepingFirst } from "../future/drop.js";
import { type Context, type Future, type Output, waitDescription } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { checkFutures, futuresFrom } from "../util/check.js";
import { ReadyList, type ReadyNode, storeWaker } from "../util/list.js";
import { Branch } from "./branch.js";
import { describePendingBranches } from "./pending-branches.js";

/**
 * The values of a tuple of futures, element by element:
 * `Joined<[Future<number>, Sleep]>` is `[number, void]`.
 */
export type Joined<F extends readonly unknown[]> = { -readonly [K in keyof F]: Output<F[K]> };

/** What a generator future says it waits on (GeneratorFuture.describeWait). */
const GENERATOR = "a generator future";

/** One branch of a join: its future until it ends, and its own waker. */
class JoinBranch<T> extends Branch implements ReadyNode<JoinBranch<T>> {
  nextReady: JoinBranch<T> | undefined = undefined;
  queued = false;
  /** The branch's future; undefined once it has ended or been dropped. */
  future: Future<T> | undefined;

  constructor(
    readonly owner: Join<T>,
    readonly index: number,
    future: Future<T>,
  ) {
    super();
    this.future = future;
  }

  /**
   * The last future a generator inside this branch waited on (awaits
   * report it to their context), so a dump names the leaf instead of "a
   * generator future". One store per pending await, and only in branches.
   */
  awaited: Future<unknown> | undefined = undefined;

  onPending(future: Future<unknown>): void {
    this.awaited = future;
  }

  /** What this branch waits on, or undefined once it has ended. */
  describeWait(): string | undefined {
    const f = this.future;
    if (f === undefined) return undefined;
    const own = waitDescription(f);
    const awaited = this.awaited;
    // A generator future only knows it is one; what it awaited last says more.
    return awaited === undefined ? own : own.replace(GENERATOR, waitDescription(awaited));
  }

  wakeBranch(): void {
    // An ended branch's wakers may still be held somewhere: ignore them. A
    // queued branch will be polled anyway: it is on the ready list, or in
    // the part of it the join's poll is walking right now.
    if (this.future === undefined || this.queued) return;
    // The first wake since the join's last poll wakes its task; later ones
    // need not: a non-empty list means the task was woken already (the
    // waker changes only in a poll, and every poll empties the list).
    if (this.owner.ready.push(this)) this.owner.waker?.wakeByRef();
  }
}

/** The future behind every join: see the module comment. */
class Join<T> extends Awaitable<T[]> {
  /** Branches woken since the last poll; every branch starts on it. @internal */
  readonly ready = new ReadyList<JoinBranch<T>>();
  /** The waker of the task polling the join. @internal */
  waker: Waker | undefined = undefined;
  /** Undefined once the join has ended. */
  private branches: JoinBranch<T>[] | undefined;
  private readonly values: T[];
  private remaining: number;
  private failure: DropFailure | undefined = undefined;
  /** The branch polled first by the last poll: see the rotation in `poll`. */
  private first: JoinBranch<T> | undefined = undefined;

  constructor(
    futures: ArrayLike<Future<T>>,
    private readonly failFast: boolean,
    private readonly api: string,
  ) {
    super();
    const n = futures.length;
    const branches = new Array<JoinBranch<T>>(n);
    for (let i = 0; i < n; i++) {
      const f = futures[i];
      if (f === undefined) throw new TypeError(`${api}: futures[${i}] is missing`);
      const branch = new JoinBranch(this, i, f);
      branches[i] = branch;
      this.ready.push(branch);
    }
    this.branches = branches;
    this.values = new Array<T>(n);
    this.remaining = n;
  }

  /**
   * What a task awaiting it waits on: how many branches are pending and
   * what each waits on, `join(2 of 3 pending: #0 Sleep(until 100 ms); #2
   * mpsc Receiver.recv)` (see `Future.describeWait`).
   */
  describeWait(): string {
    const name = this.api.slice(0, this.api.indexOf("("));
    const head = `${name}(${this.remaining} of ${this.values.length} pending`;
    const branches = this.branches;
    if (branches === undefined || this.remaining === 0) return `${head})`;
    return `${head}: ${describePendingBranches(branches.length, (i) => branches[i]?.describeWait())})`;
  }

  poll(cx: Context): Poll<T[]> {
    if (this.branches === undefined)
      throw new Error(`${this.api} was polled after it completed or was dropped; a future is awaited once`);
    storeWaker(this, cx);
    // Rotate (tokio's join! does): a branch polled first last time goes
    // last if it is due again, so one that spends the whole budget each
    // poll cannot leave its siblings only a spent budget, poll after poll.
    const ready = this.ready;
    if (ready.head === this.first && ready.head !== ready.tail) {
      const again = ready.shift();
      if (again !== undefined) ready.push(again);
    }
    let node = ready.takeAll();
    this.first = node;
    while (node !== undefined) {
      const next = node.nextReady;
      node.nextReady = undefined;
      node.queued = false; // a wake from now on queues it for the next poll
      const f = node.future;
      if (f !== undefined) {
        let out: Poll<T>;
        try {
          out = f.poll(node);
        } catch (error) {
          node.future = undefined;
          this.remaining--;
          if (this.failure === undefined) this.failure = { error };
          if (this.failFast) {
            // The first error wins: one thrown while dropping a sibling or
            // a finished value is dropped.
            this.finish(true);
            throw error;
          }
          node = next;
          continue;
        }
        if (out !== PENDING) {
          node.future = undefined;
          this.values[node.index] = out;
          this.remaining--;
        }
      }
      node = next;
    }
    if (this.remaining > 0) return PENDING;
    const failure = this.failure;
    // Every branch has ended. With an error to rethrow, nobody receives
    // the values: drop them (the branch's error wins over theirs).
    this.finish(failure !== undefined);
    if (failure !== undefined) throw failure.error;
    return this.values;
  }

  /**
   * Drop: drops every branch that has not ended, each once, then disposes
   * the values of those that had finished. Idempotent.
   */
  override [Symbol.dispose](): void {
    const failed = this.finish(true);
    if (failed !== undefined) throw failed.error;
  }

  /**
   * Ends the join: drops the unfinished branches and then, with
   * `dropValues`, the values the finished ones left (see the module
   * comment), even if some of the drops throw, and returns the first such
   * error. Runs once: a second call finds the branches gone.
   */
  private finish(dropValues: boolean): DropFailure | undefined {
    const branches = this.branches;
    if (branches === undefined) return undefined;
    this.branches = undefined;
    this.waker = undefined;
    this.first = undefined;
    this.ready.clear();
    let failed: DropFailure | undefined;
    for (const branch of branches) {
      const f = branch.future;
      if (f === undefined) continue;
      branch.future = undefined;
      failed = dropKeepingFirst(f, failed);
    }
    if (dropValues) {
      const values = this.values;
      for (let i = 0; i < values.length; i++) failed = dropKeepingFirst(values[i], failed);
      values.length = 0; // nothing left to drop twice, or to keep alive
    }
    return failed;
  }
}

function joinTuple<F extends readonly Future<unknown>[]>(
  futures: F,
  failFast: boolean,
  api: string,
): Awaitable<Joined<F>> {
  checkFutures(api, futures);
  // SAFETY: a Join yields an array whose element i is the value futures[i]
  // gave (it throws otherwise), which is what Joined<F> says of element i.
  return new Join<unknown>(futures, failFast, api) as Awaitable<Joined<F>>;
}

/**
 * Runs the futures concurrently in the current task and yields all their
 * values, as a tuple typed element by element (tokio's `join!`). Every
 * branch runs to its end even if another throws; then the first error is
 * rethrown. Use {@link tryJoin} to stop at the first error.
 *
 * **Cancel safety:** dropping the join drops every unfinished branch (each
 * `finally` runs once), then disposes the values of the branches that had
 * finished, once each, if they are Disposable: a `mutex.lock()` branch that
 * finished gives its guard back, so nothing stays locked. Other values are
 * lost. The same happens to the values when the join rethrows a branch's
 * error, since nobody receives them. Every drop runs even if one throws;
 * the first error is rethrown (see the module comment).
 *
 * @throws TypeError naming `futures[i]` when an argument is not a future,
 *   or is the same future as an earlier one (a future has one owner).
 * @example
 * ```ts
 * import { future, join, sleep, spawn } from "mini-tokio";
 * const both = future(function* () {
 *   const [n, s] = yield* join(
 *     future(function* () { yield* sleep(10); return 1; }),
 *     future(function* () { yield* sleep(20); return "two"; }),
 *   ); // n: number, s: string, after 20 ms
 *   return `${n} ${s}`;
 * });
 * ```
 */
export function join<F extends readonly Future<unknown>[]>(...futures: F): Awaitable<Joined<F>> {
  return joinTuple(futures, false, "join(...futures)");
}

/**
 * Like {@link join}, but the first error drops every other unfinished
 * branch at once and is rethrown (tokio's `try_join!`).
 *
 * **Cancel safety:** as {@link join}. Failing fast is the same drop: the
 * unfinished branches are dropped and the finished branches' Disposable
 * values disposed (a permit a finished `acquire()` branch held goes back)
 * before the error is rethrown; an error from those drops is discarded in
 * favour of the branch's.
 *
 * @throws TypeError naming `futures[i]` when an argument is not a future,
 *   or is the same future as an earlier one (a future has one owner).
 * @example
 * ```ts
 * import { future, sleep, tryJoin } from "mini-tokio";
 * const f = future(function* () {
 *   try {
 *     yield* tryJoin(
 *       future(function* () { yield* sleep(10); throw new Error("no"); }),
 *       future(function* () {
 *         try { yield* sleep(1000); } finally { console.log("dropped at 10 ms"); }
 *       }),
 *     );
 *   } catch (e) {
 *     return e instanceof Error ? e.message : e; // "no"
 *   }
 * });
 * ```
 */
export function tryJoin<F extends readonly Future<unknown>[]>(...futures: F): Awaitable<Joined<F>> {
  return joinTuple(futures, true, "tryJoin(...futures)");
}

/**
 * {@link join} over an iterable: yields the values in input order. Every
 * future runs to its end; then the first error, if any, is rethrown.
 *
 * **Cancel safety:** as {@link join}: dropped (or rethrowing an error), it
 * drops the unfinished futures and disposes the Disposable values of the
 * finished ones.
 *
 * @throws TypeError when `futures` is not iterable, or an element is not a
 *   future or is the same future as an earlier one.
 * @example
 * ```ts
 * import { asyncFn, future, joinAll, sleep } from "mini-tokio";
 * const fetchOne = asyncFn(function* (id: number) { yield* sleep(id); return id * 2; });
 * const all = future(function* () {
 *   return yield* joinAll([1, 2, 3].map(fetchOne)); // [2, 4, 6]
 * });
 * ```
 */
export function joinAll<T>(futures: Iterable<Future<T>>): Awaitable<T[]> {
  return new Join(futuresFrom("joinAll(futures)", futures), false, "joinAll(futures)");
}

/**
 * {@link tryJoin} over an iterable: the values in input order, or the
 * first error, after which the other unfinished futures are dropped.
 *
 * **Cancel safety:** as {@link tryJoin}: dropped or failing fast, it drops
 * the unfinished futures and disposes the Disposable values of the
 * finished ones.
 *
 * @throws TypeError when `futures` is not iterable, or an element is not a
 *   future or is the same future as an earlier one.
 * @example
 * ```ts
 * import { asyncFn, future, sleep, tryJoinAll } from "mini-tokio";
 * const check = asyncFn(function* (id: number) {
 *   yield* sleep(id);
 *   if (id === 2) throw new Error(`bad ${id}`);
 *   return id;
 * });
 * const f = future(function* () {
 *   return yield* tryJoinAll([1, 2, 3].map(check)); // throws "bad 2" at 2 ms; 3 is dropped
 * });
 * ```
 */
export function tryJoinAll<T>(futures: Iterable<Future<T>>): Awaitable<T[]> {
  return new Join(futuresFrom("tryJoinAll(futures)", futures), true, "tryJoinAll(futures)");
}
