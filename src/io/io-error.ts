/**
 * `IoError`: how every I/O operation in `mini-tokio/io` and
 * `mini-tokio/net` fails.
 *
 * @module
 */

/**
 * An I/O operation failed: the peer reset the connection, the stream was
 * closed before a write, an address was in use. {@link IoError.code}
 * carries Node's error code (`"ECONNRESET"`, `"EPIPE"`, `"EADDRINUSE"`,
 * `"ERR_STREAM_DESTROYED"`, …) so a caller can branch on it, and `cause`
 * holds Node's original error when there was one (tokio's `io::Error` with
 * its `ErrorKind`).
 *
 * @example
 * ```ts
 * import { IoError } from "mini-tokio/io";
 * const e = new IoError("EPIPE", "write to a closed stream");
 * console.log(e instanceof IoError, e.code);
 * ```
 * ```text output
 * true EPIPE
 * ```
 */
export class IoError extends Error {
  override readonly name = "IoError";
  /** Node's error code: `"ECONNRESET"`, `"EPIPE"`, `"UNEXPECTED_EOF"`, … */
  readonly code: string;
  /** The system call that failed, when Node said (`"connect"`, `"write"`). */
  readonly syscall: string | undefined;

  /**
   * Makes an error with `code` and a sentence saying what failed;
   * `cause` is the error it wraps, if any.
   */
  constructor(code: string, message: string, options?: { cause?: unknown; syscall?: string | undefined }) {
    super(`${message} (${code})`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.syscall = options?.syscall;
  }

  /**
   * Turns whatever a Node stream emitted as `'error'` into an `IoError`
   * (returned as it is when it already is one); `what` says which
   * operation saw it (`"TcpStream.read(127.0.0.1:6379)"`).
   */
  static from(error: unknown, what: string): IoError {
    if (error instanceof IoError) return error;
    const code = codeOf(error) ?? "EIO";
    const syscall = syscallOf(error);
    const said = error instanceof Error ? error.message : String(error);
    return new IoError(code, `${what} failed: ${said}`, { cause: error, syscall });
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function syscallOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("syscall" in error)) return undefined;
  return typeof error.syscall === "string" ? error.syscall : undefined;
}

/** The error a read sees when the stream ends before the bytes it needs arrive (tokio's `UnexpectedEof`). */
export function unexpectedEof(what: string, wanted: number, got: number): IoError {
  return new IoError("UNEXPECTED_EOF", `${what}: the stream ended after ${got} of the ${wanted} bytes needed`);
}
