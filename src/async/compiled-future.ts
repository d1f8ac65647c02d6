/**
 * What `mini-tokio/compile` turns a generator future into: a state machine
 * with a `poll`, the way rustc lowers an `async fn`.
 *
 * The compiler rewrites `future(function* () { … })` into
 * `compiled.future(function () { …locals…; return function (m) { switch … } })`:
 * the outer function runs when the generator would have been called (so
 * parameters and `this` are bound at the same moment), keeps the locals that
 * live across awaits in its closure, and returns the resume function. Each
 * poll calls the resume function, which jumps to the saved state and runs
 * until the body returns or an await is pending. A body whose start would
 * bind nothing (no parameters, no locals kept across awaits, no `this`)
 * is its resume function alone: `compiled.body(function (m) { … })`; and
 * one with no await either has nothing to resume: `compiled.once(function
 * () { … })`, a {@link OnceFuture}.
 *
 * One `yield* f` is a first poll where the await stands, and a resume
 * point out of line for when it was pending:
 *
 * ```text
 *   if ((t = m.first(m.awaited = f, m.awaited?.[ITERATOR] === OWN_ITERATOR && m.awaited.next)) === SUSPENDED) {
 *     state = 7; return SUSPENDED;
 *   }
 *   state = 3;            // ready at once: on with the code that follows
 * case 3: …
 * case 7:                 // the next polls come back here
 *   if ((t = m.step()) === SUSPENDED) return SUSPENDED;
 *   state = 3; continue;
 * ```
 *
 * Everything else — what `yield*` does with a library future, another
 * generator future or a plain helper generator, what dropping does at each
 * kind of await, the errors for polling a finished future or awaiting during
 * drop — is the generator path's, so a compiled future and the generator it
 * came from cannot be told apart by what they do. No generator object and no
 * generator closure is made: only a plain closure per call, which V8 makes
 * cheaply.
 *
 * @module
 */

import { currentPoll, enterPoll, leavePoll, whileDropping } from "../context/context.js";
import { type Context, describe } from "../future/future.js";
import { PENDING, type Poll, type Suspend } from "../future/poll.js";
import { Awaitable, awaitNestedStep } from "./awaitable.js";
import { GeneratorFuture, returnedPending } from "./generator.js";

/**
 * What a resume function (and `CompiledFuture.step`) returns while the
 * await in progress is pending. It is not {@link PENDING} because a body may
 * legitimately produce `PENDING` as a value (a helper generator returning
 * it), and the machine must tell "suspended" from every value.
 */
export const SUSPENDED: unique symbol = Symbol("mini-tokio.suspended");

/**
 * Thrown into a compiled body at the await where its future is dropped: the
 * generator's "return completion". The compiler routes it through the
 * pending `finally` blocks only; no `catch` sees it.
 */
export const DROP: unique symbol = Symbol("mini-tokio.drop");

/** `Symbol.iterator`, for compiled code (its module may shadow `Symbol`). */
export const ITERATOR: typeof Symbol.iterator = Symbol.iterator;

/** The `[Symbol.iterator]` of every library future (Awaitable's own): what a compiled await site compares with. */
export const OWN_ITERATOR: () => unknown = Awaitable.prototype[Symbol.iterator];

/** A compiled body: runs from its saved state to a value or {@link SUSPENDED}. */
export type Resume<T> = (m: CompiledFuture<unknown>) => T | typeof SUSPENDED;

/**
 * How `CompiledFuture.step` drives the await in progress: a library
 * future is polled and tells the task what it waits on (`LEAF`); a
 * generator future is polled and reports its own waits (`NESTED`);
 * anything else `yield*` accepts goes through V8's own `yield*`
 * (`FOREIGN`); a foreign iterator that yielded a bare value makes the
 * machine throw the generator path's TypeError (`BARE_YIELD`); while the
 * future is dropped the next step returns from the await (`DROPPING`).
 */
type Awaiting = 0 | 1 | 2 | 3 | 4;
const LEAF: Awaiting = 0;
const NESTED: Awaiting = 1;
const FOREIGN: Awaiting = 2;
const BARE_YIELD: Awaiting = 3;
const DROPPING: Awaiting = 4;

