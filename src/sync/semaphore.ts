/**
 * `Semaphore`: a pool of permits that tasks acquire and give back, queueing
 * first-in first-out when there are not enough. It is also the one piece
 * `Mutex` (one permit) and `RwLock` (a write takes every permit) are made
 * of, as in tokio.
 *
 * ```text
 *   available: 0         waiters (FIFO)
 *                        head ──▶ [acquire 3: 2 assigned, needs 1] ⇄ [acquire 1: needs 1] ◀── tail
 *   release(2) ─────────▶ 1 to the head (now complete: unlinked, woken), 1 to the next (complete, woken)
 * ```
 *
 * Permits given back go to the head waiter first, even when they are not
 * yet enough for it: they are *assigned* to it and it waits for the rest.
 * So a large request is never starved by a stream of small ones, and while
 * anyone waits no permit is free (`availablePermits` is 0). A new acquire
 * therefore never overtakes an earlier waiter, even one asking for more.
 *
 * The future returned by `acquire()` is the waiter itself (it is its node
 * in the intrusive {@link WaitList}) and, once ready, it is the permit too:
 * acquiring allocates one object.
 *
 * @module
 */

import { Awaitable } from "../async/awaitable.js";
import { pollProceed } from "../context/budget.js";
import type { Context } from "../future/future.js";
import { PENDING, type Poll } from "../future/poll.js";
import type { Waker } from "../future/waker.js";
import { checkCount } from "../util/check.js";
import { storeWaker, WaitList, type WaitNode, wakeNode } from "../util/list.js";

/** The most permits a semaphore can hold (kept within V8's small integers). */
const MAX_PERMITS = 2 ** 30 - 1;

/**
 * Thrown by a pending or later `acquire()` once its {@link Semaphore} is
 * closed. Permits already held stay valid.
 *
 * @example
 * ```ts
 * import { AcquireError, Runtime, Semaphore, future } from "mini-tokio";
 * const sem = new Semaphore(0);
 * sem.close();
 * new Runtime().blockOn(future(function* () {
 *   try {
 *     yield* sem.acquire();
 *   } catch (e) {
 *     if (e instanceof AcquireError) console.log("closed");
 *   }
 * }));
 * ```
 */
export class AcquireError extends Error {
  override readonly name = "AcquireError";

  /** @internal Made by the semaphore. */
  constructor() {
    super("the semaphore is closed: acquire() can no longer succeed (permits already held stay valid)");
  }
}

/**
 * Permits taken from a {@link Semaphore}: give them back with `release()`,
 * or let `using` do it at the end of the scope.
 *
 * @example
 * ```ts
 * import { Runtime, Semaphore, future } from "mini-tokio";
 * const sem = new Semaphore(4);
 * new Runtime().blockOn(future(function* () {
 *   using permit = yield* sem.acquire(2);
 *   console.log(permit.permits, sem.availablePermits); // 2 2
 * })); // released here
 * ```
 */
export interface SemaphorePermit extends Disposable {
  /** How many permits this holds: what was acquired, 0 once released or forgotten. */
  readonly permits: number;
  /** Gives the permits back to the semaphore. Idempotent. */
  release(): void;
  /** Drops the permits without giving them back: the semaphore has that many fewer for good. */
  forget(): void;
  /**
   * Moves every permit of `other` into this one (tokio's
   * `SemaphorePermit::merge`): `other` then holds none, and releasing this
   * gives back both.
   *
   * @throws TypeError if `other` is not a held permit of the same
   *   semaphore, or is this permit; Error if this one was released.
   * @example
   * ```ts
   * import { Semaphore } from "mini-tokio";
   * const sem = new Semaphore(3);
   * const a = sem.tryAcquire(1);
   * const b = sem.tryAcquire(2);
   * if (a && b) a.merge(b); // a.permits === 3, b.permits === 0
   * ```
   */
  merge(other: SemaphorePermit): void;
  /**
   * Splits `n` permits off into a new permit (tokio's
   * `SemaphorePermit::split`); undefined, and nothing moved, if this holds
   * fewer than `n`.
   *
   * @throws RangeError/TypeError unless `n` is an integer ≥ 0.
   * @example
   * ```ts
   * import { Semaphore } from "mini-tokio";
   * const sem = new Semaphore(4);
   * const all = sem.tryAcquire(4);
   * const one = all?.split(1); // all.permits === 3, one.permits === 1
   * one?.release();
   * ```
   */
  split(n: number): SemaphorePermit | undefined;
  /** Same as {@link SemaphorePermit.release}: `using` calls it. */
  [Symbol.dispose](): void;
}

