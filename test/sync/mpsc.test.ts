import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  BUDGET,
  future,
  JoinError,
  type JoinHandle,
  Mutex,
  type MutexGuard,
  mpsc,
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

// --- cancellation in the middle -------------------------------------------

test("a dropped recv loses no message: the next recv gets it", () => {
  const [tx, rx] = mpsc.channel<number>(4);
  const { cx, wakes } = countingContext();
  const pending = rx.recv();
  assert.equal(pending.poll(cx), PENDING);
  assert.equal(tx.trySend(1), true);
  assert.equal(wakes(), 1, "the send woke the waiting recv");
  pending[Symbol.dispose](); // woken, but dropped before it ran
  assert.equal(rx.recv().poll(cx), 1);
});

test("a task aborted while its recv was woken leaves the message for the next receive", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.unbounded<string>();
      const h = spawn(
        future(function* () {
          return yield* rx.recv();
        }),
      );
      yield* yieldNow(); // h waits on the empty channel
      tx.send("kept");
      h.abort(); // h was woken by the send; its recv is dropped before it runs
      yield* yieldNow();
      assert.equal(h.isFinished(), true);
      return yield* rx.recv();
    }),
  );
  assert.equal(got, "kept");
});

test("a dropped pending send sends nothing, and the next waiting sender moves up", () => {
  const [tx, rx] = mpsc.channel<string>(1);
  const { cx } = countingContext();
  assert.equal(tx.trySend("first"), true);
  const a = tx.send("dropped");
  const b = tx.send("second");
  assert.equal(a.poll(cx), PENDING);
  assert.equal(b.poll(cx), PENDING);
  a[Symbol.dispose]();
  assert.equal(rx.tryRecv(), "first"); // frees a slot: it goes to b, the head of the line now
  assert.equal(b.poll(cx), undefined);
  assert.equal(rx.tryRecv(), "second");
  assert.equal(rx.tryRecv(), PENDING, "the dropped send never arrives");
  assert.equal(tx.capacity, 1);
});

test("a reserve dropped after it was granted a slot returns the slot: no capacity leaks", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  const { cx, wakes } = countingContext();
  tx.trySend(1);
  const r = tx.reserve();
  assert.equal(r.poll(cx), PENDING);
  assert.equal(rx.tryRecv(), 1); // the freed slot is handed to r
  assert.equal(wakes(), 1);
  assert.equal(tx.capacity, 0, "the slot belongs to r now");
  r[Symbol.dispose](); // dropped before it was polled again
  assert.equal(tx.capacity, 1, "the slot came back");
  assert.equal(tx.trySend(2), true);
});

test("a granted slot dropped by its waiter passes to the next sender in line", () => {
  const [tx, rx] = mpsc.channel<string>(1);
  const { cx } = countingContext();
  tx.trySend("a");
  const first = tx.send("b");
  const second = tx.reserve();
  assert.equal(first.poll(cx), PENDING);
  assert.equal(second.poll(cx), PENDING);
  rx.tryRecv(); // slot → first
  first[Symbol.dispose](); // slot → second
  assert.equal(tx.capacity, 0);
  const permit = second.poll(cx);
  assert.notEqual(permit, PENDING);
  if (permit === PENDING) return;
  permit.send("c");
  assert.equal(rx.tryRecv(), "c");
  assert.equal(rx.tryRecv(), PENDING);
  assert.equal(tx.capacity, 1);
});

test("a permit dropped unused gives its slot back; a used one sends without waiting", () => {
  const [tx, rx] = mpsc.channel<number>(2);
  const { cx } = countingContext();
  const p1 = tx.reserve().poll(cx);
  const p2 = tx.reserve().poll(cx);
  assert.ok(p1 !== PENDING && p2 !== PENDING);
  assert.equal(tx.capacity, 0);
  assert.equal(tx.trySend(0), false, "reserved slots count against capacity");
  p1[Symbol.dispose]();
  p1[Symbol.dispose](); // idempotent
  assert.equal(tx.capacity, 1);
  p2.send(7);
  assert.throws(() => p2.send(8), /already used/);
  assert.equal(rx.tryRecv(), 7);
  assert.equal(tx.capacity, 2);
});

