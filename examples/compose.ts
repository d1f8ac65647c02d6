/**
 * The composition guide's examples (docs/guides/composition.md), runnable: `node --import tsx examples/compose.ts`.
 *
 * @module
 */

import { asyncFn, future, join, Mutex, now, Runtime, race, scope, select, sleep } from "../src/index.js";

const fetchUser = asyncFn(function* (id: number) {
  // stands in for real I/O
  yield* sleep(10 * id);
  return { id, name: `user ${id}` };
});
const fetchPosts = asyncFn(function* (id: number) {
  yield* sleep(15);
  return [`a post by ${id}`];
});

new Runtime({ clock: "virtual" }).blockOn(
  future(function* () {
    const [user, posts] = yield* join(fetchUser(1), fetchPosts(1));
    console.log(user.name, posts, "at", now().ms, "ms"); // user 1 [ 'a post by 1' ] at 15 ms
    const r = yield* select(fetchUser(60), sleep(500)); // fetchUser(60) would take 600 ms
    if (r.index === 1) console.log("timed out at", now().ms, "ms: fetchUser(60) was dropped");
    const first = yield* race(fetchUser(3), fetchUser(2));
    console.log(first.name, "won the race"); // user 2; fetchUser(3) was dropped
  }),
);

// A scope: the first failure cancels the siblings, and nothing outlives the scope.
const part = asyncFn(function* (ms: number) {
  try {
    yield* sleep(ms);
    if (ms === 20) throw new Error("part 20 failed");
    return ms;
  } finally {
    console.log(`part ${ms} ended at ${now().ms} ms`); // 10 at 10, 20 at 20, 30 at 20 (cancelled)
  }
});

const rt = new Runtime({ clock: "virtual" });
try {
  rt.blockOn(
    scope(function* (s) {
      const parts = [10, 20, 30].map((ms) => s.spawn(part(ms)));
      let total = 0;
      for (const p of parts) total += yield* p;
      return total;
    }),
  );
} catch (e) {
  console.log(String(e), "; tasks still alive:", rt.aliveTasks); // Error: part 20 failed ; tasks still alive: 0
}

// A dropped join disposes the values of its finished branches: a guard it held is released.
const mutex = new Mutex(0);
new Runtime({ clock: "virtual" }).blockOn(
  future(function* () {
    // The lock branch finishes at once; the join still waits for the sleep
    // when the select drops it at 10 ms, holding the guard.
    yield* select(join(mutex.lock(), sleep(100)), sleep(10));
    console.log("locked after the join was dropped:", mutex.isLocked); // false
  }),
);