const LEAF_NEXT = Awaitable.prototype.next;
const GENERATOR_NEXT = GeneratorFuture.prototype.next;

/**
 * `yield*` itself, for what is not a library future (a helper generator, an
 * iterator): V8 then does the delegation — getting the iterator, the errors
 * for a non-iterable, forwarding `return()` on drop — exactly as in a
 * generator future. Hoisted, so it costs no closure.
 */
function* delegate(x: Iterable<unknown>): Generator<unknown, unknown, unknown> {
  return yield* x;
}

/**
 * A future compiled from a generator function by `mini-tokio/compile`. It
 * behaves as the {@link GeneratorFuture} it replaces: awaited with `yield*`,
 * disposed to cancel it (pending `finally` blocks run, innermost first),
 * polled after completion it throws.
 *
 * @example
 * ```ts
 * import { Runtime, compiled } from "mini-tokio";
 * // What the compiler makes of `future(function* () { return 42; })`:
 * const f = compiled.future(function () {
 *   return function (_m) {
 *     return 42;
 *   };
 * });
 * console.log(new Runtime().blockOn(f));
 * ```
 *
 * ```text output
 * 42
 * ```
 */
export class CompiledFuture<T> extends Awaitable<T> {
  /** The resume function, or an ended one that explains why polling is wrong. */
  private body: Resume<T>;
  /**
   * Where the body resumes: its state number, read and written by the
   * compiled code only. A field of the machine rather than a local of the
   * body's closure, so a body with no other local makes no closure context.
   *
   * @internal
   */
  state = 0;
  /** The library future the await in progress polls (Leaf, Nested). */
  private future: Awaitable<unknown> | undefined = undefined;
  /** The `yield*` delegation the await in progress drives (Foreign). */
  private iterator: Iterator<unknown, unknown, undefined> | undefined = undefined;
  /** How {@link step} drives the await in progress. */
  private kind: Awaiting = LEAF;
  /**
   * What the await in progress works with: the value it awaits, written by
   * the compiled await site (which reads it again to recognise a library
   * future, see {@link CompiledFuture.first}), or what a foreign iterator
   * yielded instead of PENDING (the bare-yield error names it). A field,
   * not a local of the machine, so a parked machine is no bigger for it.
   *
   * @internal
   */
  awaited: unknown = undefined;

  /** @internal Made by the compiled code through {@link future}. */
  constructor(body: Resume<T>) {
    super();
    this.body = body;
  }

  /** Runs the body from its saved state until it returns (ready) or an await is pending. */
  poll(cx: Context): Poll<T> {
    const body = this.body;
    const outer = enterPoll(cx);
    let r: T | typeof SUSPENDED;
    try {
      r = body(this);
    } catch (error) {
      leavePoll(outer);
      if (!isEnded(body)) this.end(THREW);
      throw error;
    }
    leavePoll(outer);
    if (r !== SUSPENDED) {
      if (r === PENDING) {
        this.end(THREW);
        throw returnedPending();
      }
      this.end(FINISHED);
      return r;
    }
    if (this.kind === BARE_YIELD) throw this.bareYield();
    return PENDING;
  }

