/**
 * `select` and `race`: wait for the first of several futures, drop the
 * rest.
 *
 * The branches are polled by the selecting future itself, in the task that
 * awaits it. The first branch to be ready wins: its value is the result
 * (its error, if it threw, is rethrown), and every other branch is dropped
 * at once, inside that same poll, so their `finally` blocks have run by
 * the time the awaiting code continues (tokio's `select!`).
 *
 * **Fairness.** Each poll starts at a random branch and goes round, so a
 * branch that is always ready cannot starve the others. Once the task's
 * cooperative budget is spent, a poll returns Pending without polling any
 * branch (tokio's `select!`), so a loop over a select yields. With
 * `new Runtime({ seed })` the start is drawn from the runtime's seeded
 * generator, so a seed replays selects as well as scheduling.
 * `select.biased(…)` and `race.biased(…)` poll in argument order instead
 * (tokio's `biased;`): cheaper, and useful when order carries meaning (a
 * shutdown signal first).
 *
 * **One waker for all branches.** Every unfinished branch is polled each
 * time the select is polled, with the task's own context, as tokio's
 * `select!` does. A select has a handful of branches and polling a pending
 * leaf costs a few nanoseconds, which is less than giving each branch a
 * waker of its own would (an allocation per branch per select, and selects
 * are made in loops). For many futures, use `join` or a `JoinSet`, which
 * poll only the branches that were woken.
 *
 * **No loser holds a value.** A select returns in the poll where its first
 * branch is ready and drops the others without polling them again, so a
 * losing branch never finished and there is no value of its to dispose
 * (unlike `join`, which holds finished values and disposes them when it is
 * dropped). The only value is the winner's, and the caller receives it —
 * except when dropping a loser throws: then the winner's value is disposed
 * (if Disposable) before that error is rethrown, so a lock it won is
 * released.
 *
 * **Cancel safety.** Dropping a losing branch is dropping a future, so a
 * loop around `select` is only correct if every branch loses nothing when
 * dropped. For the library's futures:
 *
 * | branch                         | dropped by a lost select          |
 * |--------------------------------|-----------------------------------|
 * | `sleep`, `sleepUntil`          | safe: the timer is cancelled      |
 * | `yieldNow()`, `consumeBudget()`| safe                              |
 * | `rx.recv()` (mpsc, broadcast), `rx.changed()` (watch) | safe: a message leaves the channel only in the poll that returns it |
 * | `s.next()` on a stream         | safe                              |
 * | `lock()`, `read()`, `write()`, `acquire(n)`, `notified()` | safe: only the place in line is lost |
 * | `set.joinNext()` (JoinSet)     | safe: a finished task stays in the set |
 * | `token.cancelled()`            | safe                              |
 * | `tx.send(v)` (mpsc)            | `v` is not sent; the place in line is lost |
 * | `yield* oneshotRx`             | **not safe**: the receiver, and a value sent to it, are dropped |
 * | a `JoinHandle`                 | **not safe**: dropping it aborts the task (`detach()` first, or race `joinNext`) |
 * | `timeout(ms, f)`, `local.scope(v, f)` | as safe as `f`             |
 * | `join`, `select`, `race`       | as safe as their branches         |
 * | `scope(…)`                     | **not safe**: its children are cancelled |
 * | a generator future             | whatever its body loses at the `yield*` where it is suspended |
 *
 * The channel, lock and stream modules have the full story for their futures.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollBudgetAvailable } from "../context/budget.js";
import { THREAD } from "../context/context.js";
import { type DropFailure, dropKeepingFirst, dropValue } from "../future/drop.js";
import { type Context, type Future, type Output, waitDescription } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { checkFutures } from "../util/check.js";
import { suppressed } from "../util/suppressed.js";
import { describePendingBranches } from "./pending-branches.js";

/**
 * What `select` yields: which branch won and its value, as a union over
 * the branches, so checking `index` narrows `value`:
 * `Selected<[Future<number>, Sleep]>` is
 * `{ index: 0; value: number } | { index: 1; value: void }`.
 */