test("disposing a waiter in the middle of the line keeps the others in order", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  const { cx } = countingContext();
  tx.trySend(0);
  const sends = [1, 2, 3, 4].map((v) => tx.send(v));
  for (const s of sends) assert.equal(s.poll(cx), PENDING);
  sends[1]?.[Symbol.dispose]();
  sends[2]?.[Symbol.dispose]();
  const got: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    got.push(rx.tryRecv());
    for (const s of [sends[0], sends[3]]) if (s?.granted) s.poll(cx);
  }
  assert.deepEqual(got, [0, 1, 4]);
});

test("dropped waiters leave the channel at once: 200,000 pending recvs and sends dropped, the heap where it was", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  tx.trySend(0);
  const [, idle] = mpsc.unbounded<number>();
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

// --- waking -----------------------------------------------------------------

test("a dropped recv is never woken, and two sends wake a pending recv once", () => {
  const [tx, rx] = mpsc.unbounded<number>();
  const dropped = countingContext();
  const gone = rx.recv();
  assert.equal(gone.poll(dropped.cx), PENDING);
  gone[Symbol.dispose]();
  gone[Symbol.dispose](); // idempotent
  const live = countingContext();
  const waiting = rx.recv();
  assert.equal(waiting.poll(live.cx), PENDING);
  tx.send(1);
  tx.send(2);
  assert.equal(dropped.wakes(), 0, "wake after drop is a no-op");
  assert.equal(live.wakes(), 1, "the first send took it off the list");
  assert.equal(waiting.poll(live.cx), 1);
  assert.throws(() => waiting.poll(live.cx), /polled after it completed/);
});

test("a task woken twice by sends receives each message once", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.unbounded<number>();
      const h = spawn(
        future(function* () {
          const out: number[] = [];
          for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) out.push(v);
          return out;
        }),
      );
      yield* yieldNow();
      tx.send(1);
      tx.send(2);
      yield* yieldNow();
      tx.send(3);
      tx[Symbol.dispose]();
      return yield* h;
    }),
  );
  assert.deepEqual(got, [1, 2, 3]);
});

// --- closing ------------------------------------------------------------------

test("waiting senders are woken with SendError holding their value when the receiver closes", () => {
  const [tx, rx] = mpsc.channel<string>(1);
  const { cx, wakes } = countingContext();
  tx.trySend("buffered");
  const s = tx.send("waiting");
  const r = tx.reserve();
  assert.equal(s.poll(cx), PENDING);
  assert.equal(r.poll(cx), PENDING);
  rx.close();
  assert.equal(wakes(), 2);
  assert.throws(
    () => s.poll(cx),
    (e: unknown) => e instanceof SendError && e.value === "waiting" && e.name === "SendError",
  );
  assert.throws(() => r.poll(cx), SendError);
  assert.equal(rx.tryRecv(), "buffered", "what was sent still drains");
  assert.equal(rx.tryRecv(), undefined);
});

test("send after close gives SendError with the value, from every way of sending", () => {
  const [tx, rx] = mpsc.channel<number>(4);
  const [utx, urx] = mpsc.unbounded<number>();
  rx.close();
  urx[Symbol.dispose]();
  const { cx } = countingContext();
  const isSendErrorOf = (v: number) => (e: unknown) => e instanceof SendError && e.value === v;
  assert.throws(() => tx.send(1).poll(cx), isSendErrorOf(1));
  assert.throws(() => tx.trySend(2), isSendErrorOf(2));
  assert.throws(() => utx.send(3), isSendErrorOf(3));
  assert.throws(() => tx.reserve().poll(cx), SendError);
  assert.equal(tx.isClosed, true);
  assert.equal(utx.isClosed, true);
});

