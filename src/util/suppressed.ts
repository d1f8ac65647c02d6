/**
 * `SuppressedError`: one error that keeps another which happened while
 * cleaning up after it, as `using` does when a disposal throws during an
 * exception. The engine's own class where it has one (Node ≥ 24, current
 * browsers), else a small stand-in with the same shape, so a secondary
 * error is never dropped silently.
 *
 * @module
 */

/** The shape of `SuppressedError`: `error` is the newer error, `suppressed` the one it happened after. */
export interface SuppressedErrorLike extends Error {
  /** The error thrown during cleanup. */
  readonly error: unknown;
  /** The error that was already on its way when cleanup threw. */
  readonly suppressed: unknown;
}

/** Constructs a {@link SuppressedErrorLike}. */
export interface SuppressedErrorConstructor {
  new (error: unknown, suppressed: unknown, message?: string): SuppressedErrorLike;
  readonly prototype: SuppressedErrorLike;
}

/** The stand-in for engines without a native `SuppressedError`. */
class SuppressedErrorPolyfill extends Error implements SuppressedErrorLike {
  override readonly name = "SuppressedError";
  constructor(
    readonly error: unknown,
    readonly suppressed: unknown,
    message = "An error was suppressed during disposal.",
  ) {
    super(message);
  }
}

/**
 * The `SuppressedError` class: the engine's own where it has one, else a
 * stand-in with the same fields (`error`, `suppressed`).
 *
 * @example
 * ```ts
 * import { SuppressedError } from "mini-tokio";
 * const e = new SuppressedError(new Error("cleanup failed"), new Error("first failure"));
 * console.log(e.suppressed); // Error: first failure
 * ```
 */
export const SuppressedError: SuppressedErrorConstructor =
  // `typeof` first: the lib declares the global, but Node 20's engine does not have it.
  typeof globalThis.SuppressedError === "function" ? globalThis.SuppressedError : SuppressedErrorPolyfill;

/** A `SuppressedError` saying `error` was thrown while `earlier` was on its way. @internal */
export function suppressed(error: unknown, earlier: unknown, message?: string): SuppressedErrorLike {
  return new SuppressedError(error, earlier, message);
}
