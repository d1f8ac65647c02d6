/**
 * `duplex(capacity)`: an in-memory, bidirectional byte pipe (tokio's
 * `io::duplex`), for tests and for joining two pieces of code that speak
 * `AsyncRead`/`AsyncWrite` without a socket.
 *
 * Each direction is a ring buffer of `capacity` bytes. A write waits while
 * the buffer is full and a read while it is empty, so a slow reader makes
 * the writer wait (backpressure) and nothing is lost. No host is involved:
 * the pipe holds no host operation, and virtual time advances freely.
 *
 * @module
 */

import { type Context, PENDING, type Poll, pollProceed, type Waker } from "../index.js";
import { type AsyncBufRead, pollReadBuffered } from "./async-read.js";
import type { AsyncWrite } from "./async-write.js";
import { IoError } from "./io-error.js";

/** One direction: a ring of bytes, one reader and one writer. */
class Pipe {
  readonly ring: Uint8Array;
  head = 0;
  length = 0;
  readWaker: Waker | undefined = undefined;
  writeWaker: Waker | undefined = undefined;
  /** The writing end shut down or was dropped: the reader sees the end once the ring is empty. */
  writeClosed = false;
  /** The reading end was dropped: writes fail. */
  readClosed = false;

  constructor(capacity: number) {
    this.ring = new Uint8Array(capacity);
  }

  wakeReader(): void {
    const w = this.readWaker;
    if (w !== undefined) {
      this.readWaker = undefined;
      w.wake();
    }
  }

  wakeWriter(): void {
    const w = this.writeWaker;
    if (w !== undefined) {
      this.writeWaker = undefined;
      w.wake();
    }
  }
}

/**
 * One end of an in-memory pipe made by {@link duplex}: what is written to
 * it is read from the other end, and the other way round. Dropping an end
 * closes both its directions: the other end reads the end of the stream,
 * and its writes fail with an {@link IoError} (`"EPIPE"`).
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, readExact, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [client, server] = duplex(64);
 *   yield* writeAll(client, Buffer.from("ping"));
 *   const got = yield* readExact(server, new Uint8Array(4));
 *   console.log(Buffer.from(got).toString());
 * });
 * ```
 * ```text output
 * ping
 * ```
 */
export class DuplexStream implements AsyncBufRead, AsyncWrite, Disposable {
  readonly #in: Pipe;
  readonly #out: Pipe;
  readonly #name: string;

  /** @internal Use {@link duplex}. */
  constructor(incoming: Pipe, outgoing: Pipe, name: string) {
    this.#in = incoming;
    this.#out = outgoing;
    this.#name = name;
  }

  pollFillBuf(cx: Context): Poll<Uint8Array> {
    const p = this.#in;
    if (p.length === 0) {
      if (p.writeClosed || p.readClosed) return p.ring.subarray(0, 0);
      storeWaker(p, cx, true);
      return PENDING;
    }
    if (!pollProceed(cx)) return PENDING;
    p.readWaker = undefined;
    const end = Math.min(p.head + p.length, p.ring.length);
    return p.ring.subarray(p.head, end);
  }

  consume(n: number): void {
    const p = this.#in;
    const contiguous = Math.min(p.length, p.ring.length - p.head);
    if (!Number.isInteger(n) || n < 0 || n > contiguous) {
      throw new RangeError(
        `consume(n): n must be an integer from 0 to ${contiguous} (the bytes in the last view), got ${n}`,
      );
    }
    if (n === 0) return;
    p.head = (p.head + n) % p.ring.length;
    p.length -= n;
    if (p.length === 0) p.head = 0;
    p.wakeWriter();
  }

  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    if (buf.length === 0) return 0;
    return pollReadBuffered(this, cx, buf);
  }

  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    const p = this.#out;
    if (p.readClosed) throw new IoError("EPIPE", `${this.describeOperation("write")}: the other end was dropped`);
    if (p.writeClosed) {
      throw new IoError("ERR_STREAM_WRITE_AFTER_END", `${this.describeOperation("write")}: this end was shut down`);
    }
    if (bytes.length === 0) return 0;
    const capacity = p.ring.length;
    const free = capacity - p.length;
    if (free === 0) {
      storeWaker(p, cx, false);
      return PENDING;
    }
    if (!pollProceed(cx)) return PENDING;
    p.writeWaker = undefined;
    const n = Math.min(free, bytes.length);
    const tail = (p.head + p.length) % capacity;
    const first = Math.min(n, capacity - tail);
    p.ring.set(first === bytes.length ? bytes : bytes.subarray(0, first), tail);
    if (first < n) p.ring.set(bytes.subarray(first, n), 0);
    p.length += n;
    p.wakeReader();
    return n;
  }

  pollFlush(_cx: Context): Poll<void> {
    if (this.#out.readClosed)
      throw new IoError("EPIPE", `${this.describeOperation("flush")}: the other end was dropped`);
  }

  pollShutdown(_cx: Context): Poll<void> {
    const p = this.#out;
    if (!p.writeClosed) {
      p.writeClosed = true;
      p.wakeReader();
    }
  }

  cancelRead(): void {
    this.#in.readWaker = undefined;
  }

  cancelWrite(): void {
    this.#out.writeWaker = undefined;
  }

  describeOperation(operation: string): string {
    return `DuplexStream.${operation}(${this.#name})`;
  }

  /** Drop: the other end reads the end of the stream, and its writes fail. Idempotent. */
  [Symbol.dispose](): void {
    const out = this.#out;
    out.writeClosed = true;
    out.writeWaker = undefined;
    out.wakeReader();
    const inc = this.#in;
    inc.readClosed = true;
    inc.readWaker = undefined;
    inc.wakeWriter();
  }
}

function storeWaker(p: Pipe, cx: Context, reading: boolean): void {
  const stored = reading ? p.readWaker : p.writeWaker;
  if (stored?.willWake(cx.waker)) return;
  if (reading) p.readWaker = cx.waker;
  else p.writeWaker = cx.waker;
}

/**
 * Makes an in-memory pipe: two connected {@link DuplexStream} ends, each
 * direction buffering at most `capacity` bytes (tokio's `io::duplex`).
 *
 * @throws RangeError unless `capacity` is an integer from 1 to 2^30.
 * @example
 * ```ts
 * import { main, spawn } from "mini-tokio";
 * import { duplex, readToEnd, shutdown, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(4); // four bytes of room: the writer waits for the reader
 *   const reader = spawn(readToEnd(b));
 *   yield* writeAll(a, Buffer.from("more than four bytes"));
 *   yield* shutdown(a);
 *   console.log(Buffer.from(yield* reader).toString());
 * });
 * ```
 * ```text output
 * more than four bytes
 * ```
 */
export function duplex(capacity: number): [DuplexStream, DuplexStream] {
  if (typeof capacity !== "number") {
    throw new TypeError(`duplex(capacity): capacity must be a number of bytes per direction, got ${typeof capacity}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 30) {
    throw new RangeError(
      `duplex(capacity): capacity must be an integer from 1 to 2^30 (bytes per direction), got ${String(capacity)}`,
    );
  }
  const ab = new Pipe(capacity);
  const ba = new Pipe(capacity);
  return [new DuplexStream(ba, ab, "end a"), new DuplexStream(ab, ba, "end b")];
}
