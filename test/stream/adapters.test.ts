import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  fromIterable,
  future,
  type GeneratorFuture,
  interval,
  merge,
  now,
  PENDING,
  Runtime,
  type StreamExt,
  sleep,
  spawn,
  stream,
  yieldNow,
} from "../../src/index.js";
import { cx } from "../support/futures.js";
import { collectionsDuring } from "../support/gc.js";
import { virtual } from "../support/runtimes.js";
import { Feed, Forever } from "../support/streams.js";

// --- ownership and disposal: ugly paths first ------------------------------------

test("disposing a pipeline mid-way disposes each source exactly once", () => {
  const a = new Feed<number>();
  const b = new Feed<number>();
  const c = new Feed<string>();
  for (let i = 0; i < 10; i++) a.push(i);
  const pipeline = stream(a)
    .map((n) => n * 2)
    .filter((n) => n % 4 === 0)
    .chain(stream(b))
    .merge(c)
    .take(100);
  const got = virtual().blockOn(
    future(function* () {
      return [yield* pipeline.next(), yield* pipeline.next()];
    }),
  );
  assert.deepEqual(got, [0, 4]);
  assert.deepEqual([a.disposed, b.disposed, c.disposed], [0, 0, 0]);
  pipeline[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed, c.disposed], [1, 1, 1], "b was never polled, and is disposed all the same");
  pipeline[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed, c.disposed], [1, 1, 1], "disposal is idempotent");
});

test("a task dropped while reading disposes the pipeline it holds with `using`", () => {
  const source = new Feed<number>();
  let cleaned = false;
  virtual().blockOn(
    future(function* () {
      const reader = spawn(
        future(function* () {
          using s = stream(source).map((n) => n + 1);
          try {
            for (let n = yield* s.next(); n !== undefined; n = yield* s.next()) assert.ok(n > 0);
          } finally {
            cleaned = true;
          }
        }),
      );
      source.push(1);
      yield* yieldNow();
      reader.abort();
      yield* yieldNow();
    }),
  );
  assert.equal(cleaned, true);
  assert.equal(source.disposed, 1);
});

test("a source that ends is disposed at once, and not again when the pipeline is disposed", () => {
  const a = Feed.of([1, 2]);
  const b = Feed.of([3]);
  const s = stream(a)
    .chain(b)
    .map((n) => n * 10);
  assert.equal(s.pollNext(cx), 10);
  assert.equal(s.pollNext(cx), 20);
  assert.equal(a.disposed, 0);
  assert.equal(s.pollNext(cx), 30);
  assert.equal(a.disposed, 1, "the first stream is released when the chain moves on");
  assert.equal(s.pollNext(cx), undefined);
  assert.equal(b.disposed, 1);
  assert.equal(s.pollNext(cx), undefined, "an ended stream stays ended");
  s[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed], [1, 1]);
});

test("map and filter release their source as soon as it ends, before the pipeline is disposed", () => {
  const a = Feed.of([1]);
  const mapped = stream(a).map((n) => n + 1);
  assert.equal(mapped.pollNext(cx), 2);
  assert.equal(mapped.pollNext(cx), undefined);
  assert.equal(a.disposed, 1, "map dropped its ended source");
  const b = Feed.of([1, 2]);
  const kept = stream(b).filter((n) => n > 1);
  assert.equal(kept.pollNext(cx), 2);
  assert.equal(kept.pollNext(cx), undefined);
  assert.equal(b.disposed, 1, "filter dropped its ended source");
  mapped[Symbol.dispose]();
  kept[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed], [1, 1], "and not again");
});

test("take(n) disposes its source right after the n-th item; take(0) never polls it", () => {
  const a = Feed.of([1, 2, 3, 4]);
  const first2 = stream(a).take(2);
  assert.equal(first2.pollNext(cx), 1);
  assert.equal(a.disposed, 0);
  assert.equal(first2.pollNext(cx), 2);
  assert.equal(a.disposed, 1, "released with the last item, before anyone asks for more");
  assert.equal(first2.pollNext(cx), undefined);
  assert.equal(a.polls, 2);

  const b = Feed.of([1]);
  const none = stream(b).take(0);
  assert.equal(none.pollNext(cx), undefined);
  assert.equal(b.polls, 0);
  assert.equal(b.disposed, 1);
});

