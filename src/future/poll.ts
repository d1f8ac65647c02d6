/**
 * `Poll<T>`: the answer a future gives each time it is polled.
 *
 * Rust spells it `enum Poll<T> { Ready(T), Pending }`. We spell it
 * `T | typeof PENDING`: a ready value is the value itself, so returning
 * Ready allocates nothing, and `PENDING` is one unique symbol no value can
 * be mistaken for.
 *
 * @module
 */

/**
 * The one value that means "not ready yet". A future returns it only after
 * storing `cx.waker` somewhere that will call `wake()` once progress is
 * possible: a `PENDING` with no waker stored is a lost wakeup.
 *
 * @example
 * ```ts
 * import { PENDING, type Poll } from "mini-tokio";
 * const notYet: Poll<number> = PENDING;
 * ```
 */
export const PENDING: unique symbol = Symbol("PENDING");

/**
 * The type of {@link PENDING}; also what a generator future yields while it
 * waits (our `async` bodies are `Generator<Suspend, T>`).
 */
export type Suspend = typeof PENDING;

/**
 * The result of one poll: the value `T` (Rust's `Poll::Ready(T)`) or
 * {@link PENDING} (`Poll::Pending`).
 *
 * @example
 * ```ts
 * import { PENDING, isReady, type Poll } from "mini-tokio";
 * const p: Poll<string> = Math.random() < 0.5 ? "done" : PENDING;
 * if (isReady(p)) console.log(p.toUpperCase());
 * ```
 */
export type Poll<T> = T | typeof PENDING;

/**
 * True when `p` is {@link PENDING}.
 *
 * @example
 * ```ts
 * import { PENDING, isPending } from "mini-tokio";
 * isPending(PENDING); // true
 * ```
 */
export function isPending<T>(p: Poll<T>): p is typeof PENDING {
  return p === PENDING;
}

/**
 * True when `p` holds a value; narrows it to `T`.
 *
 * @example
 * ```ts
 * import { isReady } from "mini-tokio";
 * isReady(42); // true
 * ```
 */
export function isReady<T>(p: Poll<T>): p is T {
  return p !== PENDING;
}
