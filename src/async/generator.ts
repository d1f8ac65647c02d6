/**
 * Generator futures: our `async` blocks and `async fn`s.
 *
 * `future(function* () { … })` turns a generator function into a lazy
 * future, a poll-driven state machine like the one Rust's compiler makes
 * from an `async` block: the generator's suspended frame is the state, and
 * `yield* f` is `.await`. Nothing in the body runs until the future is
 * polled. Disposing the future calls the generator's `return()`, so its
 * `finally` blocks and `using` declarations run: that is Rust dropping the
 * state machine's live locals.
 *
 * Calling a freshly created generator closure is slow on Node 20 (V8 builds
 * a new map for each one, 1.5–3 µs), so hoist generator functions that run
 * often: `asyncFn` at module level, called many times, is the fast shape.
 *
 * @module
 */

import { enterPoll, leavePoll, whileDropping } from "../context/context.js";
import { type Context, describe } from "../future/future.js";
import { PENDING, type Poll, type Suspend } from "../future/poll.js";
import { Awaitable, awaitNestedStep } from "./awaitable.js";

/** The generator an `async` body is written as. */
export type AsyncBody<T> = Generator<Suspend, T, unknown>;

/**
 * What a generator function may yield, as {@link future} and
 * {@link asyncFn} infer it: anything, so that a wrong `yield` is caught by
 * {@link BareYieldIsNotAnAwait} with a message, not by a seven-level
 * mismatch of iterator types. (A constraint that names `symbol` keeps the
 * inferred type `typeof PENDING` instead of widening it to `symbol`.)
 *
 * @example
 * ```ts
 * import { future, PENDING } from "mini-tokio";
 * future(function* () { yield PENDING; }); // what `yield*` forwards: allowed
 * ```
 */
export type Yielded = symbol | {} | null | undefined;

/**
 * A compile error that reads as its fix: when a body yields anything but
 * `PENDING` (what `yield*` forwards), the argument of `future()` or
 * `asyncFn()` is required to have a property whose name is the sentence
 * below, and TypeScript's error quotes it. Resolves to `unknown` (no
 * requirement) for a correct body.
 *
 * @example
 * ```ts
 * import { future, sleep } from "mini-tokio";
 * // @ts-expect-error the error names the fix: `yield*`, not `yield`
 * future(function* () { yield sleep(10); });
 * ```
 */
export type BareYieldIsNotAnAwait<Y> = [Y] extends [Suspend]
  ? unknown
  : {
      "a bare `yield` is not an await: write `yield* f` for a library future, `yield* awaitable(f)` for a hand-written one, `yield* fromPromise(() => p)` for a promise": Y;
    };

/** What the driver uses of a body: resume it, or drop it. */
interface Body<T> {
  next(): IteratorResult<Suspend, T>;
  return(value?: unknown): IteratorResult<Suspend, unknown>;
}

const GeneratorFunction = Object.getPrototypeOf(function* () {});

/**
 * The future made from a generator by {@link future} or {@link asyncFn}.
 * It can be polled by any executor, awaited with `yield*`, and disposed to
 * cancel it mid-flight.
 *
 * @example
 * ```ts
 * import { Runtime, future, yieldNow, type GeneratorFuture } from "mini-tokio";
 * const f: GeneratorFuture<number> = future(function* () {
 *   yield* yieldNow();
 *   return 7;
 * });
 * new Runtime().blockOn(f); // 7
 * ```
 */
export class GeneratorFuture<T> extends Awaitable<T> {
  /** The suspended body, or an ended body that explains why polling it is wrong. */
  private gen: Body<T>;

  /** @internal Use {@link future} or {@link asyncFn}. */
  constructor(gen: AsyncBody<T>) {
    super();
    this.gen = gen;
  }

  /** Resumes the body until it returns (ready) or waits on a pending future. */
  poll(cx: Context): Poll<T> {
    const gen = this.gen;
    const outer = enterPoll(cx);
    let step: IteratorResult<Suspend, T>;
    try {
      step = gen.next();
    } catch (error) {
      leavePoll(outer);
      if (!isEnded(gen)) this.gen = THREW;
      throw error;
    }
    leavePoll(outer);
    if (step.done === true) {
      if (step.value === PENDING) {
        this.gen = THREW;
        throw returnedPending();
      }
      this.gen = FINISHED;
      return step.value;
    }
    if (step.value !== PENDING) throw this.bareYield(step.value);
    return PENDING;
  }

  /**
   * One await step when another generator awaits this one: what gets
   * recorded as awaited is the future this one's body waits on.
   *
   * @internal
   */
  override next(): IteratorResult<Suspend, T> {
    return awaitNestedStep(this);
  }

