// rt.dump() names what each pending branch of a join or select waits on.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  future,
  join,
  joinAll,
  Mutex,
  mpsc,
  PENDING,
  Runtime,
  race,
  select,
  sleep,
  spawn,
  timeout,
  yieldNow,
} from "../../src/index.js";

const napper = asyncFn(function* (ms: number) {
  yield* sleep(ms);
});

function waitingOf(rt: Runtime, name: string): string | undefined {
  return rt.dump().tasks.find((t) => t.name === name)?.waitingOn;
}

test("a join names each pending branch, and a generator branch by what it awaits; finished branches are left out", () => {
  const rt = new Runtime({ clock: "virtual" });
  const [, rx] = mpsc.channel<number>(1);
  rt.spawn(
    future(function* () {
      yield* join(sleep(10), napper(2000), rx.recv(), timeout(5000, napper(3000)));
    }),
    { name: "joiner" },
  );
  rt.blockOn(
    future(function* () {
      yield* sleep(100);
    }),
  );
  assert.equal(
    waitingOf(rt, "joiner"),
    "join(3 of 4 pending: #1 Sleep(until 2000 ms); #2 mpsc Receiver.recv; #3 timeout(5000 ms, until 5000 ms) of Sleep(until 3000 ms))",
  );
  rt.shutdown();
});

test("a hung joinAll groups the branches that wait on the same thing", () => {
  const rt = new Runtime({ clock: "virtual" });
  const mutex = new Mutex(0);
  const held = mutex.tryLock();
  rt.spawn(
    future(function* () {
      yield* joinAll(Array.from({ length: 49 }, () => mutex.lock()));
    }),
    { name: "all" },
  );
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.equal(waitingOf(rt, "all"), "joinAll(49 of 49 pending: #0, #1, #2 and 46 more: Mutex.lock)");
  held?.release();
  rt.shutdown();
});

test("many different waits are cut short after six, with a count of the rest", () => {
  const rt = new Runtime({ clock: "virtual" });
  rt.spawn(
    future(function* () {
      yield* joinAll(Array.from({ length: 9 }, (_, i) => sleep(1000 + i)));
    }),
    { name: "many" },
  );
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  const said = waitingOf(rt, "many") ?? "";
  assert.match(
    said,
    /^joinAll\(9 of 9 pending: #0 Sleep\(until 1000 ms\); .*#5 Sleep\(until 1005 ms\); 3 more waiting on other things\)$/,
  );
  rt.shutdown();
});

test("a select names what each branch waits on; race too", () => {
  const rt = new Runtime({ clock: "virtual" });
  const [, rx] = mpsc.unbounded<string>();
  rt.spawn(
    future(function* () {
      yield* select(sleep(500), rx.recv());
    }),
    { name: "selector" },
  );
  rt.spawn(
    future(function* () {
      yield* race(sleep(700), sleep(800));
    }),
    { name: "racer" },
  );
  rt.blockOn(
    future(function* () {
      const h = spawn(sleep(1));
      yield* h;
    }),
  );
  assert.equal(waitingOf(rt, "selector"), "select(2 branches: #0 Sleep(until 500 ms); #1 mpsc Receiver.recv)");
  assert.equal(waitingOf(rt, "racer"), "race(2 branches: #0 Sleep(until 700 ms); #1 Sleep(until 800 ms))");
  rt.shutdown();
});

class Mute {
  poll(): typeof PENDING {
    return PENDING;
  }
  describeWait(): string {
    throw new Error("no words");
  }
}

test("a branch whose describeWait throws does not break the dump: it is named by its class", () => {
  const rt = new Runtime({ clock: "virtual" });
  rt.spawn(
    future(function* () {
      yield* join(sleep(50), new Mute());
    }),
    { name: "mute" },
  );
  rt.blockOn(
    future(function* () {
      yield* yieldNow();
    }),
  );
  assert.equal(waitingOf(rt, "mute"), "join(2 of 2 pending: #0 Sleep(until 50 ms); #1 Mute)");
  rt.shutdown();
});
