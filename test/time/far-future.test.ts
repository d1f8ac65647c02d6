// Durations and instants at the edges of what the clock can hold: huge
// durations clamp to a far future (tokio's rule), Infinity means never, a
// clock moved past the far future is refused at the call, and periods and
// arguments the clock cannot represent are refused with a clear message.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  future,
  interval,
  now,
  Runtime,
  StallError,
  select,
  sleep,
  sleepUntil,
  time,
  timeout,
} from "../../src/index.js";
import { virtual } from "../support/runtimes.js";

/** How far ahead a deadline may be: 2^52 ms on the runtime's clock. */
const FAR_FUTURE_MS = 2 ** 52;

test("huge finite durations are accepted and wait until the far future, instead of throwing at the first poll", () => {
  const huge = [2 ** 53, Number.MAX_VALUE, 1e300];
  for (const ms of huge) {
    const rt = virtual();
    const r = rt.blockOn(
      future(function* () {
        return yield* select(sleep(ms), sleep(10));
      }),
    );
    assert.equal(r.index, 1, `sleep(${ms}) lost to sleep(10)`);
    // Alone, virtual time jumps to the far future and the sleep ends there.
    const at = rt.blockOn(
      future(function* () {
        yield* sleep(ms);
        return now().ms;
      }),
    );
    assert.equal(at, FAR_FUTURE_MS);
  }
});

test("timeout(1e300, f) and a far sleepUntil work: f's value, and a sleep that loses to a near one", () => {
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const v = yield* timeout(
        1e300,
        future(function* () {
          yield* sleep(5);
          return "in time";
        }),
      );
      const far = yield* select(sleepUntil(now().add(1e300)), sleep(1));
      return [v, far.index];
    }),
  );
  assert.deepEqual(out, ["in time", 1]);
});

test("sleep(Infinity) never ends: it loses every race, and alone it is a stall, not a jump to the far future", () => {
  const rt = virtual();
  const r = rt.blockOn(
    future(function* () {
      return yield* select(sleep(Number.POSITIVE_INFINITY), sleep(1_000_000));
    }),
  );
  assert.equal(r.index, 1);
  assert.throws(() => rt.blockOn(sleep(Number.POSITIVE_INFINITY)), StallError);
  // timeout(Infinity, f) is f.
  const v = virtual().blockOn(
    future(function* () {
      return yield* timeout(
        Number.POSITIVE_INFINITY,
        future(function* () {
          yield* sleep(1e9);
          return 7;
        }),
      );
    }),
  );
  assert.equal(v, 7);
});

test("time.advance past the far future is refused at the call, and the runtime's timers keep working", () => {
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      assert.throws(() => time.advance(1e300), {
        name: "RangeError",
        message: /time\.advance\(ms\): the clock cannot go past the far future \(2\^52 ms/,
      });
      const start = now();
      yield* sleep(100);
      return now().since(start);
    }),
  );
  assert.equal(out, 100);
});

test("an interval period the clock cannot represent is refused, naming the 1 ms resolution", () => {
  for (const bad of [1e-9, 0.5]) {
    assert.throws(() => interval(bad), {
      name: "RangeError",
      message: new RegExp(
        `interval\\(periodMs\\): the period must be from 1 ms \\(the timers' resolution\\) to 2\\^52 ms, got ${bad}`,
      ),
    });
  }
  assert.throws(() => interval(2 ** 60), RangeError);
});

test("interval(5, null) says options must be an object", () => {
  assert.throws(() => interval(5, null as never), {
    name: "TypeError",
    message:
      'interval(periodMs, options): options must be an object such as { missedTick: "skip" }, or absent; got null',
  });
});

test("Instant.add and Instant.since refuse what is not a number or an Instant with a TypeError", () => {
  new Runtime({ clock: "virtual" }).blockOn(
    future(function* () {
      const t = now();
      assert.throws(() => t.add("5" as never), {
        name: "TypeError",
        message: 'instant.add(ms): ms must be a finite number of milliseconds, got the string "5"',
      });
      assert.throws(() => t.add(Number.NaN), { name: "RangeError" });
      assert.throws(() => t.since(5 as never), {
        name: "TypeError",
        message: "instant.since(earlier): earlier must be an Instant (from now()), got number 5",
      });
      assert.equal(t.add(5).since(t), 5);
    }),
  );
});
