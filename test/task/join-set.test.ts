import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  asyncFn,
  type Future,
  future,
  JoinError,
  JoinSet,
  Mutex,
  type MutexGuard,
  now,
  Runtime,
  select,
  sleep,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { Drops, failing, Held, sleepy } from "../support/probes.js";
import { virtual } from "../support/runtimes.js";

/** Joins the whole set, recording values and errors in completion order. */
const drain = asyncFn(function* (set: JoinSet<number>) {
  const out: (number | JoinError)[] = [];
  while (set.size > 0) {
    try {
      const v = yield* set.joinNext();
      if (v !== undefined) out.push(v);
    } catch (e) {
      if (!(e instanceof JoinError)) throw e;
      out.push(e);
    }
  }
  return out;
});

// --- ugly paths first ----------------------------------------------------------

test("disposing the set aborts every task in it: each finally runs once and no task is left alive", () => {
  const drops = new Drops();
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      {
        using set = new JoinSet<number>();
        for (let i = 0; i < 5; i++) set.spawn(sleepy(drops, `t${i}`, 100 + i, i));
        yield* sleep(10);
        assert.equal(rt.aliveTasks, 6);
      }
      yield* yieldNow(); // the aborts are carried out at the tasks' turns
      assert.equal(rt.aliveTasks, 1);
    }),
  );
  assert.deepEqual(drops.log.sort(), ["t0", "t1", "t2", "t3", "t4"]);
});

test("disposing the set releases a guard that a finished task returned and nobody joined", () => {
  const mutex = new Mutex(0);
  virtual().blockOn(
    future(function* () {
      const set = new JoinSet<MutexGuard<number>>();
      set.spawn(mutex.lock());
      yield* yieldNow(); // the task runs and finishes: its guard waits in the set for joinNext
      assert.equal(set.size, 1);
      assert.equal(mutex.isLocked, true);
      set[Symbol.dispose]();
      assert.equal(mutex.isLocked, false, "the guard nobody joined was released");
    }),
  );
});

test("disposing the set: a value whose disposal throws stops nothing; every task leaves, the first error is rethrown", () => {
  const first = new Error("first");
  const a = new Held("a", undefined, first);
  const b = new Held("b");
  const drops = new Drops();
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const set = new JoinSet<Held | number>();
      set.spawn(
        future(function* () {
          return a;
        }),
      );
      set.spawn(sleepy(drops, "slow", 100, 1));
      set.spawn(
        future(function* () {
          return b;
        }),
      );
      yield* yieldNow();
      assert.throws(() => set[Symbol.dispose](), first);
      assert.equal(set.size, 0);
      assert.deepEqual([a.disposed, b.disposed], [1, 1]);
      yield* yieldNow(); // the abort of the unfinished task is carried out
      assert.equal(rt.aliveTasks, 1);
    }),
  );
  assert.deepEqual(drops.log, ["slow"]);
});

test("a failed task: joinNext throws its JoinError with the cause, and the task leaves the set", () => {
  const drops = new Drops();
  const boom = new Error("boom");
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      set.spawn(failing(drops, "bad", 5, boom));
      set.spawn(sleepy(drops, "ok", 10, 1));
      const first = yield* drain(set);
      return { first, size: set.size };
    }),
  );
  const [e, v] = out.first;
  assert.ok(e instanceof JoinError && e.isFailure() && e.cause === boom);
  assert.equal(v, 1);
  assert.equal(out.size, 0);
});

test("abortAll: the tasks stay in the set and joinNext hands each out as cancelled (or its value, if it had finished)", () => {
  const drops = new Drops();
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      set.spawn(sleepy(drops, "done", 1, 7));
      set.spawn(sleepy(drops, "a", 100, 1));
      set.spawn(sleepy(drops, "b", 100, 2));
      yield* sleep(5);
      set.abortAll();
      set.abortAll();
      assert.equal(set.size, 3, "abortAll removes nothing");
      return yield* drain(set);
    }),
  );
  assert.equal(out[0], 7);
  assert.ok(out.slice(1).every((e) => e instanceof JoinError && e.isCancelled()));
  assert.deepEqual(
    ["done", "a", "b"].map((n) => drops.count(n)),
    [1, 1, 1],
  );
  assert.equal(rt.aliveTasks, 0);
});

test("a dropped joinNext loses no task: a select loop of joinNext against a timer gets every value exactly once", () => {
  const work = asyncFn(function* (ms: number) {
    yield* sleep(ms);
    return ms;
  });
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const rt = new Runtime({ clock: "virtual", seed });
    const got = rt.blockOn(
      future(function* () {
        const set = new JoinSet<number>();
        for (let i = 1; i <= 40; i++) set.spawn(work((i % 20) * 4)); // pairs finish together, 4 ms apart
        const values: number[] = [];
        let timeouts = 0;
        while (set.size > 0) {
          const r = yield* select(set.joinNext(), sleep(3));
          if (r.index === 0 && r.value !== undefined) values.push(r.value);
          else timeouts++;
        }
        assert.ok(timeouts > 0, "some joinNext futures were dropped while waiting");
        return values;
      }),
    );
    const expected = Array.from({ length: 40 }, (_, k) => ((k + 1) % 20) * 4);
    assert.deepEqual(
      [...got].sort((a, b) => a - b),
      expected.sort((a, b) => a - b),
    );
  }
});

