// The MPMC work queue: cloneable senders and receivers, each message to
// exactly one receiver, closing when either side is gone.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  BUDGET,
  future,
  JoinError,
  type JoinHandle,
  mpmc,
  PENDING,
  Runtime,
  SendError,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { roundsBeforeOtherTaskRuns } from "../support/budget.js";
import { countingContext } from "../support/futures.js";
import { heapGrowthAcross } from "../support/gc.js";
import { virtual } from "../support/runtimes.js";

// --- cancellation in the middle --------------------------------------------

test("a receive dropped after it was woken for a message passes the wake to the next waiting receiver", () => {
  const [tx, rx] = mpmc.unbounded<number>();
  const rx2 = rx.clone();
  const first = countingContext();
  const second = countingContext();
  const a = rx.recv();
  const b = rx2.recv();
  assert.equal(a.poll(first.cx), PENDING);
  assert.equal(b.poll(second.cx), PENDING);
  tx.send(1);
  assert.deepEqual([first.wakes(), second.wakes()], [1, 0], "one message wakes one receiver");
  a[Symbol.dispose]();
  assert.equal(second.wakes(), 1, "the dropped receive handed its wake on");
  assert.equal(b.poll(second.cx), 1);
  a[Symbol.dispose](); // idempotent
});

test("a receiver read as a stream and disposed after it was woken passes the wake on", () => {
  const [tx, rx] = mpmc.unbounded<number>();
  const streamed = rx.clone();
  const first = countingContext();
  const second = countingContext();
  assert.equal(streamed.pollNext(first.cx), PENDING);
  const waiting = rx.recv();
  assert.equal(waiting.poll(second.cx), PENDING);
  tx.send(1);
  assert.deepEqual([first.wakes(), second.wakes()], [1, 0]);
  streamed[Symbol.dispose]();
  assert.equal(second.wakes(), 1);
  assert.equal(waiting.poll(second.cx), 1);
});

test("a dropped recv loses no message: the next recv gets it", () => {
  const [tx, rx] = mpmc.channel<number>(2);
  const { cx } = countingContext();
  const pending = rx.recv();
  assert.equal(pending.poll(cx), PENDING);
  tx.trySend(5);
  pending[Symbol.dispose]();
  assert.equal(rx.tryRecv(), 5);
});

test("a woken receive that finds its message taken by another waits again", () => {
  const [tx, rx] = mpmc.unbounded<number>();
  const other = rx.clone();
  const { cx, wakes } = countingContext();
  const a = rx.recv();
  assert.equal(a.poll(cx), PENDING);
  tx.send(1);
  assert.equal(other.tryRecv(), 1, "a receiver that asks first takes it");
  assert.equal(a.poll(cx), PENDING);
  tx.send(2);
  assert.equal(wakes(), 2);
  assert.equal(a.poll(cx), 2);
});

test("a dropped send sends nothing and a slot handed to it goes to the next sender in line", () => {
  const [tx, rx] = mpmc.channel<string>(1);
  const { cx } = countingContext();
  tx.trySend("a");
  const first = tx.send("b");
  const second = tx.send("c");
  assert.equal(first.poll(cx), PENDING);
  assert.equal(second.poll(cx), PENDING);
  assert.equal(rx.tryRecv(), "a"); // the slot goes to first
  first[Symbol.dispose](); // … and on to second
  assert.equal(second.poll(cx), undefined);
  assert.deepEqual([rx.tryRecv(), rx.tryRecv()], ["c", PENDING]);
  assert.equal(tx.capacity, 1, "no slot leaked");
});

test("dropped waiters leave the channel at once: 200,000 pending recvs and sends dropped, the heap where it was", () => {
  const [tx, rx] = mpmc.channel<number>(1);
  tx.trySend(0);
  const [, idle] = mpmc.unbounded<number>();
  const { cx } = countingContext();
  const grown = heapGrowthAcross(() => {
    for (let round = 0; round < 200; round++) {
      const waiting = [];
      for (let i = 0; i < 500; i++) {
        const r = idle.recv();
        const s = tx.send(i + 1);
        r.poll(cx);
        s.poll(cx);
        waiting.push(r, s);
      }
      for (const w of waiting) w[Symbol.dispose]();
    }
  });
  assert.ok(grown < 2_000_000, `heap grew by ${grown} bytes`);
  assert.equal(rx.tryRecv(), 0);
  assert.equal(rx.tryRecv(), PENDING, "none of the dropped sends arrived");
});

// --- closing ---------------------------------------------------------------

