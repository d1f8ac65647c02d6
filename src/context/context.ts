/**
 * The per-thread record: everything the library reads from "where am I
 * running?", in one object, entered and left in one place.
 *
 * tokio keeps the same things in one thread-local `Context { current,
 * budget, rng, … }`. A JavaScript thread (the main thread or a worker) runs
 * one call stack, so a module-level object is that thread-local: each
 * worker that loads the library gets its own.
 *
 * ```text
 *   THREAD ─┬─ handle     the runtime driving now (spawn, timers, host operations)
 *           ├─ poll       the Context of the generator poll in progress (`yield*` reads it)  ┐ module variables:
 *           ├─ budget     units the task being polled may still spend                        ┘ the hottest two
 *           ├─ dropping   true while a generator future is dropped (awaiting then is an error)
 *           ├─ scope      the structured scope whose code is running
 *           ├─ random     the fallback random source when the runtime has no seed
 *           ├─ parkCell   the Int32Array blockOn parks on (made on first need)
 *           └─ hostIdleWatchers   pending run() calls waiting for the host loop to run dry
 * ```
 *
 * Who sets what: a runtime sets `handle` and `budget` when it starts
 * driving ({@link enterRuntime}, {@link leaveRuntime}) and refills `budget`
 * before each task poll; a generator future sets `poll` around its body
 * ({@link enterPoll}); a scope sets `scope` around its body and children.
 * Each setter returns what it replaced, and the caller restores it in a
 * `finally`, so runtimes nest (one driven from another's host callback)
 * and polls nest (a generator awaiting another).
 *
 * This is the only module-level mutable state in `src/` (a test keeps it
 * so).
 *
 * @module
 */

import type { Context } from "../future/future.js";
import { SeededRandom } from "../util/random.js";
import { budgetLeft, setBudget } from "./budget.js";
import type { Handle } from "./handle.js";

/** The per-thread record; see the module comment. @internal */
export class ThreadContext {
  /** The runtime driving on this thread now, or undefined outside one. */
  handle: Handle | undefined = undefined;
  /** True while a generator future is being dropped: awaiting then is an error. */
  dropping = false;
  /** Polls, in any runtime on this thread, whose budget ran out. */
  exhaustions = 0;
  /** Told when a poll's budget runs out: set by a traced runtime around its polls. */
  onBudgetExhausted: (() => void) | undefined = undefined;
  /**
   * The structured scope whose body or child is running (task/scope.ts's
   * `ScopeCore`). This layer sits below task/, so the slot is untyped and
   * scope.ts narrows it with `instanceof`.
   */
  scope: object | undefined = undefined;
  /**
   * Where `select` draws its fair start when the runtime has no seed. A
   * fixed seed: a program's runs stay reproducible, and fairness needs no
   * more than a spread of starts.
   */
  readonly random = new SeededRandom(0x2545f491);
  /** The cell `blockOn` parks on with `Atomics.wait`, made on first need. */
  parkCell: Int32Array | undefined = undefined;
  /** The never-aborted signal `fromPromise` hands makers that take no signal (made on first need). */
  idleSignal: AbortSignal | undefined = undefined;
  /** Who waits for the host loop to run dry (pending `run()` calls), behind one `beforeExit` listener. */
  hostIdleWatchers: Set<() => void> | undefined = undefined;
}

/** This thread's record. @internal */
export const THREAD = new ThreadContext();

// The two fields read on every await and every budgeted operation are
// module variables beside the code that reads them, rather than properties
// of THREAD: V8 reads a module variable of its own module with one load,
// where `THREAD.poll` from another module costs an import cell, a map
// check and a field load — about 10% of a `yield*` in the yield benchmark.
// The poll context is below; the budget's units live in budget.ts, with
// pollProceed. They are still the record's fields: set and read only
// through the functions of context/.

/** The context of the generator poll in progress, read by `yield*`. */
let pollContext: Context | undefined;

/** The context of the generator poll in progress (undefined outside one). @internal */
export function currentPoll(): Context | undefined {
  return pollContext;
}

/** What {@link enterRuntime} replaced, for {@link leaveRuntime}. @internal */
export interface RuntimeEntry {
  readonly handle: Handle | undefined;
  readonly budget: number;
  readonly exhaustions: number;
}

/**
 * A runtime starts driving its tasks on this thread: it becomes the
 * current handle, and the budget is saved, because a runtime driven from
 * inside another's task (a `blockOn` in a host callback, a `shutdown` of
 * another runtime) must give the outer task its budget back untouched.
 *
 * @internal
 */
export function enterRuntime(handle: Handle): RuntimeEntry {
  const entry: RuntimeEntry = { handle: THREAD.handle, budget: budgetLeft(), exhaustions: THREAD.exhaustions };
  THREAD.handle = handle;
  setBudget(Number.POSITIVE_INFINITY);
  return entry;
}

/**
 * Undoes {@link enterRuntime}; returns how many polls ran out of budget
 * meanwhile (the runtime adds them to its metrics).
 *
 * @internal
 */
export function leaveRuntime(entry: RuntimeEntry): number {
  THREAD.handle = entry.handle;
  setBudget(entry.budget);
  return THREAD.exhaustions - entry.exhaustions;
}

/**
 * Enters a poll: the awaits that run until {@link leavePoll} use `cx`.
 * Returns the context to restore, so polls nest (a generator future
 * awaiting another, or a combinator polling branches with their own
 * wakers).
 *
 * @internal
 */
export function enterPoll(cx: Context): Context | undefined {
  const outer = pollContext;
  pollContext = cx;
  return outer;
}

/** Restores the context saved by {@link enterPoll}. @internal */
export function leavePoll(outer: Context | undefined): void {
  pollContext = outer;
}

/**
 * Runs `drop` with awaiting forbidden: cleanup is synchronous, like Rust's
 * `drop`, so a `finally` that awaits while its future is dropped gets a
 * clear error at that await instead of suspending a half-dropped future.
 *
 * @internal
 */
export function whileDropping<R>(drop: () => R): R {
  const outerDropping = THREAD.dropping;
  const outerPoll = pollContext;
  THREAD.dropping = true;
  pollContext = undefined;
  try {
    return drop();
  } finally {
    THREAD.dropping = outerDropping;
    pollContext = outerPoll;
  }
}

/** Makes `scope` the enclosing scope; returns the one to restore. @internal */
export function enterScope(scope: object): object | undefined {
  const outer = THREAD.scope;
  THREAD.scope = scope;
  return outer;
}

/** Restores the scope saved by {@link enterScope}. @internal */
export function leaveScope(outer: object | undefined): void {
  THREAD.scope = outer;
}