/** The shared slot a Mutex or RwLock guards; a guard reads and writes it. @internal */
export interface LockCell<T> {
  data: T;
}

// What an Acquire is: a plain permit, or the guard of one of the locks.
// The kind picks the error messages and whether `value` may be written.
/** @internal */
export const PERMIT = 0;
/** @internal */
export const MUTEX = 1;
/** @internal */
export const READ = 2;
/** @internal */
export const WRITE = 3;
const GUARD_NAMES = ["SemaphorePermit", "MutexGuard", "RwLockReadGuard", "RwLockWriteGuard"] as const;
const FUTURE_NAMES = ["Semaphore.acquire()", "Mutex.lock()", "RwLock.read()", "RwLock.write()"] as const;
const RETAKE = ["acquire()", "lock()", "read()", "write()"] as const;

// The life of an Acquire, one state at a time:
//
//   IDLE ──poll, enough free, nobody waiting──▶ HELD ──release / drop / forget──▶ DONE
//     │                                           ▲
//     └──poll, not enough──▶ WAITING ──all assigned──▶ GRANTED ──poll──┘
//                               │  └──semaphore closed──▶ CLOSED ──poll: throws──▶ DONE
//                               └──drop: unlinked, assigned permits go on to the next waiters──▶ DONE
//
/** Made, never polled: holds nothing, in no list. */
const IDLE = 0;
/** Queued; `requested - needed` permits are assigned to it already. */
const WAITING = 1;
/** Every permit assigned and unlinked from the queue: ready at its next poll. */
const GRANTED = 2;
/** Handed to its owner as a permit or guard. */
const HELD = 3;
/** The semaphore closed while it waited; its assigned permits went back. */
const CLOSED = 4;
/** Released, forgotten, dropped or failed: holds nothing. */
const DONE = 5;

/**
 * One acquisition of permits: the future `acquire()`, `lock()`, `read()`
 * and `write()` return, its node in the semaphore's queue, and — once
 * ready — the permit or guard it yields (it yields itself). One class for
 * all four keeps the semaphore's code monomorphic.
 *
 * @internal Users see it as `Awaitable<SemaphorePermit>`, `MutexGuard<T>`, …
 */
export class Acquire<T> extends Awaitable<Acquire<T>> implements WaitNode<Acquire<unknown>> {
  waker: Waker | undefined = undefined;
  prevNode: Acquire<unknown> | undefined = undefined;
  nextNode: Acquire<unknown> | undefined = undefined;
  linked = false;
  /** See the state diagram above. */
  state = IDLE;
  /** Permits still missing while WAITING. */
  needed = 0;

  constructor(
    readonly semaphore: Semaphore,
    /** The guarded value of a Mutex or RwLock; undefined for a plain permit. */
    readonly cell: LockCell<T> | undefined,
    /** How many permits this acquires (changed only by a held permit's merge or split). */
    public requested: number,
    /** PERMIT, MUTEX, READ or WRITE. */
    readonly kind: number,
  ) {
    super();
  }

  poll(cx: Context): Poll<Acquire<T>> {
    switch (this.state) {
      case IDLE:
        return this.pollFirst(cx);
      case WAITING:
        storeWaker(this, cx);
        return PENDING;
      case GRANTED:
        if (!pollProceed(cx)) return PENDING;
        this.state = HELD;
        return this;
      case CLOSED:
        if (!pollProceed(cx)) return PENDING;
        this.state = DONE;
        throw new AcquireError();
      default:
        throw new Error(`${FUTURE_NAMES[this.kind]} was polled after it completed: a future is awaited once`);
    }
  }

