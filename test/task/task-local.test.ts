import assert from "node:assert/strict";
import { test } from "node:test";
import { type Future, future, PENDING, Runtime, sleep, spawn, TaskLocal, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";

test("get() outside every scope throws an error naming the local; tryGet() says undefined", () => {
  const user = new TaskLocal<string>("user");
  assert.throws(() => user.get(), /TaskLocal "user"\.get\(\) was called outside a scope of this local/);
  assert.throws(() => new TaskLocal<number>().get(), /^Error: TaskLocal\.get\(\)/);
  assert.equal(user.tryGet(), undefined);
});

test("the outer value is restored after each poll, also when the inner future throws", () => {
  const local = new TaskLocal<number>("n");
  const seen: (number | undefined)[] = [];
  const f = local.scope(
    1,
    future(function* () {
      seen.push(local.get());
      yield* yieldNow();
      seen.push(local.get());
      throw new Error("inner failed");
    }),
  );
  const { cx } = countingContext();
  assert.equal(f.poll(cx), PENDING);
  seen.push(local.tryGet());
  assert.throws(() => f.poll(cx), /inner failed/);
  seen.push(local.tryGet());
  assert.deepEqual(seen, [1, undefined, 1, undefined]);
});

test("the value is in place while the inner future is dropped, so its finally can read it", () => {
  const local = new TaskLocal<string>();
  let inFinally: string | undefined;
  const f = local.scope(
    "x",
    future(function* () {
      try {
        yield* sleep(100);
      } finally {
        inFinally = local.get();
      }
    }),
  );
  virtual().blockOn(
    future(function* () {
      const { cx } = countingContext();
      f.poll(cx);
      f[Symbol.dispose]();
      f[Symbol.dispose]();
    }),
  );
  assert.equal(inFinally, "x");
  assert.equal(local.tryGet(), undefined);
});

test("nested scopes of one local: the innermost value wins, and the outer one comes back", () => {
  const depth = new TaskLocal<number>("depth");
  const seen = virtual().blockOn(
    depth.scope(
      1,
      future(function* () {
        const log = [depth.get()];
        log.push(
          yield* depth.scope(
            2,
            future(function* () {
              yield* sleep(1);
              return depth.get();
            }),
          ),
        );
        log.push(depth.get());
        return log;
      }),
    ),
  );
  assert.deepEqual(seen, [1, 2, 1]);
});

test("spawned tasks do not inherit the value, unless given it explicitly", () => {
  const local = new TaskLocal<string>("request");
  const reader = (): Future<string | undefined> =>
    future(function* () {
      yield* yieldNow();
      return local.tryGet();
    });
  const [inherited, given, own] = virtual().blockOn(
    local.scope(
      "parent",
      future(function* () {
        const a = spawn(reader());
        const b = spawn(local.scope("given", reader()));
        return [yield* a, yield* b, local.get()];
      }),
    ),
  );
  assert.equal(inherited, undefined);
  assert.equal(given, "given");
  assert.equal(own, "parent");
});

test("two tasks interleaving with different values each see their own", () => {
  const local = new TaskLocal<number>();
  const worker = (id: number): Future<number[]> =>
    local.scope(
      id,
      future(function* () {
        const seen: number[] = [];
        for (let i = 0; i < 5; i++) {
          seen.push(local.get());
          yield* yieldNow();
        }
        return seen;
      }),
    );
  const [a, b] = new Runtime({ seed: 3 }).blockOn(
    future(function* () {
      const ha = spawn(worker(1));
      const hb = spawn(worker(2));
      return [yield* ha, yield* hb];
    }),
  );
  assert.deepEqual(a, [1, 1, 1, 1, 1]);
  assert.deepEqual(b, [2, 2, 2, 2, 2]);
});

test("bad input: a non-future is a TypeError naming the local; so is a non-string name", () => {
  const local = new TaskLocal<number>("n");
  assert.throws(
    () => local.scope(1, 5 as unknown as Future<void>),
    (e: unknown) =>
      e instanceof TypeError && /TaskLocal "n"\.scope\(value, future\): future must be a future/.test(e.message),
  );
  assert.throws(() => new TaskLocal(5 as unknown as string), TypeError);
});
