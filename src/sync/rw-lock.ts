/**
 * `RwLock<T>`: a value many tasks may read at once, or one task may write.
 *
 * It is a {@link Semaphore} of `MAX_READS` permits plus the value (tokio's
 * shape): a read takes one permit, a write takes all of them. Fairness then
 * comes from the semaphore's queue for free: a waiting writer is assigned
 * each permit a finishing reader gives back, and since nothing is free
 * while anyone waits, readers who arrive after it queue behind it. Writers
 * are never starved by a stream of readers, and readers queued behind a
 * writer go after it.
 *
 * @module
 */

import type { Awaitable } from "../async/awaitable.js";
import { checkCount } from "../util/check.js";
import { Acquire, type LockCell, READ, Semaphore, WRITE } from "./semaphore.js";

/** Readers that may hold the lock at once; a writer takes all of them. */
const MAX_READS = Semaphore.MAX_PERMITS;

/**
 * Shared, read-only access to an {@link RwLock}'s value. Release it with
 * `release()` or `using`; reading `value` after release throws.
 *
 * @example
 * ```ts
 * import { RwLock, Runtime, future } from "mini-tokio";
 * const config = new RwLock({ verbose: false });
 * new Runtime().blockOn(future(function* () {
 *   using r = yield* config.read();
 *   console.log(r.value.verbose);
 * }));
 * ```
 */
export interface RwLockReadGuard<T> extends Disposable {
  /** The guarded value, read-only. */
  readonly value: T;
  /** Gives the read access back. Idempotent. */
  release(): void;
  /** Same as {@link RwLockReadGuard.release}: `using` calls it. */
  [Symbol.dispose](): void;
}

/**
 * Exclusive access to an {@link RwLock}'s value. Release it with
 * `release()` or `using`; using `value` after release throws.
 *
 * @example
 * ```ts
 * import { RwLock, Runtime, future } from "mini-tokio";
 * const config = new RwLock({ verbose: false });
 * new Runtime().blockOn(future(function* () {
 *   using w = yield* config.write();
 *   w.value = { verbose: true };
 * }));
 * ```
 */
export interface RwLockWriteGuard<T> extends Disposable {
  /** The guarded value, to read or replace. */
  value: T;
  /** Gives the write access back. Idempotent. */
  release(): void;
  /** Same as {@link RwLockWriteGuard.release}: `using` calls it. */
  [Symbol.dispose](): void;
  /**
   * Turns the write access into read access without letting go (tokio's
   * `RwLockWriteGuard::downgrade`): no writer can slip in between. Readers
   * waiting first in line get in at once; this guard gives no access
   * afterwards.
   *
   * @throws Error if this guard was already released.
   * @example
   * ```ts
   * import { RwLock, Runtime, future } from "mini-tokio";
   * const lock = new RwLock(0);
   * new Runtime().blockOn(future(function* () {
   *   const w = yield* lock.write();
   *   w.value = 42;
   *   using r = w.downgrade(); // others may read 42 now, nobody may write
   *   console.log(r.value);
   * }));
   * ```
   */
  downgrade(): RwLockReadGuard<T>;
  /**
   * Moves the write access to a guard of a part of the value (tokio's
   * `RwLockWriteGuard::map`): `project` picks the part, an object to change
   * in place (JavaScript has no reference to a field, so the part cannot be
   * replaced through the new guard). This guard gives no access afterwards.
   * If `project` throws, nothing moves.
   *
   * @throws TypeError unless `project` is a function; Error if this guard
   *   was already released.
   * @example
   * ```ts
   * import { RwLock, Runtime, future } from "mini-tokio";
   * const lock = new RwLock({ queue: [] as string[], paused: false });
   * new Runtime().blockOn(future(function* () {
   *   const w = yield* lock.write();
   *   using queue = w.map((s) => s.queue);
   *   queue.value.push("job");
   * }));
   * ```
   */
  map<U>(project: (value: T) => U): RwLockMappedWriteGuard<U>;
}

/**
 * Write access to a part of an {@link RwLock}'s value (tokio's
 * `RwLockMappedWriteGuard`), made by `RwLockWriteGuard.map`. JavaScript
 * has no reference to a field, so `value` is the projected part itself, to
 * change in place; it cannot be replaced (keep the write guard for that).
 * Releasing it releases the lock.
 *
 * @example
 * ```ts
 * import { RwLock, Runtime, future } from "mini-tokio";
 * const state = new RwLock({ users: new Map<string, number>(), version: 1 });
 * new Runtime().blockOn(future(function* () {
 *   const w = yield* state.write();
 *   using users = w.map((s) => s.users); // the access moves; w gives none now
 *   users.value.set("ada", 1);
 * }));
 * ```
 */
export interface RwLockMappedWriteGuard<U> extends Disposable {
  /** The projected part of the value; reading it after release throws. */
  readonly value: U;
  /** Narrows further: the access moves to a guard of a part of this part. */
  map<V>(project: (value: U) => V): RwLockMappedWriteGuard<V>;
  /** Gives the write access back. Idempotent. */
  release(): void;
  /** Same as {@link RwLockMappedWriteGuard.release}: `using` calls it. */
  [Symbol.dispose](): void;
}

