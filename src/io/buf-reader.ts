/**
 * `BufReader`: buffering for a reader that has no buffer of its own
 * (tokio's `BufReader`).
 *
 * @module
 */

import { type Context, PENDING, type Poll } from "../index.js";
import { type AsyncBufRead, type AsyncRead, checkReader, describeIo, pollReadBuffered } from "./async-read.js";

/**
 * Wraps an {@link AsyncRead} with a buffer of `capacity` bytes, making it an
 * {@link AsyncBufRead} (for `readLine`, `lines`, `Framed`), and turning
 * many small reads into few large ones. Readers from `fromReadable` and
 * sockets already are `AsyncBufRead`: they need no `BufReader`.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { BufReader, duplex, lines, shutdown, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* writeAll(a, Buffer.from("one\ntwo\n"));
 *   yield* shutdown(a);
 *   console.log(yield* lines(new BufReader(b)).collect());
 * });
 * ```
 * ```text output
 * [ 'one', 'two' ]
 * ```
 */
export class BufReader<R extends AsyncRead = AsyncRead> implements AsyncBufRead {
  readonly #inner: R;
  readonly #buf: Uint8Array;
  #pos = 0;
  #filled = 0;

  /** Wraps `inner` with a buffer of `capacity` bytes (default 8 KiB). */
  constructor(inner: R, capacity = 8192) {
    checkReader("new BufReader(inner)", inner);
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`new BufReader(inner, capacity): capacity must be a positive integer, got ${capacity}`);
    }
    this.#inner = inner;
    this.#buf = new Uint8Array(capacity);
  }

  /** The reader underneath (bytes in the buffer are not in it any more). */
  get inner(): R {
    return this.#inner;
  }

  pollFillBuf(cx: Context): Poll<Uint8Array> {
    if (this.#pos < this.#filled) return this.#buf.subarray(this.#pos, this.#filled);
    const n = this.#inner.pollRead(cx, this.#buf);
    if (n === PENDING) return PENDING;
    this.#pos = 0;
    this.#filled = n;
    return this.#buf.subarray(0, n);
  }

  consume(n: number): void {
    const left = this.#filled - this.#pos;
    if (!Number.isInteger(n) || n < 0 || n > left) {
      throw new RangeError(`consume(n): n must be an integer from 0 to ${left} (the bytes in the last view), got ${n}`);
    }
    this.#pos += n;
  }

  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    // A read at least as large as the buffer, with nothing buffered, skips it.
    if (this.#pos === this.#filled && buf.length >= this.#buf.length) return this.#inner.pollRead(cx, buf);
    return pollReadBuffered(this, cx, buf);
  }

  cancelRead(): void {
    this.#inner.cancelRead?.();
  }

  describeOperation(operation: string): string {
    return describeIo(this.#inner, operation);
  }
}
