/**
 * Scene 2, ping-pong: two tasks take turns through the run queue.
 *
 * (Until the mpsc channel lands, the players take turns with `yieldNow()`;
 * with a channel, each will wait for the other's message instead.)
 *
 * Neither task can interrupt the other. Each runs until it returns Pending;
 * `yieldNow()` returns Pending after waking its own task, which puts the
 * task at the back of the run queue, behind the other one.
 *
 * @module
 */

import { asyncFn, future, Runtime, spawn, yieldNow } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/**
 * A player: says its word, then gives the other tasks a turn. Hoisted with
 * `asyncFn`, as generator functions that run often should be.
 */
const player = asyncFn(function* (say: Say, word: string, rounds: number) {
  for (let round = 1; round <= rounds; round++) {
    say(`${word} ${round}`);
    yield* yieldNow();
  }
  return rounds;
});

export async function pingPong(narrator: Narrator): Promise<void> {
  narrator.scene("2. Ping-pong: the run queue", "2-ping-pong", [
    "Futures are lazy: spawn() only puts a task in the run queue, and main keeps",
    "running until it returns Pending. A task is polled only after it was woken.",
    "yieldNow() wakes its own task and returns Pending, so the task goes to the",
    "back of the queue: ping and pong take turns, each poll running to its end.",
  ]);

  using rt = new Runtime({ trace: narrator.trace });
  await rt.run(
    future(function* () {
      const ping = spawn(player(narrator.voice("ping"), "ping", 2), { name: "ping" });
      const pong = spawn(player(narrator.voice("pong"), "pong", 2), { name: "pong" });
      // Awaiting a JoinHandle stores main's waker in the task: its
      // completion wakes main.
      yield* ping;
      yield* pong;
    }),
  );
}
