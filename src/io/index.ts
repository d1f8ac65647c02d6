/**
 * `mini-tokio/io`: bytes in and out through the poll model (tokio's
 * `tokio::io`). Node-only: it adapts Node streams, and libuv is the
 * reactor.
 *
 * - {@link AsyncRead}, {@link AsyncBufRead} and {@link AsyncWrite}: the
 *   poll interfaces (`pollRead`, `pollFillBuf`/`consume`, `pollWrite`,
 *   `pollFlush`, `pollShutdown`).
 * - {@link fromReadable}, {@link fromWritable} and {@link fromDuplex}: any Node stream, with
 *   Node's backpressure underneath.
 * - Futures: {@link read}, {@link readExact}, {@link readToEnd},
 *   {@link readLine}, {@link writeAll}, {@link flush}, {@link shutdown},
 *   {@link copy}, {@link copyBidirectional}; the {@link lines} stream.
 * - {@link BufReader}, {@link BufWriter}, {@link split}, an in-memory
 *   {@link duplex} pipe, and {@link Framed} with {@link LinesCodec} and
 *   {@link LengthDelimitedCodec}.
 * - {@link once}: one event of a Node `EventEmitter` as a cancellable future.
 * - {@link IoError}: how every operation fails, with Node's `code`.
 *
 * See the guide `docs/guides/io.md`.
 *
 * @module mini-tokio/io
 */

export { type AsyncBufRead, type AsyncRead, isAsyncBufRead, isAsyncRead } from "./async-read.js";
export { type AsyncWrite, isAsyncWrite } from "./async-write.js";
export { BufReader } from "./buf-reader.js";
export { BufWriter } from "./buf-writer.js";
export { ByteBuffer } from "./byte-buffer.js";
export { type Codec, DecodeBuffer, type Decoder, type Encoder, LengthDelimitedCodec, LinesCodec } from "./codec.js";
export { copy, copyBidirectional } from "./copy.js";
export { DuplexStream, duplex } from "./duplex.js";
export { Framed } from "./framed.js";
export { IoError } from "./io-error.js";
export { type LineOptions, lines, readLine } from "./lines.js";
export { fromDuplex, NodeDuplex } from "./node-duplex.js";
export { fromReadable, NodeReader } from "./node-reader.js";
export { fromWritable, NodeWriter } from "./node-writer.js";
export { Once, once } from "./once.js";
export { fillBuf, read, readExact, readToEnd } from "./read.js";
export { ReadHalf, split, WriteHalf } from "./split.js";
export { flush, shutdown, write, writeAll } from "./write.js";
