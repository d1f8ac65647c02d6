// Compile-time rules for streams, checked by `npm test`'s typecheck: the
// item type flows through every adapter, and misuse is a compile error.
// Each `@ts-expect-error` fails the typecheck if the line below it compiles.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type Awaitable,
  asyncFn,
  fromAsyncIterable,
  fromIterable,
  fromPromise,
  type Instant,
  type Item,
  interval,
  merge,
  Runtime,
  type StreamExt,
  stream,
  toAsyncIterable,
  toPromise,
  yieldNow,
} from "../../src/index.js";
import { type Equal, expectType } from "../support/types.js";

const lengthOf = asyncFn(function* (s: string) {
  yield* yieldNow();
  return s.length;
});

function typed(): void {
  const words = fromIterable(["a", "bb"]);
  expectType<Equal<typeof words, StreamExt<string>>>();
  const lengths = words.map((w) => w.length);
  expectType<Equal<typeof lengths, StreamExt<number>>>();
  const mixed = fromIterable<string | number>(["a", 1]);
  const onlyStrings = mixed.filter((x): x is string => typeof x === "string");
  expectType<Equal<typeof onlyStrings, StreamExt<string>>>();
  const stillMixed = mixed.filter((x) => x !== "b");
  expectType<Equal<typeof stillMixed, StreamExt<string | number>>>();
  const chained = lengths.chain(fromIterable([true]));
  expectType<Equal<typeof chained, StreamExt<number | boolean>>>();
  const merged = merge(fromIterable([1]), fromIterable(["x"]), stream(interval(10)));
  expectType<Equal<typeof merged, StreamExt<number | string | Instant>>>();
  expectType<Equal<Item<typeof merged>, number | string | Instant>>();
  const async = fromIterable(["abc"]).map(lengthOf).bufferUnordered(2);
  expectType<Equal<typeof async, StreamExt<number>>>();
  const next = async.next();
  expectType<Equal<typeof next, Awaitable<number | undefined>>>();
  const all = fromIterable([1]).collect();
  expectType<Equal<typeof all, Awaitable<number[]>>>();
  const iterable = toAsyncIterable(fromIterable([1n]));
  expectType<Equal<typeof iterable, AsyncIterableIterator<bigint>>>();
  const promised = toPromise(lengthOf("x"));
  expectType<Equal<typeof promised, Promise<number>>>();
  const awaited = fromPromise(async (signal): Promise<number> => (signal.aborted ? 0 : 1));
  expectType<Equal<typeof awaited, Awaitable<number>>>();
  async function* gen(): AsyncGenerator<string> {
    yield "x";
  }
  const pulled = fromAsyncIterable(gen());
  expectType<Equal<typeof pulled, StreamExt<string>>>();
}

function misuse(): void {
  // @ts-expect-error map's f must not return undefined: it marks the end of a stream
  fromIterable([1]).map((n) => (n > 0 ? n : undefined));
  // @ts-expect-error an iterable of possibly-undefined items cannot be a stream
  fromIterable([1, undefined]);
  // @ts-expect-error bufferUnordered needs a stream of futures
  fromIterable([1]).bufferUnordered(2);
  // @ts-expect-error an array is not a stream: use fromIterable
  stream([1, 2]);
  // @ts-expect-error a promise is not a future
  toPromise(Promise.resolve(1));
  // @ts-expect-error fromPromise wants a function that makes the promise
  fromPromise(Promise.resolve(1));
}

test("stream item types flow through the adapters and misuse does not compile (see the typecheck)", () => {
  assert.equal(typeof typed, "function");
  assert.equal(typeof misuse, "function");
  assert.deepEqual(
    new Runtime().blockOn(fromIterable(["abc", "d"]).map(lengthOf).bufferUnordered(1).collect()),
    [3, 1],
  );
});
