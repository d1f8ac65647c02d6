import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fromPromise, future, Runtime, sleep, spawn, yieldNow } from "../../src/index.js";

function livedMs(mode: string): number {
  const out = spawnSync(process.execPath, ["--import", "tsx", "test/time/fixtures/keep-alive.ts", mode], {
    encoding: "utf8",
  });
  assert.equal(out.status, 0, out.stderr);
  const lived = /lived (\d+) ms/.exec(out.stdout)?.[1];
  assert.ok(lived !== undefined, out.stdout);
  return Number(lived);
}

/** Runs `body` with setTimeout recording each delay it is asked for (the timers fire at once, unref'd). */
function recordingHostTimers(body: () => void): number[] {
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const spy = (fn: () => void, ms?: number): unknown => {
    delays.push(ms ?? 0);
    return realSetTimeout(fn, 0).unref();
  };
  Reflect.set(globalThis, "setTimeout", spy);
  try {
    body();
  } finally {
    Reflect.set(globalThis, "setTimeout", realSetTimeout);
  }
  return delays;
}

test("rt.run keeps the process alive while a task waits on a timer, and no longer", () => {
  assert.ok(livedMs("run") >= 60, "the one host timer held the process open for the sleep");
  assert.ok(livedMs("leftover") < 5_000, "a detached sleeper left after run() does not hold the process open");
});

test("the one host timer is clamped to 2^31-1 ms, beyond which Node would fire it at once", () => {
  const delays = recordingHostTimers(() => {
    const rt = new Runtime();
    rt.spawn(
      future(function* () {
        yield* sleep(3 * 2 ** 31); // about 200 days
      }),
    ).detach();
    rt.blockOn(yieldNow()); // polls the sleeper and arms the host timer
    rt.shutdown();
  });
  assert.ok(delays.length >= 1);
  assert.ok(
    delays.every((d) => d <= 2 ** 31 - 1),
    `host timer delays: ${delays.join(", ")}`,
  );
});

test("the runtime arms one host timer for many sleeps, and re-arms only for an earlier deadline", () => {
  const sleeper = (ms: number) =>
    future(function* () {
      yield* sleep(ms);
    });
  let afterMany = 0;
  const delays = recordingHostTimers(() => {
    const rt = new Runtime();
    rt.blockOn(
      future(function* () {
        for (let i = 0; i < 1000; i++) spawn(sleeper(60_000 + i)).detach();
        yield* yieldNow();
      }),
    );
    afterMany = rt.metrics().pendingTimers;
    rt.blockOn(
      future(function* () {
        spawn(sleeper(1_000)).detach();
        yield* yieldNow();
      }),
    );
    rt.shutdown();
  });
  assert.equal(afterMany, 1000);
  assert.equal(delays.length, 2, "1,000 sleeps armed one host timer; the earlier deadline re-armed it once");
  assert.ok((delays[1] ?? Number.NaN) <= 1_001, `re-armed for ${delays[1]} ms`);
});

test("a host turn with no timer waiting and no spawn reads no clock; a spawn is still dated", async () => {
  // A runtime woken from outside takes a turn per promise or I/O event;
  // performance.now() would cost as much as the rest of such a turn.
  const rt = new Runtime();
  const realNow = performance.now;
  let reads = 0;
  const counting = (): number => {
    reads++;
    return realNow.call(performance);
  };
  Reflect.set(performance, "now", counting);
  try {
    const turns = await rt.run(
      future(function* () {
        for (let i = 0; i < 100; i++) yield* fromPromise(() => Promise.resolve(i));
        reads = 0;
        for (let i = 0; i < 100; i++) yield* fromPromise(() => Promise.resolve(i));
        return reads;
      }),
    );
    assert.equal(turns, 0, "100 host turns read the clock");
    // A turn that spawns reads it once, for the spawn's date (dump ages).
    const ages = await rt.run(
      future(function* () {
        yield* fromPromise(() => Promise.resolve());
        reads = 0;
        spawn(future(function* () {})).detach();
        spawn(future(function* () {})).detach();
        return reads;
      }),
    );
    assert.equal(ages, 1, "two spawns in one turn share one reading");
  } finally {
    Reflect.set(performance, "now", realNow);
    rt.shutdown();
  }
});
