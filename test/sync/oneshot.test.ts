import assert from "node:assert/strict";
import { test } from "node:test";
import {
  future,
  JoinError,
  Mutex,
  type MutexGuard,
  mpsc,
  type OneshotReceiver,
  type OneshotSender,
  oneshot,
  PENDING,
  RecvError,
  Runtime,
  remainingBudget,
  SendError,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";

test("dropping the sender unsent wakes the waiting receiver with RecvError", () => {
  const [tx, rx] = oneshot<number>();
  const { cx, wakes } = countingContext();
  assert.equal(rx.poll(cx), PENDING);
  tx[Symbol.dispose]();
  assert.equal(wakes(), 1);
  assert.throws(
    () => rx.poll(cx),
    (e: unknown) => e instanceof RecvError && e.name === "RecvError" && /dropped without sending/.test(e.message),
  );
});

test("dropping the task that awaits the receiver drops it: the sender's send fails with its value", () => {
  new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = oneshot<string>();
      const h = spawn(
        future(function* () {
          return yield* rx;
        }),
      );
      yield* yieldNow();
      const closed = tx.closed();
      h.abort();
      yield* closed; // ready once the receiver is gone
      assert.equal(tx.isClosed, true);
      assert.throws(
        () => tx.send("late"),
        (e: unknown) => e instanceof SendError && e.value === "late",
      );
      try {
        yield* h;
        assert.fail("the task was aborted");
      } catch (e) {
        assert.ok(e instanceof JoinError && e.isCancelled());
      }
    }),
  );
});

test("a receiver dropped after the value arrived drops the value; the wake that follows is a no-op", () => {
  const [tx, rx] = oneshot<{ data: number[] }>();
  const { cx, wakes } = countingContext();
  assert.equal(rx.poll(cx), PENDING);
  rx[Symbol.dispose]();
  rx[Symbol.dispose](); // idempotent
  assert.throws(() => tx.send({ data: [1] }), SendError);
  assert.equal(wakes(), 0, "the dropped receiver's waker was not woken");
  assert.throws(() => rx.poll(cx), /already disposed/);
});

test("a value sent before close() is still received; with none, close() makes the wait fail", () => {
  const [tx, rx] = oneshot<number>();
  const { cx } = countingContext();
  tx.send(5);
  rx.close();
  assert.equal(rx.poll(cx), 5);

  const [tx2, rx2] = oneshot<number>();
  rx2.close();
  assert.equal(tx2.isClosed, true);
  assert.throws(
    () => tx2.send(6),
    (e: unknown) => e instanceof SendError && e.value === 6 && /receiver closed/.test(e.message),
  );
  assert.throws(() => rx2.poll(cx), /closed before a value was sent/);
});

test("closed() is ready when the receiver is dropped; a dropped closed() is never woken", () => {
  const [tx, rx] = oneshot<number>();
  const a = countingContext();
  const b = countingContext();
  const kept = tx.closed();
  const dropped = tx.closed();
  assert.equal(kept.poll(a.cx), PENDING);
  assert.equal(dropped.poll(b.cx), PENDING);
  dropped[Symbol.dispose]();
  rx[Symbol.dispose]();
  assert.equal(a.wakes(), 1);
  assert.equal(b.wakes(), 0);
  assert.equal(kept.poll(a.cx), undefined);
});

test("a oneshot carries one value: a second send throws, and the receiver yields once", () => {
  const [tx, rx] = oneshot<number>();
  const { cx } = countingContext();
  tx.send(1);
  assert.throws(() => tx.send(2), /already sent/);
  tx[Symbol.dispose](); // after a send: nothing happens
  assert.equal(rx.poll(cx), 1);
  assert.throws(() => rx.poll(cx), /after it completed/);
});

test("tryRecv: PENDING before the send, the value after it, then RecvError", () => {
  const [tx, rx] = oneshot<string>();
  assert.equal(rx.tryRecv(), PENDING);
  tx.send("v");
  assert.equal(rx.tryRecv(), "v");
  assert.throws(() => rx.tryRecv(), RecvError);
  const [tx2, rx2] = oneshot<string>();
  tx2[Symbol.dispose]();
  assert.throws(() => rx2.tryRecv(), /dropped without sending/);
});

test("oneshot<void> is a signal: undefined is a value like any other", () => {
  const got = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = oneshot<void>();
      spawn(
        future(function* () {
          tx.send();
        }),
      ).detach();
      yield* rx;
      return "signalled";
    }),
  );
  assert.equal(got, "signalled");
});

test("awaiting a receiver whose value is there spends one unit of budget", () => {
  new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = oneshot<number>();
      tx.send(1);
      yield* yieldNow();
      const before = remainingBudget();
      yield* rx;
      assert.equal(remainingBudget(), before - 1);
    }),
  );
});

test("a million oneshots, each answering a request from another task", () => {
  // Requests go out in batches through an mpsc channel; a server task
  // answers each through the oneshot that came with it.
  const N = 1_000_000;
  const BATCH = 1000;
  const count = new Runtime().blockOn(
    future(function* () {
      const [requests, inbox] = mpsc.unbounded<{ n: number; reply: OneshotSender<number> }>();
      spawn(
        future(function* () {
          for (let r = yield* inbox.recv(); r !== undefined; r = yield* inbox.recv()) r.reply.send(r.n + 1);
        }),
      ).detach();
      let answered = 0;
      const answers: OneshotReceiver<number>[] = [];
      for (let base = 0; base < N; base += BATCH) {
        for (let n = base; n < base + BATCH; n++) {
          const [reply, answer] = oneshot<number>();
          requests.send({ n, reply });
          answers.push(answer);
        }
        for (let i = 0; i < BATCH; i++) {
          const got = yield* answers[i] as OneshotReceiver<number>;
          if (got !== base + i + 1) throw new Error(`reply ${got} to request ${base + i}`);
          answered++;
        }
        answers.length = 0;
      }
      requests[Symbol.dispose]();
      return answered;
    }),
  );
  assert.equal(count, N);
});

test("a receiver dropped with a value nobody took drops it: a guard sent through it lets go", () => {
  const m = new Mutex("x");
  const guard = m.tryLock();
  assert.ok(guard !== undefined);
  const [tx, rx] = oneshot<MutexGuard<string>>();
  tx.send(guard);
  rx[Symbol.dispose]();
  assert.equal(m.isLocked, false);
});

test("a value the receiver took is the taker's: dropping the receiver afterwards leaves it alone", () => {
  const m = new Mutex("x");
  const guard = m.tryLock();
  assert.ok(guard !== undefined);
  const [tx, rx] = oneshot<MutexGuard<string>>();
  tx.send(guard);
  const taken = new Runtime().blockOn(rx);
  rx[Symbol.dispose]();
  assert.equal(m.isLocked, true);
  taken.release();
  assert.equal(m.isLocked, false);
});

test("close() while a task awaits the receiver wakes it with RecvError: it does not wait forever", () => {
  const [tx, rx] = oneshot<number>();
  const outcome = new Runtime().blockOn(
    future(function* () {
      const waiter = spawn(
        future(function* () {
          try {
            return yield* rx;
          } catch (e) {
            return e instanceof RecvError ? "RecvError" : "other";
          }
        }),
      );
      yield* yieldNow(); // the waiter is now pending on rx
      rx.close();
      assert.throws(() => tx.send(1), SendError);
      return yield* waiter;
    }),
  );
  assert.equal(outcome, "RecvError");
});
