/**
 * `Child`: a running child process, its pipes as `AsyncRead`/`AsyncWrite`,
 * its exit as a future (tokio's `process::Child`).
 *
 * @module
 */

import type { ChildProcess } from "node:child_process";
import { Awaitable, type Context, PENDING, type Poll, pollProceed } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import { fromReadable, fromWritable, IoError, type NodeReader, type NodeWriter } from "../io/index.js";

/** How a child process ended. */
export interface ExitStatus {
  /** The exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it (`"SIGKILL"`, …), or null when it exited. */
  readonly signal: NodeJS.Signals | null;
  /** True when it exited with code 0. */
  readonly success: boolean;
}

/**
 * A spawned child process (made by `Command.spawn()`). Its piped streams
 * are `stdin` (an `AsyncWrite`), `stdout` and `stderr` (`AsyncRead`s),
 * `undefined` when not piped. The Child owns them: dropping it closes them.
 *
 * Dropping a Child does not end the process (as in tokio), unless the
 * Command asked for `killOnDrop(true)`: then a child still running is sent
 * SIGKILL, so a cancelled task takes its processes with it.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { Command } from "mini-tokio/process";
 * await main(function* () {
 *   using child = new Command("sleep").args(["10"]).killOnDrop(true).spawn();
 *   console.log(child.pid);
 * }); // dropped here: sleep is killed
 * ```
 */
export class Child implements Disposable {
  /** The program, as given to the Command. */
  readonly program: string;
  /** What the child reads, when piped: an `AsyncWrite`. `wait()` closes it first. */
  readonly stdin: NodeWriter | undefined;
  /** What the child writes, when piped: an `AsyncRead`. */
  readonly stdout: NodeReader | undefined;
  /** The child's errors, when piped: an `AsyncRead`. */
  readonly stderr: NodeReader | undefined;
  readonly #process: ChildProcess;
  readonly #killOnDrop: boolean;
  #status: ExitStatus | undefined = undefined;
  #error: IoError | undefined = undefined;
  readonly #host = new HostWait();
  #dropped = false;

  /** @internal Made by `Command.spawn()`. */
  constructor(process: ChildProcess, program: string, killOnDrop: boolean) {
    this.#process = process;
    this.program = program;
    this.#killOnDrop = killOnDrop;
    const { stdin, stdout, stderr } = process;
    this.stdin = stdin === null ? undefined : fromWritable(stdin, { name: `ChildStdin(${program})` });
    this.stdout = stdout === null ? undefined : fromReadable(stdout, { name: `ChildStdout(${program})` });
    this.stderr = stderr === null ? undefined : fromReadable(stderr, { name: `ChildStderr(${program})` });
    process.on("exit", this.#onExit);
    process.on("error", this.#onError);
    // When a child exits, Node resumes (drains and discards) any stdio
    // stream nobody is listening to, so that its pipe can close: bytes the
    // child wrote before exiting would be lost to a read after `wait()`.
    // So the readers take chunks from the start (up to their high-water
    // mark, then the child's writes wait); the Child's drop disposes them.
    this.stdout?.capture();
    this.stderr?.capture();
  }

  /** The process id (undefined if it failed to start). */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** How it ended, if it has (tokio's `try_wait`); undefined while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return this.#status;
  }

  /**
   * Waits for the child to exit and yields how it ended. Closes the child's
   * stdin first (if piped), so a child reading until the end of its input
   * can finish.
   *
   * **Cancel safety:** cancel safe: the exit is remembered by the Child;
   * wait again to get it.
   *
   * @throws from the future: an `IoError` if the process could not be
   *   started (`ENOENT` for a program not found).
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { Command } from "mini-tokio/process";
   * await main(function* () {
   *   using child = new Command("true").spawn();
   *   console.log((yield* child.wait()).success);
   * });
   * ```
   */
  wait(): Awaitable<ExitStatus> {
    const stdin = this.#process.stdin;
    if (stdin !== null && !stdin.writableEnded) stdin.end();
    return new Wait(this);
  }

  /**
   * Sends `signal` (default SIGKILL) to the child (tokio's `start_kill`);
   * `wait()` for it to end. Does nothing once it has exited.
   *
   * @throws IoError if the signal cannot be sent (`ESRCH`, `EPERM`).
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { Command } from "mini-tokio/process";
   * await main(function* () {
   *   using child = new Command("sleep").args(["60"]).spawn();
   *   child.kill();
   *   console.log((yield* child.wait()).signal); // SIGKILL
   * });
   * ```
   */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.#status !== undefined || this.#error !== undefined) return;
    const p = this.#process;
    if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
    try {
      process.kill(p.pid, signal);
    } catch (error) {
      throw IoError.from(error, `Child.kill(${this.program}, ${signal})`);
    }
  }

  /**
   * Drop: closes the pipes and stops listening; with `killOnDrop(true)`, a
   * child still running gets SIGKILL. Idempotent.
   */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    if (this.#killOnDrop) {
      try {
        this.kill("SIGKILL");
      } catch {
        // Already gone: nothing to kill.
      }
    }
    this.#host.stop();
    for (const io of [this.stdin, this.stdout, this.stderr]) io?.[Symbol.dispose]();
    const p = this.#process;
    p.stdin?.destroy();
    p.stdout?.destroy();
    p.stderr?.destroy();
    // Keep listening for 'error' (an unheard one would crash the process); drop the exit listener.
    p.off("exit", this.#onExit);
  }

  /** @internal The exit status, or PENDING with the waker stored. */
  pollExit(cx: Context): Poll<ExitStatus> {
    const status = this.#status;
    if (status !== undefined || this.#error !== undefined) {
      if (!pollProceed(cx)) return PENDING;
      this.#host.stop();
      if (status !== undefined) return status;
      throw this.#error;
    }
    if (this.#dropped) throw new Error(`Child(${this.program}).wait(): the Child was dropped`);
    this.#host.wait(cx);
    return PENDING;
  }

  /** @internal A Wait was dropped while waiting. */
  cancelWait(): void {
    this.#host.stop();
  }

  /** @internal */
  describe(): string {
    return `Child.wait(${this.program}, pid ${this.#process.pid ?? "none"})`;
  }

  readonly #onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    this.#status = { code, signal, success: code === 0 };
    this.#host.wake();
  };

  readonly #onError = (error: unknown): void => {
    // Spawning failed (ENOENT, EACCES) or a kill failed: only the first matters to wait().
    if (this.#status === undefined) this.#error ??= IoError.from(error, `spawn ${this.program}`);
    this.#host.wake();
  };
}

/** The future {@link Child.wait} returns. */
class Wait extends Awaitable<ExitStatus> {
  readonly #child: Child;
  #waiting = false;
  #done = false;

  constructor(child: Child) {
    super();
    this.#child = child;
  }

  poll(cx: Context): Poll<ExitStatus> {
    if (this.#done) throw new Error(`${this.#child.describe()} was polled after it completed or was dropped`);
    const p = this.#child.pollExit(cx);
    this.#waiting = p === PENDING;
    if (p !== PENDING) this.#done = true;
    return p;
  }

  describeWait(): string {
    return this.#child.describe();
  }

  override [Symbol.dispose](): void {
    if (this.#waiting) this.#child.cancelWait();
    this.#waiting = false;
    this.#done = true;
  }
}
