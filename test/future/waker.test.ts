import assert from "node:assert/strict";
import { test } from "node:test";
import { noopWaker, type RawWakerVTable, Waker, wakerFromFn } from "../../src/index.js";

function recordingVtable(log: string[]): RawWakerVTable<string> {
  const vtable: RawWakerVTable<string> = {
    clone: (d) => {
      log.push(`clone ${d}`);
      return { data: `${d}'`, vtable };
    },
    wake: (d) => log.push(`wake ${d}`),
    wakeByRef: (d) => log.push(`wakeByRef ${d}`),
    drop: (d) => log.push(`drop ${d}`),
  };
  return vtable;
}

test("a Waker passes its own data to each vtable function", () => {
  const log: string[] = [];
  const w = Waker.fromRaw({ data: "a", vtable: recordingVtable(log) });
  w.wakeByRef();
  w.wake();
  w.drop();
  assert.deepEqual(log, ["wakeByRef a", "wake a", "drop a"]);
});

test("clone goes through the vtable and gives a waker for the new raw parts", () => {
  const log: string[] = [];
  const w = Waker.fromRaw({ data: "a", vtable: recordingVtable(log) });
  const c = w.clone();
  c.wake();
  assert.deepEqual(log, ["clone a", "wake a'"]);
  assert.equal(w.willWake(c), false, "different data: not the same target");
});

test("willWake is true for the same data and vtable, false otherwise", () => {
  const vtable = recordingVtable([]);
  const a = Waker.fromRaw({ data: "x", vtable });
  const b = Waker.fromRaw({ data: "x", vtable });
  const c = Waker.fromRaw({ data: "y", vtable });
  assert.equal(a.willWake(b), true);
  assert.equal(a.willWake(c), false);
  assert.equal(a.willWake(noopWaker()), false);
});

test("Waker.fromRaw rejects malformed raw parts with a TypeError naming the missing piece", () => {
  assert.throws(() => Waker.fromRaw(null as never), TypeError);
  assert.throws(
    () => Waker.fromRaw({ data: 1, vtable: { clone: () => ({ data: 1, vtable: null as never }) } as never }),
    /raw\.vtable\.wake must be a function/,
  );
});

test("noopWaker does nothing, is shared, and clones to itself", () => {
  const w = noopWaker();
  w.wake();
  w.wakeByRef();
  w.drop();
  assert.equal(noopWaker(), w);
  assert.equal(w.clone(), w);
});

test("wakerFromFn calls its function on every wake", () => {
  let n = 0;
  const w = wakerFromFn(() => n++);
  w.wake();
  w.wakeByRef();
  w.clone().wake();
  assert.equal(n, 3);
  assert.throws(() => wakerFromFn(42 as never), /fn must be a function/);
});
