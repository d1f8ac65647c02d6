/**
 * The blocking pool: `worker_threads` that run functions from modules, so
 * CPU-bound or blocking work does not stall the runtime's thread (tokio's
 * `spawn_blocking`).
 *
 * ```text
 *  spawn(url, "hash", x) ──▶ queue ──▶ idle thread? ─ yes ─▶ post { id, url, "hash", x } ──▶ thread: import(url).hash(x)
 *        │                              └ no, fewer than size? start one                       │
 *        ▼                                                                                     ▼
 *  BlockingHandle ◀───────── wake ◀──────── reply { id, ok, value | error } ◀──────────────── post back
 * ```
 *
 * A thread takes one job at a time. The pool starts threads lazily, up to
 * `size`; a thread left idle for `idleTimeoutMs` exits. Idle threads are
 * `unref()`ed, so an idle pool never keeps the process alive; a thread is
 * `ref()`ed only while it runs a job someone still waits for (or jobs are
 * queued behind it). A thread that dies (its job called `process.exit()`,
 * or an error escaped from a callback) fails the job it was running and is
 * replaced by the next job that needs a thread.
 *
 * @module
 */

import { availableParallelism, cpus } from "node:os";
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { type Transferable, Worker } from "node:worker_threads";
import { describe, textOf } from "../future/future.js";
import { Awaitable, type Context, JoinError, PENDING, type Poll, pollProceed } from "../index.js";
import { HostWait } from "../io/host-wait.js";
import { BlockingError } from "./blocking-error.js";
import { type Transfer, unwrapTransfer } from "./transfer.js";

/** Options for {@link BlockingPool}. */
export interface BlockingPoolOptions {
  /** Most threads running at once (default: `os.availableParallelism()`). */
  readonly size?: number;
  /** A thread idle this long exits (default 10,000 ms, tokio's keep-alive). */
  readonly idleTimeoutMs?: number;
}

/** The arguments a job function takes, each one either as it is or wrapped by `transfer()`. */
export type JobArguments<A extends readonly unknown[]> = { [K in keyof A]: A[K] | Transfer<A[K]> };

/** What awaiting a job yields: the function's value, awaited, unwrapped from `transfer()`. */
export type JobOutput<R> = Awaited<R> extends Transfer<infer V> ? V : Awaited<R>;

/** Any function a job may call (every function's parameters accept `never`). */
type AnyFunction = (...args: never[]) => unknown;

/** Where a job is. */
const QUEUED = 0;
const RUNNING = 1;
const SETTLED = 2;
const DONE = 3;

/** The thread's entry: the built .js, or the .ts source when running from source. */
const WORKER_ENTRY = new URL(
  import.meta.url.endsWith(".ts") ? "./worker-main.ts" : "./worker-main.js",
  import.meta.url,
);

/**
 * Starts a pool thread. Built code (and Bun and Deno, which run TypeScript
 * themselves) starts the entry directly. Running from TypeScript source on
 * Node means tsx is compiling us; Node 20 does not apply `--import` loader
 * hooks to worker threads, so the thread loads the entry through tsx's
 * `tsImport`, which carries its loader along to the job modules imported
 * from there. This path exists for the package's own tests and for users
 * who run their program with `tsx`.
 */
function startWorker(): Worker {
  const nodeOnTsSource = WORKER_ENTRY.pathname.endsWith(".ts") && !("Bun" in globalThis) && !("Deno" in globalThis);
  if (!nodeOnTsSource) return new Worker(WORKER_ENTRY, { name: "mini-tokio blocking" });
  const boot = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(WORKER_ENTRY.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true, name: "mini-tokio blocking" });
}

/** One pool thread. */
interface Slot {
  readonly worker: Worker;
  /** The job it runs, if any (a dropped job stays here until its reply comes). */
  job: BlockingHandle<unknown> | undefined;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The uncaught error the thread reported before exiting, if any. */
  crash: unknown;
  /** Retired by the pool (idle timeout or close): its exit is expected. */
  retired: boolean;
}