  /**
   * Starts an await (`yield* x` in the source) and polls it once: its
   * value, or {@link SUSPENDED}, after which compiled code calls
   * {@link step} at each poll until the value comes. A future ready at once
   * is never stored: one call, as cheap as the await can be.
   *
   * @internal
   */
  first(x: Iterable<unknown>, next: unknown): unknown {
    // `next` is what the await site read: x's `next` when x's
    // `[Symbol.iterator]` is Awaitable's own (which returns x), else false.
    // `yield*` would call x[Symbol.iterator]() at once, and get that same
    // `next` from what it returned; for a library future skipping the call
    // changes nothing observable.
    const leaf = next === LEAF_NEXT;
    if (leaf || next === GENERATOR_NEXT || next === COMPILED_NEXT) {
      // SAFETY: the await site found x's [Symbol.iterator] to be Awaitable's
      // own and passed x's own `next`, one of the library futures' own: x is
      // a library future, and reading that again here would cost a lookup
      // that sees every kind of future in the program.
      const f = x as Awaitable<unknown>;
      const cx = currentPoll();
      if (cx === undefined) throw outsidePoll(f);
      const p = f.poll(cx);
      if (p !== PENDING) return p;
      // What the task waits on, as awaitStep records it; generator
      // futures leave it to the futures they await.
      if (leaf) {
        if (cx.onPending !== undefined) cx.onPending(f);
        this.kind = LEAF;
      } else this.kind = NESTED;
      this.future = f;
      return SUSPENDED;
    }
    // V8's own delegation for the rest.
    // (Compiled code is not type-checked: `delegate`'s own `yield*` is what
    // checks that x is iterable, with V8's TypeError.)
    this.iterator = delegate(x);
    this.kind = FOREIGN;
    return this.step();
  }

  /**
   * Polls the await in progress: its value, or {@link SUSPENDED}. While the
   * future is being dropped, returns from the await instead (throws
   * {@link DROP}, or what the awaited iterator's `return()` threw).
   *
   * @internal
   */
  step(): unknown {
    const kind = this.kind;
    const f = this.future;
    if (f !== undefined && kind <= NESTED) {
      const cx = currentPoll();
      if (cx === undefined) throw outsidePoll(f);
      const p = f.poll(cx);
      if (p === PENDING) {
        // What the task waits on, as awaitStep records it; generator
        // futures leave it to the futures they await.
        if (kind === LEAF && cx.onPending !== undefined) cx.onPending(f);
        return SUSPENDED;
      }
      this.future = undefined;
      return p;
    }
    if (kind === DROPPING) return this.returnFromAwait();
    const it = this.iterator;
    if (it === undefined) throw new Error("mini-tokio: a compiled future stepped an await it never started");
    const r = it.next();
    if (r.done !== true) {
      if (r.value !== PENDING) {
        this.kind = BARE_YIELD;
        this.awaited = r.value;
      }
      return SUSPENDED;
    }
    this.iterator = undefined;
    return r.value;
  }

  /**
   * `using x = value` in a compiled body: checks `value` and registers its
   * `[Symbol.dispose]` on the block's `stack`, as the declaration does.
   *
   * @internal
   */
  using(stack: unknown[], value: unknown): unknown {
    if (value === null || value === undefined) return value;
    if (!isObject(value)) throw new TypeError(`using: ${describe(value)} is not an object`);
    const dispose = value[Symbol.dispose];
    if (typeof dispose !== "function") {
      throw new TypeError(`using: ${describe(value)} has no [Symbol.dispose]() method`);
    }
    stack.push(value, dispose);
    return value;
  }

  /**
   * The end of a block with `using` declarations: disposes what `stack`
   * holds, last first; a disposal that throws while an error is pending
   * wraps both in a SuppressedError. Rethrows the error, if any.
   *
   * @internal
   */
  disposeAll(stack: unknown[], error: unknown, hasError: boolean): void {
    let pending = error;
    let failed = hasError;
    for (let i = stack.length - 2; i >= 0; i -= 2) {
      const dispose = stack[i + 1];
      try {
        if (typeof dispose === "function") dispose.call(stack[i]);
      } catch (thrown) {
        pending = failed ? suppressed(thrown, pending) : thrown;
        failed = true;
      }
    }
    stack.length = 0;
    if (failed) throw pending;
  }

  /**
   * The iterator of a `for…of` whose body awaits (`x[Symbol.iterator]()`,
   * with the errors `for…of` throws for what is not iterable).
   *
   * @internal
   */
  iterate(x: Iterable<unknown>): object {
    const method = x[Symbol.iterator];
    // A plain array whose iteration nobody changed: a cursor that reads
    // what the built-in iterator would read (length, then the element, at
    // each step), with no result object per step.
    if (method === ARRAY_VALUES && Array.isArray(x) && arrayIterationIsBuiltIn()) return new ArrayCursor(x);
    if (typeof method !== "function") throw new TypeError(`${describe(x)} is not iterable`);
    const iterator: unknown = method.call(x);
    if (!isObject(iterator)) throw new TypeError("Result of the Symbol.iterator method is not an object");
    return iterator;
  }

