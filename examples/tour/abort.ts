/**
 * Scene 3, abort: cancellation is drop.
 *
 * `handle.abort()` does not stop anything by itself: it marks the task.
 * At the task's next turn the executor disposes its future instead of
 * polling it, which runs the body's `finally` blocks and `using`
 * disposals, the way Rust runs a dropped future's destructors.
 *
 * @module
 */

import { asyncFn, future, JoinError, Runtime, spawn, yieldNow } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/** A resource that must be released however the task ends. */
class Connection implements Disposable {
  constructor(private readonly say: Say) {
    say("connection opened");
  }

  [Symbol.dispose](): void {
    this.say("using: connection closed");
  }
}

/** Works forever, one round per turn, until someone aborts it. */
const worker = asyncFn(function* (say: Say) {
  // Held for its lifetime: disposed when the body ends, however it ends.
  using _connection = new Connection(say);
  try {
    for (let round = 1; ; round++) {
      say(`working, round ${round}`);
      yield* yieldNow();
    }
  } finally {
    // Cleanup is synchronous, like Rust's drop: awaiting here would throw.
    say("finally: runs because the executor drops this future");
  }
});

export async function abort(narrator: Narrator): Promise<void> {
  narrator.scene("3. Abort: cancellation is drop", [
    "abort() only marks the task: nothing can interrupt a poll in the middle.",
    "At the task's next turn the executor drops its future instead of polling it;",
    "dropping a generator future runs its finally blocks and using disposals, and",
    "the JoinHandle then reports a JoinError whose isCancelled() is true.",
  ]);

  const say = narrator.voice("main");
  using rt = new Runtime({ trace: narrator.trace });
  await rt.run(
    future(function* () {
      const handle = spawn(worker(narrator.voice("worker")), { name: "worker" });
      yield* yieldNow(); // let the worker run a round
      yield* yieldNow(); // and another
      say("handle.abort()");
      handle.abort();
      try {
        yield* handle; // the worker never returns: this can only throw
      } catch (error) {
        if (!(error instanceof JoinError)) throw error;
        say(`yield* handle threw JoinError "${error.message}", isCancelled() = ${error.isCancelled()}`);
      }
    }),
  );
}