/**
 * A job submitted to a {@link BlockingPool}: await it (`yield* handle`) for
 * the function's value, or a {@link BlockingError} if it threw or its thread
 * died. Like a task's JoinHandle, dropping it cancels the job.
 *
 * **Cancel safety:** dropping a queued job removes it: it never runs.
 * Dropping a running job discards its result when it arrives; the thread is
 * not interrupted (a thread cannot be stopped safely mid-function: files it
 * opened would leak), so it stays busy until the function returns, but it no
 * longer keeps the process alive.
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { spawnBlocking } from "mini-tokio/blocking";
 * await main(function* () {
 *   const digest = yield* spawnBlocking(new URL("./hash.js", import.meta.url), "sha256", "some text");
 *   console.log(digest);
 * });
 * ```
 */
export class BlockingHandle<T> extends Awaitable<T> {
  /** The job's id, unique within the process. */
  readonly id: number;
  /** `module#export`, for messages and dumps. */
  readonly job: string;
  /** @internal */ state = QUEUED;
  /** @internal */ slot: Slot | undefined = undefined;
  /** @internal The message to post, until it is posted. */ message: unknown;
  /** @internal The buffers to move with it. */ moved: Transferable[];
  private readonly pool: BlockingPool;
  private ok = false;
  private outcome: unknown = undefined;
  /** The waiting task; the reply comes from another thread, so virtual time holds still until then. */
  readonly #host = new HostWait();

  /** @internal Made by {@link BlockingPool.spawn}. */
  constructor(pool: BlockingPool, id: number, job: string, message: unknown, moved: Transferable[]) {
    super();
    this.pool = pool;
    this.id = id;
    this.job = job;
    this.message = message;
    this.moved = moved;
  }

  /** True once the job has a result (value or failure), or was dropped. */
  isFinished(): boolean {
    return this.state >= SETTLED;
  }

  /** Same as dropping the handle: cancels the job if it is queued, discards its result otherwise. */
  abort(): void {
    this[Symbol.dispose]();
  }

  poll(cx: Context): Poll<T> {
    if (this.state === SETTLED) {
      // Ready after a wait: spend budget like any leaf.
      if (!pollProceed(cx)) return PENDING;
      this.state = DONE;
      const outcome = this.outcome;
      this.outcome = undefined;
      if (this.ok) {
        // SAFETY: `outcome` is what the job function returned (structured-cloned),
        // which the caller typed as T when it chose the function's type.
        return outcome as T;
      }
      throw outcome;
    }
    if (this.state === DONE) {
      throw new Error(`spawnBlocking(${this.job}): the handle was polled after it completed or was dropped`);
    }
    this.#host.wait(cx);
    return PENDING;
  }

  /** @internal The pool has the job's result. */
  settle(ok: boolean, outcome: unknown): void {
    if (this.state >= SETTLED) return; // dropped meanwhile: nobody wants it
    this.state = SETTLED;
    this.slot = undefined;
    this.ok = ok;
    this.outcome = outcome;
    this.#host.wake();
  }

  /** What a task awaiting it waits on (see `Future.describeWait`). */
  describeWait(): string {
    const where = this.state === QUEUED ? "queued" : this.state === RUNNING ? "running" : "done";
    return `spawnBlocking(${this.job}) ${where}`;
  }

  /**
   * Drop: a queued job is removed (it never runs); a running one's result
   * is discarded when it arrives. Idempotent.
   */
  override [Symbol.dispose](): void {
    const was = this.state;
    if (was === DONE) return;
    this.state = DONE;
    this.outcome = undefined;
    this.#host.stop();
    if (was === QUEUED) this.pool.dropQueued(this);
    else if (was === RUNNING) this.pool.dropRunning(this);
  }
}

