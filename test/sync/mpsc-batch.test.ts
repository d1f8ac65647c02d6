// The batch and introspection API of mpsc (tokio's recv_many, reserve_many,
// try_reserve, try_reserve_many, send_timeout, capacity, max_capacity, len).

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  BUDGET,
  future,
  mpsc,
  PENDING,
  Runtime,
  SendError,
  sleep,
  spawn,
  TimeoutError,
  yieldNow,
} from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

// --- recvMany --------------------------------------------------------------

test("a dropped recvMany takes nothing: the next receive gets every message", () => {
  const [tx, rx] = mpsc.channel<number>(4);
  const { cx, wakes } = countingContext();
  const buffer: number[] = [];
  const pending = rx.recvMany(buffer, 8);
  assert.equal(pending.poll(cx), PENDING);
  tx.trySend(1);
  tx.trySend(2);
  assert.equal(wakes(), 1, "woken once: the first message dequeues the waiter");
  pending[Symbol.dispose]();
  pending[Symbol.dispose](); // idempotent
  tx.trySend(3);
  assert.equal(wakes(), 1, "a dropped recvMany is not woken");
  assert.deepEqual(buffer, []);
  const again: number[] = [];
  assert.equal(rx.recvMany(again, 8).poll(cx), 3);
  assert.deepEqual(again, [1, 2, 3]);
});

test("recvMany on a closed and drained channel yields 0, after yielding what was buffered", () => {
  const [tx, rx] = mpsc.unbounded<string>();
  const { cx } = countingContext();
  tx.send("a");
  tx[Symbol.dispose]();
  const buffer: string[] = ["kept"];
  assert.equal(rx.recvMany(buffer, 5).poll(cx), 1);
  assert.equal(rx.recvMany(buffer, 5).poll(cx), 0);
  assert.deepEqual(buffer, ["kept", "a"], "appends, never clears");
});

test("a pending recvMany is woken with 0 when the last sender is dropped", () => {
  const n = virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(2);
      const h = spawn(rx.recvMany([], 4));
      yield* yieldNow();
      tx[Symbol.dispose]();
      return yield* h;
    }),
  );
  assert.equal(n, 0);
});

test("recvMany moves at most limit messages; limit 0 is ready at once with 0 even on an empty channel", () => {
  const [tx, rx] = mpsc.channel<number>(8);
  const { cx } = countingContext();
  assert.equal(rx.recvMany([], 0).poll(cx), 0);
  for (let i = 0; i < 5; i++) tx.trySend(i);
  const buffer: number[] = [];
  assert.equal(rx.recvMany(buffer, 2).poll(cx), 2);
  assert.equal(rx.recvMany(buffer, 10).poll(cx), 3);
  assert.deepEqual(buffer, [0, 1, 2, 3, 4]);
});

test("recvMany frees one slot per message for senders waiting in line", () => {
  const [tx, rx] = mpsc.channel<number>(2);
  const { cx } = countingContext();
  tx.trySend(1);
  tx.trySend(2);
  const a = tx.send(3);
  const b = tx.send(4);
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  assert.equal(rx.recvMany([], 2).poll(cx), 2);
  assert.equal(a.poll(cx), undefined);
  assert.equal(b.poll(cx), undefined);
  assert.equal(rx.len, 2);
});

test("recvMany refuses a non-array buffer and a bad limit, saying what is allowed", () => {
  const [, rx] = mpsc.unbounded<number>();
  assert.throws(
    () => rx.recvMany("buf" as never, 1),
    (e: unknown) => e instanceof TypeError && /buffer must be an array/.test(e.message),
  );
  assert.throws(() => rx.recvMany([], -1), RangeError);
  assert.throws(() => rx.recvMany([], 1.5), RangeError);
  assert.throws(() => rx.recvMany([], "2" as never), TypeError);
});

// --- reserveMany -----------------------------------------------------------

test("a reserveMany dropped while gathering slots passes them all to the sender behind it", () => {
  const [tx, rx] = mpsc.channel<number>(3);
  const { cx } = countingContext();
  tx.trySend(1);
  tx.trySend(2);
  const many = tx.reserveMany(3);
  assert.equal(many.poll(cx), PENDING, "holds the one free slot and waits for two more");
  assert.equal(tx.capacity, 0);
  const single = tx.send(9);
  assert.equal(single.poll(cx), PENDING);
  rx.tryRecv(); // a slot goes to the head of the line: the reserveMany
  assert.equal(single.poll(cx), PENDING, "a smaller send behind it cannot overtake it");
  assert.equal(many.poll(cx), PENDING, "still one slot short");
  many[Symbol.dispose]();
  many[Symbol.dispose]();
  assert.equal(single.poll(cx), undefined, "the gathered slots went on to the next in line");
  assert.equal(tx.capacity, 1);
  assert.deepEqual([rx.tryRecv(), rx.tryRecv(), rx.tryRecv()], [2, 9, PENDING]);
  assert.equal(tx.capacity, 3, "no slot leaked");
});

