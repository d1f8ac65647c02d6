/**
 * `Command`: a builder for child processes (tokio's `process::Command`).
 *
 * @module
 */

import { spawn as nodeSpawn, type StdioOptions } from "node:child_process";
import { describe } from "../future/future.js";
import { type AsyncBody, type Awaitable, asyncFn, future, join } from "../index.js";
import { IoError, readToEnd } from "../io/index.js";
import { Child, type ExitStatus } from "./child.js";

/** Where a child's standard stream goes: a pipe to us, ours, or nowhere. */
export type Stdio = "piped" | "inherit" | "null";

/** What {@link Command.output} collects. */
export interface Output {
  /** How the child ended. */
  readonly status: ExitStatus;
  /** Everything it wrote to stdout (empty unless piped, which is the default for output()). */
  readonly stdout: Uint8Array;
  /** Everything it wrote to stderr (likewise). */
  readonly stderr: Uint8Array;
}

function checkStdio(api: string, value: unknown): Stdio {
  if (value === "piped" || value === "inherit" || value === "null") return value;
  throw new TypeError(`${api}: must be "piped", "inherit" or "null", got ${describe(value)}`);
}

/** What a stream that was not piped yields to output(): no bytes. */
const nothing = asyncFn(function* (): AsyncBody<Uint8Array> {
  return new Uint8Array(0);
});

function nodeStdio(s: Stdio): "pipe" | "inherit" | "ignore" {
  return s === "piped" ? "pipe" : s === "null" ? "ignore" : "inherit";
}

function checkString(api: string, value: unknown): string {
  if (typeof value !== "string") throw new TypeError(`${api}: expected a string, got ${describe(value)}`);
  if (value.includes("\0")) throw new TypeError(`${api}: a string with a NUL character cannot be passed to a process`);
  return value;
}

/**
 * Describes a process to start: program, arguments, environment, working
 * directory, standard streams. Methods return the Command, so calls chain;
 * `spawn()` starts it, `status()` and `output()` are futures that start it
 * at their first poll. Arguments are passed as they are, with no shell.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { Command } from "mini-tokio/process";
 * await main(function* () {
 *   const out = yield* new Command("git").args(["rev-parse", "HEAD"]).output();
 *   console.log(new TextDecoder().decode(out.stdout).trim());
 * });
 * ```
 */
export class Command {
  /** The program to run (looked up in PATH unless it has a slash). */
  readonly program: string;
  #args: string[] = [];
  #env = new Map<string, string | undefined>();
  #clearEnv = false;
  #cwd: string | undefined = undefined;
  #stdin: Stdio | undefined = undefined;
  #stdout: Stdio | undefined = undefined;
  #stderr: Stdio | undefined = undefined;
  #killOnDrop = false;

  /** @throws TypeError if `program` is not a non-empty string. */
  constructor(program: string) {
    if (checkString("new Command(program)", program) === "") {
      throw new TypeError("new Command(program): program must not be empty");
    }
    this.program = program;
  }

  /** Adds one argument. */
  arg(arg: string): this {
    this.#args.push(checkString("Command.arg(arg)", arg));
    return this;
  }

  /** Adds arguments. */
  args(args: readonly string[]): this {
    if (!Array.isArray(args)) throw new TypeError("Command.args(args): args must be an array of strings");
    for (const a of args) this.#args.push(checkString("Command.args(args): each argument", a));
    return this;
  }

