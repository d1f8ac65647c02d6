/**
 * Lines: `readLine(reader)` and the `lines(reader)` stream.
 *
 * @module
 */

import { type Context, PENDING, type Poll, type Stream, type StreamExt, stream } from "../index.js";
import { type AsyncBufRead, describeIo, isAsyncBufRead, kindOf } from "./async-read.js";
import { IoError } from "./io-error.js";
import { IoFuture } from "./io-future.js";

const NEWLINE = 10;
const CR = 13;
const utf8 = new TextDecoder();

/** Options of `readLine` and `lines`. */
export interface LineOptions {
  /** The longest line accepted, in bytes (default 1 MiB); a longer one fails with an IoError `"LINE_TOO_LONG"`. */
  readonly maxLength?: number;
}

/**
 * Finds lines in what a reader buffers, keeping the start of a line that
 * has not ended yet. Owned by a `readLine` future or a `lines` stream.
 *
 * @internal
 */
export class LineScanner {
  #partial: Uint8Array = new Uint8Array(0);
  #partialLength = 0;
  constructor(
    private readonly reader: AsyncBufRead,
    private readonly maxLength: number,
  ) {}

  /** The next line without its `\n` (or `\r\n`), `undefined` at the end, or PENDING. */
  poll(cx: Context): Poll<string | undefined> {
    const reader = this.reader;
    for (;;) {
      const view = reader.pollFillBuf(cx);
      if (view === PENDING) return PENDING;
      if (view.length === 0) {
        if (this.#partialLength === 0) return undefined;
        // The last line had no newline: it is still a line.
        const line = this.#decode(this.#partial.subarray(0, this.#partialLength));
        this.#partialLength = 0;
        return line;
      }
      const at = view.indexOf(NEWLINE);
      if (at === -1) {
        this.#keep(view);
        reader.consume(view.length);
        continue;
      }
      let line: string;
      if (this.#partialLength === 0) {
        this.#check(at);
        line = this.#decode(view.subarray(0, at));
      } else {
        this.#keep(view.subarray(0, at));
        line = this.#decode(this.#partial.subarray(0, this.#partialLength));
        this.#partialLength = 0;
      }
      reader.consume(at + 1);
      return line;
    }
  }

  #check(length: number): void {
    if (length > this.maxLength) {
      throw new IoError(
        "LINE_TOO_LONG",
        `${describeIo(this.reader, "readLine")}: a line is longer than maxLength (${this.maxLength} bytes)`,
      );
    }
  }

  #keep(bytes: Uint8Array): void {
    const need = this.#partialLength + bytes.length;
    this.#check(need);
    if (need > this.#partial.length) {
      const grown = new Uint8Array(Math.max(need, this.#partial.length * 2, 256));
      grown.set(this.#partial.subarray(0, this.#partialLength));
      this.#partial = grown;
    }
    this.#partial.set(bytes, this.#partialLength);
    this.#partialLength = need;
  }

  #decode(bytes: Uint8Array): string {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    return utf8.decode(end === bytes.length ? bytes : bytes.subarray(0, end));
  }
}

function checkOptions(api: string, reader: unknown, options: LineOptions | undefined): [AsyncBufRead, number] {
  if (!isAsyncBufRead(reader)) {
    throw new TypeError(
      `${api}: expected an AsyncBufRead (a TcpStream, fromReadable(…), or any AsyncRead wrapped in new BufReader(…)), got ${kindOf(reader)}`,
    );
  }
  const max = options?.maxLength ?? 1 << 20;
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`${api}: maxLength must be a positive integer, got ${max}`);
  return [reader, max];
}

class ReadLine extends IoFuture<string | undefined> {
  readonly #scanner: LineScanner;
  constructor(
    private readonly reader: AsyncBufRead,
    maxLength: number,
  ) {
    super();
    this.#scanner = new LineScanner(reader, maxLength);
  }
  protected step(cx: Context): Poll<string | undefined> {
    return this.#scanner.poll(cx);
  }
  protected cancel(): void {
    this.reader.cancelRead?.();
  }
  describeWait(): string {
    return describeIo(this.reader, "readLine");
  }
}

/**
 * Reads one line (UTF-8, without its `\n` or `\r\n`) and yields it, or
 * `undefined` at the end of the stream. A last line without a newline is
 * still yielded.
 *
 * **Cancel safety:** not cancel safe: dropped midway, the start of a line
 * already taken from the reader is lost (as tokio's `read_line`). In a
 * `select` loop, use {@link lines}, which keeps it.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, readLine, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* writeAll(a, Buffer.from("hello\r\nworld\n"));
 *   console.log(yield* readLine(b), yield* readLine(b));
 * });
 * ```
 * ```text output
 * hello world
 * ```
 */
export function readLine(reader: AsyncBufRead, options?: LineOptions): IoFuture<string | undefined> {
  const [r, max] = checkOptions("readLine(reader)", reader, options);
  return new ReadLine(r, max);
}

/** The stream of {@link lines}. */
class Lines implements Stream<string>, Disposable {
  readonly #scanner: LineScanner;
  #waiting = false;
  constructor(
    private readonly reader: AsyncBufRead,
    maxLength: number,
  ) {
    this.#scanner = new LineScanner(reader, maxLength);
  }
  pollNext(cx: Context): Poll<string | undefined> {
    const p = this.#scanner.poll(cx);
    this.#waiting = p === PENDING;
    return p;
  }
  [Symbol.dispose](): void {
    if (this.#waiting) this.reader.cancelRead?.();
    this.#waiting = false;
  }
}

/**
 * The lines of a reader as a stream (UTF-8, without `\n` or `\r\n`); it
 * ends with the reader. `yield* ls.next()` reads the next one.
 *
 * **Cancel safety:** `next()` is cancel safe: the start of a line that has
 * not ended yet stays in the stream for the next call.
 *
 * @example
 * ```ts
 * import { main } from "mini-tokio";
 * import { duplex, lines, shutdown, writeAll } from "mini-tokio/io";
 * await main(function* () {
 *   const [a, b] = duplex(64);
 *   yield* writeAll(a, Buffer.from("one\ntwo\nthree"));
 *   yield* shutdown(a);
 *   const ls = lines(b);
 *   for (let l = yield* ls.next(); l !== undefined; l = yield* ls.next()) console.log(l);
 * });
 * ```
 * ```text output
 * one
 * two
 * three
 * ```
 */
export function lines(reader: AsyncBufRead, options?: LineOptions): StreamExt<string> {
  const [r, max] = checkOptions("lines(reader)", reader, options);
  return stream(new Lines(r, max));
}