test("when every receiver is dropped, waiting and later sends fail with SendError and buffered messages are dropped", () => {
  const [tx, rx] = mpmc.channel<{ [Symbol.dispose](): void }>(1);
  const rx2 = rx.clone();
  const { cx } = countingContext();
  let disposed = 0;
  tx.trySend({ [Symbol.dispose]: () => disposed++ });
  const waiting = tx.send({ [Symbol.dispose]: () => {} });
  assert.equal(waiting.poll(cx), PENDING);
  rx[Symbol.dispose]();
  assert.equal(tx.isClosed, false, "one receiver is left");
  assert.equal(tx.receiverCount, 1);
  rx2[Symbol.dispose]();
  assert.equal(disposed, 1);
  assert.ok(tx.isClosed);
  assert.throws(
    () => waiting.poll(cx),
    (e: unknown) => e instanceof SendError && /every receiver/.test(e.message),
  );
  assert.throws(() => tx.trySend({ [Symbol.dispose]: () => {} }), SendError);
});

test("when every sender is dropped, receivers drain what is buffered and then all see undefined", () => {
  const out = virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpmc.channel<number>(4);
      const tx2 = tx.clone();
      const rx2 = rx.clone();
      tx.trySend(1);
      const waiting = spawn(rx2.recv());
      tx[Symbol.dispose]();
      tx2[Symbol.dispose]();
      return [yield* waiting, yield* rx.recv(), yield* rx2.recv(), rx.isClosed];
    }),
  );
  assert.deepEqual(out, [1, undefined, undefined, true]);
});

test("several receivers waiting on an empty channel are all woken with undefined when it closes", () => {
  const out = virtual().blockOn(
    future(function* () {
      const [tx, rx] = mpmc.unbounded<number>();
      const hs = [rx.clone(), rx.clone(), rx].map((r) => spawn(r.recv()));
      yield* yieldNow();
      tx.close();
      const got: unknown[] = [];
      for (const h of hs) got.push(yield* h);
      return got;
    }),
  );
  assert.deepEqual(out, [undefined, undefined, undefined]);
});

test("close() from either side stops sends but lets the buffer drain", () => {
  const [tx, rx] = mpmc.unbounded<number>();
  tx.send(1);
  tx.close();
  assert.throws(
    () => tx.send(2),
    (e: unknown) => e instanceof SendError && e.value === 2,
  );
  assert.deepEqual([rx.tryRecv(), rx.tryRecv()], [1, undefined]);
  const [btx, brx] = mpmc.channel<number>(1);
  brx.close();
  assert.throws(() => btx.trySend(1), /closed/);
});

test("bad arguments and disposed handles are refused with the rule", () => {
  assert.throws(() => mpmc.channel(0), RangeError);
  assert.throws(() => mpmc.channel("4" as never), TypeError);
  const [tx, rx] = mpmc.channel<number>(1);
  assert.throws(() => tx.send(undefined as never), /cannot send undefined/);
  const [utx] = mpmc.unbounded<number>();
  assert.throws(() => utx.send(undefined as never), TypeError);
  rx[Symbol.dispose]();
  assert.throws(() => rx.recv(), /already disposed/);
  assert.throws(() => rx.clone(), /already disposed/);
  tx[Symbol.dispose]();
  assert.throws(() => tx.clone(), /already disposed/);
});

test("counts: len, capacity, maxCapacity, senderCount and receiverCount", () => {
  const [tx, rx] = mpmc.channel<number>(3);
  const rx2 = rx.clone();
  tx.trySend(1);
  assert.deepEqual([tx.len, tx.capacity, tx.maxCapacity, tx.senderCount, tx.receiverCount], [1, 2, 3, 1, 2]);
  assert.deepEqual([rx2.len, rx2.capacity, rx2.maxCapacity, rx2.receiverCount], [1, 2, 3, 2]);
});

test("a receiver is a stream: pollNext takes turns with other receivers", () => {
  const [tx, rx] = mpmc.unbounded<number>();
  const rx2 = rx.clone();
  const { cx } = countingContext();
  assert.equal(rx.pollNext(cx), PENDING);
  assert.equal(rx2.pollNext(cx), PENDING);
  tx.send(1);
  tx.send(2);
  assert.equal(rx2.pollNext(cx), 2 - 1, "woken first, but any receiver takes the oldest message");
  assert.equal(rx.pollNext(cx), 2);
});

// --- the property ------------------------------------------------------------

type ConsumerStep = "recv" | "tryRecv" | "abortRecv" | "yield";

