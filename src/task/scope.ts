/**
 * `scope(function* (s) { … })`: structured concurrency. Tasks spawned with
 * `s.spawn` are the scope's children, and no child outlives its scope.
 *
 * The rules, Trio's nursery and Kotlin's `coroutineScope` in our model:
 *
 * 1. The scope future ends only when its body *and* every child have
 *    ended. A body that returns waits for the children still running; the
 *    scope yields the body's value.
 * 2. The first failure, of the body or of a child, cancels everything
 *    else: the other children are aborted and a body still running is
 *    dropped (its `finally` blocks run). The error is rethrown once every
 *    child has finished dropping. A failure is an error thrown; a child
 *    aborted through its handle has not failed. A child's failure fails
 *    the scope even if the body awaited that child's handle and caught the
 *    JoinError: in a scope, errors cannot be lost.
 * 3. Dropping the scope future aborts its children and drops its body.
 *
 * A body that returned before its children ended leaves its value with the
 * scope until they have. If the scope then fails (rule 2) or is dropped
 * (rule 3), nobody will receive that value, so the scope disposes it, if it
 * has a `[Symbol.dispose]()` method: a lock guard the body returned is
 * released rather than held forever (Rust drops it the same way).
 *
 * The one thing a scope cannot do is wait in rule 3. Disposal is
 * synchronous, like Rust's `drop`, and a child is another task that may be
 * in the middle of its own poll, so it is aborted, and the executor drops
 * it at its next turn. This is the "async drop" problem that kept
 * `tokio::task::scope` from being merged (tokio issues #1879, #2592,
 * #2596); rules 1 and 2 hold exactly, and 3 holds by the next turn of each
 * child.
 *
 * Effection's scopes differ in rule 1: when an Effection operation
 * returns, its remaining children are halted, not awaited. To get that per
 * child here, hold its handle with `using h = s.spawn(…)`: the handle is
 * disposed when the body's block ends, which aborts the child.
 *
 * Children are real tasks on the current runtime, so they run
 * concurrently with the body and with each other. Tasks spawned with the
 * free `spawn()` inside a scope are not its children; give a child its own
 * children with a nested `scope(…)` or by passing `s` along.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { type AsyncBody, GeneratorFuture } from "../async/generator.js";
import { enterScope, leaveScope, THREAD } from "../context/context.js";
import { currentRuntime } from "../context/current.js";
import type { SpawnOptions } from "../context/handle.js";
import type { AbortHandle, JoinHandle } from "../context/join-handle.js";
import { dropValue } from "../future/drop.js";
import { type Context, describe, type Future, isFuture } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { notAFuture } from "../util/check.js";
import { List, type ListNode, storeWaker } from "../util/list.js";
import { suppressed } from "../util/suppressed.js";

/**
 * What a scope's body receives: spawn children that cannot outlive the
 * scope.
 *
 * @example
 * ```ts
 * import { future, scope, sleep } from "mini-tokio";
 * const f = scope(function* (s) {
 *   const a = s.spawn(future(function* () { yield* sleep(10); return 1; }));
 *   const b = s.spawn(future(function* () { yield* sleep(20); return 2; }));
 *   return (yield* a) + (yield* b); // 3
 * });
 * ```
 */
export interface Scope {
  /**
   * Spawns `future` as a child task of the scope on the current runtime
   * and returns its JoinHandle (awaiting it inside the scope works as for
   * any task; disposing it aborts the child). Callable from the body and
   * from the children while the scope runs; a child spawned while the
   * scope is being cancelled is aborted at once.
   *
   * @throws TypeError when `future` is not a future; Error outside a
   *   runtime or after the scope has ended.
   */
  spawn<T>(future: Future<T>, options?: SpawnOptions): JoinHandle<T>;
  /** Children spawned and not yet ended. */
  readonly size: number;
}

/**
 * Polls `future` with `core` as the enclosing scope (the per-thread
 * record's `scope`): set while a scope polls its body and while a child
 * task polls its future, so a scope dropped meanwhile knows who adopts its
 * children (see {@link ScopeCore.adopt}).
 */
