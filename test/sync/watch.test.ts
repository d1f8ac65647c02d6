import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  future,
  JoinError,
  PENDING,
  RecvError,
  Runtime,
  remainingBudget,
  SendError,
  spawn,
  type WatchReceiver,
  watch,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { heapGrowthAcross } from "../support/gc.js";

test("a dropped changed() marks nothing seen: the next changed() reports the change", () => {
  const [tx, rx] = watch(0);
  const { cx } = countingContext();
  const pending = rx.changed();
  assert.equal(pending.poll(cx), PENDING);
  tx.send(1);
  pending[Symbol.dispose]();
  assert.equal(rx.hasChanged(), true);
  assert.equal(rx.changed().poll(cx), undefined);
  assert.equal(rx.hasChanged(), false);
});

test("a dropped changed() is never woken, and two sends wake a pending one once", () => {
  const [tx, rx] = watch("a");
  const dropped = countingContext();
  const live = countingContext();
  const gone = rx.changed();
  const waiting = rx.changed();
  assert.equal(gone.poll(dropped.cx), PENDING);
  assert.equal(waiting.poll(live.cx), PENDING);
  gone[Symbol.dispose]();
  gone[Symbol.dispose]();
  tx.send("b");
  tx.send("c");
  assert.equal(dropped.wakes(), 0);
  assert.equal(live.wakes(), 1);
  assert.equal(waiting.poll(live.cx), undefined);
  assert.equal(rx.borrow(), "c", "a slow receiver skips to the latest value");
  assert.throws(() => waiting.poll(live.cx), /polled after it completed/);
});

test("dropped changed() futures leave the channel at once: 100,000 dropped while pending, the heap where it was", () => {
  const [, rx] = watch(0);
  const { cx } = countingContext();
  const grown = heapGrowthAcross(() => {
    for (let round = 0; round < 100; round++) {
      const waiting = [];
      for (let i = 0; i < 1000; i++) {
        const c = rx.changed();
        c.poll(cx);
        waiting.push(c);
      }
      for (const c of waiting) c[Symbol.dispose]();
    }
  });
  assert.ok(grown < 2_000_000, `heap grew by ${grown} bytes`);
});

test("when the sender is dropped, changed() reports an unseen change first, then throws RecvError", () => {
  const [tx, rx] = watch(0);
  const { cx } = countingContext();
  tx.send(1);
  tx[Symbol.dispose]();
  tx[Symbol.dispose]();
  assert.equal(rx.changed().poll(cx), undefined);
  assert.equal(rx.borrowAndUpdate(), 1);
  assert.throws(
    () => rx.changed().poll(cx),
    (e: unknown) => e instanceof RecvError && e.name === "RecvError",
  );
  assert.throws(() => rx.hasChanged(), RecvError);
  assert.equal(rx.borrow(), 1, "the last value stays readable");
});

test("a changed() waiting when the sender is dropped is woken with RecvError", () => {
  const outcome = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = watch(0);
      const h = spawn(
        future(function* () {
          yield* rx.changed();
        }),
      );
      yield* yieldNow();
      tx[Symbol.dispose]();
      try {
        yield* h;
        return "ready";
      } catch (e) {
        return e instanceof JoinError && e.cause instanceof RecvError ? "RecvError" : String(e);
      }
    }),
  );
  assert.equal(outcome, "RecvError");
});

test("send with no receivers throws SendError and stores nothing; sendReplace and sendModify store anyway", () => {
  const [tx, rx] = watch(1);
  rx[Symbol.dispose]();
  rx[Symbol.dispose]();
  assert.equal(tx.isClosed, true);
  assert.throws(
    () => tx.send(2),
    (e: unknown) => e instanceof SendError && e.value === 2,
  );
  assert.equal(tx.borrow(), 1);
  assert.equal(tx.sendReplace(3), 1);
  tx.sendModify((n) => n + 1);
  assert.equal(tx.borrow(), 4);
  const late = tx.subscribe();
  assert.equal(late.borrow(), 4);
  assert.equal(late.hasChanged(), false, "subscribe marks the current value seen");
});

test("a sendModify whose function throws changes nothing and wakes nobody", () => {
  const [tx, rx] = watch({ n: 1 });
  const { cx, wakes } = countingContext();
  const waiting = rx.changed();
  assert.equal(waiting.poll(cx), PENDING);
  assert.throws(() =>
    tx.sendModify(() => {
      throw new Error("no");
    }),
  );
  assert.equal(wakes(), 0);
  assert.equal(rx.hasChanged(), false);
  // @ts-expect-error: not a function
  assert.throws(() => tx.sendModify(5), TypeError);
  tx.sendModify((s) => {
    s.n++;
    return s; // changed in place
  });
  assert.equal(wakes(), 1);
  assert.deepEqual(rx.borrow(), { n: 2 });
});