test("recv after close drains the buffer, then gives undefined", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(4);
      yield* tx.send(1);
      yield* tx.send(2);
      rx.close();
      return [yield* rx.recv(), yield* rx.recv(), yield* rx.recv(), yield* rx.recv()];
    }),
  );
  assert.deepEqual(got, [1, 2, undefined, undefined]);
});

test("a permit taken before close still delivers, and recv waits for it before saying undefined", () => {
  const [tx, rx] = mpsc.channel<number>(2);
  const { cx, wakes } = countingContext();
  const permit = tx.reserve().poll(cx);
  assert.notEqual(permit, PENDING);
  if (permit === PENDING) return;
  rx.close();
  const r = rx.recv();
  assert.equal(r.poll(cx), PENDING, "not the end: a permit is out");
  permit.send(9);
  assert.equal(wakes(), 1);
  assert.equal(r.poll(cx), 9);
  assert.equal(rx.recv().poll(cx), undefined);
});

test("a send already handed a slot before close still delivers, like a permit", () => {
  const [tx, rx] = mpsc.channel<string>(1);
  const { cx } = countingContext();
  tx.trySend("a");
  const s = tx.send("b");
  assert.equal(s.poll(cx), PENDING);
  assert.equal(rx.tryRecv(), "a"); // the slot is handed to s
  rx.close();
  assert.equal(rx.isClosed, true);
  assert.equal(rx.tryRecv(), PENDING, "not the end: s holds a slot");
  assert.equal(s.poll(cx), undefined);
  assert.equal(rx.tryRecv(), "b");
  assert.equal(rx.tryRecv(), undefined);
});

test("a permit dropped unused after close lets the pending recv see the end", () => {
  const [tx, rx] = mpsc.channel<number>(2);
  const { cx, wakes } = countingContext();
  const permit = tx.reserve().poll(cx);
  tx[Symbol.dispose]();
  const r = rx.recv();
  assert.equal(r.poll(cx), PENDING);
  if (permit !== PENDING) permit[Symbol.dispose]();
  assert.equal(wakes(), 1);
  assert.equal(r.poll(cx), undefined);
});

test("the receiver waiting on an empty channel is woken with undefined when the last sender is dropped", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(1);
      const tx2 = tx.clone();
      const h = spawn(
        future(function* () {
          return yield* rx.recv();
        }),
      );
      yield* yieldNow();
      tx[Symbol.dispose]();
      tx[Symbol.dispose](); // dropping one handle twice counts once
      yield* yieldNow();
      assert.equal(h.isFinished(), false, "a clone is still alive");
      tx2[Symbol.dispose]();
      return yield* h;
    }),
  );
  assert.equal(got, undefined);
});

test("dropping the receiver fails permits and granted sends, and drops the buffered messages", () => {
  const [tx, rx] = mpsc.channel<{ big: number[] }>(1);
  const { cx } = countingContext();
  const permit = tx.reserve().poll(cx);
  const s = tx.send({ big: [2] });
  assert.equal(s.poll(cx), PENDING);
  if (permit !== PENDING) permit[Symbol.dispose](); // slot → s
  rx[Symbol.dispose]();
  rx[Symbol.dispose]();
  assert.throws(() => s.poll(cx), /receiver was dropped/);
  assert.equal(rx.size, 0);
  assert.throws(() => rx.recv(), /already disposed/);
});

test("closed() is ready once the receiver closes or is dropped", () => {
  const { cx } = countingContext();
  const [tx, rx] = mpsc.channel<number>(1);
  const c = tx.closed();
  assert.equal(c.poll(cx), PENDING);
  const dropped = tx.closed();
  assert.equal(dropped.poll(cx), PENDING);
  dropped[Symbol.dispose]();
  rx.close();
  assert.equal(c.poll(cx), undefined);
  const [utx, urx] = mpsc.unbounded<number>();
  const u = utx.closed();
  assert.equal(u.poll(cx), PENDING);
  urx[Symbol.dispose]();
  assert.equal(u.poll(cx), undefined);
});

// --- fairness and the bound -----------------------------------------------------