function pollInScope<T>(core: ScopeCore, future: Future<T>, cx: Context): Poll<T> {
  const outer = enterScope(core);
  try {
    return future.poll(cx);
  } finally {
    leaveScope(outer);
  }
}

/** Drops `future` with `core` as the enclosing scope (see {@link pollInScope}). */
function dropInScope(core: ScopeCore, future: Future<unknown>): void {
  const outer = enterScope(core);
  try {
    future[Symbol.dispose]?.();
  } finally {
    leaveScope(outer);
  }
}

/** A child's future: the spawned future, reporting its end to its scope. */
class Child<T> implements Future<T>, ListNode<Child<unknown>> {
  prevNode: Child<unknown> | undefined = undefined;
  nextNode: Child<unknown> | undefined = undefined;
  linked = false;
  /** Set right after spawning, for cancellation. */
  handle: AbortHandle | undefined = undefined;
  private inner: Future<T> | undefined;

  constructor(
    /** The scope it reports to: its own, or the one that adopted it. */
    public core: ScopeCore,
    inner: Future<T>,
  ) {
    this.inner = inner;
  }

  poll(cx: Context): Poll<T> {
    const inner = this.inner;
    if (inner === undefined) throw new Error("a scope's child was polled after it ended");
    let out: Poll<T>;
    try {
      out = pollInScope(this.core, inner, cx);
    } catch (error) {
      this.inner = undefined;
      this.core.childEnded(this, { error });
      throw error; // the child's JoinHandle reports it too
    }
    if (out !== PENDING) {
      this.inner = undefined;
      this.core.childEnded(this, undefined);
    }
    return out;
  }

  /** Drop (an abort, a shutdown): drops the spawned future, then reports the end. */
  [Symbol.dispose](): void {
    const inner = this.inner;
    if (inner === undefined) return;
    this.inner = undefined;
    try {
      dropInScope(this.core, inner);
    } catch (error) {
      this.core.childEnded(this, { error });
      throw error;
    }
    this.core.childEnded(this, undefined);
  }
}

/** A scope's children and failure, shared by the scope future, `s` and the children. */
class ScopeCore implements Scope {
  /** Children spawned and not yet ended, oldest first. */
  readonly children = new List<Child<unknown>>();

  /** Children spawned and not yet ended. */
  get size(): number {
    return this.children.size;
  }
  /** The first failure, once there is one. */
  failure: { readonly error: unknown } | undefined = undefined;
  /** True once the scope cancels its children: after a failure, or when dropped. */
  cancelling = false;
  /** True once the body has returned, thrown or been dropped: the scope now waits for the children alone. */
  bodyEnded = false;
  /** True once the scope future has completed or been dropped. */
  ended = false;
  /** The waker of the task polling the scope future. */
  waker: Waker | undefined = undefined;

  spawn<T>(future: Future<T>, options?: SpawnOptions): JoinHandle<T> {
    if (!isFuture(future)) throw notAFuture("s.spawn(future)", "future", future);
    if (this.ended && !this.cancelling) {
      throw new Error(
        "s.spawn() was called after its scope ended: the child would outlive the scope. Spawn children from the scope's body or its children while it runs.",
      );
    }
    const rt = currentRuntime();
    if (rt === undefined) {
      throw new Error("s.spawn() was called outside a runtime: call it from the scope's body or one of its children");
    }
    const child = new Child<T>(this, future);
    const handle = rt.spawn(child, options);
    child.handle = handle.abortHandle();
    this.children.push(child);
    // Born into a scope that is cancelling: dropped at its first turn, never polled.
    if (this.cancelling) handle.abort();
    return handle;
  }

