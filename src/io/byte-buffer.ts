/**
 * `ByteBuffer`: a growable byte buffer that encoders write into (a small
 * cousin of the `bytes` crate's `BytesMut`).
 *
 * @module
 */

/**
 * A growable byte buffer: append bytes, text and numbers, then hand the
 * contents to a writer with {@link ByteBuffer.take}. The backing store is
 * reused from one `take` to the next, so encoding a reply allocates only
 * the bytes taken out.
 *
 * @example
 * ```ts
 * import { ByteBuffer } from "mini-tokio/io";
 * const b = new ByteBuffer();
 * b.appendString("+OK\r\n");
 * b.appendString(`:${42}\r\n`);
 * console.log(JSON.stringify(Buffer.from(b.take()).toString()), b.length);
 * ```
 * ```text output
 * "+OK\r\n:42\r\n" 0
 * ```
 */
export class ByteBuffer {
  #buf: Buffer;
  #length = 0;

  /** Makes an empty buffer with room for `capacity` bytes to start with (it grows as needed). */
  constructor(capacity = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`new ByteBuffer(capacity): capacity must be a positive integer, got ${capacity}`);
    }
    this.#buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.#length;
  }

  /** Makes room for `more` bytes. */
  reserve(more: number): void {
    const need = this.#length + more;
    if (need <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.#buf.length * 2));
    this.#buf.copy(grown, 0, 0, this.#length);
    this.#buf = grown;
  }

  /** Appends `bytes` (copied). */
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.#buf.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** Appends one byte. */
  appendByte(byte: number): void {
    this.reserve(1);
    this.#buf[this.#length++] = byte;
  }

  /** Appends `text` encoded as UTF-8. */
  appendString(text: string): void {
    // Up to 3 bytes per UTF-16 unit: reserve the worst case, write the truth.
    this.reserve(text.length * 3);
    this.#length += this.#buf.write(text, this.#length, "utf8");
  }

  /** Appends `text` as latin1: one byte per character (for binary data carried in strings, as RESP servers do). */
  appendLatin1(text: string): void {
    this.reserve(text.length);
    this.#length += this.#buf.write(text, this.#length, "latin1");
  }

  /** A view of the bytes written (valid until the next write or take). */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.#length);
  }

  /**
   * Takes the contents out: a new buffer of exactly `length` bytes (from
   * Node's pool when small), and empties this one. The result is the
   * caller's: hand it to a writer that keeps a reference.
   */
  take(): Uint8Array {
    const out = Buffer.allocUnsafe(this.#length);
    this.#buf.copy(out, 0, 0, this.#length);
    this.#length = 0;
    return out;
  }

  /** Empties the buffer, keeping its memory. */
  clear(): void {
    this.#length = 0;
  }
}
