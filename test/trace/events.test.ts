import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  awaitable,
  consumeBudget,
  future,
  interval,
  type JoinHandle,
  mpsc,
  Runtime,
  sleep,
  spawn,
  type TraceEvent,
  type TraceEventOf,
  timeout,
  yieldNow,
} from "../../src/index.js";
import { Gate } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";
import { Mailbox, record, steps } from "./support.js";

test("a sleeping task's events come in causal order: poll, pending, timer fired, wake by the timer, poll, ready", () => {
  const rt = virtual();
  const events = record(rt);
  rt.blockOn(
    future(function* () {
      yield* sleep(1500);
    }),
  );
  assert.deepEqual(steps(events), [
    "spawn #1",
    "poll #1",
    "pending #1",
    "timer-fired 1500",
    "wake #1 by timer",
    "poll #1",
    "ready #1",
  ]);
  const pending = events.find((e) => e.kind === "pending");
  assert.equal(pending?.kind === "pending" && pending.waitingOn, "Sleep(until 1500 ms)");
});

test("a waker called inside another task's poll names that task: the consumer is woken by the producer", () => {
  const rt = virtual();
  const events = record(rt);
  const box = new Mailbox<string>();
  let producerId = 0;
  let consumerId = 0;
  rt.blockOn(
    future(function* () {
      const consumer = spawn(box.take(), { name: "consumer" });
      const producer = spawn(
        future(function* () {
          box.put("hello");
        }),
        { name: "producer" },
      );
      producerId = producer.id;
      consumerId = consumer.id;
      return yield* consumer;
    }),
  );
  assert.deepEqual(steps(events, [consumerId, producerId]), [
    `spawn #${consumerId}`,
    `spawn #${producerId}`,
    `poll #${consumerId}`,
    `pending #${consumerId}`,
    `poll #${producerId}`,
    `wake #${consumerId} by task #${producerId}`,
    `ready #${producerId}`,
    `poll #${consumerId}`,
    `ready #${consumerId}`,
  ]);
});

test("an mpsc send wakes the receiving task, and the wake names the sending task", () => {
  const rt = virtual();
  const events = record(rt);
  const [tx, rx] = mpsc.channel<number>(4);
  let senderId = 0;
  rt.blockOn(
    future(function* () {
      const receiver = spawn(
        future(function* () {
          return yield* rx.recv();
        }),
        { name: "receiver" },
      );
      yield* yieldNow(); // the receiver parks in recv()
      const sender = spawn(
        future(function* () {
          yield* tx.send(42);
        }),
        { name: "sender" },
      );
      senderId = sender.id;
      return yield* receiver;
    }),
  );
  const wake = events.find((e): e is TraceEventOf<"wake"> => e.kind === "wake" && e.name === "receiver");
  assert.deepEqual(wake?.cause, { by: "task", task: senderId });
  const parked = events.find((e) => e.kind === "pending" && e.name === "receiver");
  assert.equal(parked?.kind === "pending" && parked.waitingOn, "mpsc Receiver.recv");
});

test("a finished task wakes its joiner, and the joiner's wake names it; ready comes before that wake", () => {
  const rt = virtual();
  const events = record(rt);
  rt.blockOn(
    future(function* () {
      const child = spawn(
        future(function* () {
          yield* sleep(10);
          return 1;
        }),
      );
      return yield* child;
    }),
  );
  const tail = steps(events).slice(-4);
  assert.deepEqual(tail, ["ready #2", "wake #1 by task #2", "poll #1", "ready #1"]);
});

test("a wake from outside any task is the host's; a task waking itself (yieldNow) names itself", () => {
  const rt = virtual();
  const events = record(rt);
  const gate = new Gate<number>();
  const waiter = rt.spawn(awaitable(gate));
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  gate.open(7); // from the test, outside the runtime
  const wakes = events.filter((e): e is TraceEventOf<"wake"> => e.kind === "wake");
  assert.deepEqual(
    wakes.map((w) => [w.task, w.cause]),
    [
      [2, { by: "task", task: 2 }],
      [waiter.id, { by: "host" }],
    ],
  );
  rt.shutdown();
});

test("spawn names its parent task, and none when spawned from outside", () => {
  const rt = virtual();
  const events = record(rt);
  rt.spawn(sleep(1)).detach();
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          return 1;
        }),
        { name: "child" },
      );
      yield* h;
    }),
  );
  const spawns = events.filter((e): e is TraceEventOf<"spawn"> => e.kind === "spawn");
  assert.deepEqual(
    spawns.map((s) => [s.task, s.name, s.parent]),
    [
      [1, undefined, undefined],
      [2, "main", undefined],
      [3, "child", 2],
    ],
  );
});

