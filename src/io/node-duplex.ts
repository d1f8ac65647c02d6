/**
 * `fromDuplex`: a Node `Duplex` (a TLS socket, a `PassThrough`, a child's
 * stdio pair) as one {@link AsyncBufRead} and {@link AsyncWrite}.
 *
 * @module
 */

import type { Duplex } from "node:stream";
import type { Context, Poll } from "../index.js";
import { type AsyncBufRead, kindOf } from "./async-read.js";
import type { AsyncWrite } from "./async-write.js";
import { NodeReader } from "./node-reader.js";
import { NodeWriter } from "./node-writer.js";

/**
 * A Node `Duplex` read through a {@link NodeReader} and written through a
 * {@link NodeWriter}: one task may read while another writes (use
 * `split`). Made by {@link fromDuplex}. Dropping it removes its listeners;
 * the stream belongs to whoever made it and is not destroyed.
 *
 * @example
 * ```ts
 * import { PassThrough } from "node:stream";
 * import { main } from "mini-tokio";
 * import { fromDuplex, readExact, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   using loop = fromDuplex(new PassThrough(), { name: "loopback" });
 *   yield* writeAll(loop, Buffer.from("echo"));
 *   console.log(Buffer.from(yield* readExact(loop, new Uint8Array(4))).toString());
 * });
 * ```
 * ```text output
 * echo
 * ```
 */
export class NodeDuplex implements AsyncBufRead, AsyncWrite, Disposable {
  readonly #stream: Duplex;
  readonly #reader: NodeReader;
  readonly #writer: NodeWriter;

  /** @internal Use {@link fromDuplex} (net's socket streams extend it, naming their address in `where`). */
  constructor(stream: Duplex, kind: string, where = "") {
    this.#stream = stream;
    this.#reader = new NodeReader(stream, { kind, where });
    this.#writer = new NodeWriter(stream, { kind, where });
  }

  /** Views are Node's own chunks, never written again. */
  readonly stableViews = true;

  /** The Node stream underneath. */
  get stream(): Duplex {
    return this.#stream;
  }

  pollFillBuf(cx: Context): Poll<Uint8Array> {
    return this.#reader.pollFillBuf(cx);
  }
  consume(n: number): void {
    this.#reader.consume(n);
  }
  pollRead(cx: Context, buf: Uint8Array): Poll<number> {
    return this.#reader.pollRead(cx, buf);
  }
  cancelRead(): void {
    this.#reader.cancelRead();
  }
  pollWrite(cx: Context, bytes: Uint8Array): Poll<number> {
    return this.#writer.pollWrite(cx, bytes);
  }
  pollFlush(cx: Context): Poll<void> {
    return this.#writer.pollFlush(cx);
  }
  pollShutdown(cx: Context): Poll<void> {
    return this.#writer.pollShutdown(cx);
  }
  cancelWrite(): void {
    this.#writer.cancelWrite();
  }
  describeOperation(operation: string): string {
    return this.#reader.describeOperation(operation);
  }

  /** Drop: removes the listeners of both sides; the stream is left as it is. Idempotent. */
  [Symbol.dispose](): void {
    this.#reader[Symbol.dispose]();
    this.#writer[Symbol.dispose]();
  }
}

/**
 * Reads and writes a Node `Duplex` through the poll model (for a stream that
 * is both, such as `tls.connect(…)`'s socket). The stream must carry bytes
 * (no encoding). `name` is shown in `rt.dump()` (`"Duplex.read()"` by
 * default).
 *
 * @example
 * ```ts no-run
 * import tls from "node:tls";
 * import { main } from "mini-tokio";
 * import { fromDuplex, once, readLine, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const socket = tls.connect({ host: "example.com", port: 443, servername: "example.com" });
 *   yield* once(socket, "secureConnect");
 *   using s = fromDuplex(socket, { name: "TlsStream" });
 *   yield* writeAll(s, Buffer.from("HEAD / HTTP/1.0\r\nHost: example.com\r\n\r\n"));
 *   console.log(yield* readLine(s));
 * });
 * ```
 */
export function fromDuplex(stream: Duplex, options?: { name?: string }): NodeDuplex {
  if (
    typeof stream !== "object" ||
    stream === null ||
    typeof stream.read !== "function" ||
    typeof stream.write !== "function"
  ) {
    throw new TypeError(`fromDuplex(stream): expected a Node Duplex stream, got ${kindOf(stream)}`);
  }
  if (stream.readableEncoding !== null) {
    throw new TypeError(
      `fromDuplex(stream): the stream has the encoding "${stream.readableEncoding}" set; AsyncRead reads bytes, so make it without setEncoding`,
    );
  }
  return new NodeDuplex(stream, options?.name ?? "Duplex");
}
