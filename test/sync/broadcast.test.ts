import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  type BroadcastReceiver,
  BUDGET,
  broadcast,
  future,
  JoinError,
  type JoinHandle,
  LaggedError,
  PENDING,
  Runtime,
  remainingBudget,
  SendError,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { longestRun } from "../support/budget.js";
import { countingContext } from "../support/futures.js";
import { heapGrowthAcross } from "../support/gc.js";

// --- cancellation and waking ------------------------------------------------------

test("a dropped recv loses no message: the next recv gets it", () => {
  const [tx, rx] = broadcast<number>(4);
  const { cx, wakes } = countingContext();
  const pending = rx.recv();
  assert.equal(pending.poll(cx), PENDING);
  tx.send(1);
  assert.equal(wakes(), 1);
  pending[Symbol.dispose]();
  assert.equal(rx.recv().poll(cx), 1);
});

test("a dropped recv is never woken, and two sends wake a pending recv once", () => {
  const [tx, rx] = broadcast<number>(4);
  const dropped = countingContext();
  const live = countingContext();
  const gone = rx.recv();
  const waiting = rx.recv();
  assert.equal(gone.poll(dropped.cx), PENDING);
  assert.equal(waiting.poll(live.cx), PENDING);
  gone[Symbol.dispose]();
  gone[Symbol.dispose]();
  tx.send(1);
  tx.send(2);
  assert.equal(dropped.wakes(), 0);
  assert.equal(live.wakes(), 1);
  assert.equal(waiting.poll(live.cx), 1);
  assert.throws(() => waiting.poll(live.cx), /polled after it completed/);
});

test("every waiting receiver is woken by a send and each gets the message", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = broadcast<string>(4);
      const listen = asyncFn(function* (r: BroadcastReceiver<string>) {
        return yield* r.recv();
      });
      const hs = [spawn(listen(rx)), spawn(listen(tx.subscribe())), spawn(listen(tx.subscribe()))];
      yield* yieldNow();
      assert.equal(tx.send("all"), 3);
      const out = [];
      for (const h of hs) out.push(yield* h);
      return out;
    }),
  );
  assert.deepEqual(got, ["all", "all", "all"]);
});

test("dropped recvs leave the channel at once: 100,000 dropped while pending, the heap where it was", () => {
  const [, rx] = broadcast<number>(4);
  const { cx } = countingContext();
  const grown = heapGrowthAcross(() => {
    for (let round = 0; round < 100; round++) {
      const waiting = [];
      for (let i = 0; i < 1000; i++) {
        const r = rx.recv();
        r.poll(cx);
        waiting.push(r);
      }
      for (const r of waiting) r[Symbol.dispose]();
    }
  });
  assert.ok(grown < 2_000_000, `heap grew by ${grown} bytes`);
});

// --- who sees what --------------------------------------------------------------------

test("a receiver sees every message sent after it subscribed, and none before", () => {
  const [tx, early] = broadcast<number>(8);
  tx.send(1);
  const late = tx.subscribe();
  tx.send(2);
  const again = early.resubscribe(); // starts at the newest position, like subscribe
  tx.send(3);
  assert.deepEqual([early.tryRecv(), early.tryRecv(), early.tryRecv(), early.tryRecv()], [1, 2, 3, PENDING]);
  assert.deepEqual([late.tryRecv(), late.tryRecv(), late.tryRecv()], [2, 3, PENDING]);
  assert.deepEqual([again.tryRecv(), again.tryRecv()], [3, PENDING]);
});

test("a receiver that fell behind gets one LaggedError with the exact count, then the oldest message held", () => {
  const [tx, rx] = broadcast<number>(2);
  for (let i = 1; i <= 5; i++) tx.send(i);
  assert.equal(rx.size, 5);
  assert.throws(
    () => rx.tryRecv(),
    (e: unknown) => e instanceof LaggedError && e.missed === 3 && e.name === "LaggedError",
  );
  assert.equal(rx.tryRecv(), 4, "the lag is reported once");
  assert.equal(rx.tryRecv(), 5);
  assert.equal(rx.tryRecv(), PENDING);
});