export type Selected<F extends readonly unknown[]> = {
  [K in keyof F]: K extends `${infer I extends number}`
    ? { readonly index: I; readonly value: Output<F[K]> }
    : { readonly index: number; readonly value: Output<F[K]> };
}[number];

/**
 * A random branch in [0, n) to start polling from: the runtime's seeded
 * generator, if it has one, so a seed replays selects too; else the
 * thread's own.
 */
function fairStart(n: number): number {
  return (THREAD.handle?.random ?? THREAD.random).below(n);
}

/** The future behind select and race: see the module comment. */
class Select extends Awaitable<unknown> {
  /** Undefined once the select has ended. */
  private branches: readonly Future<unknown>[] | undefined;

  constructor(
    branches: readonly Future<unknown>[],
    private readonly biased: boolean,
    /** select: `{ index, value }`; race: the value alone. */
    private readonly tagged: boolean,
    private readonly api: string,
  ) {
    super();
    this.branches = branches;
  }

  /**
   * What a task awaiting it waits on: its branches and what each waits
   * on, `select(2 branches: #0 Sleep(until 100 ms); #1 mpsc
   * Receiver.recv)` (see `Future.describeWait`).
   */
  describeWait(): string {
    const name = this.api.slice(0, this.api.indexOf("("));
    const branches = this.branches;
    if (branches === undefined) return `${name}(0 branches)`;
    const each = describePendingBranches(branches.length, (i) => waitDescription(branches[i]));
    return `${name}(${branches.length} branches: ${each})`;
  }

  poll(cx: Context): Poll<unknown> {
    const branches = this.branches;
    if (branches === undefined)
      throw new Error(`${this.api} was polled after it completed or was dropped; a future is awaited once`);
    // tokio's select! checks the budget before any branch: a branch that is
    // always ready and spends nothing would otherwise never let a loop over
    // the select yield.
    if (!pollBudgetAvailable(cx)) return PENDING;
    const n = branches.length;
    let i = this.biased || n === 1 ? 0 : fairStart(n);
    for (let k = 0; k < n; k++) {
      const f = branches[i];
      if (f !== undefined) {
        let out: Poll<unknown>;
        try {
          out = f.poll(cx);
        } catch (error) {
          // The winner threw: its error comes first; one thrown while
          // dropping the losers is kept with it.
          const failed = this.finish(i);
          throw failed === undefined ? error : suppressed(failed.error, error);
        }
        if (out !== PENDING) {
          const failed = this.finish(i);
          if (failed !== undefined) {
            // A loser threw while dropped, so the winner's value will not
            // be received: drop it too (a lock it won is released). The
            // loser's error comes first.
            try {
              dropValue(out);
            } catch (error) {
              throw suppressed(error, failed.error);
            }
            throw failed.error;
          }
          return this.tagged ? { index: i, value: out } : out;
        }
      }
      if (++i === n) i = 0;
    }
    return PENDING;
  }

  /** Drop: drops every branch, each once. Idempotent. */
  override [Symbol.dispose](): void {
    const failed = this.finish(-1);
    if (failed !== undefined) throw failed.error;
  }

  /**
   * Ends the select: drops every branch but the winner (which has ended),
   * even if a drop throws, and returns the first such error.
   */
  private finish(winner: number): DropFailure | undefined {
    const branches = this.branches;
    if (branches === undefined) return undefined;
    this.branches = undefined;
    let failed: DropFailure | undefined;
    for (let i = 0; i < branches.length; i++) {
      if (i !== winner) failed = dropKeepingFirst(branches[i], failed);
    }
    return failed;
  }
}

function makeSelect(api: string, futures: readonly Future<unknown>[], biased: boolean, tagged: boolean): Select {
  if (futures.length === 0) {
    throw new RangeError(`${api}: needs at least one future; with none it could never complete`);
  }
  checkFutures(api, futures);
  return new Select(futures, biased, tagged, api);
}

function selectOf<F extends readonly Future<unknown>[]>(
  api: string,
  futures: F,
  biased: boolean,
): Awaitable<Selected<F>> {
  // SAFETY: a Select made with tagged = true yields `{ index: i, value }`
  // where `value` is what futures[i] gave, which is the member of
  // Selected<F> whose index is i.
  return makeSelect(api, futures, biased, true) as Awaitable<Selected<F>>;
}

