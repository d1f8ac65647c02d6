/**
 * The errors channels throw: {@link SendError} (the receiving side is gone;
 * here is your value back), {@link RecvError} (the sending side is gone and
 * nothing will arrive) and {@link LaggedError} (a broadcast receiver fell
 * behind and missed messages).
 *
 * "No more messages" is not an error: `recv()` on a closed and drained
 * mpsc or broadcast channel yields `undefined`. Only waits for a single
 * value (a oneshot, `watch`'s `changed()`) fail loudly, because for them
 * nothing-will-come is a broken promise, not the end of a stream.
 *
 * @module
 */

import { checkCount } from "../util/check.js";

/**
 * Thrown when a value cannot be sent because nobody can receive it any
 * more (the receiver was closed or dropped; for `broadcast` and `watch`,
 * there are no receivers). The value was not sent: it is handed back in
 * {@link SendError.value}, as tokio's `SendError(T)` does.
 *
 * @typeParam T - the type of the value that was not sent.
 * @example
 * ```ts
 * import { SendError, future, mpsc } from "mini-tokio";
 * const [tx, rx] = mpsc.channel<string>(1);
 * rx.close();
 * const f = future(function* () {
 *   try {
 *     yield* tx.send("hello");
 *   } catch (e) {
 *     if (e instanceof SendError) return `not sent: ${e.value}`;
 *     throw e;
 *   }
 * });
 * ```
 */
export class SendError<T> extends Error {
  override readonly name = "SendError";
  /** The value that was not sent, handed back. */
  readonly value: T;

  /** @internal */
  constructor(value: T, why = "the receiving side is closed") {
    super(`send failed: ${why}; the value was not sent and is in error.value`);
    this.value = value;
  }
}

/**
 * Thrown by a wait for a single value when the value can never come: a
 * oneshot whose sender was dropped without sending, or `watch`'s
 * `changed()` after the sender was dropped.
 *
 * @example
 * ```ts
 * import { RecvError, future, oneshot } from "mini-tokio";
 * const [tx, rx] = oneshot<number>();
 * tx[Symbol.dispose](); // dropped without sending
 * const f = future(function* () {
 *   try {
 *     return yield* rx;
 *   } catch (e) {
 *     if (e instanceof RecvError) return -1;
 *     throw e;
 *   }
 * });
 * ```
 */
export class RecvError extends Error {
  override readonly name = "RecvError";

  /** @internal */
  constructor(why = "the sender was dropped without sending a value") {
    super(`receive failed: ${why}`);
  }
}

/**
 * Thrown once by a broadcast receiver that fell so far behind that the
 * messages it had not read yet were overwritten. {@link LaggedError.missed}
 * says how many it lost; the next receive continues from the oldest
 * message the channel still holds.
 *
 * @example
 * ```ts
 * import { LaggedError, broadcast, future } from "mini-tokio";
 * const [tx, rx] = broadcast<number>(2);
 * for (let i = 1; i <= 5; i++) tx.send(i); // rx keeps only 4 and 5
 * const f = future(function* () {
 *   try {
 *     yield* rx.recv();
 *   } catch (e) {
 *     if (e instanceof LaggedError) console.log(`missed ${e.missed}`); // missed 3
 *   }
 *   return yield* rx.recv(); // 4
 * });
 * ```
 */
export class LaggedError extends Error {
  override readonly name = "LaggedError";
  /** How many messages this receiver will never see. */
  readonly missed: number;

  /** @internal */
  constructor(missed: number) {
    super(
      `broadcast receiver lagged: ${missed} message${missed === 1 ? " was" : "s were"} overwritten before it read them; it continues from the oldest message still held`,
    );
    this.missed = missed;
  }
}

/** The largest capacity a channel accepts, so ring indices stay small integers. */
export const MAX_CAPACITY = 2 ** 30;

/**
 * Returns `capacity` if it is an integer from 1 to {@link MAX_CAPACITY};
 * otherwise throws a RangeError (a TypeError for a non-number) naming the
 * call and what is allowed.
 *
 * @internal
 */
export function checkCapacity(api: string, capacity: unknown): number {
  return checkCount(api, "capacity", capacity, 1, MAX_CAPACITY);
}

/**
 * The TypeError for sending `undefined` through a channel whose receivers
 * use `undefined` to mean "no more".
 *
 * @internal
 */
export function undefinedMessage(api: string): TypeError {
  return new TypeError(
    `${api}: cannot send undefined: recv() yields undefined to mean "no more messages", so it cannot be a message. Send null or wrap the value.`,
  );
}

/**
 * The Error for using a channel handle after disposing it: disposing is
 * dropping, and a dropped handle has no channel any more.
 *
 * @internal
 */
export function usedAfterDispose(api: string): Error {
  return new Error(`${api} was called on a handle that was already disposed (dropped); clone the handle to keep one`);
}
