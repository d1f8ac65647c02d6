/**
 * Scene 4, select: the loser is cancelled.
 *
 * Two tasks race; main waits for whichever finishes first. The loser's
 * JoinHandle is dropped, and dropping a JoinHandle aborts its task: at its
 * next turn the executor drops the loser's future, which runs its
 * `finally` blocks and `using` disposals, as Rust runs a dropped future's
 * destructors.
 *
 * @module
 */

import { asyncFn, future, now, Runtime, select, sleep, spawn } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/** A resource that must be released however the task ends. */
class Connection implements Disposable {
  constructor(
    private readonly say: Say,
    private readonly to: string,
  ) {
    say(`connected to ${to}`);
  }

  [Symbol.dispose](): void {
    this.say(`using: connection to ${this.to} closed`);
  }
}

/** Asks one mirror; answers after `ms`, unless it is dropped first. */
const fetchFrom = asyncFn(function* (say: Say, mirror: string, ms: number) {
  using _connection = new Connection(say, mirror);
  try {
    yield* sleep(ms);
    say(`answer after ${ms} ms`);
    return mirror;
  } finally {
    // Runs when the body returns, and when the executor drops this future.
    say(now().ms < ms ? `finally: dropped mid-sleep at ${now().ms} ms` : "finally: done");
  }
});

export async function selectScene(narrator: Narrator): Promise<void> {
  narrator.scene("4. select: the loser is cancelled", "4-select", [
    "Two tasks fetch the same thing from two mirrors; main selects the first answer.",
    "select polls both JoinHandles; when one is Ready it drops the other, and",
    "dropping a JoinHandle aborts its task. The executor then drops the loser's",
    "future at its turn: its finally blocks and using disposals run, like Rust's drop.",
  ]);

  const say = narrator.voice("main");
  using rt = new Runtime({ clock: "virtual", trace: narrator.trace });
  await rt.run(
    future(function* () {
      const near = spawn(fetchFrom(narrator.voice("near"), "near", 50), { name: "near" });
      const far = spawn(fetchFrom(narrator.voice("far"), "far", 400), { name: "far" });
      const winner = yield* select(near, far);
      say(`select: branch ${winner.index} won with ${JSON.stringify(winner.value)}; the other handle is dropped`);
      // The loser is dropped at its next turn; give it that turn to see it go.
      yield* sleep(1);
      say(`far is finished: ${far.isFinished()}`);
    }),
  );
  narrator.metrics(rt.metrics());
}