  /** What a task awaiting it waits on, as far as it knows (see `Future.describeWait`). */
  describeWait(): string {
    return "a generator future";
  }

  /**
   * Drop: runs the body's `finally` blocks and `using` disposals, innermost
   * awaited future first. Idempotent. A body that tries to await during
   * drop gets an error thrown at that await.
   */
  override [Symbol.dispose](): void {
    const gen = this.gen;
    if (isEnded(gen)) return;
    this.gen = DROPPED;
    whileDropping(() => {
      if (gen.return().done !== true) {
        // The body caught the drop and yielded a bare value from its finally.
        gen.return();
        throw new Error("a generator future yielded while being dropped: cleanup must be synchronous");
      }
    });
  }

  private bareYield(value: unknown): TypeError {
    const gen = this.gen;
    this.gen = THREW;
    whileDropping(() => gen.return());
    return new TypeError(
      `a generator future yielded ${describe(value)}: await futures with \`yield* f\` (with the star), never a bare \`yield\``,
    );
  }
}

/**
 * The error for a body that returned `PENDING`: as a future's value it
 * would read as "not ready yet" to whoever polls it, with no waker stored,
 * and the task would wait forever. Shared with the compiled machine.
 *
 * @internal
 */
export function returnedPending(): TypeError {
  return new TypeError(
    'a generator future returned PENDING, which to its poller means "not ready yet": a future cannot have PENDING as its value (return it inside an object: { value: PENDING })',
  );
}

/**
 * What a generator future holds once its body is gone: polling it again
 * throws an error saying why, with no check on the hot path.
 */
function endedBody(why: string): Body<never> {
  return {
    next(): never {
      throw new Error(`a generator future was polled after it ${why}; a future is awaited once`);
    },
    return: () => ({ done: true, value: undefined }),
  };
}
const FINISHED = endedBody('completed (Rust: "`async fn` resumed after completion")');
const THREW = endedBody("threw");
const DROPPED = endedBody("was dropped");

function isEnded(body: Body<unknown>): boolean {
  return body === FINISHED || body === THREW || body === DROPPED;
}

function checkGeneratorFunction(name: string, body: unknown): void {
  if (typeof body !== "function" || Object.getPrototypeOf(body) !== GeneratorFunction) {
    throw new TypeError(
      `${name}(body): body must be a generator function (function* () { … }), got ${describe(body)}${
        typeof body === "function" ? " that is not a generator function" : ""
      }`,
    );
  }
}

/**
 * An `async` block: a lazy future whose body is a generator function.
 * Inside, `const v = yield* f` awaits any library future (and `yield*
 * awaitable(x)` a hand-written one); errors propagate to the awaiting code
 * as exceptions. The body may return anything but `PENDING`, which to the
 * poller would mean "not ready yet": the poll that sees it throws a
 * TypeError instead.
 *
 * @example
 * ```ts
 * import { Runtime, future, spawn } from "mini-tokio";
 * const rt = new Runtime();
 * const sum = rt.blockOn(future(function* () {
 *   const a = spawn(future(function* () { return 20; }));
 *   const b = spawn(future(function* () { return 22; }));
 *   return (yield* a) + (yield* b);
 * }));
 * ```
 */
export function future<Y extends Yielded, T>(
  body: (() => Generator<Y, T, unknown>) & BareYieldIsNotAnAwait<Y>,
): GeneratorFuture<T>;
export function future<T>(body: () => AsyncBody<T>): GeneratorFuture<T> {
  checkGeneratorFunction("future", body);
  return new GeneratorFuture(body());
}

/**
 * An `async fn`: wraps a generator function so each call returns a new
 * lazy {@link GeneratorFuture}. Define it once, at module level, and call
 * it as often as you like: that is the fast shape on V8.
 *
 * @example
 * ```ts
 * import { Runtime, asyncFn, yieldNow } from "mini-tokio";
 * const add = asyncFn(function* (a: number, b: number) {
 *   yield* yieldNow();
 *   return a + b;
 * });
 * new Runtime().blockOn(add(1, 2)); // 3
 * ```
 */
export function asyncFn<A extends unknown[], Y extends Yielded, T>(
  body: ((...args: A) => Generator<Y, T, unknown>) & BareYieldIsNotAnAwait<Y>,
): (...args: A) => GeneratorFuture<T>;
export function asyncFn<A extends unknown[], T>(
  body: (...args: A) => AsyncBody<T>,
): (...args: A) => GeneratorFuture<T> {
  checkGeneratorFunction("asyncFn", body);
  return function (this: unknown, ...args: A): GeneratorFuture<T> {
    return new GeneratorFuture(body.apply(this, args));
  };
}