  private pollFirst(cx: Context): Poll<Acquire<T>> {
    const semaphore = this.semaphore;
    if (semaphore.closed) {
      // Failing is an outcome too: spend budget, or a retry loop never yields.
      if (!pollProceed(cx)) return PENDING;
      this.state = DONE;
      throw new AcquireError();
    }
    const n = this.requested;
    const available = semaphore.available;
    if (available >= n && semaphore.waiters.head === undefined) {
      // Ready without waiting: spend budget, so a task that locks and
      // unlocks an uncontended mutex in a loop still lets others run.
      if (!pollProceed(cx)) return PENDING;
      semaphore.available = available - n;
      this.state = HELD;
      return this;
    }
    // Not enough free, or someone is ahead (and then none is free): take
    // what is free now and queue for the rest.
    const take = Math.min(available, n);
    semaphore.available = available - take;
    this.needed = n - take;
    this.state = WAITING;
    storeWaker(this, cx);
    semaphore.waiters.push(this);
    return PENDING;
  }

  /** How many permits this holds: what was acquired, 0 once released or forgotten. */
  get permits(): number {
    return this.state === HELD ? this.requested : 0;
  }

  /**
   * Permits this acquisition has out of the pool: all it asked for once
   * granted or held, those assigned so far while it waits, else 0. Free
   * permits plus every acquisition's `outstanding` is the semaphore's total,
   * always (the property tests check it).
   *
   * @internal
   */
  get outstanding(): number {
    const state = this.state;
    if (state === HELD || state === GRANTED) return this.requested;
    return state === WAITING ? this.requested - this.needed : 0;
  }

  /** The guarded value; throws once the guard is released. */
  get value(): T {
    const cell = this.cell;
    if (this.state !== HELD || cell === undefined) throw this.noAccess();
    return cell.data;
  }

  set value(v: T) {
    const cell = this.cell;
    if (this.state !== HELD || cell === undefined) throw this.noAccess();
    if (this.kind === READ) {
      throw new TypeError("RwLockReadGuard.value is read-only: take a write guard with write() to change the value");
    }
    cell.data = v;
  }

  /** Gives back whatever this holds. Idempotent. */
  release(): void {
    this[Symbol.dispose]();
  }

  /** Keeps the permits out of the semaphore for good. */
  forget(): void {
    if (this.state !== HELD) return;
    this.state = DONE;
    this.semaphore.total -= this.requested;
  }

  /** Takes every permit of `other`, a held permit of the same semaphore. */
  merge(other: SemaphorePermit): void {
    if (this.state !== HELD)
      throw new Error("SemaphorePermit.merge(other): this permit was already released or forgotten");
    if (!(other instanceof Acquire) || other.kind !== PERMIT || other.semaphore !== this.semaphore) {
      throw new TypeError("SemaphorePermit.merge(other): other must be a permit of the same semaphore");
    }
    if (other === this) throw new TypeError("SemaphorePermit.merge(other): a permit cannot be merged into itself");
    if (other.state !== HELD)
      throw new TypeError("SemaphorePermit.merge(other): other was already released or forgotten");
    this.requested += other.requested;
    other.requested = 0;
    other.state = DONE;
  }

  /** RwLockWriteGuard.downgrade: keeps one permit as a read guard and gives the rest back. */
  downgrade(): Acquire<T> {
    if (this.kind !== WRITE) throw new TypeError("downgrade() is a method of RwLockWriteGuard only");
    if (this.state !== HELD) throw this.noAccess();
    const read = new Acquire(this.semaphore, this.cell, 1, READ);
    read.state = HELD;
    this.state = DONE;
    // The rest go to the waiters in order: readers first in line proceed at
    // once, a writer first in line is assigned them and waits for ours.
    this.semaphore.give(this.requested - 1);
    return read;
  }