test("a granted reserveMany dropped before it is polled again gives every slot back", () => {
  const [tx, rx] = mpsc.channel<number>(2);
  const { cx, wakes } = countingContext();
  tx.trySend(1);
  const many = tx.reserveMany(2);
  assert.equal(many.poll(cx), PENDING);
  rx.tryRecv();
  assert.equal(wakes(), 1, "woken once it holds both");
  many[Symbol.dispose]();
  assert.equal(tx.capacity, 2);
});

test("reserveMany fails with SendError when the receiver closes while it gathers, and the slots come back", () => {
  const [tx, rx] = mpsc.channel<number>(4);
  const { cx, wakes } = countingContext();
  tx.trySend(1);
  const many = tx.reserveMany(4);
  assert.equal(many.poll(cx), PENDING);
  rx.close();
  assert.equal(wakes(), 1);
  assert.throws(() => many.poll(cx), SendError);
  assert.equal(rx.tryRecv(), 1);
  assert.equal(rx.tryRecv(), undefined, "no reserved slot is left to hold the channel open");
});

test("reserveMany fails with SendError if the receiver is dropped after granting", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  const { cx } = countingContext();
  tx.trySend(1);
  const many = tx.reserveMany(1);
  assert.equal(many.poll(cx), PENDING);
  rx.tryRecv();
  rx[Symbol.dispose]();
  assert.throws(
    () => many.poll(cx),
    (e: unknown) => e instanceof SendError && /dropped/.test(e.message),
  );
});

test("reserveMany(n) delivers a batch whole; unused permits come back on dispose", () => {
  const got = virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(4);
      {
        using batch = yield* tx.reserveMany(3);
        assert.equal(batch.remaining, 3);
        assert.equal(tx.capacity, 1);
        batch.send(10);
        const [p] = batch;
        p?.send(11);
        assert.equal(batch.remaining, 1);
      }
      assert.equal(tx.capacity, 2, "the unused slot came back");
      const empty = yield* tx.reserveMany(0);
      assert.equal(empty.remaining, 0);
      assert.throws(() => empty.send(1), /already used/);
      const out: number[] = [];
      yield* rx.recvMany(out, 10);
      return out;
    }),
  );
  assert.deepEqual(got, [10, 11]);
});

test("reserveMany refuses n beyond the capacity: it could never be met", () => {
  const [tx] = mpsc.channel<number>(4);
  assert.throws(
    () => tx.reserveMany(5),
    (e: unknown) => e instanceof RangeError && /from 0 to 4/.test(e.message),
  );
  assert.throws(() => tx.reserveMany(-1), RangeError);
  assert.throws(() => tx.tryReserveMany(5), RangeError);
});

// --- tryReserve / tryReserveMany -------------------------------------------

test("tryReserve on a closed channel throws SendError; on a full one it is undefined and takes nothing", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  const permit = tx.tryReserve();
  assert.ok(permit !== undefined);
  assert.equal(tx.tryReserve(), undefined);
  permit[Symbol.dispose]();
  assert.equal(tx.capacity, 1);
  rx.close();
  assert.throws(() => tx.tryReserve(), SendError);
  assert.throws(() => tx.tryReserveMany(1), SendError);
});

test("tryReserve never overtakes a sender waiting in line", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  const { cx } = countingContext();
  tx.trySend(1);
  const waiting = tx.send(2);
  assert.equal(waiting.poll(cx), PENDING);
  rx.tryRecv();
  assert.equal(tx.tryReserve(), undefined, "the freed slot is the waiter's");
  assert.equal(waiting.poll(cx), undefined);
});

test("tryReserveMany takes all n slots or none", () => {
  const [tx, rx] = mpsc.channel<number>(3);
  tx.trySend(0);
  assert.equal(tx.tryReserveMany(3), undefined);
  assert.equal(tx.capacity, 2, "none taken");
  const batch = tx.tryReserveMany(2);
  assert.ok(batch !== undefined);
  assert.equal(tx.capacity, 0);
  batch.send(1);
  batch[Symbol.dispose]();
  assert.equal(tx.capacity, 1);
  assert.equal(rx.len, 2);
});

// --- sendTimeout ------------------------------------------------------------

