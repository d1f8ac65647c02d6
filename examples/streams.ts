/**
 * The example of docs/guides/streams.md, runnable: `node --import tsx examples/streams.ts`.
 *
 * @module
 */

import { asyncFn, fromIterable, future, interval, merge, now, Runtime, sleep, stream } from "../src/index.js";

const fetchUser = asyncFn(function* (id: number) {
  // stands in for real I/O
  yield* sleep(10 * id);
  return { id, name: `user ${id}` };
});

new Runtime({ clock: "virtual" }).blockOn(
  future(function* () {
    using users = fromIterable([3, 1, 4, 5])
      .filter((id) => id !== 5)
      .map(fetchUser) // a stream of futures…
      .bufferUnordered(2); // …run two at a time, values as they finish
    for (let u = yield* users.next(); u !== undefined; u = yield* users.next()) {
      console.log(u.name, "at", now().ms, "ms"); // user 1 at 10, user 3 at 30, user 4 at 50
    }

    const ticks = stream(interval(100))
      .take(2)
      .map((at) => `tick at ${at.ms}`);
    const events = yield* merge(ticks, fromIterable(["start", "go"])).collect();
    console.log(events); // ["tick at 50", "start", "go", "tick at 150"]
  }),
);
