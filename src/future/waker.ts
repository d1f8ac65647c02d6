/**
 * Wakers: how a pending future asks to be polled again.
 *
 * A future that returns {@link PENDING} keeps `cx.waker`; whatever it waits
 * for (a timer, a channel, a host callback) calls `wake()` when progress is
 * possible, and the executor polls the task again. That is the whole
 * contract: wake spuriously if you like, but never fail to wake.
 *
 * As in Rust, a Waker is a pair of raw parts: an opaque `data` value and a
 * table of four functions that know what `data` is ({@link RawWakerVTable}).
 * The executor makes one vtable for all its tasks, so waking costs one
 * indirect call and no allocation. Unlike Rust, JavaScript has a garbage
 * collector: `clone()` and `drop()` exist so the model reads as it does in
 * Rust and so wakers with their own bookkeeping can count references, but a
 * future may simply keep `cx.waker` as it is.
 *
 * @module
 */

/**
 * The four functions behind a {@link Waker}, all taking the waker's `data`.
 * Rust's `RawWakerVTable`: `clone` makes a new raw waker for the same
 * target, `wake` consumes the waker and wakes, `wakeByRef` wakes and keeps
 * it, `drop` releases it.
 *
 * @typeParam D - what the waker's `data` is; the vtable is only ever called
 *   with the data it was paired with.
 * @example
 * ```ts
 * import { Waker, type RawWakerVTable } from "mini-tokio";
 * const counter = { wakes: 0 };
 * const vtable: RawWakerVTable<typeof counter> = {
 *   clone: (data) => ({ data, vtable }),
 *   wake: (data) => { data.wakes++; },
 *   wakeByRef: (data) => { data.wakes++; },
 *   drop: () => {},
 * };
 * Waker.fromRaw({ data: counter, vtable }).wake();
 * ```
 */
export interface RawWakerVTable<D = unknown> {
  /** Makes a new raw waker that wakes the same target. */
  readonly clone: (data: D) => RawWaker<D>;
  /** Wakes the target; the waker is used up. */
  readonly wake: (data: D) => void;
  /** Wakes the target; the waker stays usable. */
  readonly wakeByRef: (data: D) => void;
  /** Releases whatever the waker holds. */
  readonly drop: (data: D) => void;
}

/**
 * The raw parts of a {@link Waker}: an opaque `data` value and the
 * {@link RawWakerVTable} that knows what it is.
 *
 * @example
 * ```ts
 * import { Waker, type RawWaker } from "mini-tokio";
 * const vtable = { clone: (d: null) => raw, wake() {}, wakeByRef() {}, drop() {} };
 * const raw: RawWaker<null> = { data: null, vtable };
 * const waker = Waker.fromRaw(raw);
 * ```
 */
export interface RawWaker<D = unknown> {
  /** Opaque to everyone but the vtable. */
  readonly data: D;
  /** The functions that act on `data`. */
  readonly vtable: RawWakerVTable<D>;
}

/**
 * A handle that wakes a task (or anything else) when a future it polled can
 * make progress.
 *
 * @example
 * ```ts
 * import { PENDING, type Context, type Poll, type Waker } from "mini-tokio";
 * // A future that is ready once someone calls `open()`.
 * class Gate {
 *   #open = false;
 *   #waker: Waker | undefined;
 *   open(): void {
 *     this.#open = true;
 *     this.#waker?.wake();
 *   }
 *   poll(cx: Context): Poll<void> {
 *     if (this.#open) return undefined;
 *     this.#waker = cx.waker; // store it, then say PENDING
 *     return PENDING;
 *   }
 * }
 * ```
 */
export abstract class Waker {
  /** The raw data this waker passes to its vtable (Rust's `Waker::data`). */
  abstract get data(): unknown;
  /** The functions that wake, clone and drop (Rust's `Waker::vtable`). */
  abstract get vtable(): RawWakerVTable<unknown>;

