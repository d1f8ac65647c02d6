// Compile-time rules, checked by `npm test`'s typecheck (tsc over test/):
// `yield*` types the awaited value, and misuse is a compile error. Each
// `@ts-expect-error` fails the typecheck if the line below it compiles.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  asyncFn,
  awaitable,
  type Context,
  future,
  type GeneratorFuture,
  type JoinHandle,
  PENDING,
  type Poll,
  Runtime,
  spawn,
  yieldNow,
} from "../src/index.js";
import { type Equal, expectType } from "./support/types.js";

const answer = asyncFn(function* (n: number) {
  yield* yieldNow();
  return `${n}`;
});

const program = future(function* () {
  const s = yield* answer(42);
  expectType<Equal<typeof s, string>>();
  const h = spawn(answer(1));
  expectType<Equal<typeof h, JoinHandle<string>>>();
  const joined = yield* h;
  expectType<Equal<typeof joined, string>>();
  const foreign = yield* awaitable({ poll: (_cx: Context): Poll<boolean> => true });
  expectType<Equal<typeof foreign, boolean>>();
  const nothing = yield* yieldNow();
  expectType<Equal<typeof nothing, void>>();
  return [s, joined, foreign] as const;
});
expectType<Equal<typeof program, GeneratorFuture<readonly [string, string, boolean]>>>();

// A body returning object literals of different shapes needs no annotation.
const shapes = future(function* () {
  yield* yieldNow();
  if (Math.random() < 0.5) return { kind: "a" as const, n: 1 };
  return { kind: "b" as const, s: "x" };
});
expectType<
  Equal<
    typeof shapes,
    GeneratorFuture<{ kind: "a"; n: number; s?: undefined } | { kind: "b"; s: string; n?: undefined }>
  >
>();
// An empty body, and one that only returns, are futures of their value.
const empty = future(function* () {});
expectType<Equal<typeof empty, GeneratorFuture<void>>>();

function misuse(): void {
  // @ts-expect-error a bare `yield` of a value is not an await
  future(function* () {
    yield 5;
  });
  // @ts-expect-error a Promise is not a future: it has no poll
  spawn(Promise.resolve(1));
  // @ts-expect-error asyncFn arguments are type-checked
  answer("not a number");
  const rt = new Runtime();
  // @ts-expect-error blockOn returns the future's own type
  const wrong: number = rt.blockOn(answer(1));
  void wrong;
  // A PENDING yield is allowed: it is what `yield*` forwards.
  future(function* () {
    yield PENDING;
  });
}

test("yield* types the awaited value and misuse does not compile (see the typecheck)", () => {
  assert.equal(typeof misuse, "function");
  assert.deepEqual(new Runtime().blockOn(program), ["42", "1", true]);
});