  /** RwLockWriteGuard.map: the write access moves to a guard of part of the value. */
  map<U>(project: (value: T) => U): MappedWriteGuard<U> {
    if (this.kind !== WRITE) throw new TypeError("map(project) is a method of RwLockWriteGuard only");
    if (typeof project !== "function") {
      throw new TypeError(`RwLockWriteGuard.map(project): project must be a function, got ${typeof project}`);
    }
    const projected = project(this.value); // throws, holding nothing new, if released
    return new MappedWriteGuard(this.moveOut(), projected);
  }

  /** @internal A new held acquisition with this one's permits; this one holds nothing after. */
  moveOut(): Acquire<T> {
    const moved = new Acquire(this.semaphore, this.cell, this.requested, this.kind);
    moved.state = HELD;
    this.state = DONE;
    return moved;
  }

  /** Moves `n` of this permit's permits into a new one, or undefined if it holds fewer. */
  split(n: number): SemaphorePermit | undefined {
    checkCount("SemaphorePermit.split(n)", "n", n, 0, MAX_PERMITS);
    if (this.state !== HELD || n > this.requested) return undefined;
    this.requested -= n;
    const part = new Acquire<never>(this.semaphore, undefined, n, PERMIT);
    part.state = HELD;
    return part;
  }

  /**
   * Drop. A held permit or guard is released; a pending acquire leaves the
   * queue and the permits already assigned to it go on to the next
   * waiters. Idempotent.
   */
  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    switch (this.kind) {
      case MUTEX:
        return "Mutex.lock";
      case READ:
        return "RwLock.read";
      case WRITE:
        return "RwLock.write";
      default:
        return `Semaphore.acquire(${this.requested})`;
    }
  }

  override [Symbol.dispose](): void {
    const state = this.state;
    this.waker = undefined;
    if (state === HELD || state === GRANTED) {
      this.state = DONE;
      this.semaphore.give(this.requested);
    } else if (state === WAITING) {
      this.state = DONE;
      const semaphore = this.semaphore;
      semaphore.waiters.remove(this);
      // Even with nothing assigned, `give` wakes whoever is now first if it
      // needs nothing more (an acquire(0) that was behind us).
      semaphore.give(this.requested - this.needed);
    } else {
      this.state = DONE;
    }
  }

  private noAccess(): Error {
    if (this.cell === undefined) return new TypeError("a SemaphorePermit has no value: only lock guards have one");
    const kind = this.kind;
    return new Error(
      `this ${GUARD_NAMES[kind]} was released: it no longer gives access to the value (take a new one with ${RETAKE[kind]})`,
    );
  }
}

/**
 * The guard `RwLockWriteGuard.map` makes: it owns the write acquisition
 * and gives the projected part (see `RwLockMappedWriteGuard`).
 *
 * @internal
 */
export class MappedWriteGuard<U> implements Disposable {
  private readonly projected: U;

  /** @internal Made by `RwLockWriteGuard.map`. */
  constructor(
    private readonly held: Acquire<unknown>,
    projected: U,
  ) {
    this.projected = projected;
  }

  /** The projected part of the value; throws once the guard is released. */
  get value(): U {
    if (this.held.permits === 0) {
      throw new Error(
        "this RwLockMappedWriteGuard was released: it no longer gives access to the value (take a new one with write())",
      );
    }
    return this.projected;
  }

  /** Narrows further: the access moves to a guard of a part of this part. */
  map<V>(project: (value: U) => V): MappedWriteGuard<V> {
    if (typeof project !== "function") {
      throw new TypeError(`RwLockMappedWriteGuard.map(project): project must be a function, got ${typeof project}`);
    }
    const projected = project(this.value);
    return new MappedWriteGuard(this.held.moveOut(), projected);
  }

  /** Gives the write access back. Idempotent. */
  release(): void {
    this.held[Symbol.dispose]();
  }

  /** Same as {@link MappedWriteGuard.release}: `using` calls it. */
  [Symbol.dispose](): void {
    this.held[Symbol.dispose]();
  }
}