  /**
   * One step result of such a loop's iterator, checked as `for…of` checks it.
   *
   * @internal
   */
  result(r: unknown): unknown {
    if (!isObject(r)) throw new TypeError(`Iterator result ${describe(r)} is not an object`);
    return r;
  }

  /**
   * Closes the iterator of a `for…of` left early (break, return, throw,
   * drop), as the loop would: after a throw, whatever `return()` does is
   * ignored and the first error wins.
   *
   * @internal
   */
  close(iterator: unknown, threw: boolean): void {
    if (!isObject(iterator)) return;
    const ret = iterator.return;
    if (ret === undefined || ret === null) return;
    if (threw) {
      try {
        if (typeof ret === "function") ret.call(iterator);
      } catch {
        // The loop's own error propagates, not this one.
      }
      return;
    }
    if (typeof ret !== "function") throw new TypeError(`${describe(ret)} is not a function`);
    const r: unknown = ret.call(iterator);
    if (!isObject(r)) throw new TypeError(`Iterator result ${describe(r)} is not an object`);
  }

  /**
   * One await step when an uncompiled generator awaits this future: the
   * futures this one's body awaits record what the task waits on.
   *
   * @internal
   */
  override next(): IteratorResult<Suspend, T> {
    return awaitNestedStep(this);
  }

  /** What a task awaiting it waits on: as the generator future it replaces. */
  describeWait(): string {
    return "a generator future";
  }

  /**
   * Drop: the awaited future is dropped first, then the pending `finally`
   * blocks run, innermost first. Idempotent. A body that tries to await
   * during drop gets an error thrown at that await.
   */
  override [Symbol.dispose](): void {
    const body = this.body;
    if (isEnded(body)) return;
    this.end(DROPPED);
    // Never polled: like a generator that never started, nothing runs.
    if (this.future === undefined && this.iterator === undefined) return;
    whileDropping(() => {
      if (!this.unwind(body)) {
        // A foreign iterator yielded from its cleanup: drop once more,
        // then report it, as the generator path does.
        this.unwind(body);
        throw new Error("a generator future yielded while being dropped: cleanup must be synchronous");
      }
    });
  }

  /** Resumes the body with a return completion at its await; false if it suspended again. */
  private unwind(body: Resume<T>): boolean {
    this.kind = DROPPING;
    try {
      return body(this) !== SUSPENDED;
    } catch (error) {
      if (error === DROP) return true;
      throw error;
    }
  }

  /** `return()` on what the await delegates to, as `yield*` does when its generator is returned. */
  private returnFromAwait(): unknown {
    const it = this.future ?? this.iterator;
    this.future = undefined;
    const ret = it?.return;
    if (it === undefined || ret === undefined || ret === null) throw DROP;
    const r: unknown = ret.call(it, undefined);
    if (!isObject(r)) throw new TypeError(`Iterator result ${describe(r)} is not an object`);
    if (r.done === true) {
      this.iterator = undefined;
      throw DROP;
    }
    // The delegate yielded from its own cleanup: the await stays in progress.
    this.kind = FOREIGN;
    return SUSPENDED;
  }

  private bareYield(): TypeError {
    const body = this.body;
    const value = this.awaited;
    this.end(THREW);
    whileDropping(() => this.unwind(body));
    return new TypeError(
      `a generator future yielded ${describe(value)}: await futures with \`yield* f\` (with the star), never a bare \`yield\``,
    );
  }

  private end(body: Resume<never>): void {
    this.body = body;
  }
}

const COMPILED_NEXT = CompiledFuture.prototype.next;

const ARRAY_VALUES = Array.prototype[Symbol.iterator];
const ARRAY_ITERATOR: object = Object.getPrototypeOf([][Symbol.iterator]());
const ARRAY_ITERATOR_NEXT: unknown = Reflect.get(ARRAY_ITERATOR, "next");

