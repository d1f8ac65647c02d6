/**
 * `mini-tokio/io`: bytes in and out through the poll model (tokio's
 * `tokio::io`). Node-only: it adapts Node streams, and libuv is the
 * reactor.
 *
 * - {@link AsyncRead}, {@link AsyncBufRead} and {@link AsyncWrite}: the
 *   poll interfaces (`pollRead`, `pollFillBuf`/`consume`, `pollWrite`,
 *   `pollFlush`, `pollShutdown`).
 * - {@link fromReadable} and {@link fromWritable}: any Node stream, with
 *   Node's backpressure underneath.
 * - Futures: {@link read}, {@link readExact}, {@link readToEnd},
 *   {@link writeAll}, {@link flush}, {@link shutdown}.
 * - {@link IoError}: how every operation fails, with Node's `code`.
 *
 * See the guide `docs/guides/io.md`.
 *
 * @module
 */

export { type AsyncBufRead, type AsyncRead, isAsyncBufRead, isAsyncRead } from "./async-read.js";
export { type AsyncWrite, isAsyncWrite } from "./async-write.js";
export { DuplexStream, duplex } from "./duplex.js";
export { IoError } from "./io-error.js";
export { fromReadable, NodeReader } from "./node-reader.js";
export { fromWritable, NodeWriter } from "./node-writer.js";
export { read, readExact, readToEnd } from "./read.js";
export { flush, shutdown, write, writeAll } from "./write.js";
