import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  awaitable,
  future,
  join,
  Mutex,
  mpsc,
  PENDING,
  Runtime,
  type RuntimeDump,
  StallError,
  sleep,
  spawn,
  type TaskDump,
  yieldNow,
} from "../../src/index.js";
import { Gate } from "../support/futures.js";
import { lineOf, Mailbox } from "./support.js";

const here = import.meta.url;

const napper = asyncFn(function* (ms: number) {
  yield* sleep(ms); // ← await: timer
});

const joiner = asyncFn(function* () {
  const child = spawn(napper(5000), { name: "child" }); // ← spawn: child
  return yield* child; // ← await: join
});

const receiver = asyncFn(function* (box: Mailbox<number>) {
  return yield* box.take(); // ← await: mailbox
});

const consumer = asyncFn(function* (rx: mpsc.Receiver<number>) {
  return yield* rx.recv(); // ← await: channel
});

const locker = asyncFn(function* (m: Mutex<number>) {
  using guard = yield* m.lock(); // ← await: mutex
  return guard.value;
});

function byName(dump: RuntimeDump, name: string): TaskDump {
  const found = dump.tasks.find((t) => t.name === name);
  assert.ok(found, `no task named ${name} in\n${dump}`);
  return found;
}

test("the dump names the leaf future and the source line of a task blocked on a timer, on a JoinHandle, on a hand-written leaf", () => {
  const rt = new Runtime({ clock: "virtual", captureLocations: true });
  rt.spawn(napper(1500), { name: "sleeper" }); // ← spawn: sleeper
  rt.spawn(joiner(), { name: "joiner" });
  rt.spawn(receiver(new Mailbox<number>()), { name: "receiver" });
  rt.blockOn(
    future(function* () {
      yield* sleep(1000);
    }),
  );
  const dump = rt.dump();
  assert.equal(dump.nowMs, 1000);

  const sleeper = byName(dump, "sleeper");
  assert.equal(sleeper.waitingOn, "Sleep(until 1500 ms)");
  assert.ok(sleeper.awaitLocation?.startsWith(lineOf(here, "← await: timer")), sleeper.awaitLocation);
  assert.ok(sleeper.spawnLocation?.startsWith(lineOf(here, "← spawn: sleeper")), sleeper.spawnLocation);

  const joining = byName(dump, "joiner");
  assert.equal(joining.waitingOn, 'JoinHandle(#5 "child")');
  assert.ok(joining.awaitLocation?.startsWith(lineOf(here, "← await: join")), joining.awaitLocation);

  const child = byName(dump, "child");
  assert.equal(child.waitingOn, "Sleep(until 5000 ms)");
  assert.ok(child.spawnLocation?.startsWith(lineOf(here, "← spawn: child")), child.spawnLocation);

  const waiting = byName(dump, "receiver");
  assert.equal(waiting.waitingOn, "Mailbox.take");
  assert.ok(waiting.awaitLocation?.startsWith(lineOf(here, "← await: mailbox")), waiting.awaitLocation);
  rt.shutdown();
});

test("the dump names the leaf future and the source line of a task blocked on a channel and on a mutex", () => {
  const rt = new Runtime({ clock: "virtual", captureLocations: true });
  const [tx, rx] = mpsc.channel<number>(1);
  const m = new Mutex(7);
  const held = m.tryLock();
  rt.spawn(consumer(rx), { name: "consumer" });
  rt.spawn(locker(m), { name: "locker" });
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  const dump = rt.dump();
  const waiting = byName(dump, "consumer");
  assert.equal(waiting.waitingOn, "mpsc Receiver.recv");
  assert.ok(waiting.awaitLocation?.startsWith(lineOf(here, "← await: channel")), waiting.awaitLocation);
  const locking = byName(dump, "locker");
  assert.equal(locking.waitingOn, "Mutex.lock");
  assert.ok(locking.awaitLocation?.startsWith(lineOf(here, "← await: mutex")), locking.awaitLocation);
  held?.release();
  tx.trySend(1);
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.equal(rt.dump().tasks.length, 0, "both got what they waited for");
});

test("a task awaiting a combinator is shown waiting on the combinator, with how far it got", () => {
  const rt = new Runtime({ clock: "virtual", captureLocations: true });
  rt.spawn(
    future(function* () {
      yield* join(sleep(10), napper(2000)); // ← await: join of two
    }),
    { name: "joiner" },
  );
  rt.blockOn(
    future(function* () {
      yield* sleep(100);
    }),
  );
  const joining = byName(rt.dump(), "joiner");
  assert.equal(joining.waitingOn, "join(1 of 2 pending: #1 Sleep(until 2000 ms))");
  assert.ok(joining.awaitLocation?.startsWith(lineOf(here, "← await: join of two")), joining.awaitLocation);
  rt.shutdown();
});