/**
 * True while `for…of` over an array still means what the language says:
 * the array iterator's `next` is the built-in one, and nothing along its
 * prototype chain gave it a `return` to call when a loop is left early.
 * Checked without calling a getter someone may have put there.
 */
function arrayIterationIsBuiltIn(): boolean {
  const next = Object.getOwnPropertyDescriptor(ARRAY_ITERATOR, "next");
  return next !== undefined && next.value === ARRAY_ITERATOR_NEXT && !("return" in ARRAY_ITERATOR);
}

/**
 * What `for…of` over a plain array steps through in a compiled body: the
 * built-in array iterator's reads (the length, then the element, at each
 * step; done for good once past the end), and it is its own step result,
 * which the compiled loop reads before anything else runs.
 */
class ArrayCursor {
  done = false;
  value: unknown = undefined;
  private index = 0;
  private array: readonly unknown[] | undefined;

  constructor(array: readonly unknown[]) {
    this.array = array;
  }

  next(): ArrayCursor {
    const array = this.array;
    if (array !== undefined) {
      const i = this.index;
      if (i < array.length) {
        this.index = i + 1;
        this.value = array[i];
        return this;
      }
      this.array = undefined;
    }
    this.done = true;
    this.value = undefined;
    return this;
  }
}

/**
 * No poll context: the future is being dropped. `yield*` would call
 * next(), whose awaitStep throws the generator path's "cannot await while
 * a future is being dropped": so do we.
 */
function outsidePoll(f: Awaitable<unknown>): Error {
  f.next();
  return new Error("mini-tokio: a compiled future was stepped outside a poll");
}

function isObject(x: unknown): x is Record<PropertyKey, unknown> {
  return (typeof x === "object" && x !== null) || typeof x === "function";
}

/** The error of a disposal that failed while another error was pending (the engine's SuppressedError where it has one). */
function suppressed(error: unknown, suppressedError: unknown): Error {
  const message = "An error was suppressed during disposal";
  const Native: unknown = Reflect.get(globalThis, "SuppressedError");
  if (typeof Native === "function") {
    const made: unknown = Reflect.construct(Native, [error, suppressedError, message]);
    if (made instanceof Error) return made;
  }
  return Object.assign(new Error(message), { name: "SuppressedError", error, suppressed: suppressedError });
}

/** A resume function for a body that is gone: polling it throws the generator path's error. */
function endedBody(why: string): () => never {
  return () => {
    throw new Error(`a generator future was polled after it ${why}; a future is awaited once`);
  };
}
const FINISHED = endedBody('completed (Rust: "`async fn` resumed after completion")');
const THREW = endedBody("threw");
const DROPPED = endedBody("was dropped");

function isEnded(body: unknown): boolean {
  return body === FINISHED || body === THREW || body === DROPPED;
}

/**
 * The compiled `future(function* () { … })` (read as `compiled.future`): `start` runs now (binding
 * parameters and `this` as calling the generator function would) and returns
 * the resume function.
 *
 * **Cancel safety**: dropping the returned future at an await drops the
 * awaited future, then runs the pending `finally` blocks innermost first,
 * exactly as dropping the generator future it replaces would.
 *
 * @example
 * ```ts
 * import { Runtime, compiled } from "mini-tokio";
 * const f = compiled.future(() => (_m) => "ready at once");
 * console.log(new Runtime().blockOn(f));
 * ```
 *
 * ```text output
 * ready at once
 * ```
 *
 * @internal Emitted by `mini-tokio/compile`; not meant to be written by hand.
 */
export function future<T>(start: () => Resume<T>): CompiledFuture<T> {
  return new CompiledFuture(start());
}

