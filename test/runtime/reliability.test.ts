// What hostile values, careless handles and odd host situations must not
// do to a runtime (issue 11, items 1–7): crash it, lose a failure, stop a
// shutdown half-way, lift another task's budget, or let the process exit
// silently.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type TestContext, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  awaitable,
  future,
  JoinError,
  PENDING,
  Runtime,
  remainingBudget,
  SuppressedError,
  sleep,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { virtual } from "../support/runtimes.js";

/** Values that cannot be turned into a string. */
const unprintable = (): unknown[] => [
  Object.create(null),
  {
    toString() {
      throw new Error("no");
    },
  },
  Symbol("s"),
];

test("a task that throws a value that cannot be turned into a string fails with a JoinError carrying that value", () => {
  for (const thrown of unprintable()) {
    const rt = virtual();
    const seen = rt.blockOn(
      future(function* () {
        const bystander = spawn(
          future(function* () {
            yield* sleep(10);
            return "still fine";
          }),
        );
        const h = spawn(
          future(function* () {
            yield* yieldNow();
            throw thrown;
          }),
        );
        let error: unknown;
        try {
          yield* h;
        } catch (e) {
          error = e;
        }
        return { error, other: yield* bystander };
      }),
    );
    assert.ok(seen.error instanceof JoinError, "the joiner gets a JoinError");
    assert.equal(seen.error.cause, thrown);
    assert.match(seen.error.message, /task #\d+ failed: /);
    assert.equal(seen.other, "still fine", "other tasks are untouched");
  }
});

test("blockOn and run rethrow the unprintable value itself", async () => {
  for (const thrown of unprintable()) {
    const body = future(function* () {
      yield* yieldNow();
      throw thrown;
    });
    assert.throws(
      () => virtual().blockOn(body),
      (e: unknown) => e === thrown,
    );
    await assert.rejects(
      new Runtime().run(
        future(function* () {
          throw thrown;
        }),
      ),
      (e: unknown) => e === thrown,
    );
  }
});

test("detaching a handle after its task failed hands the failure to onTaskError", () => {
  const reported: JoinError[] = [];
  const boom = new Error("boom");
  const rt = new Runtime({ clock: "virtual", onTaskError: (e) => reported.push(e) });
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          throw boom;
        }),
      );
      yield* sleep(10); // the task has failed by now; nobody read it
      h.detach();
    }),
  );
  assert.equal(reported.length, 1);
  assert.equal(reported[0]?.cause, boom);
});

test("disposing a failed task's handle is reading the failure: nothing is reported", () => {
  const reported: JoinError[] = [];
  const rt = new Runtime({ clock: "virtual", onTaskError: (e) => reported.push(e) });
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          throw new Error("boom");
        }),
      );
      yield* sleep(10);
      h[Symbol.dispose]();
      h.detach();
    }),
  );
  assert.deepEqual(reported, []);
});

/** The garbage collector, or undefined with the test skipped (it needs --expose-gc, which npm test passes). */
function gcOrSkip(t: TestContext): (() => void) | undefined {
  const gc = globalThis.gc;
  if (gc === undefined) t.skip("needs --expose-gc (npm test passes it)");
  return gc;
}

/**
 * Collects garbage up to `rounds` times, a host turn apart (finalization
 * callbacks run on a later turn), stopping early once `done()`.
 */
async function collect(gc: () => void, rounds: number, done: () => boolean): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 1));
  }
}

test("a forgotten handle's failure is reported when the handle is garbage-collected", async (t) => {
  const gc = gcOrSkip(t);
  if (gc === undefined) return;
  const reported: unknown[] = [];
  const rt = new Runtime({ clock: "virtual", onTaskError: (e) => reported.push(e.cause) });
  const boom = new Error("forgotten");
  rt.blockOn(
    future(function* () {
      // The handle is dropped on the floor: never awaited, detached or disposed.
      spawn(
        future(function* () {
          throw boom;
        }),
      );
      yield* sleep(10);
    }),
  );
  await collect(gc, 50, () => reported.length > 0);
  assert.deepEqual(reported, [boom]);
});

test("a forgotten handle whose task threw an Error made inside it is reported too (its stack frames must not keep the task)", async (t) => {
  const gc = gcOrSkip(t);
  if (gc === undefined) return;
  const reported: unknown[] = [];
  const rt = new Runtime({ clock: "virtual", onTaskError: (e) => reported.push(e.cause) });
  rt.blockOn(
    future(function* () {
      spawn(
        future(function* () {
          throw new Error("made inside the task");
        }),
      );
      yield* sleep(10);
    }),
  );
  await collect(gc, 50, () => reported.length > 0);
  assert.equal(reported.length, 1);
  assert.match(String(reported[0]), /made inside the task/);
});

test("a failure that was read is never reported as forgotten", async (t) => {
  const gc = gcOrSkip(t);
  if (gc === undefined) return;
  const reported: unknown[] = [];
  const rt = new Runtime({ clock: "virtual", onTaskError: (e) => reported.push(e.cause) });
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          throw new Error("read");
        }),
      );
      try {
        yield* h;
      } catch {}
    }),
  );
  await collect(gc, 10, () => false);
  assert.deepEqual(reported, []);
});

