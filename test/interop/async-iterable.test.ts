import assert from "node:assert/strict";
import { test } from "node:test";
import {
  fromAsyncIterable,
  fromIterable,
  future,
  interval,
  now,
  PENDING,
  Runtime,
  sleep,
  spawn,
  stream,
  toAsyncIterable,
  yieldNow,
} from "../../src/index.js";
import { countingContext } from "../support/futures.js";
import { virtual } from "../support/runtimes.js";
import { Feed } from "../support/streams.js";

// --- Stream → AsyncIterable: ugly paths first ----------------------------------------

test("for await with break disposes the stream, once", async () => {
  const source = Feed.of([1, 2, 3, 4]);
  const seen: number[] = [];
  for await (const n of toAsyncIterable(stream(source).map((n) => n * 10))) {
    seen.push(n);
    if (n === 20) break;
  }
  assert.deepEqual(seen, [10, 20]);
  assert.equal(source.disposed, 1);
});

test("a throw inside the for await body disposes the stream", async () => {
  const source = Feed.of(["a", "b"]);
  await assert.rejects(async () => {
    for await (const s of toAsyncIterable(source)) throw new Error(`body failed at ${s}`);
  }, /body failed at a/);
  assert.equal(source.disposed, 1);
});

test("a stream that throws rejects next() with its error and is disposed", async () => {
  function* failing(): Generator<number> {
    yield 1;
    throw new Error("stream failed");
  }
  let disposed = 0;
  const s = fromIterable(failing());
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const n of toAsyncIterable({
      pollNext: (cx) => s.pollNext(cx),
      [Symbol.dispose]: () => {
        disposed++;
      },
    }))
      seen.push(n);
  }, /stream failed/);
  assert.deepEqual(seen, [1]);
  assert.equal(disposed, 1);
});

test("a stream read to its end is disposed, and next() after the end stays done", async () => {
  const source = Feed.of([1, 2]);
  const it = toAsyncIterable(source);
  assert.deepEqual(await it.next(), { done: false, value: 1 });
  assert.deepEqual(await it.next(), { done: false, value: 2 });
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  assert.equal(source.disposed, 1);
  assert.deepEqual(await it.next(), { done: true, value: undefined });
  await it.return?.();
  assert.equal(source.disposed, 1);
});

test("return() while a next() waits: the stream is disposed and the waiting next() ends as done", async () => {
  const source = new Feed<number>();
  const it = toAsyncIterable(source);
  const waiting = it.next();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(source.polls, 1, "the pull is parked on the stream");
  await it.return?.();
  assert.equal(source.disposed, 1);
  assert.deepEqual(await waiting, { done: true, value: undefined });
});

test("next() calls made before the previous one settled wait their turn: one poller at a time", async () => {
  const it = toAsyncIterable(fromIterable(["a", "b", "c"]));
  const all = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
  assert.deepEqual(
    all.map((r) => r.value),
    ["a", "b", "c", undefined],
  );
});

test("on a given runtime: a stream that waits on that runtime's timers, in virtual time", async () => {
  const rt = virtual();
  const ticks = rt.blockOn(
    future(function* () {
      yield* sleep(1000);
      return toAsyncIterable(stream(interval(100)).take(3)); // made inside a task: that runtime
    }),
  );
  const seen: number[] = [];
  for await (const at of ticks) seen.push(at.ms);
  assert.deepEqual(seen, [1000, 1100, 1200]);
});

test("bad input is a TypeError naming the argument", () => {
  assert.throws(() => toAsyncIterable([1, 2] as never), /toAsyncIterable\(s\): s must be a stream/);
  assert.throws(() => toAsyncIterable(new Feed(), {} as never), /runtime must be a Runtime/);
  assert.throws(
    () => fromAsyncIterable([1, 2] as never),
    /fromAsyncIterable\(iterable\): iterable must be async iterable.*use fromIterable/,
  );
  assert.throws(() => fromAsyncIterable(null as never), TypeError);
});

// --- AsyncIterable → Stream ----------------------------------------------------------

test("disposing fromAsyncIterable early calls the iterator's return() once: the async generator's finally runs", async () => {
  let finallies = 0;
  async function* numbers(): AsyncGenerator<number> {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      finallies++;
    }
  }
  const got = await new Runtime().run(fromAsyncIterable(numbers()).take(3).collect());
  assert.deepEqual(got, [0, 1, 2]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(finallies, 1);
});

test("fromAsyncIterable pulls one item at a time, only when polled", async () => {
  const log: string[] = [];
  async function* producer(): AsyncGenerator<string> {
    for (const x of ["a", "b", "c"]) {
      log.push(`produce ${x}`);
      yield x;
    }
  }
  await new Runtime().run(
    future(function* () {
      using s = fromAsyncIterable(producer());
      log.push(`got ${yield* s.next()}`);
      yield* yieldNow();
      log.push("consumer busy");
      log.push(`got ${yield* s.next()}`);
    }),
  );
  assert.deepEqual(log, ["produce a", "got a", "consumer busy", "produce b", "got b"]);
});

test("an async iterator that rejects: the poll throws its error as it is, and return() is not called", async () => {
  const own = new Error("producer failed");
  let returned = 0;
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(own),
      return: () => {
        returned++;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  await assert.rejects(new Runtime().run(fromAsyncIterable(iterable).collect()), (e) => e === own);
  assert.equal(returned, 0);
});

test("a dropped fromAsyncIterable forgets its pull in flight: the late result wakes no one", async () => {
  let release: ((r: IteratorResult<number>) => void) | undefined;
  let returned = 0;
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        new Promise<IteratorResult<number>>((resolve) => {
          release = resolve;
        }),
      return: () => {
        returned++;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  const { cx, wakes } = countingContext();
  const s = fromAsyncIterable(iterable);
  assert.equal(s.pollNext(cx), PENDING);
  s[Symbol.dispose]();
  s[Symbol.dispose]();
  assert.equal(returned, 1);
  release?.({ done: false, value: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(wakes(), 0);
  assert.throws(() => s.pollNext(cx), /disposed/, "polling a dropped stream is a bug, and says so");
});

test("while a pull is pending, virtual time does not jump past it", async () => {
  async function* slowly(): AsyncGenerator<string> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield "late";
  }
  const rt = virtual();
  const got = await rt.run(
    future(function* () {
      const sleeper = spawn(sleep(60_000));
      const item = yield* fromAsyncIterable(slowly()).next();
      const at = now().ms;
      yield* sleeper;
      return { item, at, end: now().ms };
    }),
  );
  assert.deepEqual(got, { item: "late", at: 0, end: 60_000 });
});

test("round trip: AsyncIterable → Stream → AsyncIterable keeps every item and the order", async () => {
  async function* source(): AsyncGenerator<number> {
    for (let i = 0; i < 20; i++) yield i;
  }
  const out: number[] = [];
  for await (const n of toAsyncIterable(fromAsyncIterable(source()).filter((n) => n % 3 === 0))) out.push(n);
  assert.deepEqual(out, [0, 3, 6, 9, 12, 15, 18]);
});
