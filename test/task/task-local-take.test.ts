// TaskLocalFuture.takeValue (tokio's TaskLocalFuture::take_value).

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, PENDING, Runtime, TaskLocal, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";

test("a value taken from a scope dropped mid-wait comes back; its cleanup still read it before", () => {
  const local = new TaskLocal<{ n: number }>("state");
  const { cx } = countingContext();
  let seenInFinally: number | undefined;
  const scoped = local.scope(
    { n: 1 },
    future(function* () {
      try {
        local.get().n++;
        yield* yieldNow();
      } finally {
        seenInFinally = local.tryGet()?.n;
      }
    }),
  );
  assert.equal(scoped.poll(cx), PENDING);
  scoped[Symbol.dispose]();
  assert.equal(seenInFinally, 2);
  assert.deepEqual(scoped.takeValue(), { n: 2 });
  assert.equal(scoped.takeValue(), undefined, "taken once");
});

test("after takeValue the scope no longer sets the local: the code inside reads it as unset", () => {
  const local = new TaskLocal<string>("who");
  const { cx } = countingContext();
  const seen: (string | undefined)[] = [];
  const scoped = local.scope(
    "ada",
    future(function* () {
      seen.push(local.tryGet());
      yield* yieldNow();
      seen.push(local.tryGet());
    }),
  );
  assert.equal(scoped.poll(cx), PENDING);
  assert.equal(scoped.takeValue(), "ada");
  assert.equal(scoped.poll(cx), undefined);
  assert.deepEqual(seen, ["ada", undefined]);
});

test("takeValue after the scope finished gives the value back", () => {
  const local = new TaskLocal<number[]>("log");
  const scoped = local.scope(
    [],
    future(function* () {
      local.get().push(1);
      yield* yieldNow();
      local.get().push(2);
    }),
  );
  new Runtime().blockOn(scoped);
  assert.deepEqual(scoped.takeValue(), [1, 2]);
});