/**
 * A bounded pool of worker threads for blocking or CPU-bound work. Most
 * programs use the default pool through {@link spawnBlocking}; make one when
 * a kind of work needs its own bound (so image resizing cannot starve
 * password hashing).
 *
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { BlockingPool } from "mini-tokio/blocking";
 * using pool = new BlockingPool({ size: 2, idleTimeoutMs: 1000 });
 * await main(function* () {
 *   const n = yield* pool.spawn(new URL("./jobs.js", import.meta.url), "fib", 30);
 *   console.log(n);
 * });
 * ```
 */
export class BlockingPool implements Disposable {
  /** Job ids, per pool (they name jobs in dumps). */
  #nextJobId = 1;
  /** Most threads at once. */
  readonly size: number;
  /** How long a thread may idle before it exits, in ms. */
  readonly idleTimeoutMs: number;
  readonly #slots = new Set<Slot>();
  /** Idle threads, most recently used last (taken first: its caches are warm). */
  readonly #idle: Slot[] = [];
  /** Jobs waiting for a thread, oldest at #head; dropped ones are skipped when reached. */
  #queue: (BlockingHandle<unknown> | undefined)[] = [];
  #head = 0;
  /** Jobs in the queue not dropped. */
  #queued = 0;
  #closed = false;

