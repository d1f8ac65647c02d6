/**
 * `FsOperation`: one Node `fs` call as a lazy future.
 *
 * The call starts at the first poll, and the future holds a host operation
 * until its callback comes (so paused time does not skip past the disk).
 * A file system call cannot be cancelled once libuv has it, so dropping the
 * future only stops waiting: the call finishes in the background and its
 * result is thrown away. The result is always a fresh value Node made (a
 * `Buffer`, a `Stats`), never a buffer the caller lent, so nothing a
 * dropped future owned is written to afterwards.
 *
 * @module
 */

import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import { IoError } from "../io/index.js";

/** Node's callback shape. */
export type FsCallback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

const IDLE = 0;
const WAITING = 1;
const SETTLED = 2;
const DONE = 3;

/** A Node `fs` call as a future; see the module comment. @internal */
export class FsOperation<T> extends Awaitable<T> {
  #state = IDLE;
  #start: ((done: FsCallback<T>) => void) | undefined;
  readonly #what: string;
  /** The value, boxed (it may be undefined), once the call succeeded. */
  #result: { readonly value: T } | undefined = undefined;
  #error: IoError | undefined = undefined;
  readonly #host = new HostWait();

  /** `what` names the call in errors and dumps: `fs.readFile(/tmp/x)`. */
  constructor(what: string, start: (done: FsCallback<T>) => void) {
    super();
    this.#what = what;
    this.#start = start;
  }

  poll(cx: Context): Poll<T> {
    if (this.#state === SETTLED) {
      if (!pollProceed(cx)) return PENDING;
      this.#state = DONE;
      const error = this.#error;
      const result = this.#result;
      this.#error = undefined;
      this.#result = undefined;
      if (result === undefined) throw error;
      return result.value;
    }
    if (this.#state === DONE) throw new Error(`${this.#what} was polled after it completed or was dropped`);
    if (this.#state === IDLE) {
      this.#begin();
      // A host that calls back synchronously has settled it already.
      if (this.#settled()) return this.poll(cx);
    }
    this.#host.wait(cx);
    return PENDING;
  }

  /** A method, so TypeScript does not narrow the state across the host call. */
  #settled(): boolean {
    return this.#state === SETTLED;
  }

  #begin(): void {
    const start = this.#start;
    this.#start = undefined;
    this.#state = WAITING;
    start?.((error, value) => {
      if (this.#state !== WAITING) return; // dropped: the result is nobody's
      this.#state = SETTLED;
      if (error !== null) this.#error = IoError.from(error, this.#what);
      else this.#result = { value };
      this.#host.wake();
    });
  }

  describeWait(): string {
    return this.#what;
  }

  /** Drop: stops waiting; the call finishes in the background and its result is discarded. Idempotent. */
  override [Symbol.dispose](): void {
    this.#state = DONE;
    this.#start = undefined;
    this.#result = undefined;
    this.#error = undefined;
    this.#host.stop();
  }
}
