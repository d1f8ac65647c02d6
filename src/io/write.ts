/**
 * Writing futures: `write`, `writeAll`, `flush`, `shutdown`.
 *
 * @module
 */

import { type Context, PENDING, type Poll } from "../index.js";
import { describeIo } from "./async-read.js";
import { type AsyncWrite, checkBytes, checkWriter } from "./async-write.js";
import { IoError } from "./io-error.js";
import { IoFuture } from "./io-future.js";

class Write extends IoFuture<number> {
  constructor(
    private readonly writer: AsyncWrite,
    private readonly bytes: Uint8Array,
  ) {
    super();
  }
  protected step(cx: Context): Poll<number> {
    return this.writer.pollWrite(cx, this.bytes);
  }
  protected cancel(): void {
    this.writer.cancelWrite?.();
  }
  describeWait(): string {
    return describeIo(this.writer, "write");
  }
}

/**
 * Writes a prefix of `bytes` once the writer has room, and yields its
 * length (tokio's `write`). The writer may keep a reference to the bytes:
 * do not modify them afterwards.
 *
 * **Cancel safety:** cancel safe: dropped while waiting, nothing was
 * written.
 *
 * @example
 * ```ts
 * import { future } from "mini-tokio";
 * import { duplex, write } from "mini-tokio/io";
 * const [a] = duplex(4);
 * const f = future(function* () {
 *   return yield* write(a, Buffer.from("hello")); // 4: the pipe holds four bytes
 * });
 * ```
 */
export function write(writer: AsyncWrite, bytes: Uint8Array): IoFuture<number> {
  return new Write(checkWriter("write(writer, bytes)", writer), checkBytes("write(writer, bytes)", "bytes", bytes));
}

class WriteAll extends IoFuture<void> {
  #written = 0;
  constructor(
    private readonly writer: AsyncWrite,
    private readonly bytes: Uint8Array,
  ) {
    super();
  }
  protected step(cx: Context): Poll<void> {
    const bytes = this.bytes;
    while (this.#written < bytes.length) {
      const n = this.writer.pollWrite(cx, this.#written === 0 ? bytes : bytes.subarray(this.#written));
      if (n === PENDING) return PENDING;
      if (n === 0)
        throw new IoError("WRITE_ZERO", `${describeIo(this.writer, "writeAll")}: the writer accepted nothing`);
      this.#written += n;
    }
  }
  protected cancel(): void {
    this.writer.cancelWrite?.();
  }
  describeWait(): string {
    return describeIo(this.writer, "writeAll");
  }
}

/**
 * Writes all of `bytes`, waiting for room as often as it takes (tokio's
 * `write_all`): with a Node stream underneath, it waits for `'drain'`
 * whenever Node's buffer is over its high-water mark, so a slow peer slows
 * the writer down. Throws an {@link IoError} if the stream fails or is
 * closed first. The writer may keep a reference to the bytes: do not
 * modify them afterwards.
 *
 * **Cancel safety:** not cancel safe: dropped midway, an unknown prefix of
 * `bytes` has been written.
 *
 * @example
 * ```ts
 * import { future, spawn } from "mini-tokio";
 * import { duplex, readExact, writeAll } from "mini-tokio/io";
 * const [a, b] = duplex(2);
 * const f = future(function* () {
 *   const reader = spawn(readExact(b, new Uint8Array(5))); // makes room as it reads
 *   yield* writeAll(a, Buffer.from("hello")); // waits twice for room in the pipe
 *   yield* reader;
 * });
 * ```
 */
export function writeAll(writer: AsyncWrite, bytes: Uint8Array): IoFuture<void> {
  return new WriteAll(
    checkWriter("writeAll(writer, bytes)", writer),
    checkBytes("writeAll(writer, bytes)", "bytes", bytes),
  );
}

class Flush extends IoFuture<void> {
  constructor(
    private readonly writer: AsyncWrite,
    private readonly shut: boolean,
  ) {
    super();
  }
  protected step(cx: Context): Poll<void> {
    return this.shut ? this.writer.pollShutdown(cx) : this.writer.pollFlush(cx);
  }
  protected cancel(): void {
    this.writer.cancelWrite?.();
  }
  describeWait(): string {
    return describeIo(this.writer, this.shut ? "shutdown" : "flush");
  }
}

/**
 * Waits until everything written has been handed on (to the operating
 * system, for a socket) (tokio's `flush`).
 *
 * **Cancel safety:** cancel safe: dropping it loses nothing; the bytes are
 * still on their way.
 *
 * @example
 * ```ts
 * import { future } from "mini-tokio";
 * import { duplex, flush, writeAll } from "mini-tokio/io";
 * const [a] = duplex(64);
 * const f = future(function* () {
 *   yield* writeAll(a, Buffer.from("x"));
 *   yield* flush(a);
 * });
 * ```
 */
export function flush(writer: AsyncWrite): IoFuture<void> {
  return new Flush(checkWriter("flush(writer)", writer), false);
}

/**
 * Flushes, then closes the writing side (a TCP FIN): the peer reads the
 * end of the stream, and may still send (tokio's `shutdown`). Writing
 * afterwards throws an {@link IoError}.
 *
 * **Cancel safety:** cancel safe: once started, the close goes on without
 * the future; awaiting `shutdown` again waits for it.
 *
 * @example
 * ```ts
 * import { future } from "mini-tokio";
 * import { duplex, shutdown } from "mini-tokio/io";
 * const [a] = duplex(64);
 * const f = future(function* () {
 *   yield* shutdown(a);
 * });
 * ```
 */
export function shutdown(writer: AsyncWrite): IoFuture<void> {
  return new Flush(checkWriter("shutdown(writer)", writer), true);
}
