/**
 * The example of docs/guides/promise-interop.md, runnable:
 * `node --import tsx examples/promises.ts`.
 *
 * @module
 */

import { setTimeout as delay } from "node:timers/promises";
import {
  fromAsyncIterable,
  fromIterable,
  fromPromise,
  future,
  timeout,
  toAsyncIterable,
  toPromise,
} from "../src/index.js";

// Promise-based work as a future: started at the first poll, aborted when dropped.
const slow = fromPromise((signal) => delay(10_000, "slow reply", { signal }));
const answer = future(function* () {
  try {
    return yield* timeout(50, slow); // dropped after 50 ms: its signal aborts the timer
  } catch {
    return "gave up";
  }
});
console.log(await toPromise(answer)); // "gave up", on a fresh runtime

// A stream for `for await`…
for await (const n of toAsyncIterable(fromIterable([1, 2, 3]).map((n) => n * 2))) {
  console.log(n); // 2, 4
  if (n === 4) break; // disposes the stream
}

// …and an async iterable as a stream, pulled one item at a time.
async function* lines() {
  yield "first";
  yield "second";
}
console.log(
  await toPromise(
    fromAsyncIterable(lines())
      .map((l) => l.toUpperCase())
      .collect(),
  ),
); // ["FIRST", "SECOND"]