  /** @throws RangeError if `size` is not an integer ≥ 1 or `idleTimeoutMs` not a number ≥ 0. */
  constructor(options: BlockingPoolOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("new BlockingPool(options): options must be an object { size?, idleTimeoutMs? }");
    }
    const size = options.size ?? defaultSize();
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`new BlockingPool({ size }): size must be an integer ≥ 1, got ${describe(size)}`);
    }
    const idle = options.idleTimeoutMs ?? 10_000;
    if (typeof idle !== "number" || !(idle >= 0) || !Number.isFinite(idle)) {
      throw new RangeError(
        `new BlockingPool({ idleTimeoutMs }): idleTimeoutMs must be a finite number ≥ 0, got ${describe(idle)}`,
      );
    }
    this.size = size;
    this.idleTimeoutMs = idle;
  }

  /** Threads alive now (busy or idle). */
  get threads(): number {
    return this.#slots.size;
  }

  /** Jobs waiting for a thread. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * Runs `module`'s export `name` with `args` on a pool thread and returns
   * a handle to await its value. The job is queued now (like `spawn`, it
   * does not wait to be polled); it runs when a thread is free. The
   * function may be async: its promise is awaited in the thread. Arguments
   * and the value are structured-cloned; wrap them in `transfer()` to move
   * buffers instead. Give the function's type for typed arguments and value:
   * `pool.spawn<typeof hash>(url, "hash", data)`.
   *
   * **Cancel safety:** see {@link BlockingHandle}: dropping the handle
   * removes a queued job, and discards a running job's result.
   *
   * @throws TypeError if `module` is not a URL, an absolute URL string or
   *   an absolute path, if `name` is not a non-empty string, or if the pool
   *   was closed.
   * @example
   * ```ts no-run
   * import { BlockingPool } from "mini-tokio/blocking";
   * const pool = new BlockingPool({ size: 1 });
   * const handle = pool.spawn(new URL("./jobs.js", import.meta.url), "fib", 30);
   * ```
   */
  spawn<F extends AnyFunction = (...args: unknown[]) => unknown>(
    module: URL | string,
    name: string,
    ...args: JobArguments<Parameters<F>>
  ): BlockingHandle<JobOutput<ReturnType<F>>> {
    const href = moduleHref(module);
    if (typeof name !== "string" || name === "") {
      throw new TypeError(
        `spawnBlocking(module, name): name must be the name of a function the module exports, got ${name === "" ? "an empty string" : `a ${typeof name}`}`,
      );
    }
    if (this.#closed) throw new TypeError("spawnBlocking(): this BlockingPool was closed");
    const moved: Transferable[] = [];
    const plain = args.map((a) => unwrapTransfer(a, moved));
    const id = this.#nextJobId++;
    const shortName = `${href.startsWith("data:") ? "data:…" : href.slice(href.lastIndexOf("/") + 1)}#${name}`;
    const job = new BlockingHandle<JobOutput<ReturnType<F>>>(
      this,
      id,
      shortName,
      { id, module: href, name, args: plain },
      moved,
    );
    this.#queue.push(job);
    this.#queued++;
    this.#pump();
    if (this.#queued > 0) this.#refreshRefs();
    return job;
  }

  /**
   * Terminates every thread. Queued and running jobs report a cancelled
   * `JoinError`; later `spawn` calls throw. Idempotent. Pools need no close
   * to let the process exit (idle threads are unref'd); close one to stop
   * its threads now.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (let i = this.#head; i < this.#queue.length; i++) {
      const job = this.#queue[i];
      if (job !== undefined && job.state === QUEUED) job.settle(false, new JoinError(job.id, true));
    }
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    for (const slot of this.#slots) {
      slot.retired = true;
      if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
      slot.job?.settle(false, new JoinError(slot.job.id, true));
      slot.job = undefined;
      void slot.worker.terminate();
    }
    this.#slots.clear();
    this.#idle.length = 0;
  }

  /** `using pool = new BlockingPool()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal A queued job was dropped: it stays in the queue, skipped when reached. */
  dropQueued(_job: BlockingHandle<unknown>): void {
    this.#queued--;
    if (this.#queued === 0) this.#refreshRefs();
  }

  /** @internal A running job was dropped: its thread need not keep the process alive any more. */
  dropRunning(job: BlockingHandle<unknown>): void {
    const slot = job.slot;
    if (slot !== undefined) this.#refreshRef(slot);
  }

  /** Hands queued jobs to idle threads, starting threads while under `size`. */
  #pump(): void {
    while (this.#queued > 0) {
      let slot = this.#idle.pop();
      if (slot === undefined) {
        if (this.#slots.size >= this.size) return;
        slot = this.#start();
      }
      const job = this.#nextQueued();
      if (job === undefined) {
        this.#park(slot);
        return;
      }
      this.#run(slot, job);
    }
  }

  #nextQueued(): BlockingHandle<unknown> | undefined {
    while (this.#head < this.#queue.length) {
      const job = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined;
      if (job !== undefined && job.state === QUEUED) {
        this.#queued--;
        if (this.#head > 64 && this.#head * 2 > this.#queue.length) {
          // Compact: the dead prefix is now the larger half.
          this.#queue = this.#queue.slice(this.#head);
          this.#head = 0;
        }
        return job;
      }
    }
    return undefined;
  }

  #start(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, job: undefined, idleTimer: undefined, crash: undefined, retired: false };
    worker.on("message", (reply: unknown) => this.#reply(slot, reply));
    worker.on("error", (error: unknown) => {
      slot.crash = error;
    });
    worker.on("exit", (code: number) => this.#exited(slot, code));
    this.#slots.add(slot);
    return slot;
  }

  #run(slot: Slot, job: BlockingHandle<unknown>): void {
    if (slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    job.state = RUNNING;
    job.slot = slot;
    slot.job = job;
    const message = job.message;
    const moved = job.moved;
    job.message = undefined;
    job.moved = [];
    try {
      slot.worker.postMessage(message, moved);
    } catch (error) {
      slot.job = undefined;
      const why = textOf(error);
      job.settle(false, new TypeError(`spawnBlocking(${job.job}): an argument cannot be sent to a thread: ${why}`));
      this.#park(slot);
      return;
    }
    this.#refreshRef(slot);
  }

  /** A thread answered: settle its job, then give it the next one or let it idle. */
  #reply(slot: Slot, reply: unknown): void {
    const job = slot.job;
    if (job === undefined || !isReply(reply) || reply.id !== job.id) return;
    slot.job = undefined;
    job.settle(reply.ok, reply.ok ? reply.value : new BlockingError(job.id, job.job, "threw", reply.error));
    const next = this.#nextQueued();
    if (next !== undefined) this.#run(slot, next);
    else this.#park(slot);
  }

  #park(slot: Slot): void {
    slot.worker.unref();
    this.#idle.push(slot);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    const timer = setTimeout(() => this.#retire(slot), this.idleTimeoutMs);
    timer.unref();
    slot.idleTimer = timer;
  }

  #retire(slot: Slot): void {
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    slot.retired = true;
    slot.idleTimer = undefined;
    this.#slots.delete(slot);
    void slot.worker.terminate();
  }

  /** A thread exited: if it was not retired, it crashed; fail its job and let a new thread take the queue. */
  #exited(slot: Slot, code: number): void {
    if (slot.retired) return;
    slot.retired = true;
    this.#slots.delete(slot);
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    const job = slot.job;
    slot.job = undefined;
    if (job !== undefined) {
      const cause = slot.crash ?? new Error(`the worker thread exited with code ${code} while running the job`);
      job.settle(false, new BlockingError(job.id, job.job, "crashed", cause));
    }
    this.#pump();
  }

  /** A busy thread keeps the process alive while someone waits for its job, or jobs wait behind it. */
  #refreshRef(slot: Slot): void {
    const job = slot.job;
    if (job !== undefined && (job.state === RUNNING || this.#queued > 0)) slot.worker.ref();
    else slot.worker.unref();
  }

  #refreshRefs(): void {
    for (const slot of this.#slots) if (slot.job !== undefined) this.#refreshRef(slot);
  }
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: unknown;
}

