// select with channel receives as branches: the cancel-safety table says a
// losing `rx.recv()` loses no message. These tests hold it to that under
// many schedules, including the ugly one where the receive and the timer
// are both ready in the same poll.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { asyncFn, broadcast, future, mpsc, Runtime, select, sleep, spawn } from "../../src/index.js";

/** Sends `count` messages `id * 1000 + k`, sleeping `gaps[k]` ms before each, then drops its sender. */
const producer = asyncFn(function* (tx: mpsc.Sender<number>, id: number, gaps: readonly number[]) {
  using sender = tx;
  for (let k = 0; k < gaps.length; k++) {
    const gap = gaps[k] ?? 0;
    if (gap > 0) yield* sleep(gap);
    yield* sender.send(id * 1000 + k);
  }
});

test("property: select(rx.recv(), sleep(…)) loops never lose a message, under many seeded schedules", () => {
  let totalTimeouts = 0;
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.array(fc.nat(4), { minLength: 1, maxLength: 25 }), { minLength: 1, maxLength: 3 }),
      // At least 1 ms: a loop over sleep(0) never idles, so virtual time would never reach the producers' sleeps.
      fc.integer({ min: 1, max: 3 }),
      (seed, capacity, plans, timerMs) => {
        const rt = new Runtime({ clock: "virtual", seed });
        const { got, timeouts } = rt.blockOn(
          future(function* () {
            const [tx, rx] = mpsc.channel<number>(capacity);
            plans.forEach((gaps, id) => {
              spawn(producer(tx.clone(), id, gaps)).detach();
            });
            tx[Symbol.dispose](); // the channel closes when the last producer is done
            const got: number[] = [];
            let timeouts = 0;
            for (;;) {
              const r = yield* select(rx.recv(), sleep(timerMs));
              if (r.index === 1) timeouts++;
              else if (r.value === undefined) break;
              else got.push(r.value);
            }
            return { got, timeouts };
          }),
        );
        const sent = plans.flatMap((gaps, id) => gaps.map((_, k) => id * 1000 + k));
        assert.deepEqual(
          [...got].sort((a, b) => a - b),
          sent.sort((a, b) => a - b),
          "every sent message received exactly once",
        );
        // Per producer, messages arrive in the order they were sent.
        plans.forEach((_, id) => {
          const mine = got.filter((v) => Math.floor(v / 1000) === id);
          assert.deepEqual(
            mine,
            [...mine].sort((a, b) => a - b),
          );
        });
        totalTimeouts += timeouts;
        assert.equal(rt.aliveTasks, 0);
      },
    ),
    { numRuns: 200 },
  );
  assert.ok(totalTimeouts > 100, `receives lost races (${totalTimeouts} times): the property was exercised`);
});

test("a receive that loses to a timer ready in the same poll leaves its message for the next receive", () => {
  const rt = new Runtime({ clock: "virtual", seed: 5 });
  const got = rt.blockOn(
    future(function* () {
      const [tx, rx] = mpsc.unbounded<number>();
      for (let i = 0; i < 100; i++) tx.send(i);
      const received: number[] = [];
      let timerWins = 0;
      tx[Symbol.dispose](); // closed: a receive ends with undefined once the 100 are gone
      for (let polls = 0; polls < 10_000; polls++) {
        // Both branches are ready at every poll: the random start decides,
        // and a receive that is dropped must not have taken its message.
        const r = yield* select(rx.recv(), sleep(0));
        if (r.index === 1) timerWins++;
        else if (r.value === undefined) break;
        else received.push(r.value);
      }
      return { received, timerWins };
    }),
  );
  assert.deepEqual(
    got.received,
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.ok(got.timerWins > 20, `the timer won ${got.timerWins} times`);
});

test("broadcast receivers in a select loop miss nothing either", () => {
  const rt = new Runtime({ clock: "virtual", seed: 11 });
  const got = rt.blockOn(
    future(function* () {
      const [tx, rx] = broadcast<number>(64);
      spawn(
        future(function* () {
          using sender = tx;
          for (let i = 0; i < 50; i++) {
            yield* sleep(i % 3);
            sender.send(i);
          }
        }),
      ).detach();
      const seen: number[] = [];
      for (;;) {
        const r = yield* select(rx.recv(), sleep(1));
        if (r.index === 1) continue;
        if (r.value === undefined) break;
        seen.push(r.value);
      }
      return seen;
    }),
  );
  assert.deepEqual(
    got,
    Array.from({ length: 50 }, (_, i) => i),
  );
});
