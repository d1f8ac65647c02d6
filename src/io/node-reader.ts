/**
 * `NodeReader`: a Node `Readable` as an {@link AsyncBufRead}; `libuv` is
 * the reactor and `'data'` is the readiness event.
 *
 * Once a task reads, the stream flows: Node emits each chunk as it reads it
 * (its own `Buffer`, never copied by us) and the reader queues it and wakes
 * the task. When a poll finds the queue empty, the reader stores the waker
 * and holds a host operation (so paused time does not skip past the
 * socket). Backpressure is pause/resume: once a high-water mark of bytes
 * waits in the queue the stream is paused, Node's own buffer fills, Node
 * stops reading from the kernel and the peer's writes wait; the stream
 * resumes as the task takes chunks. Nothing is lost. A read dropped while
 * waiting removes the `'data'` listener and pauses the stream.
 *
 * @module
 */

import type { Readable } from "node:stream";
import { type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { type AsyncBufRead, kindOf } from "./async-read.js";
import { HostWait } from "./host-wait.js";
import { IoError } from "./io-error.js";

/** The view returned at the end of the stream. */
const EMPTY = new Uint8Array(0);

/** How a Node object is named in waits and errors. @internal */
export interface IoName {
  /** `"TcpStream"`, `"Readable"`, … */
  readonly kind: string;
  /** What it is connected to (`"127.0.0.1:53122"`), or "" when nothing useful. */
  readonly where: string;
}

/**
 * A Node `Readable` (a socket, a file stream, a child's stdout) read
 * through the poll model. Made by {@link fromReadable}; `TcpStream` and the
 * other `net` types read through one.
 *
 * One task reads at a time (the reader keeps one waker). Dropping the
 * reader removes every listener it put on the stream; it does not destroy
 * the stream, which belongs to whoever made it.
 *
 * @example
 * ```ts
 * import { Readable } from "node:stream";
 * import { main } from "mini-tokio";
 * import { fromReadable, readToEnd } from "mini-tokio/io";
 * await main(function* () {
 *   const r = fromReadable(Readable.from([Buffer.from("hello "), Buffer.from("world")]));
 *   console.log(new TextDecoder().decode(yield* readToEnd(r)));
 * });
 * ```
 * ```text output
 * hello world
 * ```
 */
export class NodeReader implements AsyncBufRead, Disposable {
  readonly #readable: Readable;
  readonly #name: IoName;
  /** The chunk being read from, and how much of it was consumed. */
  #chunk: Uint8Array | undefined = undefined;
  #offset = 0;
  /** Chunks Node emitted that no poll has taken yet: a FIFO over an array with a moving head. */
  #queue: Uint8Array[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** Pause Node once this much waits in the queue. */
  readonly #highWaterMark: number;
  /** The task waiting for a chunk (set only while waiting). */
  /** The task waiting on the host, and its host operation. */
  readonly #host = new HostWait();
  /** True while the 'data' listener is on (the stream flows unless we paused it). */
  #listening = false;
  /** True while we paused the stream because the queue is full. */
  #paused = false;
  #error: IoError | undefined = undefined;
  #ended = false;
  #disposed = false;

  /** @internal Use {@link fromReadable}. */
  constructor(readable: Readable, name: IoName) {
    this.#readable = readable;
    this.#name = name;
    this.#highWaterMark = Math.max(readable.readableHighWaterMark, 16 * 1024);
    // These three live as long as the reader: an 'error' without a listener
    // would crash the process, and 'end'/'close' must wake a waiting read.
    readable.on("end", this.#onEnd);
    readable.on("error", this.#onError);
    readable.on("close", this.#onClose);
  }

  /** Node hands over a new `Buffer` per chunk and never writes it again. */
  readonly stableViews = true;

  /** The Node stream underneath. */
  get readable(): Readable {
    return this.#readable;
  }

  pollFillBuf(cx: Context): Poll<Uint8Array> {
    const chunk = this.#chunk;
    if (chunk !== undefined) return this.#offset === 0 ? chunk : chunk.subarray(this.#offset);
    if (this.#head < this.#queue.length) {
      // Spent before taking: a refusal leaves the chunk queued.
      if (!pollProceed(cx)) return PENDING;
      this.#host.stop();
      return this.#take();
    }
    if (this.#error !== undefined) throw this.#error;
    if (this.#disposed) throw this.#closedError();
    if (this.#ended || this.#readable.readableEnded) {
      this.#stopListening();
      return EMPTY;
    }
    if (this.#readable.destroyed) {
      this.#stopListening();
      if (this.#error !== undefined) throw this.#error;
      throw this.#closedError();
    }
    this.#wait(cx);
    return PENDING;
  }

  consume(n: number): void {
    const chunk = this.#chunk;
    const left = chunk === undefined ? 0 : chunk.length - this.#offset;
    if (!Number.isInteger(n) || n < 0 || n > left) {
      throw new RangeError(`consume(n): n must be an integer from 0 to ${left} (the bytes in the last view), got ${n}`);
    }
    this.#offset += n;
    if (chunk !== undefined && this.#offset === chunk.length) {
      this.#chunk = undefined;
      this.#offset = 0;
    }
  }

  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    if (buf.length === 0) return 0;
    const view = this.pollFillBuf(cx);
    if (view === PENDING) return PENDING;
    const n = Math.min(view.length, buf.length);
    buf.set(n === view.length ? view : view.subarray(0, n));
    this.consume(n);
    return n;
  }

  /** A read dropped mid-wait: the listener comes off and Node stops reading (it buffers up to its high-water mark). */
  cancelRead(): void {
    this.#stopListening();
  }

  describeOperation(operation: string): string {
    return `${this.#name.kind}.${operation}(${this.#name.where})`;
  }

  /** Drop: removes every listener the reader put on the stream. Idempotent. */
  [Symbol.dispose](): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#stopListening();
    this.#chunk = undefined;
    this.#queue = [];
    this.#head = 0;
    const r = this.#readable;
    r.off("end", this.#onEnd);
    r.off("error", this.#onError);
    r.off("close", this.#onClose);
  }

  /** Moves the oldest queued chunk to #chunk and returns it; resumes Node once the queue has room. */
  #take(): Uint8Array {
    const q = this.#queue;
    const next = q[this.#head];
    if (next === undefined) throw new Error("NodeReader: the chunk queue is empty (a bug in mini-tokio)");
    if (++this.#head === q.length) {
      q.length = 0;
      this.#head = 0;
    }
    this.#queuedBytes -= next.length;
    this.#chunk = next;
    this.#offset = 0;
    if (this.#paused && this.#queuedBytes < this.#highWaterMark) {
      this.#paused = false;
      this.#readable.resume();
    }
    return next;
  }

  /**
   * Starts taking the stream's chunks now, before the first read, into the
   * reader's queue (up to its high-water mark; then the stream is paused
   * and the writer waits). For a stream whose unread bytes would otherwise
   * be thrown away — Node drains a child's stdout when the child exits.
   * Dropping the reader stops it. Idempotent.
   *
   * @example
   * ```ts no-run
   * import { fromReadable } from "mini-tokio/io";
   * import { spawn } from "node:child_process";
   * const child = spawn("ls", { stdio: ["ignore", "pipe", "inherit"] });
   * const out = fromReadable(child.stdout);
   * out.capture(); // what ls prints before anyone reads is kept
   * ```
   */
  capture(): void {
    if (this.#disposed) return;
    this.#listen();
  }

  #wait(cx: Context): void {
    this.#host.wait(cx);
    this.#listen();
  }

  #listen(): void {
    if (this.#listening) return;
    // Flowing mode: Node emits each chunk as it reads it, with no extra
    // turn; the queue and pause() give the backpressure back.
    this.#listening = true;
    this.#readable.on("data", this.#onData);
    if (!this.#paused) this.#readable.resume();
  }

  #stopListening(): void {
    this.#host.stop();
    if (this.#listening) {
      this.#listening = false;
      const r = this.#readable;
      r.off("data", this.#onData);
      // Without a 'data' listener a flowing stream would drop chunks: pause it.
      r.pause();
    }
  }

  #closedError(): IoError {
    return new IoError(
      "ERR_STREAM_PREMATURE_CLOSE",
      `${this.describeOperation("read")}: the stream was closed before it ended`,
    );
  }

  readonly #onData = (chunk: unknown): void => {
    if (!(chunk instanceof Uint8Array)) {
      this.#error ??= new IoError("ERR_INVALID_ARG_TYPE", notBytes(this.describeOperation("read"), chunk).message);
      this.#host.wake();
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes >= this.#highWaterMark && !this.#paused) {
      // The task reads slower than the peer writes: let Node's buffer fill
      // up, and the kernel's, and the peer's writes wait.
      this.#paused = true;
      this.#readable.pause();
    }
    this.#host.wake();
  };
  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#host.wake();
  };
  readonly #onError = (error: unknown): void => {
    this.#error ??= IoError.from(error, this.describeOperation("read"));
    this.#host.wake();
  };
  readonly #onClose = (): void => this.#host.wake();
}

function notBytes(what: string, chunk: unknown): TypeError {
  return new TypeError(
    `${what}: the stream produced ${typeof chunk === "string" ? "a string" : kindOf(chunk)}, not bytes: AsyncRead reads bytes, so do not set an encoding or object mode on the stream`,
  );
}

/**
 * Reads a Node `Readable` through the poll model: the result is an
 * {@link AsyncBufRead} for `read`, `readExact`, `lines`, `Framed`, `copy`…
 * The stream must produce bytes: no encoding; in object mode, only
 * `Uint8Array` chunks (a read of anything else throws a TypeError). `name` is
 * shown in `rt.dump()` (`"Readable.read()"` by default).
 *
 * @example
 * ```ts
 * import { createReadStream } from "node:fs";
 * import { main } from "mini-tokio";
 * import { fromReadable, readToEnd } from "mini-tokio/io";
 * await main(function* () {
 *   using r = fromReadable(createReadStream("package.json"), { name: "package.json" });
 *   const bytes = yield* readToEnd(r);
 *   console.log(bytes.length > 0);
 * });
 * ```
 * ```text output
 * true
 * ```
 */
export function fromReadable(readable: Readable, options?: { name?: string }): NodeReader {
  if (typeof readable !== "object" || readable === null || typeof readable.read !== "function") {
    throw new TypeError(`fromReadable(readable): expected a Node Readable stream, got ${kindOf(readable)}`);
  }
  if (readable.readableEncoding !== null) {
    throw new TypeError(
      `fromReadable(readable): the stream has the encoding "${readable.readableEncoding}" set, so it yields strings; AsyncRead reads bytes, so make it without setEncoding`,
    );
  }
  return new NodeReader(readable, { kind: options?.name ?? "Readable", where: "" });
}
