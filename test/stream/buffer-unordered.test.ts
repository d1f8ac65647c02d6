import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  type Context,
  type Future,
  fromIterable,
  future,
  noopWaker,
  now,
  PENDING,
  type Poll,
  sleep,
  spawn,
  stream,
  yieldNow,
} from "../../src/index.js";
import { Gate } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";
import { Feed } from "../support/streams.js";

test("a failing future: its error reaches the consumer, and disposing the stream disposes the futures still in flight, once each", () => {
  const slow = new Gate<string>();
  const other = new Gate<string>();
  const failing = future(function* () {
    yield* yieldNow();
    throw new Error("job 2 failed");
  });
  const source = Feed.of<Future<string>>([slow, failing, other]);
  const rt = virtual();
  assert.throws(
    () =>
      rt.blockOn(
        future(function* () {
          using s = stream(source).bufferUnordered(3);
          for (let v = yield* s.next(); v !== undefined; v = yield* s.next())
            assert.fail(`no value expected, got ${v}`);
        }),
      ),
    /job 2 failed/,
  );
  assert.equal(slow.disposed, 1);
  assert.equal(other.disposed, 1);
  assert.equal(source.disposed, 1);
});

test("disposing mid-way runs the finally of every future in flight and disposes the source, once", () => {
  const cleaned: number[] = [];
  const job = asyncFn(function* (id: number) {
    try {
      yield* sleep(1000);
      return id;
    } finally {
      cleaned.push(id);
    }
  });
  const source = new Feed<number>();
  for (let i = 1; i <= 5; i++) source.push(i);
  const rt = virtual();
  rt.blockOn(
    future(function* () {
      const s = stream(source).map(job).bufferUnordered(2);
      const reader = spawn(s.collect());
      yield* sleep(10);
      reader.abort();
      yield* yieldNow();
    }),
  );
  assert.deepEqual(cleaned.sort(), [1, 2], "only the two in flight had started");
  assert.equal(source.disposed, 1);
  assert.equal(rt.metrics().pendingTimers, 0);
});

test("at most n futures are in flight, and values come in completion order", () => {
  let running = 0;
  let most = 0;
  const job = asyncFn(function* (ms: number) {
    running++;
    most = Math.max(most, running);
    yield* sleep(ms);
    running--;
    return `${ms}@${now().ms}`;
  });
  const got = virtual().blockOn(fromIterable([50, 10, 30, 20, 5]).map(job).bufferUnordered(2).collect());
  // 50 and 10 start at 0; 10 ends at 10, 30 starts; 30 ends at 40, 20 starts;
  // 50 ends at 50, 5 starts; 5 ends at 55; 20 ends at 60.
  assert.deepEqual(got, ["10@10", "30@40", "50@50", "5@55", "20@60"]);
  assert.equal(most, 2);
});

test("only the futures that were woken are polled again", () => {
  const polls = [0, 0, 0];
  const gates = [new Gate<number>(), new Gate<number>(), new Gate<number>()];
  const counted = gates.map((g, i) => ({
    poll(cx: Context): Poll<number> {
      polls[i] = (polls[i] ?? 0) + 1;
      return g.poll(cx);
    },
  }));
  const s = fromIterable(counted).bufferUnordered(3);
  const cx = { waker: noopWaker() };
  assert.equal(s.pollNext(cx), PENDING);
  assert.deepEqual(polls, [1, 1, 1]);
  gates[1]?.open(42);
  assert.equal(s.pollNext(cx), 42);
  assert.deepEqual(polls, [1, 2, 1]);
  assert.equal(s.pollNext(cx), PENDING);
  assert.deepEqual(polls, [1, 2, 1], "nobody else was woken");
});

test("a future that wakes itself on every poll cannot keep one poll of the stream spinning", () => {
  let polls = 0;
  const busy: Future<number> = {
    poll(cx: Context): Poll<number> {
      polls++;
      if (polls > 10_000) throw new Error("spun");
      cx.waker.wakeByRef();
      return PENDING;
    },
  };
  const s = fromIterable([busy]).bufferUnordered(1);
  const { cx } = { cx: { waker: noopWaker() } };
  assert.equal(s.pollNext(cx), PENDING);
  assert.equal(polls, 1);
  assert.equal(s.pollNext(cx), PENDING);
  assert.equal(polls, 2);
});

test("a stream of non-futures, or a future resolving to undefined, is a TypeError", () => {
  const notFutures = fromIterable([1, 2]);
  assert.throws(
    () =>
      virtual().blockOn(
        stream(notFutures as never as ReturnType<typeof fromIterable<Future<number>>>)
          .bufferUnordered(1)
          .collect(),
      ),
    /bufferUnordered\(n\): the stream must yield futures.*got number 1/,
  );
  const voids = fromIterable([yieldNow()]).bufferUnordered(1);
  assert.throws(() => virtual().blockOn(voids.collect()), /a future resolved to undefined/);
});

test("spawned tasks as the futures: a bounded pool of workers whose results arrive as they finish", () => {
  const work = asyncFn(function* (n: number) {
    yield* sleep(n * 10);
    return n * n;
  });
  const got = virtual().blockOn(
    fromIterable([3, 1, 2])
      .map((n) => spawn(work(n)))
      .bufferUnordered(3)
      .collect(),
  );
  assert.deepEqual(got, [1, 4, 9]);
});
