/**
 * RESP2, the Redis wire protocol: an incremental request parser and the
 * reply encoders. Shared by mini-redis and by the two servers it is
 * measured against (`bench/contenders/io/`), so the comparison is of the
 * runtimes, not of the parsers.
 *
 * A request is an array of bulk strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`),
 * or an inline command (`PING\r\n`, as telnet sends). Arguments are decoded
 * as latin1 strings: one JavaScript character per byte, so any binary value
 * round-trips, and V8 keeps such strings one byte per character.
 *
 * @module
 */

import type { ByteBuffer } from "../../src/io/index.js";

/** The largest bulk string accepted (redis-server's `proto-max-bulk-len` is 512 MiB; ours is smaller). */
export const MAX_BULK = 16 * 1024 * 1024;
/** The most arguments in one request. */
export const MAX_ARGS = 1024 * 1024;
/** The longest inline command or header line. */
export const MAX_INLINE = 64 * 1024;

/** The client broke the protocol: reply `-ERR Protocol error: …` and close the connection (as redis-server does). */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;

/**
 * Parses requests out of a byte buffer, one at a time. After a successful
 * {@link RespParser.parse}, `args[0..argc)` hold the request and `next` is
 * where the following one starts. The `args` array is reused from request
 * to request, so parsing allocates only the argument strings.
 */
export class RespParser {
  readonly args: string[] = [];
  argc = 0;
  next = 0;

  /**
   * Parses one request from `buf[start..end)`: true when one was found
   * (see `args`, `argc`, `next`), false when more bytes are needed. Throws
   * a {@link ProtocolError} for bytes that are not RESP or exceed the limits.
   */
  parse(buf: Buffer, start: number, end: number): boolean {
    if (start >= end) return false;
    if (buf[start] !== STAR) return this.#inline(buf, start, end);
    const header = this.#integerLine(buf, start + 1, end);
    if (header === undefined) return false;
    const count = header.value;
    if (count > MAX_ARGS) throw new ProtocolError(`invalid multibulk length`);
    let p = header.next;
    if (count <= 0) {
      this.argc = 0;
      this.next = p;
      return true;
    }
    const args = this.args;
    for (let i = 0; i < count; i++) {
      if (p >= end) return false;
      if (buf[p] !== DOLLAR) throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[p] ?? 0)}'`);
      const len = this.#integerLine(buf, p + 1, end);
      if (len === undefined) return false;
      if (len.value < 0 || len.value > MAX_BULK) throw new ProtocolError("invalid bulk length");
      const from = len.next;
      // The whole value and its CRLF must be here; otherwise wait for more.
      if (end - from < len.value + 2) return false;
      const to = from + len.value;
      if (buf[to] !== CR || buf[to + 1] !== LF) throw new ProtocolError("bulk string not followed by CRLF");
      args[i] = buf.toString("latin1", from, to);
      p = to + 2;
    }
    this.argc = count;
    this.next = p;
    return true;
  }

  /** Reads `<digits>\r\n` at `p`; undefined when the line is not complete. */
  #integerLine(buf: Buffer, p: number, end: number): { value: number; next: number } | undefined {
    let value = 0;
    let negative = false;
    let digits = 0;
    if (p < end && buf[p] === 45) {
      negative = true;
      p++;
    }
    for (; p < end; p++) {
      const c = buf[p] ?? 0;
      if (c === CR) {
        if (p + 1 >= end) return undefined;
        if (buf[p + 1] !== LF || digits === 0) throw new ProtocolError("invalid length line");
        this.#scratch.value = negative ? -value : value;
        this.#scratch.next = p + 2;
        return this.#scratch;
      }
      if (c < 48 || c > 57 || ++digits > 12) throw new ProtocolError("invalid length");
      value = value * 10 + (c - 48);
    }
    if (digits > 12) throw new ProtocolError("invalid length");
    return undefined;
  }

  /** The result of #integerLine, reused: no allocation per header. */
  readonly #scratch = { value: 0, next: 0 };

  /** An inline command: words separated by spaces, ended by `\n` (or `\r\n`). */
  #inline(buf: Buffer, start: number, end: number): boolean {
    const nl = buf.indexOf(LF, start);
    if (nl === -1 || nl >= end) {
      if (end - start > MAX_INLINE) throw new ProtocolError("too big inline request");
      return false;
    }
    const lineEnd = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    const words = buf
      .toString("latin1", start, lineEnd)
      .split(" ")
      .filter((w) => w.length > 0);
    for (let i = 0; i < words.length; i++) this.args[i] = words[i] ?? "";
    this.argc = words.length;
    this.next = nl + 1;
    return true;
  }
}

