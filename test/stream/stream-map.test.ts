// StreamMap: keyed merge with insert/remove while streaming (tokio-stream's StreamMap).

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { fromIterable, future, mpsc, noopWaker, PENDING, StreamMap, select, spawn, yieldNow } from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";
import { Feed } from "../support/streams.js";

const cx = { waker: noopWaker() };

test("a dropped next() loses no item: the next read gets it", () => {
  const [tx, rx] = mpsc.unbounded<number>();
  const map = new StreamMap<string, number>();
  map.insert("a", rx);
  const { cx: counting, wakes } = countingContext();
  const pending = map.next();
  assert.equal(pending.poll(counting), PENDING);
  tx.send(1);
  assert.equal(wakes(), 1);
  pending[Symbol.dispose]();
  assert.deepEqual(map.pollNext(cx), ["a", 1]);
});

test("a stream that ends is removed and dropped at once; the others go on", () => {
  const short = Feed.of([1]);
  const long = new Feed<number>();
  const map = new StreamMap<string, number>();
  map.insert("short", short);
  map.insert("long", long);
  assert.deepEqual(map.pollNext(cx), ["short", 1]);
  assert.equal(map.pollNext(cx), PENDING);
  assert.equal(short.disposed, 1);
  assert.deepEqual([map.has("short"), map.size], [false, 1]);
  long.push(2);
  assert.deepEqual(map.pollNext(cx), ["long", 2]);
});

test("remove hands the stream back undropped, with its unread items; a replacing insert returns the old one", () => {
  const a = Feed.of([1, 2]);
  const map = new StreamMap<string, number>();
  map.insert("a", a);
  assert.deepEqual(map.pollNext(cx), ["a", 1]);
  const removed = map.remove("a");
  assert.equal(removed, a);
  assert.equal(a.disposed, 0);
  assert.equal(a.pollNext(cx), 2, "its items stay in it");
  assert.equal(map.remove("a"), undefined);
  const b = Feed.of([3]);
  map.insert("k", a);
  assert.equal(map.insert("k", b), a);
  assert.equal(a.disposed, 0, "the replaced stream is the caller's now");
  assert.deepEqual(map.pollNext(cx), ["k", 3]);
});

test("an empty map is at its end: undefined at once, and it yields again once a stream is inserted", () => {
  const map = new StreamMap<number, string>();
  assert.equal(map.pollNext(cx), undefined);
  assert.equal(map.isEmpty, true);
  map.insert(1, fromIterable(["x"]));
  assert.deepEqual(map.pollNext(cx), [1, "x"]);
  assert.equal(map.pollNext(cx), undefined);
});

test("disposing the map drops every stream once; clear does the same and the map can be reused", () => {
  const a = new Feed<number>();
  const b = new Feed<number>();
  const map = new StreamMap<string, number>();
  map.insert("a", a);
  map.insert("b", b);
  map.clear();
  assert.deepEqual([a.disposed, b.disposed, map.size], [1, 1, 0]);
  const c = new Feed<number>();
  map.insert("c", c);
  map[Symbol.dispose]();
  map[Symbol.dispose]();
  assert.equal(c.disposed, 1);
});

test("insert refuses a non-stream, naming the argument", () => {
  const map = new StreamMap<string, number>();
  assert.throws(
    () => map.insert("x", [1, 2] as never),
    (e: unknown) =>
      e instanceof TypeError && /StreamMap.insert\(key, stream\): stream must be a stream/.test(e.message),
  );
  assert.equal(map.size, 0);
});

test("fair: two always-ready streams take turns", () => {
  const map = new StreamMap<string, number>();
  map.insert("a", fromIterable([1, 2, 3]));
  map.insert("b", fromIterable([10, 20, 30]));
  const keys: string[] = [];
  for (let e = map.pollNext(cx); e !== undefined && e !== PENDING; e = map.pollNext(cx)) keys.push(e[0]);
  assert.deepEqual(keys, ["a", "b", "a", "b", "a", "b"]);
});

test("subscriptions added and removed while a task reads the map, from a select on a control channel", () => {
  const out = virtual().blockOn(
    future(function* () {
      type Control = { add: string; feed: mpsc.Receiver<string> } | { remove: string };
      const [ctl, ctlRx] = mpsc.unbounded<Control>();
      const [aTx, aRx] = mpsc.unbounded<string>();
      const [bTx, bRx] = mpsc.unbounded<string>();
      const reader = spawn(
        future(function* () {
          using map = new StreamMap<string, string>();
          const seen: string[] = [];
          for (;;) {
            const r = map.isEmpty
              ? { index: 0 as const, value: yield* ctlRx.recv() }
              : yield* select(ctlRx.recv(), map.next());
            if (r.index === 0) {
              const c = r.value;
              if (c === undefined) return seen;
              if ("add" in c) map.insert(c.add, c.feed);
              else map.remove(c.remove)?.[Symbol.dispose]?.();
            } else if (r.value !== undefined) seen.push(`${r.value[0]}:${r.value[1]}`);
          }
        }),
      );
      ctl.send({ add: "a", feed: aRx });
      aTx.send("1");
      yield* yieldNow();
      ctl.send({ add: "b", feed: bRx });
      yield* yieldNow();
      bTx.send("2");
      yield* yieldNow();
      ctl.send({ remove: "a" });
      yield* yieldNow();
      assert.throws(() => aTx.send("lost"), /dropped/, "the removed receiver was dropped");
      bTx.send("3");
      yield* yieldNow();
      ctl[Symbol.dispose]();
      return yield* reader;
    }),
  );
  assert.deepEqual(out, ["a:1", "b:2", "b:3"]);
});

test("whatever inserts, removes and ends happen, every item of every stream still in the map comes out once, in its stream's order", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.record({ op: fc.constant("insert" as const), key: fc.nat(4), len: fc.nat(4) }),
          fc.record({ op: fc.constant("remove" as const), key: fc.nat(4) }),
          fc.record({ op: fc.constant("poll" as const) }),
        ),
        { maxLength: 40 },
      ),
      (ops) => {
        const map = new StreamMap<number, string>();
        const expected = new Map<number, string[]>(); // what each key's current stream still holds
        const got: [number, string][] = [];
        let made = 0;
        for (const o of ops) {
          if (o.op === "insert") {
            const items = Array.from({ length: o.len }, (_, k) => `${made}.${k}`);
            made++;
            map.insert(o.key, fromIterable(items))?.[Symbol.dispose]?.();
            expected.set(o.key, [...items]); // a copy: fromIterable reads the array lazily
          } else if (o.op === "remove") {
            map.remove(o.key)?.[Symbol.dispose]?.();
            expected.delete(o.key);
          } else {
            const e = map.pollNext(cx);
            if (e !== undefined && e !== PENDING) {
              got.push(e);
              const left = expected.get(e[0]);
              assert.equal(left?.shift(), e[1], "the key's own stream, in order");
            }
          }
          for (const k of [...expected.keys()]) if (!map.has(k)) expected.delete(k);
        }
        for (let e = map.pollNext(cx); e !== undefined && e !== PENDING; e = map.pollNext(cx)) {
          assert.equal(expected.get(e[0])?.shift(), e[1]);
        }
        for (const left of expected.values()) assert.deepEqual(left, []);
        assert.equal(map.size, 0);
      },
    ),
    { numRuns: 300, includeErrorInReport: true },
  );
});
