import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  Barrier,
  type BarrierWaitResult,
  future,
  JoinError,
  PENDING,
  Runtime,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { countingContext, cx } from "../support/futures.js";

// --- cancellation first --------------------------------------------------

test("a dropped waiter withdraws its arrival: the generation needs one more task", () => {
  const barrier = new Barrier(3);
  const a = barrier.wait();
  const b = barrier.wait();
  const { cx: cxA, wakes } = countingContext();
  assert.equal(a.poll(cxA), PENDING);
  assert.equal(b.poll(cx), PENDING);
  b[Symbol.dispose]();
  const c = barrier.wait();
  assert.equal(c.poll(cx), PENDING, "only two are there: a and c");
  assert.equal(wakes(), 0);
  const d = barrier.wait();
  assert.deepEqual(d.poll(cx), { isLeader: true });
  assert.equal(wakes(), 1);
  assert.deepEqual(a.poll(cx), { isLeader: false });
  assert.deepEqual(c.poll(cx), { isLeader: false });
});

test("a waiter dropped after its generation completed still counted in it, and the next generation starts empty", () => {
  const barrier = new Barrier(2);
  const a = barrier.wait();
  assert.equal(a.poll(cx), PENDING);
  assert.deepEqual(barrier.wait().poll(cx), { isLeader: true });
  a[Symbol.dispose](); // released but never saw it
  const b = barrier.wait();
  assert.equal(b.poll(cx), PENDING, "generation 2 has one waiter");
  assert.deepEqual(barrier.wait().poll(cx), { isLeader: true });
  assert.deepEqual(b.poll(cx), { isLeader: false });
});

test("waking after drop is a no-op: a dropped waiter's waker is never called", () => {
  const barrier = new Barrier(2);
  const { cx: counted, wakes } = countingContext();
  const a = barrier.wait();
  assert.equal(a.poll(counted), PENDING);
  a[Symbol.dispose]();
  a[Symbol.dispose]();
  const b = barrier.wait();
  assert.equal(b.poll(cx), PENDING);
  assert.deepEqual(barrier.wait().poll(cx), { isLeader: true });
  assert.equal(wakes(), 0);
});

test("aborting a waiting task does not let the others through early", () => {
  const barrier = new Barrier(3);
  const passed: number[] = [];
  const party = asyncFn(function* (i: number) {
    yield* barrier.wait();
    passed.push(i);
  });
  new Runtime().blockOn(
    future(function* () {
      const a = spawn(party(0));
      const b = spawn(party(1));
      yield* yieldNow();
      a.abort();
      const c = spawn(party(2));
      yield* yieldNow();
      yield* yieldNow();
      assert.deepEqual(passed, [], "b and c are two of three");
      const d = spawn(party(3));
      yield* b;
      yield* c;
      yield* d;
    }),
  );
  assert.deepEqual(passed.sort(), [1, 2, 3]);
});

// --- generations ---------------------------------------------------------

test("exactly one leader per generation, and the barrier is reusable", () => {
  const barrier = new Barrier(3);
  const results: BarrierWaitResult[][] = [];
  const party = asyncFn(function* (rounds: number) {
    for (let r = 0; r < rounds; r++) {
      const res = yield* barrier.wait();
      (results[r] ??= []).push(res);
      yield* yieldNow();
    }
  });
  new Runtime({ seed: 7 }).blockOn(
    future(function* () {
      const hs = [spawn(party(4)), spawn(party(4)), spawn(party(4))];
      for (const h of hs) yield* h;
    }),
  );
  assert.equal(results.length, 4);
  for (const gen of results) {
    assert.equal(gen.length, 3);
    assert.equal(gen.filter((r) => r.isLeader).length, 1);
  }
});

test("the leader is the task whose arrival completes the generation; it does not wait", () => {
  const barrier = new Barrier(2);
  const first = barrier.wait();
  assert.equal(first.poll(cx), PENDING);
  assert.deepEqual(barrier.wait().poll(cx), { isLeader: true });
  assert.deepEqual(first.poll(cx), { isLeader: false });
  assert.throws(() => first.poll(cx), /polled after it completed/);
});

test("Barrier(1): every wait is its own generation, led by itself", () => {
  const barrier = new Barrier(1);
  for (let i = 0; i < 3; i++) assert.deepEqual(barrier.wait().poll(cx), { isLeader: true });
  assert.equal(barrier.parties, 1);
});

test("bad n throws RangeError or TypeError naming the constructor", () => {
  assert.throws(() => new Barrier(0), {
    name: "RangeError",
    message: "new Barrier(n): n must be an integer ≥ 1, got 0",
  });
  assert.throws(() => new Barrier(2.5), RangeError);
  assert.throws(() => new Barrier(undefined as unknown as number), TypeError);
});

test("under any seed, with random arrivals and aborts, every generation has one leader and no more than n members", () => {
  const plan = fc.record({
    n: fc.integer({ min: 1, max: 4 }),
    delays: fc.array(fc.nat(4), { minLength: 1, maxLength: 12 }),
    aborts: fc.array(fc.record({ at: fc.nat(8), task: fc.nat(11) }), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(fc.integer(), plan, (seed, { n, delays, aborts }) => {
      const barrier = new Barrier(n);
      /** For each generation, whether each member that saw it led it. */
      const generations = new Map<number, boolean[]>();
      const check = (): void => {
        assert.equal(barrier.arrived, barrier.waiters.size, "arrivals counted = waiters still there");
        assert.ok(barrier.arrived < n);
      };
      const party = asyncFn(function* (delay: number) {
        for (let d = 0; d < delay; d++) {
          yield* yieldNow();
          check();
        }
        const wait = barrier.wait();
        const { isLeader } = yield* wait;
        check();
        // The generation it arrived in (an internal field, read for the test).
        const gen = (wait as unknown as { generation: number }).generation;
        const members = generations.get(gen) ?? [];
        generations.set(gen, members);
        members.push(isLeader);
      });
      new Runtime({ seed }).blockOn(
        future(function* () {
          const hs = delays.map((d) => spawn(party(d)));
          const aborted = new Set<number>();
          for (let step = 0; step <= 8; step++) {
            for (const a of aborts) {
              if (a.at !== step) continue;
              aborted.add(a.task % hs.length);
              hs[a.task % hs.length]?.abort();
            }
            yield* yieldNow();
            check();
          }
          // Wait until the aborted are gone and everyone else has arrived
          // or passed, then make up a last partial generation.
          const settled = () =>
            [...aborted].every((i) => hs[i]?.isFinished()) &&
            hs.filter((h) => !h.isFinished()).length === barrier.arrived;
          while (!settled()) {
            yield* yieldNow();
            check();
          }
          const extras =
            barrier.arrived === 0 ? [] : Array.from({ length: n - barrier.arrived }, () => spawn(party(0)));
          for (const h of [...hs, ...extras]) {
            try {
              yield* h;
            } catch (e) {
              assert.ok(e instanceof JoinError && e.isCancelled(), `a party failed: ${e}`);
            }
          }
        }),
      );
      for (const [gen, members] of generations) {
        assert.equal(members.filter((l) => l).length, 1, `generation ${gen} has one leader`);
        assert.ok(members.length <= n, `generation ${gen} has at most n members`);
      }
      assert.equal(barrier.arrived, 0);
      assert.equal(barrier.waiters.size, 0);
    }),
    { numRuns: 300 },
  );
});