test("a lag surfaces from recv() and from pollNext as a thrown LaggedError, and both continue", () => {
  const [tx, rx] = broadcast<string>(1);
  const rx2 = tx.subscribe();
  const { cx } = countingContext();
  tx.send("a");
  tx.send("b");
  assert.throws(() => rx.recv().poll(cx), LaggedError);
  assert.equal(rx.recv().poll(cx), "b");
  assert.throws(
    () => rx2.pollNext(cx),
    (e: unknown) => e instanceof LaggedError && e.missed === 1,
  );
  assert.equal(rx2.pollNext(cx), "b");
});

// --- closing ----------------------------------------------------------------------------

test("send with no receivers throws SendError with the value, and keeps nothing", () => {
  const [tx, rx] = broadcast<number>(4);
  assert.equal(tx.receiverCount, 1);
  rx[Symbol.dispose]();
  rx[Symbol.dispose]();
  assert.equal(tx.receiverCount, 0);
  assert.throws(
    () => tx.send(7),
    (e: unknown) => e instanceof SendError && e.value === 7,
  );
  const later = tx.subscribe();
  tx.send(8);
  assert.equal(later.tryRecv(), 8, "the refused value was not kept");
});

test("when every sender is dropped, receivers drain what they have not read, then get undefined", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = broadcast<number>(4);
      const tx2 = tx.clone();
      const idle = tx.subscribe();
      const waiting = spawn(
        future(function* () {
          return yield* idle.recv();
        }),
      );
      tx.send(1);
      tx[Symbol.dispose]();
      tx2.send(2);
      tx2[Symbol.dispose]();
      const first = yield* waiting;
      return [first, yield* rx.recv(), yield* rx.recv(), yield* rx.recv(), yield* idle.recv(), yield* idle.recv()];
    }),
  );
  assert.deepEqual(got, [1, 1, 2, undefined, 2, undefined]);
});

test("a receiver waiting on an empty channel is woken with undefined when the last sender is dropped", () => {
  const [tx, rx] = broadcast<number>(4);
  const { cx, wakes } = countingContext();
  const r = rx.recv();
  assert.equal(r.poll(cx), PENDING);
  tx[Symbol.dispose]();
  assert.equal(wakes(), 1);
  assert.equal(r.poll(cx), undefined);
});

test("closed() is ready once every receiver is dropped", () => {
  const [tx, rx] = broadcast<number>(4);
  const rx2 = tx.subscribe();
  const { cx, wakes } = countingContext();
  const c = tx.closed();
  assert.equal(c.poll(cx), PENDING);
  rx[Symbol.dispose]();
  assert.equal(wakes(), 0);
  rx2[Symbol.dispose]();
  assert.equal(wakes(), 1);
  assert.equal(c.poll(cx), undefined);
});

// --- bad input and disposed handles ---------------------------------------------------------

test("capacity must be an integer ≥ 1: RangeError naming broadcast(capacity)", () => {
  for (const bad of [0, -3, 0.5, Number.NaN]) {
    assert.throws(
      () => broadcast(bad),
      (e: unknown) =>
        e instanceof RangeError && e.message.startsWith("broadcast(capacity): capacity must be an integer"),
    );
  }
});

test("sending undefined is a TypeError, and a disposed handle refuses to be used", () => {
  const [tx, rx] = broadcast<number | undefined>(2);
  assert.throws(() => tx.send(undefined), /cannot send undefined/);
  rx[Symbol.dispose]();
  assert.throws(() => rx.recv(), /already disposed/);
  tx[Symbol.dispose]();
  assert.throws(() => tx.subscribe(), /already disposed/);
});

// --- the budget ----------------------------------------------------------------------------

test("a ready recv spends one unit of budget, so a receiver that always has data yields every BUDGET messages", () => {
  const log: string[] = [];
  new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = broadcast<number>(1000);
      for (let i = 0; i < 1000; i++) tx.send(i);
      tx[Symbol.dispose]();
      yield* yieldNow();
      const before = remainingBudget();
      yield* rx.recv();
      assert.equal(remainingBudget(), before - 1);
      let stop = false;
      const other = spawn(
        future(function* () {
          while (!stop) {
            log.push("other");
            yield* yieldNow();
          }
        }),
      );
      for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) log.push("recv");
      stop = true;
      yield* other;
    }),
  );
  const longest = longestRun(log, "recv");
  assert.ok(longest <= BUDGET, `${longest} receives without yielding`);
});

// --- a million ----------------------------------------------------------------------------------

