/**
 * `TaskLocal<T>`: a value that code can read while a particular future is
 * being polled (tokio's `task_local!`).
 *
 * `local.scope(value, f)` wraps `f`: each time the wrapper is polled it
 * puts `value` in the local, polls `f`, and puts the previous value back,
 * also when `f` throws. So `local.get()` returns `value` anywhere in the
 * code `f` runs, however deep, and nowhere else. Dropping the wrapper
 * drops `f` with the value in place too, so `finally` blocks can read it.
 *
 * It is inherited by nothing: a task spawned inside the scope is polled by
 * the executor later, outside it, and does not see the value. Pass it on
 * explicitly with another `scope(…)` around the spawned future.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { type Context, describe, type Future, isFuture, waitDescription } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import { notAFuture } from "../util/check.js";

/** What a local holds outside every scope. */
const UNSET: unique symbol = Symbol("unset");

/** The local's current value, shared with the futures that set it. */
interface Slot<T> {
  value: T | typeof UNSET;
}

/**
 * The future `local.scope(value, f)` returns (tokio's `TaskLocalFuture`):
 * it sets the local around every poll of `f`, and owns the value.
 *
 * @example
 * ```ts
 * import { TaskLocal, future } from "mini-tokio";
 * const user = new TaskLocal<string>("user");
 * const scoped = user.scope("ada", future(function* () {
 *   return user.get().length; // 3
 * }));
 * ```
 */
export class TaskLocalFuture<T, U> extends Awaitable<U> {
  private inner: Future<U> | undefined;
  /** The scope's value; UNSET once taken with takeValue(). */
  private value: T | typeof UNSET;

  /** @internal Use {@link TaskLocal.scope}. */
  constructor(
    private readonly slot: Slot<T>,
    value: T,
    inner: Future<U>,
  ) {
    super();
    this.value = value;
    this.inner = inner;
  }

  /**
   * Takes the scope's value back out (tokio's `take_value`): the value
   * the first time, `undefined` after (it was taken). From then on the
   * future no longer sets the local: if it is polled or dropped again, the
   * code inside reads the local as unset (`get()` throws, `tryGet()` says
   * `undefined`). Use it to get back a value that was lent to a scope once
   * the work is done or was given up.
   *
   * @example
   * ```ts
   * import { Runtime, TaskLocal, future } from "mini-tokio";
   * const budget = new TaskLocal<{ spent: number }>("budget");
   * const scoped = budget.scope({ spent: 0 }, future(function* () {
   *   budget.get().spent += 3;
   * }));
   * new Runtime().blockOn(scoped);
   * console.log(scoped.takeValue()?.spent); // 3
   * ```
   */
  takeValue(): T | undefined {
    const value = this.value;
    this.value = UNSET;
    return value === UNSET ? undefined : value;
  }

  /** A task-local scope is transparent: it waits on what its future waits on. */
  describeWait(): string {
    return this.inner === undefined ? "TaskLocal scope" : waitDescription(this.inner);
  }

  poll(cx: Context): Poll<U> {
    const inner = this.inner;
    if (inner === undefined)
      throw new Error("a TaskLocal scope was polled after it completed or was dropped; a future is awaited once");
    const slot = this.slot;
    const outer = slot.value;
    slot.value = this.value;
    let out: Poll<U>;
    try {
      out = inner.poll(cx);
    } catch (error) {
      this.inner = undefined;
      throw error;
    } finally {
      slot.value = outer;
    }
    if (out !== PENDING) this.inner = undefined;
    return out;
  }

  /** Drop: drops the inner future with the value in place, so its cleanup can read it. */
  override [Symbol.dispose](): void {
    const inner = this.inner;
    if (inner === undefined) return;
    this.inner = undefined;
    const slot = this.slot;
    const outer = slot.value;
    slot.value = this.value;
    try {
      inner[Symbol.dispose]?.();
    } finally {
      slot.value = outer;
    }
  }
}

/**
 * A task-local value: set for the duration of a future's polls with
 * {@link TaskLocal.scope}, read with {@link TaskLocal.get}. Spawned tasks
 * do not inherit it.
 *
 * @example
 * ```ts
 * import { Runtime, TaskLocal, future, yieldNow } from "mini-tokio";
 * const requestId = new TaskLocal<string>("requestId");
 * const log = (msg: string) => console.log(`[${requestId.tryGet() ?? "-"}] ${msg}`);
 * new Runtime().blockOn(requestId.scope("r-42", future(function* () {
 *   log("start");   // [r-42] start
 *   yield* yieldNow();
 *   log("end");     // [r-42] end
 * })));
 * ```
 */
export class TaskLocal<T> {
  /** The name given at construction, used in error messages. */
  readonly name: string | undefined;
  readonly #slot: Slot<T> = { value: UNSET };

  /** Makes a local; `name` appears in the error `get()` throws outside a scope. */
  constructor(name?: string) {
    if (name !== undefined && typeof name !== "string") {
      throw new TypeError(`new TaskLocal(name): name must be a string, got ${describe(name)}`);
    }
    this.name = name;
  }

  /**
   * Wraps `future` so that `get()` returns `value` while it is polled (and
   * while it is dropped), and the outer value otherwise.
   *
   * **Cancel safety:** as `future`'s: dropping the wrapper drops it.
   *
   * @throws TypeError when `future` is not a future.
   * @example
   * ```ts
   * import { TaskLocal, future } from "mini-tokio";
   * const user = new TaskLocal<string>("user");
   * const f = user.scope("ada", future(function* () {
   *   return `hello ${user.get()}`; // "hello ada"
   * }));
   * ```
   */
  scope<U>(value: T, future: Future<U>): TaskLocalFuture<T, U> {
    if (!isFuture(future)) throw notAFuture(`${this.label()}.scope(value, future)`, "future", future);
    return new TaskLocalFuture(this.#slot, value, future);
  }

  /**
   * The value of the innermost scope being polled.
   *
   * @throws Error when called outside every scope of this local.
   */
  get(): T {
    const value = this.#slot.value;
    if (value === UNSET) {
      throw new Error(
        `${this.label()}.get() was called outside a scope of this local: wrap the future that reads it in local.scope(value, future) (spawned tasks do not inherit it), or use tryGet()`,
      );
    }
    return value;
  }

  /** The value of the innermost scope being polled, or `undefined` outside every scope. */
  tryGet(): T | undefined {
    const value = this.#slot.value;
    return value === UNSET ? undefined : value;
  }

  private label(): string {
    return this.name === undefined ? "TaskLocal" : `TaskLocal "${this.name}"`;
  }
}
