/**
 * `AsyncWrite`: a byte sink polled like a future (tokio's `AsyncWrite`).
 *
 * @module
 */

import type { Context, Poll } from "../index.js";
import { kindOf } from "./async-read.js";

/**
 * A sink of bytes polled like a future (tokio's `AsyncWrite`).
 *
 * - `pollWrite(cx, bytes)` accepts a prefix of `bytes` and returns its
 *   length (at least one byte when `bytes` is not empty), or
 *   `PENDING` after storing `cx.waker` when the sink is full
 *   (backpressure). **The sink may keep a reference to the accepted bytes
 *   instead of copying them** (Node's `write()` does), so do not modify
 *   them afterwards: write a fresh buffer, or one you will not touch again.
 * - `pollFlush(cx)` is ready once everything accepted has been handed to
 *   the operating system (or the peer, for in-memory pipes).
 * - `pollShutdown(cx)` flushes, then closes the writing side (a TCP FIN):
 *   the peer reads the end of the stream.
 *
 * Each throws an {@link IoError} when the sink failed or is closed: a
 * write to a closed socket fails, it never waits forever.
 *
 * A future that got PENDING and is then dropped calls `cancelWrite()`.
 *
 * @example
 * ```ts
 * import type { Context, Poll } from "mini-tokio";
 * import type { AsyncWrite } from "mini-tokio/io";
 * // A sink that collects what is written.
 * class Collect implements AsyncWrite {
 *   readonly chunks: Uint8Array[] = [];
 *   pollWrite(_cx: Context, bytes: Uint8Array): Poll<number> {
 *     this.chunks.push(bytes.slice());
 *     return bytes.length;
 *   }
 *   pollFlush(_cx: Context): Poll<void> {}
 *   pollShutdown(_cx: Context): Poll<void> {}
 * }
 * ```
 */
export interface AsyncWrite {
  /** Accepts a prefix of `bytes`: its length, or PENDING with the waker stored. */
  pollWrite(cx: Context, bytes: Uint8Array): Poll<number>;
  /** Ready once everything accepted is on its way. */
  pollFlush(cx: Context): Poll<void>;
  /** Flushes, then closes the writing side. */
  pollShutdown(cx: Context): Poll<void>;
  /** The future that last got PENDING from this writer was dropped: forget its waker and registrations. */
  cancelWrite?(): void;
  /** Names a wait on this writer for `rt.dump()`: `"write"` becomes `"TcpStream.write(127.0.0.1:53122)"`. */
  describeOperation?(operation: string): string;
}

/**
 * True when `value` is an {@link AsyncWrite}: an object with `pollWrite`, `pollFlush` and `pollShutdown`.
 *
 * @example
 * ```ts
 * import { duplex, isAsyncWrite } from "mini-tokio/io";
 * const [a] = duplex(8);
 * console.log(isAsyncWrite(a), isAsyncWrite(process.stdout));
 * ```
 * ```text output
 * true false
 * ```
 */
export function isAsyncWrite(value: unknown): value is AsyncWrite {
  return (
    typeof value === "object" &&
    value !== null &&
    "pollWrite" in value &&
    typeof value.pollWrite === "function" &&
    "pollFlush" in value &&
    typeof value.pollFlush === "function" &&
    "pollShutdown" in value &&
    typeof value.pollShutdown === "function"
  );
}

/** A TypeError for a non-writer passed to `api`. @internal */
export function checkWriter(api: string, value: unknown): AsyncWrite {
  if (!isAsyncWrite(value)) {
    throw new TypeError(
      `${api}: expected an AsyncWrite (an object with pollWrite, pollFlush and pollShutdown, such as a TcpStream or fromWritable(stream)), got ${kindOf(value)}`,
    );
  }
  return value;
}

/** A TypeError for bytes that are not a Uint8Array. @internal */
export function checkBytes(api: string, name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${api}: ${name} must be a Uint8Array (a Buffer is one), got ${kindOf(value)}`);
  }
  return value;
}
