/**
 * Scene 2, ping-pong over channels: each task waits for the other's message.
 *
 * Two tasks pass a counter back and forth over two mpsc channels. A task
 * that receives from an empty channel stores its waker in the channel and
 * returns Pending; the other task's send puts the message in and calls
 * that waker. So every wake in this run comes from a task: no timer, no
 * host, just two futures handing each other the turn.
 *
 * @module
 */

import { asyncFn, future, mpsc, Runtime, spawn } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/**
 * A player: receives the ball, says it, sends it back one higher, `rounds`
 * times. Hoisted with `asyncFn`, as generator functions that run often
 * should be.
 */
const player = asyncFn(function* (
  say: Say,
  word: string,
  inbox: mpsc.Receiver<number>,
  outbox: mpsc.Sender<number>,
  rounds: number,
) {
  for (let round = 1; round <= rounds; round++) {
    const ball = yield* inbox.recv(); // Pending while the channel is empty
    if (ball === undefined) return round - 1; // the other side hung up
    say(`${word} ${ball}`);
    yield* outbox.send(ball + 1); // wakes the other player if it waits
  }
  return rounds;
});

export async function pingPong(narrator: Narrator): Promise<void> {
  narrator.scene("2. Ping-pong over channels", "2-ping-pong", [
    "Two tasks pass a ball over two mpsc channels. recv() on an empty channel stores",
    "the task's waker in the channel and returns Pending; the other task's send()",
    "puts the ball in and calls that waker, so the receiver is queued again. Each",
    "wake here comes from a task: two futures handing each other the turn.",
  ]);

  const say = narrator.voice("main");
  using rt = new Runtime({ trace: narrator.trace });
  await rt.run(
    future(function* () {
      const [toPing, pingInbox] = mpsc.channel<number>(1);
      const [toPong, pongInbox] = mpsc.channel<number>(1);
      const ping = spawn(player(narrator.voice("ping"), "ping", pingInbox, toPong, 2), { name: "ping" });
      const pong = spawn(player(narrator.voice("pong"), "pong", pongInbox, toPing, 2), { name: "pong" });
      say("serves: toPing.send(1)");
      yield* toPing.send(1);
      // Awaiting a JoinHandle stores main's waker in the task: its
      // completion wakes main.
      yield* ping;
      yield* pong;
    }),
  );
  narrator.metrics(rt.metrics());
}
