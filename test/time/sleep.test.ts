import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  future,
  hostOperation,
  type JoinHandle,
  noopWaker,
  now,
  Runtime,
  StallError,
  sleep,
  sleepUntil,
  spawn,
  time,
  yieldNow,
} from "../../src/index.js";
import { heapGrowthAcross } from "../support/gc.js";
import { virtual } from "../support/runtimes.js";

test("virtual time starts paused at 0 and an hour-long sleep finishes at once, at exactly one hour", () => {
  const started = performance.now();
  const at = virtual().blockOn(
    future(function* () {
      assert.equal(now().ms, 0);
      yield* sleep(3_600_000);
      return now().ms;
    }),
  );
  assert.equal(at, 3_600_000);
  assert.ok(performance.now() - started < 1000, "no real waiting");
});

test("sleeps wake in deadline order, each seeing the clock at its own deadline", () => {
  const log: string[] = [];
  const sleeper = asyncFn(function* (name: string, ms: number) {
    yield* sleep(ms);
    log.push(`${name}@${now().ms}`);
  });
  virtual().blockOn(
    future(function* () {
      const hs = [
        spawn(sleeper("c", 300)),
        spawn(sleeper("a", 100)),
        spawn(sleeper("b", 200)),
        spawn(sleeper("a2", 100)),
      ];
      for (const h of hs) yield* h;
    }),
  );
  assert.deepEqual(log, ["a@100", "a2@100", "b@200", "c@300"]);
});

test("a sleep's deadline is fixed when it is made inside a task, not when first polled", () => {
  const at = virtual().blockOn(
    future(function* () {
      const s = sleep(100);
      yield* sleep(60);
      yield* s; // 40 ms left
      return now().ms;
    }),
  );
  assert.equal(at, 100);
});

test("a sleep made outside a runtime starts at its first poll", () => {
  const s = sleep(50);
  const at = virtual().blockOn(
    future(function* () {
      yield* sleep(10);
      yield* s;
      return now().ms;
    }),
  );
  assert.equal(at, 60);
});

test("sleep(0) and a past sleepUntil are ready at once, without a timer", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      yield* sleep(5);
      const before = now();
      yield* sleep(0);
      yield* sleepUntil(before);
      assert.equal(now().ms, 5);
      assert.equal(rt.metrics().pendingTimers, 0);
    }),
  );
});

test("fractions of a millisecond round up: a sleep never ends early", () => {
  const at = virtual().blockOn(
    future(function* () {
      yield* sleep(0.2);
      return now().ms;
    }),
  );
  assert.equal(at, 1);
});

test("a sleep dropped before it fires never wakes its task, and leaves no timer", () => {
  const rt = virtual();
  let woke = false;
  rt.blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          yield* sleep(1000);
          woke = true;
        }),
      );
      yield* sleep(10);
      assert.equal(rt.metrics().pendingTimers, 1);
      h.abort();
      yield* yieldNow();
      assert.equal(rt.metrics().pendingTimers, 0, "the entry left the wheel when the sleep was dropped");
      yield* sleep(5000);
    }),
  );
  assert.equal(woke, false);
});

test("time.advance moves paused time and fires what falls due; woken tasks run when the caller yields", () => {
  const log: number[] = [];
  virtual().blockOn(
    future(function* () {
      const h = spawn(
        future(function* () {
          yield* sleep(100);
          log.push(now().ms);
        }),
      );
      yield* yieldNow(); // let it register its sleep
      time.advance(99);
      yield* yieldNow();
      assert.deepEqual(log, []);
      time.advance(1);
      yield* yieldNow();
      assert.deepEqual(log, [100]);
      yield* h;
    }),
  );
});

test("time.advance needs paused time; pause and resume switch the clock", () => {
  const rt = new Runtime();
  rt.blockOn(
    future(function* () {
      assert.equal(time.isPaused(), false);
      assert.throws(() => time.advance(10), /needs a paused clock/);
      time.pause();
      const frozen = now().ms;
      time.advance(1000);
      assert.equal(now().ms, frozen + 1000);
      time.resume();
      assert.equal(time.isPaused(), false);
    }),
  );
});

test("while paused, the clock does not jump while a host operation is outstanding", async () => {
  const rt = virtual();
  let release: (() => void) | undefined;
  const order: string[] = [];
  const done = rt.run(
    future(function* () {
      release = hostOperation().end; // e.g. a promise being awaited
      const h = spawn(
        future(function* () {
          yield* sleep(1000);
          order.push(`timer@${now().ms}`);
        }),
      );
      yield* h;
    }),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(order.length, 0, "held: no auto-advance");
  order.push("reply arrived");
  release?.();
  await done;
  assert.deepEqual(order, ["reply arrived", "timer@1000"]);
});

test("blockOn in virtual time with a held host operation throws instead of hanging", () => {
  const rt = virtual();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          hostOperation();
          yield* sleep(10);
        }),
      ),
    (e: unknown) => e instanceof StallError && /host operation is outstanding/.test(e.message),
  );
});

test("with the real clock, blockOn parks the thread until the next timer", () => {
  const rt = new Runtime();
  const started = performance.now();
  const elapsed = rt.blockOn(
    future(function* () {
      const t0 = now();
      yield* sleep(15);
      return now().since(t0);
    }),
  );
  assert.ok(elapsed >= 15, `slept ${elapsed} ms`);
  assert.ok(performance.now() - started >= 14);
});