test("a spent budget is reported once per poll, before the task's wake of itself", () => {
  const rt = virtual();
  const events = record(rt);
  rt.blockOn(
    future(function* () {
      for (let i = 0; i < 300; i++) yield* consumeBudget();
    }),
  );
  assert.deepEqual(steps(events), [
    "spawn #1",
    "poll #1",
    "budget-exhausted #1",
    "wake #1 by task #1",
    "pending #1",
    "poll #1",
    "budget-exhausted #1",
    "wake #1 by task #1",
    "pending #1",
    "poll #1",
    "ready #1",
  ]);
  const pending = events.find((e) => e.kind === "pending");
  assert.ok(pending?.kind === "pending" && pending.requeued);
});

test("an abort is carried out at the task's turn: abort, drop, then cancelled; wakes from its finally are its own", () => {
  const rt = virtual();
  const events = record(rt);
  const box = new Mailbox<number>();
  let victimId = 0;
  rt.blockOn(
    future(function* () {
      const listener = spawn(box.take(), { name: "listener" });
      const victim = spawn(
        future(function* () {
          try {
            yield* sleep(60_000);
          } finally {
            box.put(1); // cleanup that wakes someone
          }
        }),
        { name: "victim" },
      );
      victimId = victim.id;
      yield* yieldNow();
      victim.abort();
      yield* listener;
    }),
  );
  const victimSteps = steps(events, [victimId]);
  assert.deepEqual(victimSteps.slice(-3), [`abort #${victimId}`, `drop #${victimId}`, `cancelled #${victimId}`]);
  const wake = events.find((e) => e.kind === "wake" && e.task === 2);
  assert.deepEqual(wake?.kind === "wake" && wake.cause, { by: "task", task: victimId });
  const drop = events.findIndex((e) => e.kind === "drop");
  const cancelled = events.findIndex((e) => e.kind === "cancelled");
  assert.ok(drop < events.indexOf(wake as TraceEvent) && events.indexOf(wake as TraceEvent) < cancelled);
});

test("a poll that throws ends in failed (during: poll) with the error; a drop that throws, in failed (during: drop)", () => {
  const rt = virtual();
  const events = record(rt);
  const boom = new Error("boom");
  const cleanupFailed = new Error("cleanup failed");
  rt.blockOn(
    future(function* () {
      const thrower = spawn(
        future(function* () {
          yield* yieldNow();
          throw boom;
        }),
      );
      const badDrop = spawn(
        future(function* () {
          try {
            yield* sleep(1000);
          } finally {
            // biome-ignore lint/correctness/noUnsafeFinally: a drop that throws, on purpose
            throw cleanupFailed;
          }
        }),
      );
      yield* yieldNow();
      badDrop.abort();
      try {
        yield* thrower;
      } catch {}
      try {
        yield* badDrop;
      } catch {}
    }),
  );
  const failed = events.filter((e): e is TraceEventOf<"failed"> => e.kind === "failed");
  assert.deepEqual(
    failed.map((f) => [f.task, f.during, f.error]),
    [
      [2, "poll", boom],
      [3, "drop", cleanupFailed],
    ],
  );
});

test("pending says what the task waits on, as each future describes itself", () => {
  const rt = virtual();
  const events = record(rt);
  rt.blockOn(
    future(function* () {
      const worker = spawn(sleep(5), { name: "worker" });
      yield* worker; // JoinHandle
      yield* timeout(100, sleep(50)); // the timeout, not the sleep inside it
      using every = interval(20);
      yield* every.tick(); // immediate
      yield* every.tick();
      yield* yieldNow();
    }),
  );
  const waits = events
    .filter((e): e is TraceEventOf<"pending"> => e.kind === "pending")
    .map((e) => `#${e.task} ${e.waitingOn}`);
  assert.deepEqual(waits, [
    '#1 JoinHandle(#2 "worker")',
    "#2 Sleep(until 5 ms)",
    "#1 timeout(100 ms, until 105 ms) of Sleep(until 55 ms)",
    "#1 Interval.tick(every 20 ms, next at 75 ms)",
    "#1 yieldNow()",
  ]);
});