  /** A child ended (value, error, or dropped): unlink it; a failure cancels the rest. */
  childEnded(child: Child<unknown>, failed: { readonly error: unknown } | undefined): void {
    this.children.remove(child);
    child.handle = undefined;
    if (failed !== undefined) this.fail(failed);
    // Wake the scope when it has something to do: cancel after a failure,
    // or finish when the last child has gone and the body has ended.
    if (failed !== undefined || (this.size === 0 && this.bodyEnded)) this.waker?.wakeByRef();
  }

  /**
   * An error thrown while cleaning up after the first failure (dropping the
   * body, disposing its value): kept with the failure as a
   * `SuppressedError`, as `using` does, never dropped silently.
   */
  suppress(error: unknown): void {
    const failure = this.failure;
    this.failure = { error: failure === undefined ? error : suppressed(error, failure.error) };
  }

  /** Records the first failure and cancels the children. */
  fail(failed: { readonly error: unknown }): void {
    if (this.failure !== undefined || this.ended) return;
    this.failure = failed;
    this.cancel();
  }

  /** Aborts every child (a request each: the executor drops them at their turns). */
  cancel(): void {
    this.cancelling = true;
    for (const c of this.children) c.handle?.abort();
  }

  /**
   * Takes over the children of `dropped`, a scope dropped while this one's
   * code was running (a nested scope in a child or in the body). They have
   * been aborted but are dropped only at their next turns; counting them
   * here keeps this scope from ending before they have, so "no child
   * outlives its scope" holds for grandchildren too.
   */
  adopt(dropped: ScopeCore): void {
    for (let c = dropped.children.shift(); c !== undefined; c = dropped.children.shift()) {
      c.core = this;
      this.children.push(c);
      if (this.cancelling) c.handle?.abort();
    }
  }
}

/** The body a scope runs: a generator function, or a function returning a future (an `asyncFn`). */
export type ScopeBody<T> = (s: Scope) => AsyncBody<T> | Future<T>;

/** The future {@link scope} returns. */
class ScopeFuture<T> extends Awaitable<T> {
  private readonly core = new ScopeCore();
  /** The body before its first poll. */
  private start: ScopeBody<T> | undefined;
  /** The running body; undefined once it has ended or been dropped. */
  private body: Future<T> | undefined = undefined;
  /** The body's value, once it has returned. */
  private value: Poll<T> = PENDING;
  private done = false;

  constructor(start: ScopeBody<T>) {
    super();
    this.start = start;
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    return "scope";
  }

  poll(cx: Context): Poll<T> {
    if (this.done) throw new Error("scope() was polled after it completed or was dropped; a future is awaited once");
    const core = this.core;
    let body = this.body;
    const start = this.start;
    if (start !== undefined) {
      this.start = undefined;
      try {
        body = this.body = begin(start, core);
      } catch (error) {
        core.fail({ error });
      }
    }
    if (body !== undefined) {
      if (core.failure !== undefined) {
        // A child failed: drop the body here, in the task that owns it. An
        // error thrown while dropping it comes second to the failure.
        this.body = undefined;
        try {
          dropInScope(core, body);
        } catch (error) {
          core.suppress(error);
        }
      } else {
        try {
          const out = pollInScope(core, body, cx);
          if (out !== PENDING) {
            this.body = undefined;
            this.value = out;
          }
        } catch (error) {
          this.body = undefined;
          core.fail({ error });
        }
      }
    }
    if (this.body !== undefined) {
      storeWaker(core, cx);
      return PENDING;
    }
    core.bodyEnded = true;
    if (core.size === 0) {
      this.done = core.ended = true;
      core.waker = undefined;
      const failure = core.failure;
      const value = this.value;
      this.value = PENDING;
      if (failure !== undefined) {
        // A child failed after the body returned: nobody receives the
        // body's value, so drop it (a guard in it is released). The
        // failure is what the scope reports, even if that drop throws.
        try {
          dropValue(value);
        } catch (error) {
          core.suppress(error);
        }
        throw core.failure?.error ?? failure.error;
      }
      if (value === PENDING) throw new Error("internal: a scope ended without a value or a failure");
      return value;
    }
    storeWaker(core, cx);
    return PENDING;
  }