/**
 * A pool of permits for limiting concurrency: `acquire(n)` waits until `n`
 * permits are free and yields them as a {@link SemaphorePermit}; releasing
 * it (or leaving its `using` scope) gives them back (tokio's `Semaphore`).
 *
 * Fair: waiters are served first-in first-out, and permits given back are
 * assigned to the first waiter even when they are not yet enough for it, so
 * a large request is not starved by small ones and no acquire overtakes an
 * earlier one.
 *
 * @example
 * ```ts
 * import { Runtime, Semaphore, asyncFn, sleep, spawn, future } from "mini-tokio";
 * const connections = new Semaphore(3); // at most 3 at once
 * const fetchOne = asyncFn(function* (i: number) {
 *   using _permit = yield* connections.acquire();
 *   yield* sleep(10); // talk to the server
 *   return i;
 * });
 * new Runtime({ clock: "virtual" }).blockOn(future(function* () {
 *   const hs = [0, 1, 2, 3, 4, 5].map((i) => spawn(fetchOne(i)));
 *   for (const h of hs) yield* h;
 * }));
 * ```
 */
export class Semaphore {
  /** The most permits a semaphore can hold: 2³⁰ − 1. */
  static readonly MAX_PERMITS = MAX_PERMITS;

  /** @internal Free permits. Zero whenever anyone waits. */
  available: number;
  /** @internal Permits in existence: free, held, or assigned to waiters. */
  total: number;
  /** @internal */
  closed = false;
  /** @internal The acquires waiting, oldest first. */
  readonly waiters = new WaitList<Acquire<unknown>>();

  /**
   * A semaphore with `permits` permits, 0 to {@link Semaphore.MAX_PERMITS}.
   *
   * @throws RangeError for a negative, fractional or too large count.
   */
  constructor(permits: number) {
    this.available = this.total = checkCount("new Semaphore(permits)", "permits", permits, 0, MAX_PERMITS);
  }

  /** Permits free right now (0 while anyone waits). */
  get availablePermits(): number {
    return this.available;
  }

  /** True once {@link Semaphore.close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Waits for `n` permits (default 1), in line behind earlier acquires, and
   * yields them as a {@link SemaphorePermit}. Ready at once — spending one
   * unit of the task's cooperative budget — when `n` are free and nobody
   * waits.
   *
   * **Cancel safety:** dropping the future while it waits gives up its
   * place in line, and the permits already assigned to it pass on to the
   * next waiters (or back to the pool): nothing is lost but the place. If
   * it was dropped after being granted but before it was polled, its
   * permits are given back the same way.
   *
   * @throws AcquireError (from the future) if the semaphore is or gets closed.
   * @throws RangeError when `n` is not an integer from 0 to
   *   {@link Semaphore.MAX_PERMITS}.
   * @example
   * ```ts
   * import { Runtime, Semaphore, future } from "mini-tokio";
   * const sem = new Semaphore(10);
   * new Runtime().blockOn(future(function* () {
   *   const permit = yield* sem.acquire(4);
   *   permit.release();
   * }));
   * ```
   */
  acquire(n = 1): Awaitable<SemaphorePermit> {
    checkCount("Semaphore.acquire(n)", "n", n, 0, MAX_PERMITS);
    return new Acquire<never>(this, undefined, n, PERMIT);
  }

  /**
   * Takes `n` permits (default 1) now if they are free and nobody waits
   * (it never jumps the line), else returns undefined — also when closed.
   *
   * @throws RangeError when `n` is not an integer from 0 to
   *   {@link Semaphore.MAX_PERMITS}.
   * @example
   * ```ts
   * import { Semaphore } from "mini-tokio";
   * const sem = new Semaphore(1);
   * const a = sem.tryAcquire(); // a permit
   * const b = sem.tryAcquire(); // undefined: none left
   * a?.release();
   * ```
   */
  tryAcquire(n = 1): SemaphorePermit | undefined {
    checkCount("Semaphore.tryAcquire(n)", "n", n, 0, MAX_PERMITS);
    return this.tryTake<never>(n, undefined, PERMIT);
  }

