// JoinSet: joinAll, extend, detachAll (tokio's join_all, Extend, detach_all),
// and joinNext on an empty set being ready at once.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  future,
  JoinError,
  JoinSet,
  Mutex,
  now,
  Runtime,
  select,
  sleep,
  spawn,
  yieldNow,
} from "../../src/index.js";
import { virtual } from "../support/runtimes.js";

const after = asyncFn(function* (ms: number) {
  yield* sleep(ms);
  return ms;
});

test("a dropped joinAll drops the values it had joined; the tasks not yet joined stay in the set", () => {
  const mutex = new Mutex(0);
  virtual().blockOn(
    future(function* () {
      using set = new JoinSet<unknown>();
      set.spawn(
        future(function* () {
          return yield* mutex.lock(); // a guard: dropping it must unlock
        }),
      );
      set.spawn(sleep(1000));
      const all = spawn(set.joinAll());
      yield* sleep(10);
      assert.equal(mutex.tryLock(), undefined, "the guard is held by joinAll's results");
      all.abort();
      yield* yieldNow();
      assert.equal(set.size, 1, "the sleeping task is still in the set");
      const g = mutex.tryLock();
      assert.ok(g, "the joined guard was dropped with the joinAll");
      g.release();
    }),
  );
});

test("joinAll throws the first failure's JoinError and aborts every task still in the set", () => {
  let finallyRan = 0;
  const out = virtual().blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      set.spawn(after(5));
      set.spawn(
        future(function* () {
          yield* sleep(10);
          throw new Error("boom");
        }),
      );
      set.spawn(
        future(function* () {
          try {
            yield* sleep(1000);
            return 1;
          } finally {
            finallyRan++;
          }
        }),
      );
      try {
        yield* set.joinAll();
        return "no error";
      } catch (e) {
        yield* yieldNow();
        assert.equal(set.size, 0);
        return e instanceof JoinError && e.cause instanceof Error ? e.cause.message : e;
      }
    }),
  );
  assert.equal(out, "boom");
  assert.equal(finallyRan, 1);
});

test("joinAll yields every value in completion order and empties the set; on an empty set, []", () => {
  const out = virtual().blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      assert.deepEqual(yield* set.joinAll(), []);
      set.extend([after(30), after(10), after(20)]);
      const values = yield* set.joinAll();
      return [values, set.size, now().ms];
    }),
  );
  assert.deepEqual(out, [[10, 20, 30], 0, 30]);
});

test("joinAll of many always-ready tasks spends budget: another task still runs", () => {
  virtual().blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      set.extend(
        Array.from({ length: 1000 }, (_, i) =>
          future(function* () {
            return i;
          }),
        ),
      );
      yield* yieldNow(); // all finish
      let other = false;
      spawn(
        future(function* () {
          other = true;
        }),
      ).detach();
      const values = yield* set.joinAll();
      assert.equal(values.length, 1000);
      assert.ok(other);
    }),
  );
});

test("extend checks every element before spawning any", () => {
  virtual().blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      assert.throws(
        () => set.extend([after(1), Promise.resolve(2) as never]),
        (e: unknown) => e instanceof TypeError && /futures\[1\]/.test(e.message),
      );
      assert.equal(set.size, 0, "nothing spawned");
      assert.throws(() => set.extend(5 as never), /iterable of futures/);
      set.extend(new Set([after(1)]));
      assert.equal(set.size, 1);
      yield* set.joinAll();
    }),
  );
  assert.throws(() => new JoinSet<number>().extend([after(1)]), /outside a runtime/);
});

test("detachAll empties the set without aborting: the tasks run on, and a waiting joinNext yields undefined", () => {
  let finished = 0;
  const out = virtual().blockOn(
    future(function* () {
      const set = new JoinSet<void>();
      for (let i = 0; i < 3; i++) {
        set.spawn(
          future(function* () {
            yield* sleep(50);
            finished++;
          }),
        );
      }
      const waiting = spawn(set.joinNext());
      yield* yieldNow();
      set.detachAll();
      assert.equal(set.size, 0);
      const r = yield* waiting;
      yield* sleep(100);
      return r;
    }),
  );
  assert.equal(out, undefined);
  assert.equal(finished, 3, "detached tasks ran to the end");
});

test("joinNext on an empty set is ready at once, so a select branch over it wins every time", () => {
  const wins = new Runtime().blockOn(
    future(function* () {
      const set = new JoinSet<number>();
      let emptyWins = 0;
      for (let i = 0; i < 5; i++) {
        const r = yield* select(set.joinNext(), sleep(1000));
        if (r.index === 0 && r.value === undefined) emptyWins++;
      }
      return emptyWins;
    }),
  );
  assert.equal(wins, 5);
});