test("two tasks waiting on joinNext of one set: every result is handed out once, nobody is left waiting", () => {
  const rt = virtual();
  const [a, b] = rt.blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      for (let i = 0; i < 10; i++) set.spawn(sleepy(new Drops(), "t", i * 3, i));
      const taker = asyncFn(function* () {
        const mine: number[] = [];
        let v: number | undefined;
        while ((v = yield* set.joinNext()) !== undefined) mine.push(v);
        return mine;
      });
      const ha = spawn(taker());
      const hb = spawn(taker());
      return [yield* ha, yield* hb];
    }),
  );
  assert.deepEqual(
    [...a, ...b].sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

test("spawn outside a runtime is a clear error; a non-future is a TypeError", () => {
  const set = new JoinSet<number>();
  assert.throws(() => set.spawn(sleepy(new Drops(), "x", 1, 1)), /JoinSet\.spawn\(\) was called outside a runtime/);
  new Runtime().blockOn(
    future(function* () {
      assert.throws(
        () => set.spawn(42 as unknown as Future<number>),
        (e: unknown) => e instanceof TypeError && /JoinSet\.spawn\(future\): future must be a future/.test(e.message),
      );
    }),
  );
  assert.equal(set.size, 0);
});

// --- the ordinary path --------------------------------------------------------

test("joinNext yields values in completion order, then undefined once the set is empty", () => {
  const rt = virtual();
  const out = rt.blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      const drops = new Drops();
      for (const ms of [30, 10, 20, 0]) set.spawn(sleepy(drops, "", ms, ms));
      assert.equal(set.size, 4);
      const order: number[] = [];
      let v: number | undefined;
      while ((v = yield* set.joinNext()) !== undefined) order.push(v);
      return { order, at: now().ms, after: yield* set.joinNext() };
    }),
  );
  assert.deepEqual(out, { order: [0, 10, 20, 30], at: 30, after: undefined });
});

test("tryJoinNext: undefined until a task has finished, then its value; size counts finished tasks not yet joined", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const set = new JoinSet<string>();
      const abort = set.spawn(
        future(function* () {
          return "quick";
        }),
      );
      assert.equal(set.tryJoinNext(), undefined, "tasks are lazy: it has not run");
      yield* yieldNow();
      assert.equal(abort.isFinished(), true);
      assert.equal(set.size, 1, "finished, not yet handed out");
      assert.equal(set.tryJoinNext(), "quick");
      assert.equal(set.size, 0);
      assert.equal(set.tryJoinNext(), undefined);
    }),
  );
});

test("after handing one task out, the set waits for the ones still in it", () => {
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      set.spawn(sleepy(new Drops(), "", 1, 1));
      set.spawn(sleepy(new Drops(), "", 50, 2));
      assert.equal(yield* set.joinNext(), 1);
      assert.equal(set.size, 1);
      assert.equal(yield* set.joinNext(), 2);
      assert.equal(now().ms, 50);
    }),
  );
});

test("100,000 tasks: spawn all, joinNext all, in completion order, nothing left alive (a scan per completion would not finish)", () => {
  const n = 100_000;
  const rt = new Runtime();
  const trivial = asyncFn(function* (i: number) {
    return i;
  });
  const sum = rt.blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      for (let i = 0; i < n; i++) set.spawn(trivial(i));
      let total = 0;
      let last = -1;
      let ordered = true;
      let v: number | undefined;
      while ((v = yield* set.joinNext()) !== undefined) {
        total += v;
        if (v < last) ordered = false;
        last = v;
      }
      assert.ok(ordered, "FIFO scheduling finishes them in spawn order, and joinNext keeps that order");
      return total;
    }),
  );
  assert.equal(sum, (n * (n - 1)) / 2);
  assert.equal(rt.aliveTasks, 0);
});

// --- property --------------------------------------------------------------------

test("property: under any seed, joinNext hands out every task exactly once, failures as JoinErrors", () => {
  const job = asyncFn(function* (ms: number, fails: boolean, id: number) {
    yield* sleep(ms);
    if (fails) throw new Error(`job ${id}`);
    return id;
  });
  fc.assert(
    fc.property(
      fc.integer(),
      fc.array(fc.record({ ms: fc.nat(20), fails: fc.boolean() }), { maxLength: 20 }),
      (seed, jobs) => {
        const rt = new Runtime({ clock: "virtual", seed });
        const out = rt.blockOn(
          future(function* () {
            const set = new JoinSet<number>();
            jobs.forEach((j, id) => {
              set.spawn(job(j.ms, j.fails, id));
            });
            return yield* drain(set);
          }),
        );
        const ok = out.filter((x): x is number => typeof x === "number").sort((a, b) => a - b);
        const failed = out.filter((x) => x instanceof JoinError).length;
        assert.deepEqual(
          ok,
          jobs.flatMap((j, id) => (j.fails ? [] : [id])),
        );
        assert.equal(failed, jobs.filter((j) => j.fails).length);
        assert.equal(rt.aliveTasks, 0);
      },
    ),
    { numRuns: 100 },
  );
});
