/**
 * Dropping a value nobody will receive.
 *
 * In Rust a future's output is a value like any other: when the join that
 * holds it is dropped, or the JoinHandle of a finished task is, the output
 * is dropped too, and a `MutexGuard` in it unlocks. JavaScript frees memory
 * by itself but has no destructors, so a value that guards something (a
 * lock guard, a semaphore permit, a sender) only lets go when its
 * `[Symbol.dispose]()` is called. The combinators and tasks that hold a
 * finished value on its owner's behalf call {@link dropValue} when the
 * owner goes away without taking it: otherwise the guard would be lost
 * still holding its lock, and the lock would be held forever.
 *
 * @module
 */

import "./symbols.js";

/** True when `value` has a `[Symbol.dispose]()` method: dropping it must call that. @internal */
function isDisposable(value: unknown): value is Disposable {
  if (typeof value !== "object" && typeof value !== "function") return false;
  if (value === null || !(Symbol.dispose in value)) return false;
  return typeof value[Symbol.dispose] === "function";
}

/**
 * Drops a value nobody will receive: disposes it if it is Disposable (a
 * lock guard, a permit, a handle), does nothing otherwise. An error its
 * disposal throws propagates.
 *
 * @internal
 */
export function dropValue(value: unknown): void {
  if (isDisposable(value)) value[Symbol.dispose]();
}

/** The first error some drop threw, kept while the others still run. @internal */
export type DropFailure = { readonly error: unknown };

/**
 * Drops `value` (see {@link dropValue}) without letting its error stop the
 * caller's other drops: returns `failed` as it is, or this drop's error if
 * it is the first. Cleanup runs to the end; the first error wins.
 *
 * @internal
 */
export function dropKeepingFirst(value: unknown, failed: DropFailure | undefined): DropFailure | undefined {
  try {
    dropValue(value);
  } catch (error) {
    return failed ?? { error };
  }
  return failed;
}

/**
 * Drops every item of `owned` (streams, futures, values), even when one of
 * the disposals throws; the first error is rethrown once all have run.
 *
 * @internal
 */
export function dropAll(owned: readonly unknown[]): void {
  let failed: DropFailure | undefined;
  for (const item of owned) failed = dropKeepingFirst(item, failed);
  if (failed !== undefined) throw failed.error;
}