test("the dump gives every live task's state, age on the runtime's clock and polls, oldest first", () => {
  const rt = new Runtime({ clock: "virtual" });
  const gate = new Gate<number>();
  rt.spawn(awaitable(gate), { name: "gated" });
  let inside: RuntimeDump | undefined;
  rt.blockOn(
    future(function* () {
      yield* sleep(200);
      const late = spawn(sleep(10), { name: "late" });
      const doomed = spawn(sleep(10), { name: "doomed" });
      yield* yieldNow(); // both polled once, waiting
      doomed.abort();
      spawn(sleep(10), { name: "fresh" }).detach();
      yield* sleep(300);
      inside = rt.dump();
      late.detach();
    }),
  );
  assert.ok(inside);
  const rows = inside.tasks.map((t) => [t.id, t.name, t.state, t.ageMs, t.polls]);
  assert.deepEqual(rows, [
    [1, "gated", "waiting", 500, 1],
    [2, "main", "running", 500, 4],
  ]);
  rt.shutdown();

  const rt2 = new Runtime({ clock: "virtual" });
  let snapshot: RuntimeDump | undefined;
  rt2.blockOn(
    future(function* () {
      const waiting = spawn(sleep(1000), { name: "waiting" });
      const aborting = spawn(sleep(1000), { name: "aborting" });
      yield* yieldNow();
      spawn(sleep(10), { name: "queued" });
      aborting.abort();
      snapshot = rt2.dump();
      waiting.abort();
    }),
  );
  assert.deepEqual(
    snapshot?.tasks.map((t) => [t.name, t.state, t.polls, t.waitingOn]),
    [
      ["main", "running", 2, undefined],
      ["waiting", "waiting", 1, "Sleep(until 1000 ms)"],
      ["aborting", "aborting", 1, "Sleep(until 1000 ms)"],
      ["queued", "queued", 0, undefined],
    ],
  );
});

test("a task whose body never awaits sees itself running in a dump taken from inside", () => {
  // Compiled, such a body runs once with no machine: it must still tell
  // the runtime which task is polling.
  const rt = new Runtime({ clock: "virtual" });
  const states = rt.blockOn(
    future(function* () {
      return rt.dump().tasks.map((t) => [t.name, t.state]);
    }),
  );
  assert.deepEqual(states, [["main", "running"]]);
});

test("without captureLocations the dump still names what each task waits on, and gives no locations", () => {
  const rt = new Runtime({ clock: "virtual" });
  rt.spawn(sleep(250), { name: "leaf" }); // a bare leaf future as the task: it waits on itself
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  const [leaf] = rt.dump().tasks;
  assert.deepEqual(leaf, {
    id: 1,
    name: "leaf",
    state: "waiting",
    ageMs: 0,
    polls: 1,
    waitingOn: "Sleep(until 250 ms)",
    spawnLocation: undefined,
    awaitLocation: undefined,
  });
  rt.shutdown();
});

test("String(dump) is a table: a header line, then one line per task with its name, state and what it waits on", () => {
  const rt = new Runtime({ clock: "virtual", captureLocations: true });
  rt.spawn(napper(1500), { name: "sleeper" });
  rt.blockOn(
    future(function* () {
      yield* sleep(40);
    }),
  );
  const lines = String(rt.dump()).split("\n");
  assert.equal(lines[0], "1 live task at 40 ms (runtime clock)");
  assert.match(lines[1] ?? "", /^ {2}id +name +state +age ms +polls +waiting on +spawned at +awaiting at$/);
  assert.match(
    lines[2] ?? "",
    /^ {2}#1 +sleeper +waiting +40 +1 +Sleep\(until 1500 ms\) +test\/trace\/dump\.test\.ts:\d+:\d+/,
  );
  assert.match(
    String(new Runtime().dump()),
    /^0 live tasks at [\d.]+ ms \(runtime clock\)$/,
    "no tasks: the header alone",
  );
  rt.shutdown();
});

test("a StallError names what each stuck task waits on", () => {
  const rt = new Runtime({ clock: "virtual" });
  const box = new Mailbox<number>();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          spawn(receiver(box), { name: "receiver" }).detach();
          yield* box.take();
        }),
      ),
    (e: unknown) =>
      e instanceof StallError &&
      e.waiting.some((t) => t.name === "receiver" && t.waitingOn === "Mailbox.take") &&
      /#2 "receiver" \(on Mailbox\.take\)/.test(e.message),
  );
  rt.shutdown();
});

test("a describeWait that throws, or a future with no class, still gets a description", () => {
  const rt = new Runtime({ clock: "virtual" });
  rt.spawn({
    poll: () => PENDING,
    describeWait(): string {
      throw new Error("bad description");
    },
  });
  rt.spawn({ poll: () => PENDING });
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.deepEqual(
    rt.dump().tasks.map((t) => t.waitingOn),
    ["a hand-written future", "a hand-written future"],
  );
  rt.shutdown();
});