test("senders waiting for capacity are served first come, first served", () => {
  const order = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(1);
      tx.trySend(-1);
      const sender = asyncFn(function* (id: number) {
        yield* tx.send(id);
      });
      for (let id = 0; id < 6; id++) {
        spawn(sender(id)).detach();
        yield* yieldNow(); // each starts waiting before the next
      }
      const got: number[] = [];
      for (let i = 0; i < 7; i++) {
        const v = yield* rx.recv();
        if (v !== undefined) got.push(v);
      }
      return got;
    }),
  );
  assert.deepEqual(order, [-1, 0, 1, 2, 3, 4, 5]);
});

test("trySend never overtakes a sender already waiting for the freed slot", () => {
  const [tx, rx] = mpsc.channel<string>(1);
  const { cx } = countingContext();
  tx.trySend("a");
  const waiting = tx.send("b");
  assert.equal(waiting.poll(cx), PENDING);
  rx.tryRecv();
  assert.equal(tx.trySend("c"), false, "the slot went to the waiting sender");
  assert.equal(waiting.poll(cx), undefined);
  assert.equal(rx.tryRecv(), "b");
});

test("a bounded channel never holds more than its capacity", () => {
  const [tx, rx] = mpsc.channel<number>(3);
  let sent = 0;
  while (tx.trySend(sent)) sent++;
  assert.equal(sent, 3);
  assert.equal(rx.size, 3);
  assert.equal(tx.capacity, 0);
  assert.equal(tx.maxCapacity, 3);
});

// --- bad input ----------------------------------------------------------------------

test("capacity must be an integer ≥ 1: RangeError (TypeError for a non-number) naming the function", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
    assert.throws(
      () => mpsc.channel(bad),
      (e: unknown) => {
        return e instanceof RangeError && e.message.startsWith("mpsc.channel(capacity): capacity must be an integer");
      },
    );
  }
  // @ts-expect-error: a string is not a capacity
  assert.throws(() => mpsc.channel("3"), TypeError);
});

test("sending undefined is a TypeError: undefined means no more", () => {
  const [tx, rx] = mpsc.channel<number | undefined>(2);
  const [utx] = mpsc.unbounded<number | undefined>();
  assert.throws(() => tx.send(undefined), /cannot send undefined/);
  assert.throws(() => tx.trySend(undefined), TypeError);
  assert.throws(() => utx.send(undefined), TypeError);
  const permit = tx.reserve().poll(countingContext().cx);
  if (permit !== PENDING) assert.throws(() => permit.send(undefined), TypeError);
  assert.equal(rx.size, 0);
});

test("a disposed handle refuses to be used", () => {
  const [tx, rx] = mpsc.channel<number>(1);
  const [utx] = mpsc.unbounded<number>();
  tx[Symbol.dispose]();
  utx[Symbol.dispose]();
  assert.throws(() => tx.send(1), /already disposed/);
  assert.throws(() => tx.clone(), /already disposed/);
  assert.throws(() => utx.send(1), /already disposed/);
  rx[Symbol.dispose]();
  assert.throws(() => rx.tryRecv(), /already disposed/);
});

// --- the budget ---------------------------------------------------------------------

test("recv with data ready and send with room each spend one unit of budget", () => {
  new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(4);
      yield* yieldNow(); // a fresh budget
      const start = remainingBudget();
      yield* tx.send(1);
      assert.equal(remainingBudget(), start - 1);
      yield* rx.recv();
      assert.equal(remainingBudget(), start - 2);
    }),
  );
});

test("a receiver that always has data yields every BUDGET messages so others run", () => {
  const log: string[] = [];
  new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.unbounded<number>();
      for (let i = 0; i < 1000; i++) tx.send(i);
      tx[Symbol.dispose]();
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
  assert.ok(longest <= BUDGET, `the receiver ran ${longest} receives without yielding`);
  assert.ok(log.filter((e) => e === "other").length >= Math.floor(1000 / BUDGET), "the other task ran between batches");
});