  /**
   * Drop: drops the body (its `finally` blocks run now) and aborts every
   * child; the executor drops each child at its next turn. If another
   * scope's code is running (this scope is nested in one of its children
   * or in its body), that scope adopts the children and waits for them.
   * A body that had returned and whose value waited for the children: the
   * value is disposed, if Disposable, after the children are aborted.
   * Idempotent.
   */
  override [Symbol.dispose](): void {
    if (this.done) return;
    this.done = true;
    const core = this.core;
    core.cancelling = true; // a child spawned from the body's finally is aborted at once
    core.waker = undefined;
    const body = this.body;
    const value = this.value;
    this.body = this.start = undefined;
    this.value = PENDING;
    const parent = THREAD.scope;
    try {
      if (body !== undefined) dropInScope(core, body);
    } finally {
      core.cancel();
      core.ended = true;
      if (parent instanceof ScopeCore && parent !== core && !parent.ended) parent.adopt(core);
    }
    // A body that returned has no future left to drop, only its value,
    // which nobody will receive now.
    dropValue(value);
  }
}

/** Calls the body with `s` and returns the future it stands for. */
function begin<T>(start: ScopeBody<T>, s: Scope): Future<T> {
  const made = start(s);
  if (isFuture(made)) return made;
  if (isGenerator(made)) return new GeneratorFuture(made);
  throw new TypeError(
    `scope(body): body must be a generator function or return a future, but it returned ${describe(made)}`,
  );
}

function isGenerator<T>(value: AsyncBody<T> | Future<T>): value is AsyncBody<T> {
  return typeof value === "object" && value !== null && "next" in value && "throw" in value && "return" in value;
}

/**
 * Runs `body` with a {@link Scope} whose children cannot outlive it:
 * structured concurrency. The returned future ends when the body and every
 * child have ended and yields the body's value; the first failure (body or
 * child) cancels the rest and is rethrown once they have all dropped;
 * dropping the future cancels the body and the children. See the module
 * comment for the rules.
 *
 * **Cancel safety:** not safe in a `select` loop: dropping the scope
 * cancels its body and aborts its children. If the body had already
 * returned and its value was waiting for the children, that value is
 * disposed (if Disposable: a lock guard is released), as it is when a
 * child fails after the body returned, since nobody will receive it.
 *
 * @throws TypeError when `body` is not a function.
 * @example
 * ```ts
 * import { Runtime, asyncFn, scope, sleep } from "mini-tokio";
 * const fetchPart = asyncFn(function* (ms: number) {
 *   try {
 *     yield* sleep(ms);
 *     if (ms === 20) throw new Error("part 20 failed");
 *     return ms;
 *   } finally {
 *     console.log(`part ${ms} ended`); // 10, then 20, then 30 (cancelled at 20 ms)
 *   }
 * });
 * const rt = new Runtime({ clock: "virtual" });
 * try {
 *   rt.blockOn(scope(function* (s) {
 *     const parts = [10, 20, 30].map((ms) => s.spawn(fetchPart(ms)));
 *     let total = 0;
 *     for (const p of parts) total += yield* p;
 *     return total;
 *   }));
 * } catch (e) {
 *   console.log(e); // Error: part 20 failed; no child is left running
 * }
 * ```
 */
export function scope<T>(body: (s: Scope) => AsyncBody<T>): Awaitable<T>;
/** A scope whose body is a function returning a future, such as a hoisted `asyncFn` taking `s`. */
export function scope<T>(body: (s: Scope) => Future<T>): Awaitable<T>;
/** A scope whose body is either. */
export function scope<T>(body: ScopeBody<T>): Awaitable<T>;
export function scope<T>(body: ScopeBody<T>): Awaitable<T> {
  if (typeof body !== "function") {
    throw new TypeError(
      `scope(body): body must be a generator function (function* (s) { … }) or a function returning a future, got ${describe(body)}`,
    );
  }
  return new ScopeFuture(body);
}