  /**
   * Builds a waker from its raw parts (Rust's `Waker::from_raw`).
   *
   * @example
   * ```ts
   * import { Waker } from "mini-tokio";
   * let woken = 0;
   * const vtable = { clone: (d: null) => ({ data: d, vtable }), wake: () => { woken++; }, wakeByRef: () => { woken++; }, drop: () => {} };
   * Waker.fromRaw({ data: null, vtable }).wakeByRef();
   * ```
   */
  static fromRaw<D>(raw: RawWaker<D>): Waker {
    if (typeof raw !== "object" || raw === null || typeof raw.vtable !== "object" || raw.vtable === null) {
      throw new TypeError(
        "Waker.fromRaw(raw): expected { data, vtable } with vtable = { clone, wake, wakeByRef, drop }",
      );
    }
    for (const fn of ["clone", "wake", "wakeByRef", "drop"] as const) {
      if (typeof raw.vtable[fn] !== "function") {
        throw new TypeError(`Waker.fromRaw(raw): raw.vtable.${fn} must be a function, got ${typeof raw.vtable[fn]}`);
      }
    }
    // SAFETY: erasing D. A Waker only ever passes its own `data` to its own
    // `vtable`, so each vtable function receives exactly the D it was written
    // for (the contract Rust's `Waker::from_raw` states as `unsafe`).
    return new RawPartsWaker(raw.data, raw.vtable as RawWakerVTable<unknown>);
  }

  /** Wakes the target and gives the waker up (Rust's `wake(self)`). */
  wake(): void {
    this.vtable.wake(this.data);
  }

  /** Wakes the target and keeps the waker usable. */
  wakeByRef(): void {
    this.vtable.wakeByRef(this.data);
  }

  /** A new waker for the same target (through the vtable's `clone`). */
  clone(): Waker {
    const raw = this.vtable.clone(this.data);
    if (raw.data === this.data && raw.vtable === this.vtable) return this;
    return Waker.fromRaw(raw);
  }

  /**
   * True when `other` wakes the same target, so a future that already holds
   * this waker need not replace it (Rust's `will_wake`).
   */
  willWake(other: Waker): boolean {
    return this.data === other.data && this.vtable === other.vtable;
  }

  /** Releases the waker (Rust's `Drop`); it must not be used afterwards. */
  drop(): void {
    this.vtable.drop(this.data);
  }
}

/**
 * A waker that holds its raw parts. (A task is a Waker too, one that is its
 * own data: it needs no fields for them.)
 */
class RawPartsWaker extends Waker {
  constructor(
    readonly data: unknown,
    readonly vtable: RawWakerVTable<unknown>,
  ) {
    super();
  }
}

const NOOP_VTABLE: RawWakerVTable<null> = {
  clone: () => NOOP_RAW,
  wake: () => {},
  wakeByRef: () => {},
  drop: () => {},
};
const NOOP_RAW: RawWaker<null> = { data: null, vtable: NOOP_VTABLE };
const NOOP_WAKER: Waker = Waker.fromRaw(NOOP_RAW);

/**
 * A waker that does nothing: for polling a future by hand in a test or a
 * benchmark when no one needs to be woken.
 *
 * @example
 * ```ts
 * import { noopWaker, yieldNow } from "mini-tokio";
 * const cx = { waker: noopWaker() };
 * yieldNow().poll(cx); // PENDING the first time
 * yieldNow().poll(cx);
 * ```
 */
export function noopWaker(): Waker {
  return NOOP_WAKER;
}

const CALLBACK_VTABLE: RawWakerVTable<() => void> = {
  clone: (fn) => ({ data: fn, vtable: CALLBACK_VTABLE }),
  wake: (fn) => fn(),
  wakeByRef: (fn) => fn(),
  drop: () => {},
};

/**
 * A waker that calls `fn` each time it is woken: the bridge from the
 * future world to callbacks (promises, event emitters, tests).
 *
 * @example
 * ```ts
 * import { wakerFromFn } from "mini-tokio";
 * let wakes = 0;
 * const waker = wakerFromFn(() => { wakes++; });
 * waker.wakeByRef(); // wakes === 1
 * ```
 */
export function wakerFromFn(fn: () => void): Waker {
  if (typeof fn !== "function") throw new TypeError(`wakerFromFn(fn): fn must be a function, got ${typeof fn}`);
  return Waker.fromRaw({ data: fn, vtable: CALLBACK_VTABLE });
}