test("an always-ready producer and consumer cannot starve a third task", () => {
  const N = 200_000;
  let ticks = 0;
  const received = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(N); // never full: the producer is always ready
      let stop = false;
      const ticker = spawn(
        future(function* () {
          while (!stop) {
            ticks++;
            yield* yieldNow();
          }
        }),
      );
      const producer = spawn(
        future(function* () {
          using _ = tx;
          for (let i = 0; i < N; i++) yield* tx.send(i);
        }),
      );
      let n = 0;
      for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) n++;
      stop = true;
      yield* producer;
      yield* ticker;
      return n;
    }),
  );
  assert.equal(received, N);
  assert.ok(ticks >= N / BUDGET, `the third task ran only ${ticks} times during ${N} messages`);
});

// --- stream -------------------------------------------------------------------------

test("the receiver is a stream: pollNext yields the messages, then undefined", () => {
  const [tx, rx] = mpsc.channel<string>(2);
  const { cx, wakes } = countingContext();
  assert.equal(rx.pollNext(cx), PENDING);
  tx.trySend("x");
  assert.equal(wakes(), 1);
  assert.equal(rx.pollNext(cx), "x");
  assert.equal(rx.pollNext(cx), PENDING);
  tx[Symbol.dispose]();
  assert.equal(wakes(), 2);
  assert.equal(rx.pollNext(cx), undefined);
});

// --- a million -------------------------------------------------------------------------

/** Receives until the channel ends; true if it got exactly 0, 1, …, n - 1, in that order. */
const receivesCountingUp = asyncFn(function* (rx: mpsc.Receiver<number>, n: number) {
  let expected = 0;
  for (let v = yield* rx.recv(); v !== undefined; v = yield* rx.recv()) {
    if (v !== expected) return false;
    expected++;
  }
  return expected === n;
});

test("a million messages through a bounded channel arrive once each, in order", () => {
  const N = 1_000_000;
  const ok = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.channel<number>(64);
      spawn(
        future(function* () {
          using _ = tx;
          for (let i = 0; i < N; i++) yield* tx.send(i);
        }),
      ).detach();
      return yield* receivesCountingUp(rx, N);
    }),
  );
  assert.equal(ok, true);
});

test("a million messages through an unbounded channel arrive once each, in order", () => {
  const N = 1_000_000;
  const ok = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = mpsc.unbounded<number>();
      spawn(
        future(function* () {
          using _ = tx;
          for (let i = 0; i < N; i++) {
            tx.send(i);
            if (i % 1000 === 0) yield* yieldNow();
          }
        }),
      ).detach();
      return yield* receivesCountingUp(rx, N);
    }),
  );
  assert.equal(ok, true);
});

// --- properties --------------------------------------------------------------------------

type ProducerStep = "send" | "trySend" | "reserve" | "abortSend" | "yield";
type ConsumerStep = "recv" | "tryRecv" | "abortRecv" | "yield";