test("take(n) of an interval cancels the interval's timer after the last tick", () => {
  const rt = virtual();
  const ticks = rt.blockOn(
    future(function* () {
      const ms = yield* stream(interval(100))
        .take(3)
        .map((at) => at.ms)
        .collect();
      assert.equal(rt.metrics().pendingTimers, 0, "no timer left behind");
      return ms;
    }),
  );
  assert.deepEqual(ticks, [0, 100, 200]);
});

test("an adapter moves its stream: the old handle throws saying where its source went, and disposing it does nothing", () => {
  const a = Feed.of([1]);
  const s = stream(a);
  const doubled = s.map((n) => n * 2);
  assert.throws(() => s.next(), /moved into map\(\)/);
  assert.throws(() => s.pollNext(cx), /moved into map\(\)/);
  assert.throws(() => s.filter(() => true), /moved into map\(\)/);
  s[Symbol.dispose]();
  assert.equal(a.disposed, 0, "the moved-from handle owns nothing");
  assert.equal(doubled.pollNext(cx), 2);
  doubled[Symbol.dispose]();
  assert.equal(a.disposed, 1);
  assert.throws(() => doubled.pollNext(cx), /disposed/);
});

test("a stream cannot be merged or chained with itself", () => {
  const s = fromIterable([1]);
  assert.throws(() => s.chain(s), TypeError);
  assert.throws(() => s.merge(s), TypeError);
  const a = new Feed<number>();
  assert.throws(() => merge(a, a), /streams\[1\] is the same stream as streams\[0\]/);
});

test("a rejected argument takes no stream: every stream stays with its caller, and is disposed by it", () => {
  const a = new Feed<number>();
  const s = stream(a);
  const moved = stream(new Feed<number>());
  moved.map((n) => n); // moves its source away
  const b = new Feed<number>();
  assert.throws(() => s.merge(b, moved), /moved into map\(\)/);
  assert.throws(() => s.chain(moved), /moved into map\(\)/);
  assert.throws(() => s.merge(b, b), /others\[1\] is the same stream as others\[0\]/);
  assert.throws(() => merge(s, moved), /moved into map\(\)/);
  a.push(1);
  assert.equal(s.pollNext(cx), 1, "s still owns its source");
  s[Symbol.dispose]();
  assert.equal(a.disposed, 1, "and disposes it");
  assert.equal(b.disposed, 0, "b was never taken");
});

test("forEach and collect take the stream over: disposed at the end, when they throw, and when dropped", () => {
  const rt = virtual();
  const a = Feed.of([1, 2, 3]);
  const seen: number[] = [];
  rt.blockOn(
    stream(a).forEach((n) => {
      seen.push(n);
    }),
  );
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(a.disposed, 1);

  const b = Feed.of([1, 2, 3]);
  assert.throws(
    () =>
      rt.blockOn(
        stream(b).forEach((n) => {
          if (n === 2) throw new Error("boom at 2");
        }),
      ),
    /boom at 2/,
  );
  assert.equal(b.disposed, 1);

  const c = new Feed<number>();
  const collecting = stream(c).collect();
  assert.equal(collecting.poll(cx), PENDING);
  collecting[Symbol.dispose]();
  collecting[Symbol.dispose]();
  assert.equal(c.disposed, 1);
});

test("next() is one object per stream: a loop allocates no future per item", () => {
  const s = fromIterable([1, 2, 3]);
  assert.equal(s.next(), s.next());
});

const countKept = asyncFn(function* (items: readonly number[]) {
  using s = fromIterable(items)
    .map((n) => n + 1)
    .filter((n) => n % 3 !== 0);
  let count = 0;
  for (let v = yield* s.next(); v !== undefined; v = yield* s.next()) count++;
  return count;
});

