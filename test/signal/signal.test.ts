import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type AsyncBody,
  future,
  noopWaker,
  PENDING,
  Runtime,
  select,
  sleep,
  spawn,
  stream,
  yieldNow,
} from "../../src/index.js";
import { ctrlC, signal } from "../../src/signal/index.js";

// Node 26 writes a diagnostic report into the working directory on SIGUSR2
// when asked to; these tests send it to themselves, so turn that off.
if (process.report !== undefined) process.report.reportOnSignal = false;

/** Runs `body` on a fresh real-clock runtime, shut down afterwards. */
async function run<T>(body: () => AsyncBody<T>): Promise<T> {
  const rt = new Runtime();
  try {
    return await rt.run(future(body));
  } finally {
    rt.shutdown();
  }
}

const cx = { waker: noopWaker() };

test("ctrlC() listens from its first poll, completes at the next SIGINT, and removes its listener", async () => {
  const before = process.listenerCount("SIGINT");
  const c = ctrlC();
  assert.equal(process.listenerCount("SIGINT"), before, "lazy: no listener before the first poll");
  await run(function* () {
    const waiting = spawn(c);
    yield* yieldNow();
    assert.equal(process.listenerCount("SIGINT"), before + 1);
    process.kill(process.pid, "SIGINT");
    yield* waiting;
  });
  assert.equal(process.listenerCount("SIGINT"), before);
});

test("dropping a waiting ctrlC() removes its listener (and it no longer keeps the process alive)", () => {
  const before = process.listenerCount("SIGINT");
  const c = ctrlC();
  assert.equal(c.poll(cx), PENDING);
  assert.equal(process.listenerCount("SIGINT"), before + 1);
  c[Symbol.dispose]();
  c[Symbol.dispose]();
  assert.equal(process.listenerCount("SIGINT"), before);
  assert.throws(() => c.poll(cx), /polled after it completed or was dropped/);
});

test("a signal stream listens from creation; deliveries nobody polled for are remembered as one", async () => {
  const before = process.listenerCount("SIGUSR2");
  const items = await run(function* () {
    using s = signal("SIGUSR2");
    assert.equal(process.listenerCount("SIGUSR2"), before + 1);
    process.kill(process.pid, "SIGUSR2");
    process.kill(process.pid, "SIGUSR2");
    yield* sleep(50); // both delivered while nobody polls
    const first = yield* s.recv();
    // The second delivery was coalesced into the first: nothing more is ready.
    const { index } = yield* select(s.recv(), sleep(50));
    return [first, index];
  });
  assert.deepEqual(items, ["SIGUSR2", 1]);
  assert.equal(process.listenerCount("SIGUSR2"), before, "dropped with `using`");
});

test("a signal stream yields once per delivery that is polled for, and a dropped recv() loses none", async () => {
  const got = await run(function* () {
    using s = signal("SIGUSR2");
    const out: string[] = [];
    for (let i = 0; i < 3; i++) {
      // Drop a recv() before the signal comes: the stream, not the future, holds deliveries.
      s.recv()[Symbol.dispose]();
      process.kill(process.pid, "SIGUSR2");
      out.push(yield* s.recv());
    }
    return out;
  });
  assert.deepEqual(got, ["SIGUSR2", "SIGUSR2", "SIGUSR2"]);
});

test("a dropped signal stream ends: pollNext gives undefined, and StreamExt sees the end", async () => {
  const s = signal("SIGHUP");
  s[Symbol.dispose]();
  assert.equal(s.pollNext(cx), undefined);
  const ended = await run(function* () {
    return yield* stream(s).next();
  });
  assert.equal(ended, undefined);
});

test("bad signal names are refused at the call", () => {
  assert.throws(() => signal("SIGNOPE" as never), /must be a signal name such as "SIGTERM"/);
  assert.throws(() => signal(42 as never), TypeError);
  assert.throws(() => signal("SIGKILL"), RangeError);
  assert.throws(() => signal("SIGSTOP"), /cannot be caught/);
});
