/**
 * `BufWriter`: gathering small writes into large ones (tokio's
 * `BufWriter`).
 *
 * @module
 */

import { type Context, PENDING, type Poll } from "../index.js";
import { describeIo } from "./async-read.js";
import { type AsyncWrite, checkWriter } from "./async-write.js";
import { IoError } from "./io-error.js";

/**
 * Wraps an {@link AsyncWrite} with a buffer of `capacity` bytes: writes
 * are copied into it and reach the writer underneath in one piece when it
 * is full, on `flush` and on `shutdown`. One `write` of many small replies
 * instead of one per reply is what makes a pipelined server fast.
 *
 * Because it copies, a `BufWriter` keeps no reference to the bytes given to
 * it: the caller may reuse them at once. **Flush before dropping it**: what
 * is still buffered is lost with it (as in tokio).
 *
 * @example
 * ```ts
 * import { main, spawn } from "mini-tokio";
 * import { BufWriter, duplex, flush, readToEnd, shutdown, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   const got = spawn(readToEnd(b));
 *   const w = new BufWriter(a);
 *   for (const word of ["one ", "two ", "three"]) yield* writeAll(w, Buffer.from(word));
 *   yield* shutdown(w); // flushes, then shuts down
 *   console.log(Buffer.from(yield* got).toString());
 * });
 * ```
 * ```text output
 * one two three
 * ```
 */
export class BufWriter<W extends AsyncWrite = AsyncWrite> implements AsyncWrite {
  readonly #inner: W;
  readonly #buf: Buffer;
  #length = 0;
  /** A buffered block handed to the writer and how much of it it has taken. */
  #out: Uint8Array | undefined = undefined;
  #outPos = 0;

  /** Wraps `inner` with a buffer of `capacity` bytes (default 8 KiB). */
  constructor(inner: W, capacity = 8192) {
    checkWriter("new BufWriter(inner)", inner);
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`new BufWriter(inner, capacity): capacity must be a positive integer, got ${capacity}`);
    }
    this.#inner = inner;
    this.#buf = Buffer.allocUnsafe(capacity);
  }

  /** The writer underneath. */
  get inner(): W {
    return this.#inner;
  }

  /** Bytes buffered and not yet handed to the writer underneath. */
  get buffered(): number {
    return this.#length + (this.#out === undefined ? 0 : this.#out.length - this.#outPos);
  }

  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    if (this.#length + bytes.length > this.#buf.length || this.#out !== undefined) {
      if (this.#pollDrainBuffer(cx) === PENDING) return PENDING;
    }
    if (bytes.length >= this.#buf.length) {
      // Too big to buffer: straight through (the caller's promise not to
      // modify it then holds for the writer underneath).
      return this.#inner.pollWrite(cx, bytes);
    }
    this.#buf.set(bytes, this.#length);
    this.#length += bytes.length;
    return bytes.length;
  }

  pollFlush(cx: Context): Poll<void> {
    if (this.#pollDrainBuffer(cx) === PENDING) return PENDING;
    return this.#inner.pollFlush(cx);
  }

  pollShutdown(cx: Context): Poll<void> {
    if (this.#pollDrainBuffer(cx) === PENDING) return PENDING;
    return this.#inner.pollShutdown(cx);
  }

  cancelWrite(): void {
    this.#inner.cancelWrite?.();
  }

  describeOperation(operation: string): string {
    return describeIo(this.#inner, operation);
  }

  /** Hands everything buffered to the writer underneath. */
  #pollDrainBuffer(cx: Context): Poll<void> {
    for (;;) {
      let out = this.#out;
      if (out === undefined) {
        if (this.#length === 0) return;
        // A copy the writer may keep: the buffer itself is reused.
        out = Buffer.allocUnsafe(this.#length);
        this.#buf.copy(out, 0, 0, this.#length);
        this.#length = 0;
        this.#out = out;
        this.#outPos = 0;
      }
      const n = this.#inner.pollWrite(cx, this.#outPos === 0 ? out : out.subarray(this.#outPos));
      if (n === PENDING) return PENDING;
      if (n === 0) throw new IoError("WRITE_ZERO", `${this.describeOperation("flush")}: the writer accepted nothing`);
      this.#outPos += n;
      if (this.#outPos === out.length) this.#out = undefined;
    }
  }
}