test("reading a pipeline with the next() loop allocates nothing per item: two million items, no garbage collection", async () => {
  const items = Array.from({ length: 2_000_000 }, (_, i) => i);
  const warmUp = items.slice(0, 200_000);
  // Building those arrays left megabytes of garbage in the old generation:
  // collect it now, before the warm-up (a full collection after it could
  // send the measured run through cold code), so none of it sets off a
  // collection inside the measured run.
  const gc: unknown = Reflect.get(globalThis, "gc");
  if (typeof gc === "function") gc();
  const rt = new Runtime();
  for (let i = 0; i < 3; i++) rt.blockOn(countKept(warmUp)); // let V8 optimise first
  let kept = 0;
  assert.equal(await collectionsDuring(() => (kept = rt.blockOn(countKept(items)))), 0);
  assert.equal(kept, 1_333_334);
});

test("dropping a next() mid-wait loses no item and leaves the stream alone", () => {
  const a = new Feed<number>();
  const s = stream(a);
  const n = s.next();
  assert.equal(n.poll(cx), PENDING);
  n[Symbol.dispose]();
  assert.equal(a.disposed, 0);
  a.push(7);
  assert.equal(s.next().poll(cx), 7);
});

// --- budget ----------------------------------------------------------------------

test("a filter that rejects everything from a source that spends no budget still lets other tasks run", () => {
  const source = new Forever();
  const order = virtual().blockOn(
    future(function* () {
      const log: string[] = [];
      const filtering = spawn(
        future(function* () {
          using s = stream(source).filter(() => false);
          yield* s.next(); // never ready: every item is rejected
        }),
      );
      const other = spawn(
        future(function* () {
          log.push(`other ran after ${source.polls} polls`);
        }),
      );
      yield* other;
      filtering.abort();
      yield* yieldNow(); // the abort is carried out at the task's next turn
      return log;
    }),
  );
  assert.equal(order.length, 1);
  assert.ok(source.polls < 1000, `the filter yielded after a budget's worth of items (${order[0]})`);
  assert.equal(source.disposed, 1);
});

test("forEach over a source that spends no budget yields to other tasks", () => {
  const source = new Forever();
  virtual().blockOn(
    future(function* () {
      let other = false;
      const h = spawn(stream(source).forEach(() => {}));
      yield* spawn(
        future(function* () {
          other = true;
        }),
      );
      assert.equal(other, true);
      assert.ok(source.polls < 1000);
      h.abort();
      yield* yieldNow();
    }),
  );
  assert.equal(source.disposed, 1);
});

test("fromIterable spends budget: a long array lets other tasks run between its items", () => {
  const log: string[] = [];
  virtual().blockOn(
    future(function* () {
      const reader = spawn(
        fromIterable(Array.from({ length: 1000 }, (_, i) => i)).forEach((n) => {
          if (n % 100 === 0) log.push(`item ${n}`);
        }),
      );
      const other = spawn(
        future(function* () {
          log.push("other");
        }),
      );
      yield* reader;
      yield* other;
    }),
  );
  assert.ok(log.indexOf("other") > 0 && log.indexOf("other") < 3, log.join(", "));
});

// --- fromIterable ----------------------------------------------------------------

test("fromIterable disposed early runs its generator's finally, once", () => {
  let finallies = 0;
  function* numbers(): Generator<number> {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      finallies++;
    }
  }
  const got = virtual().blockOn(fromIterable(numbers()).take(3).collect());
  assert.deepEqual(got, [0, 1, 2]);
  assert.equal(finallies, 1);
});

test("fromIterable is lazy and reads any iterable: the iterator is asked for at the first poll", () => {
  let asked = 0;
  const iterable = {
    *[Symbol.iterator]() {
      asked++;
      yield "x";
    },
  };
  const s = fromIterable(iterable);
  assert.equal(asked, 0);
  assert.deepEqual(virtual().blockOn(s.collect()), ["x"]);
  assert.equal(asked, 1);
  assert.deepEqual(virtual().blockOn(fromIterable(new Set([1, 2])).collect()), [1, 2]);
  assert.deepEqual(virtual().blockOn(fromIterable("hé").collect()), ["h", "é"]);
});