/** Receives one message and logs it in the same poll that takes it, so the log's order is the order of taking. */
const recvTask = asyncFn(function* (rx: mpmc.Receiver<number>, log: number[]) {
  const v = yield* rx.recv();
  if (v !== undefined) log.push(v);
  return v;
});

/** Awaits a task that may have been aborted: its value, or "cancelled". */
function joinOrCancelled<T>(h: JoinHandle<T>) {
  return future(function* () {
    try {
      return { value: yield* h };
    } catch (e) {
      if (e instanceof JoinError && e.isCancelled()) return "cancelled" as const;
      throw e;
    }
  });
}

test("under any seeded schedule, with receivers dropped at random points and receives aborted, every message reaches exactly one receiver and each sender's order holds", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 4 }),
      fc.array(
        fc.record({
          steps: fc.array(fc.constantFrom<ConsumerStep>("recv", "tryRecv", "abortRecv", "yield"), {
            minLength: 1,
            maxLength: 6,
          }),
          // Receives before this receiver drops its handle (the last receiver never drops early).
          dropAfter: fc.integer({ min: 0, max: 15 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      (seed, capacity, counts, consumers) => {
        const log: number[] = []; // every message as received, in the order receivers took them
        const producer = asyncFn(function* (tx: mpmc.Sender<number>, p: number, count: number) {
          using _ = tx;
          for (let i = 0; i < count; i++) {
            const v = p * 1000 + i;
            if (i % 3 === 1 && tx.trySend(v)) continue;
            if (i % 4 === 2) yield* yieldNow();
            yield* tx.send(v);
          }
        });
        const consumer = asyncFn(function* (rx: mpmc.Receiver<number>, steps: ConsumerStep[], dropAfter: number) {
          using _ = rx;
          for (let j = 0; ; j++) {
            assert.ok(j < 50_000, "a consumer stopped making progress: a wake was lost");
            if (j === dropAfter) return; // drops its receiver here: the others carry on
            const step = steps[j % steps.length];
            let v: number | undefined | typeof PENDING;
            if (step === "tryRecv") {
              v = rx.tryRecv();
              if (v === PENDING) yield* yieldNow();
            } else if (step === "abortRecv") {
              const h = spawn(recvTask(rx, log));
              for (let k = 0; k < j % 3; k++) yield* yieldNow();
              h.abort();
              const r = yield* joinOrCancelled(h);
              if (r !== "cancelled" && r.value === undefined) return;
              continue; // logged by the task, if it got one
            } else {
              if (step === "yield") yield* yieldNow();
              v = yield* rx.recv();
            }
            if (v === undefined) return;
            if (v !== PENDING) log.push(v);
          }
        });
        const rt = new Runtime({ seed });
        rt.blockOn(
          future(function* () {
            const [tx, rx] = mpmc.channel<number>(capacity);
            counts.forEach((count, p) => {
              spawn(producer(tx.clone(), p, count)).detach();
            });
            tx[Symbol.dispose]();
            const hs = consumers.map((c, i) =>
              spawn(consumer(rx.clone(), c.steps, i === consumers.length - 1 ? Number.POSITIVE_INFINITY : c.dropAfter)),
            );
            rx[Symbol.dispose]();
            for (const h of hs) yield* h;
          }),
        );
        assert.equal(rt.aliveTasks, 0);
        counts.forEach((count, p) => {
          assert.deepEqual(
            log.filter((v) => Math.floor(v / 1000) === p),
            Array.from({ length: count }, (_, k) => p * 1000 + k),
            "no loss, no duplicate, first in first out per sender",
          );
        });
        assert.equal(
          log.length,
          counts.reduce((a, b) => a + b, 0),
        );
      },
    ),
    { numRuns: 200, includeErrorInReport: true },
  );
});

// --- budget ------------------------------------------------------------------------

test("a receiver that always has a message, and a send loop on a closed channel, each still let another task run", () => {
  const [tx, rx] = mpmc.unbounded<number>();
  for (let i = 0; i < 10_000; i++) tx.send(i);
  const seenAt = roundsBeforeOtherTaskRuns(function* () {
    yield* rx.recv();
  });
  assert.ok(seenAt >= 0 && seenAt <= BUDGET + 1, `the other task ran after ${seenAt} receives`);
  const [ctx, crx] = mpmc.channel<number>(1);
  crx.close();
  const failures = roundsBeforeOtherTaskRuns(function* () {
    try {
      yield* ctx.send(1);
    } catch (e) {
      if (!(e instanceof SendError)) throw e;
    }
  });
  assert.ok(failures >= 0 && failures <= BUDGET + 1, `the other task ran after ${failures} failed sends`);
});
