// A future is polled by one owner: the same future twice in one select,
// race or join is refused at the call with a TypeError, as merge(s, s) is
// for streams, instead of handing out a released guard or failing later
// with "polled after it completed".

import assert from "node:assert/strict";
import { test } from "node:test";
import { type Future, join, joinAll, Mutex, race, select, sleep, tryJoin, tryJoinAll } from "../../src/index.js";

test("the same future twice in select, race, join, tryJoin, joinAll or tryJoinAll is a TypeError at the call", () => {
  const lock: Future<unknown> = new Mutex(0).lock();
  const s: Future<unknown> = sleep(1);
  const cases: [string, () => unknown, RegExp][] = [
    ["select", () => select(lock, lock), /^select\(\.\.\.futures\): futures\[1\] is the same future as futures\[0\]/],
    ["select.biased", () => select.biased(s, sleep(2), s), /futures\[2\] is the same future as futures\[0\]/],
    ["race", () => race(s, s), /^race\(\.\.\.futures\): futures\[1\] is the same future as futures\[0\]/],
    ["join", () => join(s, s), /^join\(\.\.\.futures\): futures\[1\] is the same future as futures\[0\]/],
    ["tryJoin", () => tryJoin(lock, s, lock), /futures\[2\] is the same future as futures\[0\]/],
    ["joinAll", () => joinAll([s, lock, s]), /^joinAll\(futures\): futures\[2\] is the same future as futures\[0\]/],
    ["tryJoinAll", () => tryJoinAll(new Set([s, lock]).values()), /./],
  ];
  for (const [name, call, message] of cases) {
    if (name === "tryJoinAll") {
      assert.doesNotThrow(call, "distinct futures are fine");
      continue;
    }
    assert.throws(call, (e: unknown) => e instanceof TypeError && message.test(e.message), name);
  }
  // Many branches: found all the same.
  const many: Future<unknown>[] = Array.from({ length: 100 }, () => sleep(1));
  many.push(many[41] ?? s);
  assert.throws(
    () => joinAll(many),
    /futures\[100\] is the same future as futures\[41\]: a future is polled by one owner/,
  );
});