test("with the real clock, run wakes sleeping tasks through one host timer", async () => {
  const rt = new Runtime();
  const out = await rt.run(
    future(function* () {
      const a = spawn(
        future(function* () {
          yield* sleep(10);
          return "a";
        }),
      );
      const b = spawn(
        future(function* () {
          yield* sleep(5);
          return "b";
        }),
      );
      return (yield* b) + (yield* a);
    }),
  );
  assert.equal(out, "ba");
});

test("bad durations are RangeErrors (TypeError for non-numbers) that say what is allowed", () => {
  for (const bad of [-1, Number.NaN, Number.NEGATIVE_INFINITY]) {
    assert.throws(
      () => sleep(bad),
      (e: unknown) => e instanceof RangeError && /finite number of milliseconds ≥ 0/.test(e.message),
    );
  }
  assert.throws(() => sleep("10" as never), TypeError);
  assert.throws(() => sleepUntil(10 as never), /must be an Instant/);
  assert.throws(() => new Runtime({ clock: "fake" as never }), RangeError);
});

test("now() and the time controls throw outside a runtime", () => {
  assert.throws(() => now(), /needs a runtime's clock/);
  assert.throws(() => time.pause(), /time\.pause\(\) needs a runtime's clock/);
  assert.throws(() => time.advance(1), /needs a runtime's clock/);
});

test("creating and dropping 1,000,000 sleeps leaves the wheel empty and the heap where it was", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      yield* sleep(1); // warm up
      const batch = 1000;
      const cx = { waker: noopWaker() };
      const grown = heapGrowthAcross(() => {
        for (let round = 0; round < 1000; round++) {
          const sleeps = [];
          for (let i = 0; i < batch; i++) {
            const s = sleep(1 + ((i * 7919) % 60_000));
            s.poll(cx);
            sleeps.push(s);
          }
          assert.equal(rt.metrics().pendingTimers, batch);
          for (const s of sleeps) s[Symbol.dispose]();
          assert.equal(rt.metrics().pendingTimers, 0);
        }
      });
      assert.ok(grown < 2_000_000, `heap grew by ${grown} bytes`);
    }),
  );
  assert.equal(rt.metrics().pendingTimers, 0);
});

test("a detached sleeper does not keep blockOn's caller waiting, and runs on in the host loop", async () => {
  const rt = new Runtime();
  let done = false;
  let h: JoinHandle<void> | undefined;
  rt.blockOn(
    future(function* () {
      h = spawn(
        future(function* () {
          yield* sleep(5);
          done = true;
        }),
      );
      h.detach();
      yield* yieldNow();
    }),
  );
  assert.equal(done, false);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(done, true);
});

test("any mix of sleeps and aborts: survivors wake at their exact deadline in deadline order, the dropped never", async () => {
  const fc = (await import("fast-check")).default;
  const plan = fc.array(
    fc.record({
      // Even delays and odd abort times never tie, so the oracle is exact.
      delay: fc
        .oneof(
          fc.integer({ min: 0, max: 100 }),
          fc.integer({ min: 0, max: 200_000 }),
          fc.integer({ min: 0, max: 2 ** 31 }),
        )
        .map((n) => n * 2),
      abortAt: fc.option(
        fc.integer({ min: 0, max: 200_000 }).map((n) => n * 2 + 1),
        { nil: undefined },
      ),
    }),
    { maxLength: 30 },
  );
  fc.assert(
    fc.property(plan, (sleepers) => {
      const rt = virtual();
      const woke: string[] = [];
      rt.blockOn(
        future(function* () {
          const handles = sleepers.map((s, i) =>
            spawn(
              future(function* () {
                yield* sleep(s.delay);
                woke.push(`${i}@${now().ms}`);
              }),
            ),
          );
          const aborts = sleepers
            .map((s, i) => ({ at: s.abortAt, i }))
            .filter((a): a is { at: number; i: number } => a.at !== undefined)
            .sort((a, b) => a.at - b.at);
          for (const a of aborts) {
            yield* sleep(a.at - now().ms);
            handles[a.i]?.abort();
          }
          for (const h of handles) {
            try {
              yield* h;
            } catch {}
          }
        }),
      );
      const expected = sleepers
        .map((s, i) => ({ ...s, i }))
        .filter((s) => s.abortAt === undefined || s.abortAt > s.delay)
        .sort((a, b) => a.delay - b.delay || a.i - b.i)
        .map((s) => `${s.i}@${s.delay}`);
      assert.deepEqual(woke, expected);
      assert.equal(rt.metrics().pendingTimers, 0);
    }),
    { numRuns: 150 },
  );
});

test("a loop of sleeps that are ready at once still lets other tasks run (budget)", () => {
  const order: string[] = [];
  virtual().blockOn(
    future(function* () {
      const busy = spawn(
        future(function* () {
          for (let i = 0; i < 1000; i++) {
            yield* sleep(0);
            if (i === 999) order.push("busy done");
          }
        }),
      );
      const other = spawn(
        future(function* () {
          order.push("other ran");
        }),
      );
      yield* busy;
      yield* other;
    }),
  );
  assert.deepEqual(order, ["other ran", "busy done"]);
});
