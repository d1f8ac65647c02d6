/**
 * `NodeWriter`: a Node `Writable` as an {@link AsyncWrite}, with Node's
 * backpressure underneath.
 *
 * `pollWrite` hands the bytes to `writable.write()` (Node keeps a reference;
 * nothing is copied) and accepts them all. Once `write()` has said the
 * stream is over its high-water mark (`writableNeedDrain`), the next write
 * waits for `'drain'`: a peer that reads slowly makes the writer wait, and
 * the memory held stays bounded. A write to a stream that is closed, ended
 * or errored throws an {@link IoError} at once, and one waiting when the
 * stream fails is woken and throws: a write never hangs on a dead socket.
 *
 * @module
 */

import type { Writable } from "node:stream";
import { type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { kindOf } from "./async-read.js";
import type { AsyncWrite } from "./async-write.js";
import { HostWait } from "./host-wait.js";
import { IoError } from "./io-error.js";
import type { IoName } from "./node-reader.js";

/**
 * A Node `Writable` (a socket, a file stream, a child's stdin) written
 * through the poll model. Made by {@link fromWritable}; `TcpStream` writes
 * through one.
 *
 * One task writes at a time (the writer keeps one waker). Dropping the
 * writer removes its listeners; it neither ends nor destroys the stream.
 *
 * @example
 * ```ts
 * import { PassThrough } from "node:stream";
 * import { main } from "mini-tokio";
 * import { fromWritable, shutdown, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const sink = new PassThrough();
 *   sink.on("data", (b: Buffer) => console.log(b.toString()));
 *   using w = fromWritable(sink);
 *   yield* writeAll(w, Buffer.from("hello"));
 *   yield* shutdown(w);
 * });
 * ```
 * ```text output
 * hello
 * ```
 */
export class NodeWriter implements AsyncWrite, Disposable {
  readonly #writable: Writable;
  readonly #name: IoName;
  /** The task waiting on the host, and its host operation. */
  readonly #host = new HostWait();
  #drainListening = false;
  #error: IoError | undefined = undefined;
  #closed = false;
  #disposed = false;

  /** @internal Use {@link fromWritable}. */
  constructor(writable: Writable, name: IoName) {
    this.#writable = writable;
    this.#name = name;
    writable.on("error", this.#onError);
    writable.on("close", this.#onClose);
    writable.on("finish", this.#onFinish);
  }

  /** The Node stream underneath. */
  get writable(): Writable {
    return this.#writable;
  }

  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    this.#check("write");
    if (bytes.length === 0) return 0;
    const w = this.#writable;
    if (w.writableNeedDrain) {
      this.#wait(cx, true);
      return PENDING;
    }
    if (!pollProceed(cx)) return PENDING;
    this.#host.stop();
    // One callback for every write (bound once): it reports errors and
    // wakes a flush once Node's buffer is empty.
    w.write(bytes, this.#onWritten);
    return bytes.length;
  }

  pollFlush(cx: Context): Poll<void> {
    if (this.#error !== undefined) throw this.#error;
    const w = this.#writable;
    if (w.writableLength === 0 || w.writableFinished) {
      this.#host.stop();
      return;
    }
    if (w.destroyed || this.#closed) throw this.#closedError("flush");
    this.#wait(cx, false);
    return PENDING;
  }

  pollShutdown(cx: Context): Poll<void> {
    if (this.#error !== undefined) throw this.#error;
    const w = this.#writable;
    if (w.writableFinished) {
      this.#host.stop();
      return;
    }
    if (w.destroyed || this.#closed) throw this.#closedError("shutdown");
    if (!w.writableEnded) w.end();
    if (w.writableFinished) return;
    this.#wait(cx, false);
    return PENDING;
  }

  cancelWrite(): void {
    this.#host.stop();
    if (this.#drainListening) {
      this.#drainListening = false;
      this.#writable.off("drain", this.#onDrain);
    }
  }

  describeOperation(operation: string): string {
    return `${this.#name.kind}.${operation}(${this.#name.where})`;
  }

  /** Drop: removes every listener the writer put on the stream. Idempotent. */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.cancelWrite();
    const w = this.#writable;
    w.off("error", this.#onError);
    w.off("close", this.#onClose);
    w.off("finish", this.#onFinish);
  }

  /** Throws when no write can succeed: failed, closed, ended, or the writer dropped. */
  #check(operation: string): void {
    if (this.#error !== undefined) throw this.#error;
    const w = this.#writable;
    if (this.#disposed || w.destroyed || this.#closed) throw this.#closedError(operation);
    if (w.writableEnded) {
      throw new IoError(
        "ERR_STREAM_WRITE_AFTER_END",
        `${this.describeOperation(operation)}: the writing side was already shut down`,
      );
    }
  }

  #closedError(operation: string): IoError {
    return new IoError("ERR_STREAM_DESTROYED", `${this.describeOperation(operation)}: the stream is closed`);
  }

  #wait(cx: Context, drain: boolean): void {
    this.#host.wait(cx);
    if (drain && !this.#drainListening) {
      this.#drainListening = true;
      this.#writable.on("drain", this.#onDrain);
    }
  }

  readonly #onDrain = (): void => this.#host.wake();
  readonly #onFinish = (): void => this.#host.wake();
  readonly #onClose = (): void => {
    this.#closed = true;
    this.#host.wake();
  };
  readonly #onError = (error: unknown): void => {
    this.#error ??= IoError.from(error, this.describeOperation("write"));
    this.#host.wake();
  };
  readonly #onWritten = (error?: Error | null): void => {
    if (error) {
      this.#error ??= IoError.from(error, this.describeOperation("write"));
      this.#host.wake();
    } else if (this.#host.waiting && this.#writable.writableLength === 0) {
      this.#host.wake();
    }
  };
}

/**
 * Writes a Node `Writable` through the poll model: the result is an
 * {@link AsyncWrite} for `writeAll`, `flush`, `shutdown`, `copy`,
 * `BufWriter`… `name` is shown in `rt.dump()` (`"Writable.write()"` by
 * default).
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { fromWritable, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   using out = fromWritable(process.stdout, { name: "stdout" });
 *   yield* writeAll(out, Buffer.from("hi\n"));
 * });
 * ```
 * ```text output
 * hi
 * ```
 */
export function fromWritable(writable: Writable, options?: { name?: string }): NodeWriter {
  if (typeof writable !== "object" || writable === null || typeof writable.write !== "function") {
    throw new TypeError(`fromWritable(writable): expected a Node Writable stream, got ${kindOf(writable)}`);
  }
  if (writable.writableObjectMode) {
    throw new TypeError("fromWritable(writable): the stream is in object mode; AsyncWrite writes bytes");
  }
  return new NodeWriter(writable, { kind: options?.name ?? "Writable", where: "" });
}
