import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BlockingError, BlockingPool, spawnBlocking, transfer } from "../../src/blocking/index.js";
import { type AsyncBody, future, JoinError, Runtime, sleep, spawn, timeout, yieldNow } from "../../src/index.js";
import type * as jobs from "./fixtures/jobs.js";

const JOBS = new URL("./fixtures/jobs.ts", import.meta.url);

/** Runs `body` on a fresh real-clock runtime, shut down afterwards. */
async function run<T>(body: () => AsyncBody<T>, rt = new Runtime()): Promise<T> {
  try {
    return await rt.run(future(body));
  } finally {
    rt.shutdown();
  }
}

/** Waits (really) until `cond` holds, for at most `ms`. */
async function eventually(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("a job's value comes back, typed by the function's type", async () => {
  using pool = new BlockingPool({ size: 1 });
  const [sum, text] = await run(function* () {
    const sum = yield* pool.spawn<typeof jobs.add>(JOBS, "add", 2, 3);
    const text = yield* pool.spawn<typeof jobs.later>(JOBS, "later", "async too");
    return [sum, text] as const;
  });
  assert.equal(sum, 5);
  assert.equal(text, "async too");
});

test("a job that throws fails its handle with a BlockingError (a JoinError) carrying the cause", async () => {
  using pool = new BlockingPool({ size: 1 });
  const error = await run(function* () {
    try {
      yield* pool.spawn(JOBS, "fail", "bad input");
      return undefined;
    } catch (e) {
      return e;
    }
  });
  assert.ok(error instanceof BlockingError);
  assert.ok(error instanceof JoinError);
  assert.equal(error.isFailure(), true);
  assert.equal(error.kind, "threw");
  assert.ok(error.cause instanceof RangeError);
  assert.equal(error.cause.message, "bad input");
  assert.match(error.message, /jobs\.ts#fail\) threw: bad input/);
});

test("a missing export is a failure naming the exports there are", async () => {
  using pool = new BlockingPool({ size: 1 });
  await assert.rejects(
    run(function* () {
      return yield* pool.spawn(JOBS, "nope");
    }),
    (e: unknown) => e instanceof BlockingError && /no function export named "nope".*add/.test(String(e.cause)),
  );
});

test("a worker that exits mid-job fails the job as crashed, and the pool replaces the thread", async () => {
  using pool = new BlockingPool({ size: 1 });
  const [error, after] = await run(function* () {
    let error: unknown;
    try {
      yield* pool.spawn(JOBS, "exit", 3);
    } catch (e) {
      error = e;
    }
    const after = yield* pool.spawn<typeof jobs.add>(JOBS, "add", 1, 1);
    return [error, after] as const;
  });
  assert.ok(error instanceof BlockingError);
  assert.equal(error.kind, "crashed");
  assert.match(String(error.cause), /exited with code 3/);
  assert.equal(after, 2);
  assert.equal(pool.threads, 1);
});

test("an uncaught error in a job's callback kills its thread: the job fails with that error", async () => {
  using pool = new BlockingPool({ size: 1 });
  const error = await run(function* () {
    try {
      yield* pool.spawn(JOBS, "throwLater", "escaped");
    } catch (e) {
      return e;
    }
    return undefined;
  });
  assert.ok(error instanceof BlockingError);
  assert.equal(error.kind, "crashed");
  assert.ok(error.cause instanceof Error);
  assert.equal(error.cause.message, "escaped");
});

test("dropping a queued job's handle removes it: it never runs", async () => {
  using pool = new BlockingPool({ size: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const result = await run(function* () {
    const blocker = pool.spawn<typeof jobs.blockUntilOpen>(JOBS, "blockUntilOpen", gate, counter, 0);
    const queued = pool.spawn<typeof jobs.count>(JOBS, "count", counter, 1);
    assert.equal(pool.queued, 1);
    queued[Symbol.dispose]();
    assert.equal(pool.queued, 0);
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    yield* blocker;
    // A job queued after the dropped one runs on the same thread: the dropped one was skipped.
    return yield* pool.spawn<typeof jobs.count>(JOBS, "count", counter, 1);
  });
  assert.equal(result, 1, "the dropped job never incremented the counter");
});

test("dropping a running job discards its result and frees the thread when the function returns", async () => {
  using pool = new BlockingPool({ size: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const after = await run(function* () {
    const running = pool.spawn<typeof jobs.blockUntilOpen>(JOBS, "blockUntilOpen", gate, counter, 0);
    // Wait (without blocking this thread) until the job has started.
    while (Atomics.load(counter, 0) === 0) yield* sleep(1);
    assert.match(running.describeWait(), /running/);
    running[Symbol.dispose]();
    assert.equal(running.isFinished(), true);
    const next = pool.spawn<typeof jobs.add>(JOBS, "add", 40, 2);
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    return yield* next;
  });
  assert.equal(after, 42);
  assert.throws(() => {
    // The dropped handle must not be awaited again.
    const h = pool.spawn(JOBS, "add", 1, 1);
    h[Symbol.dispose]();
    h.poll({ waker: undefined as never });
  }, /polled after it completed or was dropped/);
});

test("more jobs than threads all complete, in no more threads than the pool's size", async () => {
  using pool = new BlockingPool({ size: 2 });
  let most = 0;
  const sums = await run(function* () {
    const handles = Array.from({ length: 24 }, (_, i) =>
      spawn(
        future(function* () {
          const h = pool.spawn<typeof jobs.add>(JOBS, "add", i, 1);
          most = Math.max(most, pool.threads);
          return yield* h;
        }),
      ),
    );
    const out: number[] = [];
    for (const h of handles) out.push(yield* h);
    return out;
  });
  assert.deepEqual(
    sums,
    Array.from({ length: 24 }, (_, i) => i + 1),
  );
  assert.ok(most <= 2, `at most 2 threads, saw ${most}`);
});

test("idle threads exit after idleTimeoutMs", async () => {
  using pool = new BlockingPool({ size: 2, idleTimeoutMs: 20 });
  await run(function* () {
    yield* pool.spawn(JOBS, "add", 1, 2);
  });
  assert.equal(pool.threads, 1);
  await eventually(() => pool.threads === 0, "the idle thread to exit");
});

test("a program that used the default pool ends by itself (idle threads never keep it alive)", async () => {
  const script = fileURLToPath(new URL("./fixtures/idle-exit.ts", import.meta.url));
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", script], { timeout: 30_000 }, (error, stdout) =>
      error ? reject(error) : resolve({ stdout }),
    );
  });
  assert.equal(stdout, "sum 42 3\n");
});

test("transfer() moves buffers both ways instead of copying them", async () => {
  using pool = new BlockingPool({ size: 1 });
  const bytes = new Uint8Array(1024);
  const out = await run(function* () {
    return yield* pool.spawn<typeof jobs.bounce>(JOBS, "bounce", transfer(bytes, [bytes.buffer]));
  });
  assert.equal(bytes.byteLength, 0, "the sender's buffer was detached");
  assert.equal(out.received, 1024);
  assert.equal(out.back.byteLength, 2048);
});

test("a value that cannot cross threads is a failure saying so", async () => {
  using pool = new BlockingPool({ size: 1 });
  await assert.rejects(
    run(function* () {
      return yield* pool.spawn(JOBS, "unsendable");
    }),
    (e: unknown) => e instanceof BlockingError && /cannot be sent back/.test(String(e.cause)),
  );
});

test("bad arguments are TypeErrors and RangeErrors at the call", () => {
  assert.throws(() => spawnBlocking("./jobs.js", "add"), /must be a URL .*got "\.\/jobs\.js"/);
  assert.throws(() => spawnBlocking(JOBS, ""), TypeError);
  assert.throws(() => new BlockingPool({ size: 0 }), RangeError);
  assert.throws(() => new BlockingPool({ idleTimeoutMs: -1 }), RangeError);
  const pool = new BlockingPool({ size: 1 });
  pool.close();
  assert.throws(() => pool.spawn(JOBS, "add"), /closed/);
});

test("close() cancels queued and running jobs with a cancelled JoinError", async () => {
  const pool = new BlockingPool({ size: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const errors = await run(function* () {
    const a = spawn(pool.spawn(JOBS, "blockUntilOpen", gate, counter, 0));
    const b = spawn(pool.spawn(JOBS, "add", 1, 1));
    yield* yieldNow();
    pool.close();
    const out: unknown[] = [];
    for (const h of [a, b]) {
      try {
        yield* h;
      } catch (e) {
        out.push(e instanceof JoinError && e.cause instanceof JoinError && e.cause.isCancelled());
      }
    }
    return out;
  });
  assert.deepEqual(errors, [true, true]);
});

test("a waiting job holds virtual time still (a timeout cannot fire first) and rt.dump() names it", async () => {
  using pool = new BlockingPool({ size: 1 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const counter = new Int32Array(new SharedArrayBuffer(8));
  const rt = new Runtime({ clock: "virtual" });
  const waiting: (string | undefined)[] = [];
  const value = await run(function* () {
    const job = spawn(timeout(1, pool.spawn<typeof jobs.blockUntilOpen>(JOBS, "blockUntilOpen", gate, counter, 0)));
    while (Atomics.load(counter, 0) === 0) yield* yieldNow(); // the job is running
    for (const t of rt.dump().tasks) waiting.push(t.waitingOn);
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    return yield* job;
  }, rt);
  assert.equal(value, 0, "the 1 ms timeout did not fire while the job ran");
  assert.ok(
    waiting.some((w) => w !== undefined && /of spawnBlocking\(jobs\.ts#blockUntilOpen\) running/.test(w)),
    JSON.stringify(waiting),
  );
});
