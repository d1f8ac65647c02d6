/**
 * Codecs for {@link Framed}: how bytes become frames and frames bytes
 * (tokio-util's `Decoder`/`Encoder`), with two of tokio-util's:
 * {@link LinesCodec} and {@link LengthDelimitedCodec}.
 *
 * @module
 */

import { kindOf } from "./async-read.js";
import type { ByteBuffer } from "./byte-buffer.js";
import { IoError } from "./io-error.js";

/**
 * The bytes read and not yet decoded, as a decoder sees them: look at
 * {@link DecodeBuffer.view} and {@link DecodeBuffer.advance} past a frame.
 * Often it is the reader's own chunk, lent without copying; the view is
 * valid only during `decode`, so a frame that keeps bytes must copy them
 * (`view.slice(…)`).
 *
 * @example
 * ```ts
 * import { DecodeBuffer } from "mini-tokio/io";
 * const buf = new DecodeBuffer();
 * buf.append(Uint8Array.of(1, 2, 3));
 * buf.advance(1);
 * console.log(buf.view(), buf.length);
 * ```
 * ```text output
 * Uint8Array(2) [ 2, 3 ] 2
 * ```
 */
export class DecodeBuffer {
  #bytes: Uint8Array = new Uint8Array(0);
  #start = 0;
  #end = 0;
  #own: Uint8Array = new Uint8Array(0);

  /** Bytes not yet decoded. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** The bytes not yet decoded (valid until `advance` or the next read). */
  view(): Uint8Array {
    return this.#bytes.subarray(this.#start, this.#end);
  }