  /** Sets an environment variable for the child (on top of ours, unless `envClear()`). */
  env(key: string, value: string): this {
    this.#env.set(
      checkString("Command.env(key, value): key", key),
      checkString("Command.env(key, value): value", value),
    );
    return this;
  }

  /** Sets several environment variables. */
  envs(vars: Readonly<Record<string, string>>): this {
    if (typeof vars !== "object" || vars === null) throw new TypeError("Command.envs(vars): vars must be an object");
    for (const [k, v] of Object.entries(vars)) this.env(k, v);
    return this;
  }

  /** Removes a variable from the child's environment. */
  envRemove(key: string): this {
    this.#env.set(checkString("Command.envRemove(key)", key), undefined);
    return this;
  }

  /** Starts the child with no variables but those set with `env`. */
  envClear(): this {
    this.#clearEnv = true;
    this.#env.clear();
    return this;
  }

  /** The child's working directory. */
  cwd(dir: string): this {
    this.#cwd = checkString("Command.cwd(dir)", dir);
    return this;
  }

  /** The child's stdin: `"piped"` (an AsyncWrite on the Child), `"inherit"` or `"null"`. */
  stdin(stdio: Stdio): this {
    this.#stdin = checkStdio("Command.stdin(stdio)", stdio);
    return this;
  }

  /** The child's stdout: `"piped"` (an AsyncRead on the Child), `"inherit"` or `"null"`. */
  stdout(stdio: Stdio): this {
    this.#stdout = checkStdio("Command.stdout(stdio)", stdio);
    return this;
  }

  /** The child's stderr: `"piped"`, `"inherit"` or `"null"`. */
  stderr(stdio: Stdio): this {
    this.#stderr = checkStdio("Command.stderr(stdio)", stdio);
    return this;
  }

  /**
   * Kill the child (SIGKILL) when its Child is dropped while it still runs
   * (default false, as tokio's `kill_on_drop`): a cancelled task, a lost
   * `select` branch or a timeout then takes the process with it.
   */
  killOnDrop(kill: boolean): this {
    if (typeof kill !== "boolean") throw new TypeError("Command.killOnDrop(kill): kill must be a boolean");
    this.#killOnDrop = kill;
    return this;
  }

  /**
   * Starts the process now and returns its {@link Child}. Unset streams
   * are inherited. A program that cannot be started (not found, not
   * executable) is reported by `child.wait()` as an `IoError`.
   *
   * @throws IoError if Node refuses the spawn at once (bad options).
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { readToEnd, writeAll } from "mini-tokio/io";
   * import { Command } from "mini-tokio/process";
   * await main(function* () {
   *   using cat = new Command("cat").stdin("piped").stdout("piped").spawn();
   *   yield* writeAll(cat.stdin!, new TextEncoder().encode("echo"));
   *   yield* cat.wait(); // closes stdin: cat ends
   *   console.log(new TextDecoder().decode(yield* readToEnd(cat.stdout!)));
   * });
   * ```
   */
  spawn(): Child {
    return this.#spawn("inherit", "inherit", "inherit");
  }

  /**
   * Starts the process at the first poll (stdio inherited unless set) and
   * waits for it to end (tokio's `status`).
   *
   * **Cancel safety:** dropped before the child ends, the child keeps
   * running, unless `killOnDrop(true)`: then it is killed.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { Command } from "mini-tokio/process";
   * await main(function* () {
   *   const status = yield* new Command("ls").status();
   *   console.log(status.success);
   * });
   * ```
   */
  status(): Awaitable<ExitStatus> {
    const command = this;
    return future(function* () {
      using child = command.#spawn("inherit", "inherit", "inherit");
      return yield* child.wait();
    });
  }

  /**
   * Starts the process at the first poll, collects all it writes to
   * stdout and stderr (piped unless set; stdin is `"null"` unless set),
   * and waits for it to end (tokio's `output`).
   *
   * **Cancel safety:** dropped midway, the output read so far is lost and
   * the child keeps running, unless `killOnDrop(true)`: then it is killed.
   *
   * @example
   * ```ts no-run
   * import { main } from "mini-tokio";
   * import { Command } from "mini-tokio/process";
   * await main(function* () {
   *   const { status, stdout } = yield* new Command("echo").arg("hi").output();
   *   console.log(status.code, new TextDecoder().decode(stdout)); // 0 "hi\n"
   * });
   * ```
   */
  output(): Awaitable<Output> {
    const command = this;
    return future(function* () {
      using child = command.#spawn("null", "piped", "piped");
      const [stdout, stderr, status] = yield* join(
        child.stdout === undefined ? nothing() : readToEnd(child.stdout),
        child.stderr === undefined ? nothing() : readToEnd(child.stderr),
        child.wait(),
      );
      return { status, stdout, stderr };
    });
  }

  #spawn(stdin: Stdio, stdout: Stdio, stderr: Stdio): Child {
    const stdio: StdioOptions = [
      nodeStdio(this.#stdin ?? stdin),
      nodeStdio(this.#stdout ?? stdout),
      nodeStdio(this.#stderr ?? stderr),
    ];
    const env: Record<string, string | undefined> = this.#clearEnv ? {} : { ...process.env };
    for (const [k, v] of this.#env) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    let child: ReturnType<typeof nodeSpawn>;
    try {
      child = nodeSpawn(this.program, this.#args, { stdio, env, cwd: this.#cwd });
    } catch (error) {
      throw IoError.from(error, `spawn ${this.program}`);
    }
    return new Child(child, this.program, this.#killOnDrop);
  }
}