/** The most bytes a single request may occupy while it arrives (bulk limit plus headers). */
export const MAX_REQUEST = 64 * 1024 * 1024;

/**
 * A connection's incoming side: hands every complete request in the bytes
 * read to a handler and keeps the start of one that is cut by the chunk
 * boundary. Requests are parsed straight out of the chunk read; only that
 * cut-off tail is copied, into the buffer's own memory.
 */
export class RequestBuffer {
  readonly parser = new RespParser();
  #pending = Buffer.allocUnsafe(0);
  #pendingLength = 0;

  /** Bytes of an incomplete request held. */
  get pending(): number {
    return this.#pendingLength;
  }

  /**
   * Calls `handle(args, argc)` for each complete request in `view` (after
   * what was pending) until it returns false. Returns false when the
   * connection must close: the handler said so, or the bytes broke the
   * protocol (the error reply is then written to `out`).
   */
  feed(view: Uint8Array, handle: (args: string[], argc: number) => boolean, out: ByteBuffer): boolean {
    let buf: Buffer;
    let p = 0;
    let end: number;
    if (this.#pendingLength === 0) {
      buf = view instanceof Buffer ? view : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
      end = view.length;
    } else {
      this.#keep(view, 0, view.length);
      buf = this.#pending;
      end = this.#pendingLength;
    }
    const parser = this.parser;
    try {
      while (parser.parse(buf, p, end)) {
        p = parser.next;
        if (!handle(parser.args, parser.argc)) return false;
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      error(out, `ERR Protocol error: ${e.message}`);
      return false;
    }
    if (buf === this.#pending) {
      this.#pending.copy(this.#pending, 0, p, end);
      this.#pendingLength = end - p;
    } else {
      this.#pendingLength = 0;
      if (p < end) this.#keep(buf, p, end);
    }
    if (this.#pendingLength > MAX_REQUEST) {
      error(out, "ERR Protocol error: request too large");
      return false;
    }
    return true;
  }

  #keep(bytes: Uint8Array, from: number, to: number): void {
    const need = this.#pendingLength + (to - from);
    if (need > this.#pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#pending.length * 2, 4096));
      this.#pending.copy(grown, 0, 0, this.#pendingLength);
      this.#pending = grown;
    }
    this.#pending.set(bytes.subarray(from, to), this.#pendingLength);
    this.#pendingLength = need;
  }
}

// --- replies -----------------------------------------------------------------

/** `+OK\r\n` and friends. */
export function simple(out: ByteBuffer, text: string): void {
  out.appendByte(43);
  out.appendString(text);
  out.appendByte(CR);
  out.appendByte(LF);
}

/** `-ERR …\r\n`. */
export function error(out: ByteBuffer, text: string): void {
  out.appendByte(45);
  out.appendString(text);
  out.appendByte(CR);
  out.appendByte(LF);
}

/** `:42\r\n`. */
export function integer(out: ByteBuffer, n: number): void {
  out.appendByte(58);
  out.appendString(String(n));
  out.appendByte(CR);
  out.appendByte(LF);
}

/** `$5\r\nhello\r\n` for a latin1 string; `$-1\r\n` for undefined (Redis's nil). */
export function bulk(out: ByteBuffer, value: string | undefined): void {
  if (value === undefined) {
    out.appendString("$-1\r\n");
    return;
  }
  out.appendByte(DOLLAR);
  out.appendString(String(value.length));
  out.appendByte(CR);
  out.appendByte(LF);
  out.appendLatin1(value);
  out.appendByte(CR);
  out.appendByte(LF);
}

/** `*3\r\n`: an array header; the elements follow. */
export function arrayHeader(out: ByteBuffer, n: number): void {
  out.appendByte(STAR);
  out.appendString(String(n));
  out.appendByte(CR);
  out.appendByte(LF);
}