function isReply(m: unknown): m is Reply {
  return typeof m === "object" && m !== null && "id" in m && typeof m.id === "number" && "ok" in m;
}

function defaultSize(): number {
  if (typeof availableParallelism === "function") return availableParallelism();
  return Math.max(cpus().length, 1);
}

function moduleHref(module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (typeof module === "string") {
    if (isAbsolute(module)) return pathToFileURL(module).href;
    if (URL.canParse(module)) return module;
  }
  throw new TypeError(
    `spawnBlocking(module, name): module must be a URL (new URL("./jobs.js", import.meta.url)), an absolute URL string or an absolute path, got ${typeof module === "string" ? JSON.stringify(module) : typeof module}`,
  );
}

let defaultPool: BlockingPool | undefined;

/**
 * Runs `module`'s export `name` with `args` on the default pool (one thread
 * per core at most, started lazily, idle threads exit after 10 s and never
 * keep the process alive), and returns a handle to await its value: tokio's
 * `spawn_blocking`, with a module function in place of a closure (a closure
 * cannot cross threads in JavaScript). See {@link BlockingPool.spawn}.
 *
 * **Cancel safety:** dropping the handle removes a queued job, and discards
 * a running job's result (the thread finishes the function).
 *
 * @throws TypeError on a bad `module` or `name` (see {@link BlockingPool.spawn}).
 * @example
 * ```ts no-run
 * import { main } from "mini-tokio";
 * import { spawnBlocking } from "mini-tokio/blocking";
 * // jobs.js exports `function fib(n) { … }`; `typeof fib` works as well when it is typed.
 * await main(function* () {
 *   const n = yield* spawnBlocking<(n: number) => number>(new URL("./jobs.js", import.meta.url), "fib", 30);
 *   console.log(n); // typed number
 * });
 * ```
 */
export function spawnBlocking<F extends AnyFunction = (...args: unknown[]) => unknown>(
  module: URL | string,
  name: string,
  ...args: JobArguments<Parameters<F>>
): BlockingHandle<JobOutput<ReturnType<F>>> {
  defaultPool ??= new BlockingPool();
  return defaultPool.spawn<F>(module, name, ...args);
}