test("an iterator that throws: the error reaches the consumer", () => {
  function* failing(): Generator<number> {
    yield 1;
    throw new Error("source failed");
  }
  assert.throws(() => virtual().blockOn(fromIterable(failing()).collect()), /source failed/);
});

test("undefined cannot be an item: from an iterable, from map", () => {
  const holes = fromIterable<number | null>([1, null]);
  assert.deepEqual(virtual().blockOn(holes.collect()), [1, null], "null is an item");
  // Plain JavaScript can still hand us undefined.
  const items: unknown[] = [1, undefined];
  const bad = fromIterable(items.filter(() => true) as Iterable<number>);
  assert.throws(() => virtual().blockOn(bad.collect()), /yielded undefined/);
  const mapped = fromIterable([1]).map((): number => Reflect.get({}, "missing"));
  assert.throws(() => virtual().blockOn(mapped.collect()), /map\(f\): f returned undefined/);
});

// --- bad input -------------------------------------------------------------------

test("bad input is a TypeError or RangeError naming the argument", () => {
  const no: unknown = 42;
  assert.throws(() => stream(no as never), /stream\(s\): s must be a stream.*got number 42/);
  assert.throws(() => stream({} as never), /an object without a pollNext method/);
  assert.throws(() => fromIterable(no as never), /fromIterable\(iterable\): iterable must be iterable/);
  assert.throws(() => fromIterable(null as never), TypeError);
  const s = fromIterable([1]);
  assert.throws(() => s.map(no as never), /stream\.map\(f\): f must be a function, got number/);
  assert.throws(() => s.filter(no as never), /stream\.filter\(pred\): pred must be a function/);
  assert.throws(() => s.forEach(no as never), /stream\.forEach\(fn\): fn must be a function/);
  assert.throws(
    () => s.take(-1),
    (e) => e instanceof RangeError && /take\(n\): n must be an integer ≥ 0, got -1/.test(e.message),
  );
  assert.throws(() => s.take(1.5), RangeError);
  assert.throws(() => s.chain(no as never), /stream\.chain\(other\): other must be a stream/);
  assert.throws(
    () => s.merge(fromIterable([2]), no as never),
    /stream\.merge\(\.\.\.others\): others\[1\] must be a stream/,
  );
  assert.throws(() => merge(fromIterable([2]), no as never), /merge\(\.\.\.streams\): streams\[1\] must be a stream/);
  const futures = fromIterable([yieldNow()]);
  assert.throws(
    () => futures.bufferUnordered(0),
    (e) => e instanceof RangeError && /bufferUnordered\(n\): n must be an integer ≥ 1, got 0/.test(e.message),
  );
  // A failed call does not take the stream over.
  assert.deepEqual(virtual().blockOn(s.collect()), [1]);
});

// --- the loop, typed ---------------------------------------------------------------

const sumAll = asyncFn(function* (s: StreamExt<number>) {
  let sum = 0;
  for (let n = yield* s.next(); n !== undefined; n = yield* s.next()) sum += n; // n: number in the body
  return sum;
});

test("the natural loop: `for (let v = yield* s.next(); v !== undefined; v = yield* s.next())` reads a stream to its end", () => {
  const rt = virtual();
  using s = fromIterable([1, 2, 3, 4]).map((n) => n * n);
  const f: GeneratorFuture<number> = sumAll(s);
  assert.equal(rt.blockOn(f), 30);
});

test("a stream of sleeps: items arrive when they are ready, in virtual time", () => {
  const delayed = asyncFn(function* (ms: number) {
    yield* sleep(ms);
    return now().ms;
  });
  const got = virtual().blockOn(fromIterable([30, 10, 20]).map(delayed).bufferUnordered(1).collect());
  assert.deepEqual(got, [30, 40, 60], "bufferUnordered(1) is an in-order, one-at-a-time async map");
});