/**
 * The compiled `future(function* () { … })` whose start would bind nothing
 * (read as `compiled.body`): the resume function itself, made when the
 * generator function would have been called. What a body with awaits and
 * no locals kept across them compiles to, such as `future(function* () {
 * yield* sleep(10); })`; one without awaits is a {@link once}.
 *
 * **Cancel safety**: as {@link future}.
 *
 * @example
 * ```ts
 * import { Runtime, compiled } from "mini-tokio";
 * // A resume function that is ready at its first call:
 * const f = compiled.body(() => 42);
 * console.log(new Runtime().blockOn(f));
 * ```
 *
 * ```text output
 * 42
 * ```
 *
 * @internal Emitted by `mini-tokio/compile`; not meant to be written by hand.
 */
export function body<T>(resume: Resume<T>): CompiledFuture<T> {
  return new CompiledFuture(resume);
}

/**
 * What `mini-tokio/compile` makes of a generator future whose body has no
 * await and binds nothing, such as `future(function* () { return i; })`:
 * the body runs once, at the first poll, to its value or its error. It
 * needs none of a machine's state (no state number, no await in
 * progress), so it is one field where a {@link CompiledFuture} has six, and
 * its poll has nothing to resume. It behaves as the generator future it
 * replaces: dropped before its poll, nothing runs; polled again after it
 * finished, threw or was dropped, it throws the same error.
 *
 * @example
 * ```ts
 * import { Runtime, compiled } from "mini-tokio";
 * // What the compiler makes of `future(function* () { return 42; })`:
 * console.log(new Runtime().blockOn(compiled.once(() => 42)));
 * ```
 *
 * ```text output
 * 42
 * ```
 */
export class OnceFuture<T> extends Awaitable<T> {
  /** The body, or an ended one that explains why polling is wrong. */
  private body: () => T;

  /** @internal Made by the compiled code through {@link once}. */
  constructor(body: () => T) {
    super();
    this.body = body;
  }

  /** Runs the body: its value, or its error thrown. */
  poll(cx: Context): Poll<T> {
    const body = this.body;
    // The poll context, as a machine sets it: `rt.dump()` called from the
    // body finds its own task through it.
    const outer = enterPoll(cx);
    let r: T;
    try {
      r = body();
    } catch (error) {
      leavePoll(outer);
      if (!isEnded(body)) this.body = THREW;
      throw error;
    }
    leavePoll(outer);
    if (r === PENDING) {
      this.body = THREW;
      throw returnedPending();
    }
    this.body = FINISHED;
    return r;
  }

  /** What a task awaiting it waits on: as the generator future it replaces. */
  describeWait(): string {
    return "a generator future";
  }

  /** Drop: a body that has not run never will. */
  override [Symbol.dispose](): void {
    if (!isEnded(this.body)) this.body = DROPPED;
  }
}

/**
 * The compiled `future(function* () { … })` whose body has no await and
 * binds nothing (read as `compiled.once`): see {@link OnceFuture}.
 *
 * **Cancel safety**: dropping it before its poll runs nothing.
 *
 * @example
 * ```ts
 * import { Runtime, compiled } from "mini-tokio";
 * const f = compiled.once(() => "ready at once");
 * console.log(new Runtime().blockOn(f));
 * ```
 *
 * ```text output
 * ready at once
 * ```
 *
 * @internal Emitted by `mini-tokio/compile`; not meant to be written by hand.
 */
export function once<T>(body: () => T): OnceFuture<T> {
  return new OnceFuture(body);
}

/**
 * The compiled `asyncFn(function* (…) { … })` (read as `compiled.asyncFn`): each call starts a new
 * machine with the call's arguments and `this`.
 *
 * **Cancel safety**: as {@link future}, for each future a call returns.
 *
 * @example
 * ```ts
 * import { Runtime, compiled } from "mini-tokio";
 * const double = compiled.asyncFn((n: number) => (_m) => n * 2);
 * console.log(new Runtime().blockOn(double(21)));
 * ```
 *
 * ```text output
 * 42
 * ```
 *
 * @internal Emitted by `mini-tokio/compile`; not meant to be written by hand.
 */
export function asyncFn<A extends unknown[], T>(start: (...args: A) => Resume<T>): (...args: A) => CompiledFuture<T> {
  return function (this: unknown, ...args: A): CompiledFuture<T> {
    return new CompiledFuture(start.apply(this, args));
  };
}