/**
 * A value that many tasks may read at once or one may write, even across
 * awaits (tokio's `sync::RwLock`). Fair: requests are served in the order
 * they were made, so a waiting writer blocks readers that come after it,
 * and writers are never starved.
 *
 * @example
 * ```ts
 * import { RwLock, Runtime, future, spawn } from "mini-tokio";
 * const table = new RwLock(new Map<string, number>());
 * new Runtime().blockOn(future(function* () {
 *   {
 *     using w = yield* table.write();
 *     w.value.set("a", 1);
 *   }
 *   using r = yield* table.read();
 *   console.log(r.value.get("a")); // 1
 * }));
 * ```
 */
export class RwLock<T> {
  /** Readers that may hold the lock at once (2³⁰ − 1). */
  static readonly MAX_READS = MAX_READS;

  /** One permit per possible reader; a writer holds them all. */
  private readonly permits = new Semaphore(MAX_READS);
  /** Readers that may hold the lock at once: what a write takes. */
  private maxReads = MAX_READS;
  /** The value, reached through guards. */
  private readonly cell: LockCell<T>;

  /** An unlocked lock guarding `value`. */
  constructor(value: T) {
    this.cell = { data: value };
  }

  /**
   * An unlocked lock guarding `value` that lets at most `maxReaders`
   * readers in at once (tokio's `RwLock::with_max_readers`); the next
   * reader waits in line.
   *
   * @throws RangeError/TypeError unless `maxReaders` is an integer from 1
   *   to {@link RwLock.MAX_READS}.
   * @example
   * ```ts
   * import { RwLock } from "mini-tokio";
   * const lock = RwLock.withMaxReaders("shared", 2);
   * const a = lock.tryRead();
   * const b = lock.tryRead();
   * lock.tryRead(); // undefined: two readers already
   * ```
   */
  static withMaxReaders<T>(value: T, maxReaders: number): RwLock<T> {
    checkCount("RwLock.withMaxReaders(value, maxReaders)", "maxReaders", maxReaders, 1, MAX_READS);
    const lock = new RwLock(value);
    lock.maxReads = maxReaders;
    lock.permits.forgetPermits(MAX_READS - maxReaders);
    return lock;
  }

  /** Readers that may hold the lock at once (what {@link RwLock.withMaxReaders} set). */
  get maxReaders(): number {
    return this.maxReads;
  }

  /**
   * Waits for shared access, in line, and yields an
   * {@link RwLockReadGuard}. Ready at once — spending one unit of budget —
   * when no writer holds or waits for the lock.
   *
   * **Cancel safety:** dropping the future while it waits gives up its
   * place in line; a permit already handed to it goes on to the next
   * waiter, so a writer behind it is not stranded.
   *
   * @example
   * ```ts
   * import { RwLock, Runtime, future } from "mini-tokio";
   * const lock = new RwLock(5);
   * new Runtime().blockOn(future(function* () {
   *   using a = yield* lock.read();
   *   using b = yield* lock.read(); // readers share
   *   return a.value + b.value;
   * }));
   * ```
   */
  read(): Awaitable<RwLockReadGuard<T>> {
    return new Acquire(this.permits, this.cell, 1, READ);
  }

  /**
   * Waits for exclusive access, in line, and yields an
   * {@link RwLockWriteGuard}. While it waits, readers that arrive after it
   * queue behind it; the permits finishing readers give back are assigned
   * to it.
   *
   * **Cancel safety:** dropping the future while it waits gives up its
   * place in line, and the permits already assigned to it (from readers
   * that finished) go on to the readers queued behind it: they proceed at
   * once. Nothing stays locked.
   *
   * @example
   * ```ts
   * import { RwLock, Runtime, future } from "mini-tokio";
   * const lock = new RwLock(0);
   * new Runtime().blockOn(future(function* () {
   *   using w = yield* lock.write();
   *   w.value++;
   * }));
   * ```
   */
  write(): Awaitable<RwLockWriteGuard<T>> {
    return new Acquire(this.permits, this.cell, this.maxReads, WRITE);
  }

  /**
   * Takes shared access now if no writer holds or waits for the lock, else
   * returns undefined.
   *
   * @example
   * ```ts
   * import { RwLock } from "mini-tokio";
   * const lock = new RwLock("hello");
   * const r = lock.tryRead();
   * console.log(r?.value); // "hello"
   * r?.release();
   * ```
   */
  tryRead(): RwLockReadGuard<T> | undefined {
    return this.permits.tryTake(1, this.cell, READ);
  }

  /**
   * Takes exclusive access now if nobody holds or waits for the lock, else
   * returns undefined.
   *
   * @example
   * ```ts
   * import { RwLock } from "mini-tokio";
   * const lock = new RwLock(1);
   * const w = lock.tryWrite();
   * if (w !== undefined) {
   *   w.value = 2;
   *   w.release();
   * }
   * ```
   */
  tryWrite(): RwLockWriteGuard<T> | undefined {
    return this.permits.tryTake(this.maxReads, this.cell, WRITE);
  }
}