test("a helper generator's await is named, not the helper; a hand-written future without describeWait is named by its class", () => {
  const rt = virtual();
  const events = record(rt);
  const helper = asyncFn(function* () {
    yield* sleep(30);
  });
  rt.blockOn(
    future(function* () {
      yield* helper();
    }),
  );
  const gate = new Gate<number>();
  rt.spawn(awaitable(gate)).detach();
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  const waits = events.filter((e): e is TraceEventOf<"pending"> => e.kind === "pending").map((e) => e.waitingOn);
  assert.equal(waits[0], "Sleep(until 30 ms)");
  assert.ok(waits.includes("Gate"), `${waits}`);
});

test("with timestamps, every event has `at` and every poll's end `durationMs`, on the clock given; without, neither", () => {
  let clock = 1000;
  const rt = new Runtime({ clock: "virtual", timestamps: () => clock });
  const events = record(rt);
  rt.blockOn(
    future(function* () {
      clock += 3; // this poll "takes" 3 ms on the fake clock
      yield* yieldNow();
      clock += 4;
    }),
  );
  assert.ok(events.every((e) => typeof e.at === "number"));
  const ends = events.filter((e) => e.kind === "pending" || e.kind === "ready");
  assert.deepEqual(
    ends.map((e) => (e.kind === "pending" || e.kind === "ready" ? e.durationMs : undefined)),
    [3, 4],
  );
  assert.equal(events.at(-1)?.at, 7, "at counts from the runtime's creation");
  assert.equal(rt.metrics().busyMs, 7);

  const plain = virtual();
  const untimed = record(plain);
  plain.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.ok(untimed.every((e) => !("at" in e) && !("durationMs" in e)));
});

test("every listener gets every event; unsubscribing stops one (idempotently), and `using` unsubscribes at scope end", () => {
  const rt = virtual();
  const a: string[] = [];
  const b: string[] = [];
  const c: string[] = [];
  const stopA = rt.onEvent((e) => a.push(e.kind));
  rt.onEvent((e) => b.push(e.kind));
  const run = (): number =>
    rt.blockOn(
      future(function* () {
        return 1;
      }),
    );
  {
    using _c = rt.onEvent((e) => c.push(e.kind));
    run();
  }
  stopA();
  stopA();
  run();
  assert.deepEqual(a, ["spawn", "poll", "ready"]);
  assert.deepEqual(c, ["spawn", "poll", "ready"]);
  assert.deepEqual(b, ["spawn", "poll", "ready", "spawn", "poll", "ready"]);
});

test("a listener that throws is reported once and neither the runtime nor the other listeners notice", (t) => {
  const reports: unknown[][] = [];
  t.mock.method(console, "error", (...args: unknown[]) => {
    reports.push(args);
  });
  const rt = virtual();
  rt.onEvent(() => {
    throw new Error("listener bug");
  });
  const seen: string[] = [];
  rt.onEvent((e) => seen.push(e.kind));
  const value = rt.blockOn(
    future(function* () {
      yield* sleep(5);
      const h = spawn(
        future(function* () {
          return 20;
        }),
      );
      return (yield* h) + 1;
    }),
  );
  assert.equal(value, 21);
  assert.equal(reports.length, 1, "reported once");
  assert.match(String(reports[0]?.[0]), /listener threw/);
  assert.ok(seen.includes("ready") && seen.length > 8);
});

test("the trace option is a listener from the start, and must be a function", () => {
  const kinds: string[] = [];
  const rt = new Runtime({ trace: (e) => kinds.push(e.kind) });
  rt.blockOn(
    future(function* () {
      return 1;
    }),
  );
  assert.deepEqual(kinds, ["spawn", "poll", "ready"]);
  assert.throws(() => rt.onEvent("nope" as never), /rt\.onEvent\(listener\): listener must be a function/);
});

test("a host turn that ends with tasks still ready yields to the host, saying how many", async () => {
  const rt = new Runtime({ eventInterval: 2 });
  const events = record(rt);
  const spinner = asyncFn(function* (n: number) {
    for (let i = 0; i < n; i++) yield* yieldNow();
  });
  await rt.run(
    future(function* () {
      const hs: JoinHandle<void>[] = [spawn(spinner(3)), spawn(spinner(3))];
      for (const h of hs) yield* h;
    }),
  );
  const yields = events.filter((e): e is TraceEventOf<"yield-to-host"> => e.kind === "yield-to-host");
  assert.ok(yields.length > 0);
  assert.ok(yields.every((y) => y.queued > 0));
});