test("shutdown drops every task even when onTaskError throws, then rethrows the first error with the rest suppressed", () => {
  const first = new Error("first report failed");
  const second = new Error("second report failed");
  const errors = [first, second];
  const rt = new Runtime({
    clock: "virtual",
    onTaskError: () => {
      throw errors.shift();
    },
  });
  const cleaned: number[] = [];
  for (const id of [1, 2, 3]) {
    rt.spawn(
      future(function* () {
        try {
          yield* sleep(1000);
        } finally {
          cleaned.push(id);
          // A drop that throws fails the task, which is reported to onTaskError.
          // biome-ignore lint/correctness/noUnsafeFinally: the point of the test is a cleanup that throws
          if (id < 3) throw new Error(`cleanup ${id}`);
        }
      }),
    ).detach();
  }
  rt.blockOn(future(function* () {}));
  assert.throws(
    () => rt.shutdown(),
    (e: unknown) => e instanceof SuppressedError && e.error === second && e.suppressed === first,
  );
  assert.deepEqual(cleaned, [1, 2, 3], "every task was dropped");
  assert.equal(rt.aliveTasks, 0);
});

test("shutting down another runtime from inside a task leaves the task's budget as it was", () => {
  const rt = virtual();
  const [before, after] = rt.blockOn(
    future(function* () {
      yield* yieldNow();
      const left = remainingBudget();
      new Runtime().shutdown();
      return [left, remainingBudget()];
    }),
  );
  assert.ok(Number.isFinite(before));
  assert.equal(after, before);
});

test("two stalled run() calls in a row, each caught: both reject with StallError and the process goes on", () => {
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-stall-"));
  const script = join(dir, "two-stalls.mjs");
  const index = pathToFileURL(resolve("src/index.ts")).href;
  writeFileSync(
    script,
    `const { Runtime, future, awaitable, PENDING } = await import(${JSON.stringify(index)});
for (const i of [1, 2]) {
  try {
    await new Runtime().run(future(function* () { yield* awaitable({ poll: () => PENDING }); }));
  } catch (e) { console.log("run " + i + ": " + e.name); }
}
console.log("after both");
`,
  );
  const out = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(out.stdout, "run 1: StallError\nrun 2: StallError\nafter both\n", out.stderr);
  assert.equal(out.status, 0);
});

test("many concurrent run() calls share one beforeExit listener", async () => {
  const before = process.listenerCount("beforeExit");
  const stops: (() => void)[] = [];
  const runs = Array.from({ length: 20 }, () => {
    const rt = new Runtime();
    let wake: (() => void) | undefined;
    const p = rt.run(
      future(function* () {
        yield* awaitable({
          poll: (cx) => {
            if (wake !== undefined) return undefined;
            wake = () => cx.waker.wake();
            return PENDING;
          },
        });
      }),
    );
    stops.push(() => {
      const w = wake;
      wake = () => {};
      w?.();
    });
    return p;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(process.listenerCount("beforeExit"), before + 1);
  for (const stop of stops) stop();
  await Promise.all(runs);
  assert.equal(process.listenerCount("beforeExit"), before, "the listener goes with the last run");
});

test("spawn with a string where options go says options must be an object, naming what it got", () => {
  const rt = virtual();
  const f = future(function* () {});
  assert.throws(
    // @ts-expect-error: options must be an object
    () => rt.spawn(f, "worker"),
    {
      name: "TypeError",
      message: 'spawn(future, options): options must be an object such as { name: "worker" }, got the string "worker"',
    },
  );
  assert.throws(
    // @ts-expect-error: name must be a string
    () => rt.spawn(f, { name: 7 }),
    { name: "TypeError", message: "spawn(future, options): options.name must be a string, got number 7" },
  );
});

test("an error that escapes a host turn is an uncaught exception, as from queueMicrotask, not an unhandled rejection", () => {
  // Host turns run as promise reactions (cheaper than Node's queueMicrotask):
  // what escapes one must still surface as an uncaught exception, and the
  // runtime must keep taking turns after it.
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-turn-error-"));
  try {
    const script = join(dir, "turn-error.mjs");
    const index = pathToFileURL(resolve("src/index.ts")).href;
    writeFileSync(
      script,
      `const { Runtime, future, spawn, fromPromise } = await import(${JSON.stringify(index)});
process.on("uncaughtException", (e) => console.log("uncaught: " + e.message));
process.on("unhandledRejection", (e) => console.log("unhandled rejection: " + e.message));
const rt = new Runtime({ onTaskError: () => { throw new Error("onTaskError threw"); } });
console.log(await rt.run(future(function* () {
  spawn(future(function* () { throw new Error("task failed"); })).detach();
  yield* fromPromise(() => new Promise((r) => setTimeout(r, 10)));
  return "the root finished";
})));
`,
    );
    const out = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 30_000 });
    assert.equal(out.stdout, "uncaught: onTaskError threw\nthe root finished\n", out.stderr);
    assert.equal(out.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