test("clone() keeps what this receiver has seen; borrow() does not mark seen, borrowAndUpdate() does", () => {
  const [tx, rx] = watch("x");
  tx.send("y");
  const copy = rx.clone();
  assert.equal(rx.borrow(), "y");
  assert.equal(rx.hasChanged(), true);
  assert.equal(rx.borrowAndUpdate(), "y");
  assert.equal(rx.hasChanged(), false);
  assert.equal(copy.hasChanged(), true, "the clone keeps its own seen version");
  assert.equal(tx.receiverCount, 2);
});

test("closed() is ready once every receiver is dropped", () => {
  const [tx, rx] = watch(0);
  const rx2 = rx.clone();
  const { cx, wakes } = countingContext();
  const c = tx.closed();
  assert.equal(c.poll(cx), PENDING);
  rx[Symbol.dispose]();
  assert.equal(wakes(), 0);
  rx2[Symbol.dispose]();
  assert.equal(wakes(), 1);
  assert.equal(c.poll(cx), undefined);
});

test("a watch value may be undefined; a disposed handle refuses to be used", () => {
  const [tx, rx] = watch<string | undefined>("set");
  tx.send(undefined);
  assert.equal(rx.borrowAndUpdate(), undefined);
  rx[Symbol.dispose]();
  assert.throws(() => rx.changed(), /already disposed/);
  tx[Symbol.dispose]();
  assert.throws(() => tx.sendReplace("x"), /already disposed/);
});

test("a ready changed() spends one unit of budget", () => {
  new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = watch(0);
      tx.send(1);
      yield* yieldNow();
      const before = remainingBudget();
      yield* rx.changed();
      assert.equal(remainingBudget(), before - 1);
    }),
  );
});

test("a million sends: the receiver sees only increasing values and ends on the last", () => {
  const N = 1_000_000;
  const result = new Runtime().blockOn(
    future(function* () {
      const [tx, rx] = watch(0);
      const h = spawn(
        future(function* () {
          let last = 0;
          let observed = 0;
          for (;;) {
            try {
              yield* rx.changed();
            } catch (e) {
              if (e instanceof RecvError) return { last, observed };
              throw e;
            }
            const v = rx.borrowAndUpdate();
            if (v <= last) throw new Error(`saw ${v} after ${last}`);
            last = v;
            observed++;
          }
        }),
      );
      for (let i = 1; i <= N; i++) {
        tx.send(i);
        if (i % 1000 === 0) yield* yieldNow();
      }
      tx[Symbol.dispose]();
      return yield* h;
    }),
  );
  assert.equal(result.last, N);
  assert.ok(result.observed >= N / 1000, `observed ${result.observed} changes`);
});

test("under any schedule, receivers never see an older value after a newer one, and all end on the latest", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 0, max: 50 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      fc.array(fc.array(fc.constantFrom("changed", "yield", "abortChanged", "peek"), { minLength: 1, maxLength: 6 }), {
        minLength: 1,
        maxLength: 4,
      }),
      (seed, total, senderYields, receivers) => {
        const follower = asyncFn(function* (rx: WatchReceiver<number>, steps: string[]) {
          using _ = rx;
          const seen: number[] = [rx.borrowAndUpdate()];
          for (let j = 0; ; j++) {
            const step = steps[j % steps.length];
            try {
              if (step === "abortChanged") {
                const h = spawn(
                  future(function* () {
                    yield* rx.changed();
                  }),
                );
                if (j % 2 === 0) yield* yieldNow();
                h.abort();
                try {
                  yield* h;
                } catch (e) {
                  if (!(e instanceof JoinError)) throw e;
                  if (e.isFailure()) throw e.cause;
                }
              } else if (step === "peek") {
                seen.push(rx.borrow());
                rx.hasChanged(); // throws RecvError once the sender is gone
                yield* yieldNow();
                continue;
              } else {
                if (step === "yield") yield* yieldNow();
                yield* rx.changed();
              }
            } catch (e) {
              if (e instanceof RecvError) return seen;
              throw e;
            }
            seen.push(rx.borrowAndUpdate());
          }
        });
        const rt = new Runtime({ seed });
        const results = rt.blockOn(
          future(function* () {
            const [tx, rx] = watch(0);
            const hs = receivers.map((steps) => spawn(follower(rx.clone(), steps)));
            rx[Symbol.dispose]();
            for (let i = 1; i <= total; i++) {
              tx.sendReplace(i);
              if (senderYields[i % senderYields.length]) yield* yieldNow();
            }
            tx[Symbol.dispose]();
            const out: number[][] = [];
            for (const h of hs) out.push(yield* h);
            return out;
          }),
        );
        assert.equal(rt.aliveTasks, 0);
        for (const seen of results) {
          for (let i = 1; i < seen.length; i++) {
            assert.ok((seen[i] ?? 0) >= (seen[i - 1] ?? 0), `older after newer: ${JSON.stringify(seen)}`);
          }
          assert.equal(seen.at(-1), total, `did not end on the latest value: ${JSON.stringify(seen)}`);
        }
      },
    ),
    { numRuns: 150 },
  );
});
