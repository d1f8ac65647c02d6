/**
 * `Mutex<T>`: a value only one task at a time may use, across awaits.
 *
 * It is a {@link Semaphore} of one permit plus the value (tokio's shape):
 * `lock()` acquires the permit, the guard it yields reads and writes the
 * value, and releasing the guard gives the permit back to the next task in
 * line. So it inherits the semaphore's first-in first-out fairness and its
 * cancel safety.
 *
 * @module
 */

import type { Awaitable } from "../async/awaitable.js";
import { Acquire, type LockCell, MUTEX, Semaphore } from "./semaphore.js";

/**
 * Access to a {@link Mutex}'s value while the lock is held. Release it with
 * `release()`, or let `using` do it at the end of the scope. Reading or
 * writing `value` after release throws.
 *
 * @example
 * ```ts
 * import { Mutex, Runtime, future } from "mini-tokio";
 * const counter = new Mutex(0);
 * new Runtime().blockOn(future(function* () {
 *   using guard = yield* counter.lock();
 *   guard.value += 1;
 * })); // unlocked here
 * ```
 */
export interface MutexGuard<T> extends Disposable {
  /** The guarded value, to read or replace. */
  value: T;
  /** Unlocks: the next task in line gets the lock. Idempotent. */
  release(): void;
  /** Same as {@link MutexGuard.release}: `using` calls it. */
  [Symbol.dispose](): void;
}

/**
 * A value shared between tasks that one task at a time may use, even
 * across awaits (tokio's `sync::Mutex`). `lock()` waits its turn and yields
 * a {@link MutexGuard}; hold it with `using` so every exit from the scope —
 * return, throw, cancellation — unlocks.
 *
 * Fair: tasks get the lock in the order they asked for it.
 *
 * @example
 * ```ts
 * import { Mutex, Runtime, asyncFn, future, spawn, yieldNow } from "mini-tokio";
 * const log = new Mutex<string[]>([]);
 * const writer = asyncFn(function* (name: string) {
 *   using guard = yield* log.lock();
 *   guard.value.push(`${name} start`);
 *   yield* yieldNow(); // others wait: the two lines stay together
 *   guard.value.push(`${name} end`);
 * });
 * new Runtime().blockOn(future(function* () {
 *   const a = spawn(writer("a"));
 *   const b = spawn(writer("b"));
 *   yield* a;
 *   yield* b;
 * }));
 * ```
 */
export class Mutex<T> {
  /** One permit: whoever holds it holds the lock. */
  private readonly permit = new Semaphore(1);
  /** The value, reached through guards. */
  private readonly cell: LockCell<T>;

  /** A mutex guarding `value`, unlocked. */
  constructor(value: T) {
    this.cell = { data: value };
  }

  /** True while a task holds the lock (or it has been handed to the next in line). */
  get isLocked(): boolean {
    return this.permit.available === 0;
  }

  /**
   * Waits for the lock, in line behind earlier callers, and yields a
   * {@link MutexGuard}. Ready at once — spending one unit of the task's
   * cooperative budget — when the mutex is unlocked and nobody waits.
   *
   * **Cancel safety:** dropping the future while it waits gives up its
   * place in line; if the lock had already been handed to it, it passes on
   * to the next waiter. The mutex is never left locked by a dropped
   * `lock()`, and nobody behind it is stranded.
   *
   * @example
   * ```ts
   * import { Mutex, Runtime, future } from "mini-tokio";
   * const m = new Mutex({ hits: 0 });
   * new Runtime().blockOn(future(function* () {
   *   const guard = yield* m.lock();
   *   guard.value.hits++;
   *   guard.release();
   * }));
   * ```
   */
  lock(): Awaitable<MutexGuard<T>> {
    return new Acquire(this.permit, this.cell, 1, MUTEX);
  }

  /**
   * Takes the lock now if it is free and nobody waits, else returns
   * undefined.
   *
   * @example
   * ```ts
   * import { Mutex } from "mini-tokio";
   * const m = new Mutex(1);
   * const g = m.tryLock();
   * if (g !== undefined) {
   *   g.value = 2;
   *   g.release();
   * }
   * ```
   */
  tryLock(): MutexGuard<T> | undefined {
    return this.permit.tryTake(1, this.cell, MUTEX);
  }
}
