/**
 * `hostOperation()`: telling the runtime that a reply from the host is on
 * its way.
 *
 * @module
 */

import { currentHandle } from "./current.js";

/**
 * An outstanding host operation (a promise being awaited, a socket read, a
 * worker's reply) registered with the current runtime. While any is open,
 * paused time does not auto-advance, so a `timeout` cannot fire in virtual
 * time while the real reply is still on its way. End it when the reply
 * arrives or the waiting future is dropped; ending twice is harmless.
 */
export interface HostOperation extends Disposable {
  /** Ends the operation. Idempotent. */
  end(): void;
  /** Same as `end()`, for `using`. */
  [Symbol.dispose](): void;
}

/**
 * Registers an outstanding host operation with the runtime whose task is
 * running (throws outside one). Hand-written futures that wait on the host
 * call it when they start waiting.
 *
 * @example
 * ```ts
 * import { PENDING, hostOperation, type Context, type HostOperation, type Poll } from "mini-tokio";
 * class FromPromise<T> {
 *   #done: { value: T } | undefined;
 *   #op: HostOperation | undefined;
 *   constructor(private readonly promise: Promise<T>) {}
 *   poll(cx: Context): Poll<T> {
 *     if (this.#done !== undefined) return this.#done.value;
 *     if (this.#op === undefined) {
 *       const op = (this.#op = hostOperation());
 *       const waker = cx.waker;
 *       this.promise.then((value) => {
 *         this.#done = { value };
 *         op.end();
 *         waker.wake();
 *       });
 *     }
 *     return PENDING;
 *   }
 *   [Symbol.dispose](): void {
 *     this.#op?.end();
 *   }
 * }
 * ```
 */
export function hostOperation(): HostOperation {
  const release = currentHandle("hostOperation()").hold();
  return { end: release, [Symbol.dispose]: release };
}