  /** Marks `n` bytes as decoded. */
  advance(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.length) {
      throw new RangeError(`DecodeBuffer.advance(n): n must be an integer from 0 to ${this.length}, got ${n}`);
    }
    this.#start += n;
  }

  /** Lends `view` while empty (no copy). @internal */
  lend(view: Uint8Array): void {
    this.#bytes = view;
    this.#start = 0;
    this.#end = view.length;
  }

  /** True while the bytes are a lent view. @internal */
  get isLent(): boolean {
    return this.#bytes !== this.#own;
  }

  /** Copies what is left of a lent view into the buffer's own memory. @internal */
  keepLeftover(): void {
    const left = this.#bytes.subarray(this.#start, this.#end);
    this.#bytes = this.#own;
    this.#start = 0;
    this.#end = 0;
    if (left.length > 0) this.append(left);
  }

  /** Appends `bytes` to the buffer's own memory. @internal */
  append(bytes: Uint8Array): void {
    if (this.isLent) this.keepLeftover();
    if (this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end + bytes.length > this.#own.length) {
      const live = this.#end - this.#start;
      const size =
        live + bytes.length <= this.#own.length
          ? this.#own.length
          : Math.max(live + bytes.length, this.#own.length * 2, 4096);
      const grown = size > this.#own.length ? new Uint8Array(size) : this.#own;
      grown.set(this.#own.subarray(this.#start, this.#end), 0);
      this.#own = grown;
      this.#bytes = grown;
      this.#start = 0;
      this.#end = live;
    }
    this.#own.set(bytes, this.#end);
    this.#end += bytes.length;
  }
}

/**
 * Turns bytes into frames (tokio-util's `Decoder`).
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { type ByteBuffer, type Codec, type DecodeBuffer, duplex, Framed } from "mini-tokio/io";
 * // Frames of one byte each: the smallest codec there is.
 * class Bytes implements Codec<number> {
 *   decode(buf: DecodeBuffer): number | undefined {
 *     if (buf.length === 0) return undefined; // need more
 *     const b = buf.view()[0];
 *     buf.advance(1);
 *     return b;
 *   }
 *   encode(b: number, dst: ByteBuffer): void {
 *     dst.appendByte(b);
 *   }
 * }
 * await main(function* () {
 *   const [a, b] = duplex(8);
 *   yield* new Framed(a, new Bytes()).send(7);
 *   console.log(yield* new Framed(b, new Bytes()).next());
 * });
 * ```
 * ```text output
 * 7
 * ```
 */
export interface Decoder<T> {
  /**
   * The next frame if `buf` holds a whole one (advancing past it), or
   * `undefined` when more bytes are needed. Throw an {@link IoError} for
   * bytes that can never form a frame.
   */
  decode(buf: DecodeBuffer): T | undefined;
  /**
   * Called at the end of the stream (repeatedly, until it returns
   * `undefined`): a last frame from what is left. Without it, bytes left
   * over at the end are an error (`"UNEXPECTED_EOF"`).
   */
  decodeEof?(buf: DecodeBuffer): T | undefined;
}

/** Turns frames into bytes (tokio-util's `Encoder`); see {@link Decoder} for a whole codec. */
export interface Encoder<T> {
  /** Appends the encoding of `item` to `dst`. */
  encode(item: T, dst: ByteBuffer): void;
}

/** A decoder and an encoder (of frames `In` read and `Out` written), as `Framed` takes; see {@link Decoder}. */
export type Codec<In, Out = In> = Decoder<In> & Encoder<Out>;

const NEWLINE = 10;
const CR = 13;
const utf8 = new TextDecoder();

/**
 * Frames are lines of UTF-8 text (tokio-util's `LinesCodec`): decoded
 * without `\n` or `\r\n`, encoded with `\n`. `maxLength` (default 64 KiB)
 * bounds a line: a longer one fails with an {@link IoError}
 * (`"LINE_TOO_LONG"`) instead of growing the buffer without end.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, Framed, LinesCodec } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   const left = new Framed(a, new LinesCodec());
 *   const right = new Framed(b, new LinesCodec());
 *   yield* left.send("hello");
 *   console.log(yield* right.next());
 * });
 * ```
 * ```text output
 * hello
 * ```
 */
export class LinesCodec implements Codec<string> {
  readonly maxLength: number;
  /** How far a search for `\n` already looked, so a long line is scanned once. */
  #searched = 0;

  constructor(options?: { maxLength?: number }) {
    const max = options?.maxLength ?? 64 * 1024;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`new LinesCodec({ maxLength }): maxLength must be a positive integer, got ${max}`);
    }
    this.maxLength = max;
  }

  decode(buf: DecodeBuffer): string | undefined {
    const view = buf.view();
    const at = view.indexOf(NEWLINE, Math.min(this.#searched, view.length));
    if (at === -1) {
      if (view.length > this.maxLength) {
        throw new IoError("LINE_TOO_LONG", `LinesCodec: a line is longer than maxLength (${this.maxLength} bytes)`);
      }
      this.#searched = view.length;
      return undefined;
    }
    this.#searched = 0;
    if (at > this.maxLength) {
      throw new IoError("LINE_TOO_LONG", `LinesCodec: a line is longer than maxLength (${this.maxLength} bytes)`);
    }
    const end = at > 0 && view[at - 1] === CR ? at - 1 : at;
    const line = utf8.decode(view.subarray(0, end));
    buf.advance(at + 1);
    return line;
  }

  decodeEof(buf: DecodeBuffer): string | undefined {
    const line = this.decode(buf);
    if (line !== undefined || buf.length === 0) return line;
    // The last line had no newline: still a line.
    const view = buf.view();
    const end = view[view.length - 1] === CR ? view.length - 1 : view.length;
    const rest = utf8.decode(view.subarray(0, end));
    buf.advance(view.length);
    this.#searched = 0;
    return rest;
  }

  encode(line: string, dst: ByteBuffer): void {
    if (typeof line !== "string")
      throw new TypeError(`LinesCodec.encode(line): line must be a string, got ${kindOf(line)}`);
    dst.appendString(line);
    dst.appendByte(NEWLINE);
  }
}

/**
 * Frames are byte strings, each after a 4-byte big-endian length
 * (tokio-util's `LengthDelimitedCodec` with its defaults). `maxFrameLength`
 * (default 8 MiB) is checked on both sides: a header announcing more fails
 * with an {@link IoError} (`"FRAME_TOO_LONG"`) before anything is buffered,
 * so a hostile peer cannot make the reader allocate gigabytes.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, Framed, LengthDelimitedCodec } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   const left = new Framed(a, new LengthDelimitedCodec());
 *   const right = new Framed(b, new LengthDelimitedCodec());
 *   yield* left.send(Uint8Array.of(1, 2, 3));
 *   console.log(yield* right.next());
 * });
 * ```
 * ```text output
 * Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export class LengthDelimitedCodec implements Codec<Uint8Array> {
  readonly maxFrameLength: number;

  constructor(options?: { maxFrameLength?: number }) {
    const max = options?.maxFrameLength ?? 8 * 1024 * 1024;
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new RangeError(
        `new LengthDelimitedCodec({ maxFrameLength }): maxFrameLength must be an integer from 0 to 2^32 - 1, got ${max}`,
      );
    }
    this.maxFrameLength = max;
  }

  decode(buf: DecodeBuffer): Uint8Array | undefined {
    if (buf.length < 4) return undefined;
    const view = buf.view();
    const length = ((view[0] ?? 0) << 24) | ((view[1] ?? 0) << 16) | ((view[2] ?? 0) << 8) | (view[3] ?? 0);
    const n = length >>> 0;
    if (n > this.maxFrameLength) {
      throw new IoError(
        "FRAME_TOO_LONG",
        `LengthDelimitedCodec: a frame of ${n} bytes is longer than maxFrameLength (${this.maxFrameLength})`,
      );
    }
    if (view.length < 4 + n) return undefined;
    const frame = view.slice(4, 4 + n);
    buf.advance(4 + n);
    return frame;
  }

  encode(frame: Uint8Array, dst: ByteBuffer): void {
    if (!(frame instanceof Uint8Array)) {
      throw new TypeError(`LengthDelimitedCodec.encode(frame): frame must be a Uint8Array, got ${kindOf(frame)}`);
    }
    if (frame.length > this.maxFrameLength) {
      throw new RangeError(
        `LengthDelimitedCodec.encode(frame): ${frame.length} bytes is longer than maxFrameLength (${this.maxFrameLength})`,
      );
    }
    const n = frame.length;
    dst.appendByte((n >>> 24) & 0xff);
    dst.appendByte((n >>> 16) & 0xff);
    dst.appendByte((n >>> 8) & 0xff);
    dst.appendByte(n & 0xff);
    dst.append(frame);
  }
}
