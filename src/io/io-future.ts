/**
 * `IoFuture`: what every future of `mini-tokio/io` shares — polled once
 * finished is an error, and dropped while waiting it tells the reader or
 * writer to forget its waker, end its host operation and remove its
 * listeners.
 *
 * @module
 */

import { Awaitable, type Context, PENDING, type Poll } from "../index.js";

const IDLE = 0;
const WAITING = 1;
const DONE = 2;
const DROPPED = 3;

/**
 * The base of the futures that read and write (`readExact`, `writeAll`,
 * `copy`, …). A subclass says how to make progress (`step`), what to undo
 * when dropped mid-wait (`cancel`) and what it waits on (`describeWait`).
 *
 * @internal
 */
export abstract class IoFuture<T> extends Awaitable<T> {
  /** IDLE, WAITING (the last step returned PENDING), DONE or DROPPED. */
  #state = IDLE;

  /** One poll's worth of progress: the value, or PENDING with the waker stored by the I/O object. */
  protected abstract step(cx: Context): Poll<T>;
  /** Dropped while waiting: undo the I/O object's registration (`cancelRead`/`cancelWrite`). */
  protected abstract cancel(): void;
  abstract describeWait(): string;

  poll(cx: Context): Poll<T> {
    if (this.#state >= DONE) {
      throw new Error(
        `${this.describeWait()} was polled after it ${this.#state === DONE ? "completed" : "was dropped"}: await each I/O future once`,
      );
    }
    let p: Poll<T>;
    try {
      p = this.step(cx);
    } catch (error) {
      this.#state = DONE;
      throw error;
    }
    if (p === PENDING) {
      this.#state = WAITING;
      return PENDING;
    }
    this.#state = DONE;
    return p;
  }

  /** Drop: when waiting, the reader or writer forgets this wait. Idempotent. */
  override [Symbol.dispose](): void {
    if (this.#state === WAITING) this.cancel();
    if (this.#state !== DONE) this.#state = DROPPED;
  }
}
