/**
 * `transfer(value, list)`: handing buffers to a worker (or back) instead of
 * copying them.
 *
 * Arguments and results cross the thread boundary by structured clone: a
 * copy. For a large `ArrayBuffer` that copy is the whole cost of the call,
 * so a value can be wrapped to say which buffers to *move*: the sender's
 * buffer is detached (its length becomes 0) and the receiver gets it
 * without a copy, as `postMessage(value, list)` does.
 *
 * @module
 */

import type { Transferable } from "node:worker_threads";

/**
 * The wrapper's tag: a registered symbol, so the copy of this module that
 * a worker thread loads recognises wrappers made by the parent's copy (and
 * so a mini-tokio bundled twice still agrees with itself).
 */
const TAG = Symbol.for("mini-tokio.blocking.transfer");

/** A value with the buffers to move along with it (made by {@link transfer}). */
export interface Transfer<T> {
  /** The value itself. */
  readonly value: T;
  /** The buffers (or ports) inside `value` to move rather than copy. */
  readonly list: readonly Transferable[];
}

/**
 * Wraps `value` so the listed buffers inside it are moved to the other
 * thread, not copied: as an argument of `spawnBlocking`, or as what a job
 * function returns. The job sees (or the handle yields) the bare `value`.
 *
 * @throws TypeError if `list` is not an array.
 * @example
 * ```ts
 * import { transfer } from "mini-tokio/blocking";
 * const bytes = new Uint8Array(1 << 20);
 * const arg = transfer(bytes, [bytes.buffer]); // `bytes` is detached once sent
 * ```
 */
export function transfer<T>(value: T, list: readonly Transferable[]): Transfer<T> {
  if (!Array.isArray(list)) {
    throw new TypeError("transfer(value, list): list must be an array of ArrayBuffers or MessagePorts to move");
  }
  const wrapper: Transfer<T> = { value, list };
  Object.defineProperty(wrapper, TAG, { value: true });
  return wrapper;
}

/** True when `value` was made by {@link transfer}. @internal */
export function isTransfer(value: unknown): value is Transfer<unknown> {
  return typeof value === "object" && value !== null && TAG in value;
}

/**
 * Unwraps `value` if it is a {@link transfer} wrapper, adding its list to
 * `moved`. @internal
 */
export function unwrapTransfer(value: unknown, moved: Transferable[]): unknown {
  if (!isTransfer(value)) return value;
  for (const item of value.list) moved.push(item);
  return value.value;
}