  /**
   * Adds `n` permits, handing them to waiters first (in order).
   *
   * @throws RangeError when `n` is not an integer ≥ 0, or the semaphore
   *   would hold more than {@link Semaphore.MAX_PERMITS} in all.
   * @example
   * ```ts
   * import { Semaphore } from "mini-tokio";
   * const sem = new Semaphore(0);
   * sem.addPermits(2);
   * sem.availablePermits; // 2
   * ```
   */
  addPermits(n: number): void {
    checkCount("Semaphore.addPermits(n)", "n", n, 0, MAX_PERMITS - this.total);
    this.total += n;
    this.give(n);
  }

  /**
   * Removes up to `n` of the permits that are free right now, for good,
   * and returns how many it removed (tokio's `forget_permits`). It never
   * waits and never queues: permits held or assigned to waiters are not
   * touched, so while anyone waits (no permit is free) it removes none.
   * With `addPermits`, it resizes a pool at run time; to shrink by more
   * than is free, acquire the rest and `forget()` them when they come.
   *
   * @throws RangeError/TypeError unless `n` is an integer ≥ 0.
   * @example
   * ```ts
   * import { Semaphore } from "mini-tokio";
   * const workers = new Semaphore(8);
   * const held = workers.tryAcquire(6);
   * workers.forgetPermits(4); // 2: only two were free
   * held?.release();
   * workers.availablePermits; // 6
   * ```
   */
  forgetPermits(n: number): number {
    checkCount("Semaphore.forgetPermits(n)", "n", n, 0, Number.MAX_SAFE_INTEGER);
    const gone = Math.min(n, this.available);
    this.available -= gone;
    this.total -= gone;
    return gone;
  }

  /**
   * Closes the semaphore: every pending acquire throws {@link AcquireError}
   * (the permits assigned to it go back to the pool), and so does every
   * later one. Permits already held stay valid and may still be released.
   * Idempotent.
   *
   * @example
   * ```ts
   * import { Semaphore } from "mini-tokio";
   * const sem = new Semaphore(1);
   * sem.close();
   * sem.isClosed; // true
   * sem.tryAcquire(); // undefined
   * ```
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    let node = this.waiters.head;
    let back = 0;
    while (node !== undefined) {
      back += node.requested - node.needed;
      node.needed = node.requested;
      node.state = CLOSED;
      node = node.nextNode;
    }
    this.available += back;
    this.waiters.wakeAll();
  }

  /** `tryAcquire` for any kind of acquisition (the locks' tryLock/tryRead/tryWrite). @internal */
  tryTake<T>(n: number, cell: LockCell<T> | undefined, kind: number): Acquire<T> | undefined {
    if (this.closed || this.available < n || this.waiters.head !== undefined) return undefined;
    this.available -= n;
    const taken = new Acquire(this, cell, n, kind);
    taken.state = HELD;
    return taken;
  }

  /**
   * Hands `n` permits to the waiters, oldest first, each taking what it
   * still needs (the first may take them all and still wait); what is left
   * goes to the pool. Waiters whose need is met are unlinked, then woken
   * once the count is final, so a waker that re-enters the semaphore sees a
   * consistent state. Chained through their free `nextNode`
   * links: no allocation.
   *
   * @internal
   */
  give(n: number): void {
    const waiters = this.waiters;
    let first: Acquire<unknown> | undefined;
    let last: Acquire<unknown> | undefined;
    let head = waiters.head;
    while (head !== undefined) {
      const needed = head.needed;
      if (needed > n) {
        head.needed = needed - n;
        n = 0;
        break;
      }
      n -= needed;
      head.needed = 0;
      head.state = GRANTED;
      waiters.remove(head);
      if (last === undefined) first = head;
      else last.nextNode = head;
      last = head;
      head = waiters.head;
    }
    this.available += n;
    while (first !== undefined) {
      const next = first.nextNode;
      first.nextNode = undefined;
      wakeNode(first);
      first = next;
    }
  }
}
