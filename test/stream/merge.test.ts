import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  fromIterable,
  future,
  merge,
  noopWaker,
  now,
  PENDING,
  sleep,
  spawn,
  stream,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";
import { Feed, Forever } from "../support/streams.js";

test("a stream that ends early is disposed at once, and the merge goes on with the others", () => {
  const short = Feed.of(["s1"]);
  const long = new Feed<string>();
  const cx = { waker: noopWaker() };
  const m = merge(short, long);
  assert.equal(m.pollNext(cx), "s1");
  assert.equal(m.pollNext(cx), PENDING, "the short stream ended; the long one has nothing yet");
  assert.equal(short.disposed, 1, "the ended stream was released");
  long.push("l1");
  long.push("l2");
  assert.equal(m.pollNext(cx), "l1");
  assert.equal(m.pollNext(cx), "l2");
  long.end();
  assert.equal(m.pollNext(cx), undefined, "ends once every stream has ended");
  assert.equal(long.disposed, 1);
  m[Symbol.dispose]();
  assert.deepEqual([short.disposed, long.disposed], [1, 1]);
});

test("merge is fair: two always-ready streams take turns, neither is polled first every time", () => {
  const a = new Forever();
  const b = new Forever();
  const cx = { waker: noopWaker() };
  using m = merge(
    stream(a).map((n) => `a${n}`),
    stream(b).map((n) => `b${n}`),
  );
  const got = Array.from({ length: 6 }, () => m.pollNext(cx));
  assert.deepEqual(got, ["a0", "b0", "a1", "b1", "a2", "b2"]);
});

test("a pending merge is woken by whichever stream gets an item", () => {
  const a = new Feed<number>();
  const b = new Feed<number>();
  const { cx, wakes } = countingContext();
  const m = merge(a, b);
  assert.equal(m.pollNext(cx), PENDING, "both streams hold the waker");
  b.push(2);
  assert.equal(wakes(), 1);
  assert.equal(m.pollNext(cx), 2);
  m.pollNext(cx);
  a.push(1);
  assert.equal(wakes(), 2);
  assert.equal(m.pollNext(cx), 1);
});

test("disposing a merge disposes every stream still live, once", () => {
  const a = Feed.of([1]);
  const b = new Feed<number>();
  const c = new Feed<number>();
  const cx = { waker: noopWaker() };
  const m = merge(a, b, c);
  assert.equal(m.pollNext(cx), 1);
  m.pollNext(cx); // a ends here
  m[Symbol.dispose]();
  m[Symbol.dispose]();
  assert.deepEqual([a.disposed, b.disposed, c.disposed], [1, 1, 1]);
});

test("merge() of nothing ends at once", () => {
  assert.deepEqual(virtual().blockOn(merge().collect()), []);
});

test("merge of timed streams yields items in time order, each stream in its own order", () => {
  const tick = asyncFn(function* (label: string, ms: number) {
    yield* sleep(ms);
    return `${label}@${now().ms}`;
  });
  const rt = virtual();
  const got = rt.blockOn(
    future(function* () {
      const fast = fromIterable([10, 10, 10])
        .map((ms) => tick("fast", ms))
        .bufferUnordered(1);
      const slow = fromIterable([25, 25])
        .map((ms) => tick("slow", ms))
        .bufferUnordered(1);
      return yield* merge(fast, slow).collect();
    }),
  );
  assert.deepEqual(got, ["fast@10", "fast@20", "slow@25", "fast@30", "slow@50"]);
});

test("merge of a channel-like feed and an array, read by a task while another feeds it", () => {
  const feed = new Feed<string>();
  const got = virtual().blockOn(
    future(function* () {
      const writer = spawn(
        future(function* () {
          for (const word of ["x", "y"]) {
            yield* sleep(5);
            feed.push(word);
          }
          feed.end();
        }),
      );
      const all = yield* merge(feed, fromIterable(["a", "b"])).collect();
      yield* writer;
      return all;
    }),
  );
  assert.deepEqual(got, ["a", "b", "x", "y"]);
});