function raceOf<F extends readonly Future<unknown>[]>(
  api: string,
  futures: F,
  biased: boolean,
): Awaitable<Output<F[number]>> {
  // SAFETY: a Select made with tagged = false yields the value one of the
  // futures gave, an Output of one of F's elements.
  return makeSelect(api, futures, biased, false) as Awaitable<Output<F[number]>>;
}

/**
 * Waits for the first of the futures to be ready and yields
 * `{ index, value }` for it; every other future is dropped at once, inside
 * the same poll (tokio's `select!`). If the first to finish throws, the
 * others are dropped and its error is rethrown. Each poll starts at a
 * random branch (see the module comment on fairness); `select.biased`
 * polls in order.
 *
 * The result is a union over the branches, so testing `index` narrows
 * `value`.
 *
 * **Cancel safety:** dropping the select drops every branch. In a loop,
 * use branches that lose nothing when dropped (the module comment has the
 * table). The select itself holds no values: a branch that finished won
 * and its value was returned in that same poll, so there is nothing to
 * dispose on a drop (unlike {@link join}).
 *
 * @throws RangeError when called with no future; TypeError naming
 *   `futures[i]` when an argument is not a future, or is the same future
 *   as an earlier one (a future has one owner).
 * @example
 * ```ts
 * import { future, select, sleep, spawn } from "mini-tokio";
 * const f = future(function* () {
 *   const work = spawn(future(function* () { yield* sleep(50); return 42; }));
 *   const r = yield* select(work, sleep(100));
 *   if (r.index === 0) return r.value; // number
 *   return -1; // timed out (the task was aborted when its handle lost)
 * });
 * ```
 */
export function select<F extends readonly Future<unknown>[]>(...futures: F): Awaitable<Selected<F>> {
  return selectOf("select(...futures)", futures, false);
}

/**
 * {@link select} that polls the branches in argument order every time
 * (tokio's `biased;`): the first listed ready branch wins.
 *
 * **Cancel safety:** as {@link select}.
 *
 * @example
 * ```ts
 * import { CancellationToken, future, select, sleep } from "mini-tokio";
 * const token = new CancellationToken();
 * const f = future(function* () {
 *   for (;;) {
 *     const r = yield* select.biased(token.cancelled(), sleep(1000));
 *     if (r.index === 0) return "stopped"; // checked first, every time
 *   }
 * });
 * ```
 */
select.biased = function selectBiased<F extends readonly Future<unknown>[]>(...futures: F): Awaitable<Selected<F>> {
  return selectOf("select.biased(...futures)", futures, true);
};

/**
 * Waits for the first of the futures to be ready and yields its value
 * (its type is the union of the futures' types); every other future is
 * dropped at once. Like {@link select} without the index.
 *
 * **Cancel safety:** as {@link select}.
 *
 * @throws RangeError when called with no future; TypeError naming
 *   `futures[i]` when an argument is not a future, or is the same future
 *   as an earlier one (a future has one owner).
 * @example
 * ```ts
 * import { future, race, sleep } from "mini-tokio";
 * const f = future(function* () {
 *   const v = yield* race(
 *     future(function* () { yield* sleep(10); return "fast"; }),
 *     future(function* () { yield* sleep(20); return 2; }),
 *   ); // v: string | number, "fast"; the slow one was dropped
 *   return v;
 * });
 * ```
 */
export function race<F extends readonly Future<unknown>[]>(...futures: F): Awaitable<Output<F[number]>> {
  return raceOf("race(...futures)", futures, false);
}

/**
 * {@link race} that polls the branches in argument order every time.
 *
 * **Cancel safety:** as {@link select}.
 *
 * @example
 * ```ts
 * import { future, race, sleep } from "mini-tokio";
 * const f = future(function* () {
 *   return yield* race.biased(sleep(0), sleep(0)); // the first one, always
 * });
 * ```
 */
race.biased = function raceBiased<F extends readonly Future<unknown>[]>(...futures: F): Awaitable<Output<F[number]>> {
  return raceOf("race.biased(...futures)", futures, true);
};