test("sendTimeout gives up after its time with TimeoutError; the value is not sent and the line moves on", () => {
  const out = virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<string>(1);
      tx.trySend("first");
      let error: unknown;
      try {
        yield* tx.sendTimeout("late", 50);
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof TimeoutError);
      yield* rx.recv();
      assert.equal(tx.capacity, 1, "the timed-out send holds no slot");
      yield* tx.sendTimeout("in time", 50);
      return [yield* rx.recv(), rx.len];
    }),
  );
  assert.deepEqual(out, ["in time", 0]);
});

test("sendTimeout on a closed channel throws SendError holding the value", () => {
  virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<string>(1);
      rx.close();
      try {
        yield* tx.sendTimeout("v", 10);
        assert.fail("expected SendError");
      } catch (e) {
        assert.ok(e instanceof SendError);
        assert.equal(e.value, "v");
      }
      assert.throws(() => tx.sendTimeout(undefined as never, 10), TypeError);
      assert.throws(() => tx.sendTimeout("v", -1), RangeError);
    }),
  );
});

test("a sendTimeout that waits for room succeeds when the receiver makes room in time", () => {
  const at = virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(1);
      tx.trySend(1);
      spawn(
        future(function* () {
          yield* sleep(20);
          yield* rx.recv();
          yield* sleep(1000);
        }),
      ).detach();
      yield* tx.sendTimeout(2, 100);
      return tx.len;
    }),
  );
  assert.equal(at, 1);
});

// --- capacity, maxCapacity, len --------------------------------------------

test("capacity, maxCapacity and len agree on both ends of a bounded and an unbounded channel", () => {
  const [tx, rx] = mpsc.channel<number>(3);
  tx.trySend(1);
  const permit = tx.tryReserve();
  assert.deepEqual([tx.capacity, tx.maxCapacity, tx.len], [1, 3, 1]);
  assert.deepEqual([rx.capacity, rx.maxCapacity, rx.len, rx.size], [1, 3, 1, 1]);
  permit?.[Symbol.dispose]();
  const [utx, urx] = mpsc.unbounded<number>();
  utx.send(1);
  utx.send(2);
  assert.deepEqual([utx.len, urx.len, urx.capacity, urx.maxCapacity], [2, 2, Infinity, Infinity]);
});

// --- all of it at once -------------------------------------------------------

test("under any schedule, batches reserved and received in bulk lose no message, duplicate none, keep each sender's order", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 4 }),
      (seed, capacity, batchSizes, limit) => {
        const producer = asyncFn(function* (tx: mpsc.Sender<number>, p: number) {
          using _ = tx;
          let i = 0;
          for (const size of batchSizes) {
            const n = Math.min(size, capacity);
            if ((p + i) % 3 === 0) {
              const batch = tx.tryReserveMany(n);
              if (batch === undefined) yield* yieldNow();
              else {
                using held = batch;
                while (held.remaining > 0) held.send(p * 1000 + i++);
                continue;
              }
            }
            using batch = yield* tx.reserveMany(n);
            yield* yieldNow();
            for (const permit of batch) permit.send(p * 1000 + i++);
          }
          return i;
        });
        const rt = new Runtime({ seed, clock: "virtual" });
        const [got, sent] = rt.blockOn(
          future(function* () {
            const [tx, rx] = mpsc.channel<number>(capacity);
            const hs = [0, 1, 2].map((p) => spawn(producer(tx.clone(), p)));
            tx[Symbol.dispose]();
            const got: number[] = [];
            while ((yield* rx.recvMany(got, limit)) > 0) assert.ok(rx.len <= capacity);
            const sent: number[] = [];
            for (const h of hs) sent.push(yield* h);
            assert.equal(rx.capacity, capacity, "every slot came back");
            return [got, sent];
          }),
        );
        sent.forEach((count, p) => {
          assert.deepEqual(
            got.filter((v) => Math.floor(v / 1000) === p),
            Array.from({ length: count }, (_, k) => p * 1000 + k),
          );
        });
      },
    ),
    { numRuns: 100 },
  );
});

// --- budget ------------------------------------------------------------------

test("a recvMany loop on a channel that always has data, and a reserveMany loop on a closed channel, still let another task run", () => {
  const [tx, rx] = mpsc.unbounded<number>();
  for (let i = 0; i < 100_000; i++) tx.send(i);
  const batches = roundsBeforeOtherTaskRuns(function* () {
    yield* rx.recvMany([], 4);
  });
  assert.ok(batches >= 0 && batches <= BUDGET + 1, `the other task ran after ${batches} batches`);
  const [ctx, crx] = mpsc.channel<number>(2);
  crx.close();
  const failures = roundsBeforeOtherTaskRuns(function* () {
    try {
      yield* ctx.reserveMany(2);
    } catch (e) {
      if (!(e instanceof SendError)) throw e;
    }
  });
  assert.ok(failures >= 0 && failures <= BUDGET + 1, `the other task ran after ${failures} failed reserveMany`);
});
