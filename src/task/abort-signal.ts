/**
 * The `AbortSignal` type as the API names it, without requiring a host's
 * type declarations.
 *
 * `fromPromise` hands its maker a signal and `CancellationToken` converts to
 * and from one. A consumer compiling with `lib: ["es2022",
 * "esnext.disposable"]` and neither DOM nor `@types/node` has no global
 * `AbortSignal` type, and the shipped declarations must still typecheck
 * there. So the API names {@link HostAbortSignal}: the host's own
 * `AbortSignal` when its declarations define one (DOM, `@types/node`, Deno,
 * Bun), so a signal passes on to `fetch` as it is; else the structural
 * {@link AbortSignalLike} below, which is all the library itself uses.
 *
 * @module
 */

/**
 * The part of an `AbortSignal` mini-tokio relies on, for hosts whose type
 * declarations have none.
 *
 * @example
 * ```ts
 * import type { AbortSignalLike } from "mini-tokio";
 * const onAbort = (signal: AbortSignalLike): void =>
 *   signal.addEventListener("abort", () => console.log("aborted"), { once: true });
 * ```
 */
export interface AbortSignalLike {
  /** Whether the signal has aborted. */
  readonly aborted: boolean;
  /** Why it aborted (`undefined` while it has not). */
  readonly reason: unknown;
  /** Throws `reason` if the signal has aborted. */
  throwIfAborted(): void;
  /** Calls `listener` when the signal aborts. */
  addEventListener(type: "abort", listener: () => void, options?: { readonly once?: boolean }): void;
  /** Undoes an `addEventListener`. */
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * The host's `AbortSignal` type when its declarations have one (read off
 * `globalThis`, so naming it is never an error), else {@link AbortSignalLike}.
 *
 * @example
 * ```ts
 * import { CancellationToken, type HostAbortSignal } from "mini-tokio";
 * const signal: HostAbortSignal = new CancellationToken().toAbortSignal();
 * console.log(signal.aborted);
 * ```
 */
export type HostAbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;