test("a million messages reach two receivers once each, in order", () => {
  const N = 1_000_000;
  const counts = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = broadcast<number>(128);
      const listen = asyncFn(function* (r: BroadcastReceiver<number>) {
        let expected = 0;
        for (let v = yield* r.recv(); v !== undefined; v = yield* r.recv()) {
          if (v !== expected) throw new Error(`expected ${expected}, got ${v}`);
          expected++;
        }
        return expected;
      });
      const a = spawn(listen(rx));
      const b = spawn(listen(tx.subscribe()));
      for (let i = 0; i < N; i++) {
        tx.send(i);
        if (i % 100 === 99) yield* yieldNow(); // let both read, well inside the ring and the budget
      }
      tx[Symbol.dispose]();
      return [yield* a, yield* b];
    }),
  );
  assert.deepEqual(counts, [N, N]);
});

// --- properties -------------------------------------------------------------------------------

type Seen = number | { lagged: number };

const recvTask = asyncFn(function* (rx: BroadcastReceiver<number>) {
  return yield* rx.recv();
});

test("under any schedule, each receiver sees a gap-free run from where it subscribed, broken only by LaggedErrors with the exact count", () => {
  const receiverArb = fc.record({
    subscribeAt: fc.integer({ min: 0, max: 40 }),
    steps: fc.array(fc.constantFrom("recv", "yield", "abortRecv"), { minLength: 1, maxLength: 6 }),
  });
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 0, max: 40 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      fc.array(receiverArb, { minLength: 1, maxLength: 4 }),
      (seed, capacity, total, senderYields, receivers) => {
        const listener = asyncFn(function* (rx: BroadcastReceiver<number>, steps: string[]) {
          using _ = rx;
          const seen: Seen[] = [];
          for (let j = 0; ; j++) {
            const step = steps[j % steps.length];
            let v: number | undefined | typeof PENDING = PENDING;
            if (step === "abortRecv") {
              const h = spawn(recvTask(rx));
              for (let k = 0; k < j % 3; k++) yield* yieldNow();
              h.abort();
              try {
                v = yield* h;
              } catch (e) {
                if (!(e instanceof JoinError)) throw e;
                if (e.isFailure()) {
                  if (!(e.cause instanceof LaggedError)) throw e.cause;
                  seen.push({ lagged: e.cause.missed });
                }
              }
            } else {
              if (step === "yield") yield* yieldNow();
              try {
                v = yield* rx.recv();
              } catch (e) {
                if (!(e instanceof LaggedError)) throw e;
                seen.push({ lagged: e.missed });
              }
            }
            if (v === undefined) return seen;
            if (v !== PENDING) seen.push(v);
          }
        });
        const rt = new Runtime({ seed });
        const results = rt.blockOn(
          future(function* () {
            const [tx, keeper] = broadcast<number>(capacity); // keeper: there is always a receiver
            const handles: (JoinHandle<Seen[]> | undefined)[] = receivers.map(() => undefined);
            const subscribeDue = (i: number) => {
              receivers.forEach((r, k) => {
                if (r.subscribeAt === i) handles[k] = spawn(listener(tx.subscribe(), r.steps));
              });
            };
            for (let i = 0; i < total; i++) {
              subscribeDue(i);
              tx.send(i);
              if (senderYields[i % senderYields.length]) yield* yieldNow();
            }
            for (let i = total; i <= 40; i++) subscribeDue(i);
            tx[Symbol.dispose]();
            keeper[Symbol.dispose]();
            const out: Seen[][] = [];
            for (const h of handles) if (h !== undefined) out.push(yield* h);
            return out;
          }),
        );
        assert.equal(rt.aliveTasks, 0);
        results.forEach((seen, k) => {
          let expected = Math.min(receivers[k]?.subscribeAt ?? 0, total);
          for (const s of seen) {
            if (typeof s === "number") {
              assert.equal(s, expected, `receiver ${k}: a gap or a repeat in ${JSON.stringify(seen)}`);
              expected++;
            } else {
              // Two lags in a row are possible: the sender may overwrite
              // again before the receiver reads the oldest message held.
              assert.ok(s.lagged > 0, `receiver ${k}: ${JSON.stringify(seen)}`);
              expected += s.lagged;
            }
          }
          assert.equal(expected, total, `receiver ${k} did not reach the end: ${JSON.stringify(seen)}`);
        });
      },
    ),
    { numRuns: 150 },
  );
});