const sendTask = asyncFn(function* (tx: mpsc.Sender<number>, v: number) {
  yield* tx.send(v);
});
const recvTask = asyncFn(function* (rx: mpsc.Receiver<number>) {
  return yield* rx.recv();
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

test("under any schedule, with aborted sends and receives, no message is lost or duplicated and each sender's order holds", () => {
  const producerArb = fc.record({
    count: fc.integer({ min: 0, max: 25 }),
    steps: fc.array(fc.constantFrom<ProducerStep>("send", "trySend", "reserve", "abortSend", "yield"), {
      minLength: 1,
      maxLength: 8,
    }),
  });
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 6 }),
      fc.array(producerArb, { minLength: 1, maxLength: 4 }),
      fc.array(fc.constantFrom<ConsumerStep>("recv", "tryRecv", "abortRecv", "yield"), { minLength: 1, maxLength: 8 }),
      (seed, capacity, producers, consumerSteps) => {
        const producer = asyncFn(function* (tx: mpsc.Sender<number>, p: number, count: number, steps: ProducerStep[]) {
          using _ = tx;
          for (let i = 0; i < count; i++) {
            const v = p * 1000 + i;
            const step = steps[i % steps.length];
            if (step === "trySend") {
              for (let spins = 0; !tx.trySend(v); spins++) {
                if (spins > 10_000) throw new Error("trySend never found room: a slot leaked");
                yield* yieldNow();
              }
            } else if (step === "reserve") {
              using permit = yield* tx.reserve();
              if (i % 2 === 0) yield* yieldNow(); // hold the slot a while
              permit.send(v);
            } else if (step === "abortSend") {
              const h = spawn(sendTask(tx, v));
              for (let k = 0; k < i % 3; k++) yield* yieldNow();
              h.abort();
              const r = yield* joinOrCancelled(h);
              if (r === "cancelled") yield* tx.send(v); // it was not sent: send it again
            } else {
              if (step === "yield") yield* yieldNow();
              yield* tx.send(v);
            }
          }
        });
        const rt = new Runtime({ seed });
        const received = rt.blockOn(
          future(function* () {
            const [tx, rx] = mpsc.channel<number>(capacity);
            producers.forEach((p, i) => {
              spawn(producer(tx.clone(), i, p.count, p.steps)).detach();
            });
            tx[Symbol.dispose]();
            const got: number[] = [];
            for (let j = 0; ; j++) {
              assert.ok(j < 100_000, "the consumer stopped making progress: a slot leaked or a wake was lost");
              assert.ok(rx.size + tx.capacity <= capacity, "never more than capacity in use");
              const step = consumerSteps[j % consumerSteps.length];
              let v: number | undefined | typeof PENDING;
              if (step === "tryRecv") {
                v = rx.tryRecv();
                if (v === PENDING) yield* yieldNow();
              } else if (step === "abortRecv") {
                const h = spawn(recvTask(rx));
                for (let k = 0; k < j % 3; k++) yield* yieldNow();
                h.abort();
                const r = yield* joinOrCancelled(h);
                v = r === "cancelled" ? PENDING : r.value;
              } else {
                if (step === "yield") yield* yieldNow();
                v = yield* rx.recv();
              }
              if (v === undefined) break;
              if (v !== PENDING) got.push(v);
            }
            assert.equal(tx.capacity, capacity, "every slot came back");
            return got;
          }),
        );
        assert.equal(rt.aliveTasks, 0);
        producers.forEach((p, i) => {
          const mine = received.filter((v) => Math.floor(v / 1000) === i);
          assert.deepEqual(
            mine,
            Array.from({ length: p.count }, (_, k) => i * 1000 + k),
          );
        });
        assert.equal(
          received.length,
          producers.reduce((n, p) => n + p.count, 0),
        );
      },
    ),
    { numRuns: 150 },
  );
});

test("a dropped receiver drops the messages nobody read: a lock guard sent through the channel lets go", () => {
  const m = new Mutex(0);
  const guard = m.tryLock();
  assert.ok(guard !== undefined);
  const [tx, rx] = mpsc.unbounded<MutexGuard<number> | string>();
  tx.send("plain values are simply forgotten");
  tx.send(guard);
  assert.equal(m.isLocked, true);
  rx[Symbol.dispose]();
  assert.equal(m.isLocked, false, "the unread guard was disposed with the receiver");
});

test("every unread message is dropped even when one's disposal throws; the first error propagates", () => {
  const dropped: string[] = [];
  const item = (name: string, fails: boolean) => ({
    [Symbol.dispose]() {
      dropped.push(name);
      if (fails) throw new Error(`${name} failed`);
    },
  });
  const [tx, rx] = mpsc.channel<ReturnType<typeof item>>(4);
  for (const [name, fails] of [
    ["a", false],
    ["b", true],
    ["c", true],
    ["d", false],
  ] as const) {
    assert.equal(tx.trySend(item(name, fails)), true);
  }
  assert.throws(() => rx[Symbol.dispose](), /b failed/);
  assert.deepEqual(dropped, ["a", "b", "c", "d"]);
  rx[Symbol.dispose]();
  assert.deepEqual(dropped, ["a", "b", "c", "d"], "idempotent");
});
