/**
 * Scene 5, a greedy task tamed by the budget.
 *
 * A task reading a channel that always has a message never returns Pending
 * on its own, and in a cooperative executor nothing can interrupt it. The
 * budget makes it yield: every poll may spend 128 units, a receive that
 * finds a message spends one, and when the budget is spent the receive
 * wakes its task and returns Pending instead. The task goes to the back of
 * the run queue, and the others get their turn.
 *
 * @module
 */

import { asyncFn, BUDGET, future, mpsc, Runtime, remainingBudget, spawn, yieldNow } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/**
 * Drains a channel that is never empty until it is closed: every recv()
 * is ready at once, so this loop would never wait for anything.
 */
const greedy = asyncFn(function* (say: Say, inbox: mpsc.Receiver<number>) {
  let total = 0;
  let thisTurn = 0;
  for (;;) {
    if (remainingBudget() === 0) {
      say(`${thisTurn} messages read this poll; the next recv() finds the budget spent`);
      thisTurn = 0;
    }
    const message = yield* inbox.recv();
    if (message === undefined) break; // closed and drained
    total++;
    thisTurn++;
  }
  say(`${thisTurn} messages: channel drained, ${total} in all`);
  return total;
});

/** Wants a turn now and then: says tick, then lets the others run. */
const polite = asyncFn(function* (say: Say, ticks: number) {
  for (let i = 1; i <= ticks; i++) {
    say(`tick ${i}`);
    yield* yieldNow();
  }
});

export async function budget(narrator: Narrator): Promise<void> {
  const messages = 2 * BUDGET + 44;
  narrator.scene("5. The budget tames a greedy task", "5-budget", [
    `"greedy" drains a channel holding ${messages} messages: every recv() is ready at once, so`,
    `it never waits. "polite" wants to tick now and then. Nothing can interrupt a poll,`,
    `but each poll may spend a budget of ${BUDGET} units and a ready recv() spends one: when`,
    "greedy's is spent, recv() wakes it and returns Pending, greedy goes to the back of",
    "the run queue, and polite gets its turn. Without the budget, polite would wait",
    "until the channel was empty. (This run is timed: its timeline in the report is",
    "drawn on time.)",
  ]);

  // Timestamps on (they cost a clock read per poll): the report's timeline
  // of this run is drawn on time, so greedy's long polls show as long bars.
  using rt = new Runtime({ trace: narrator.trace, timestamps: true });
  await rt.run(
    future(function* () {
      const [tx, rx] = mpsc.unbounded<number>();
      for (let i = 0; i < messages; i++) tx.send(i);
      tx[Symbol.dispose](); // closed: greedy stops once it has read them all
      const g = spawn(greedy(narrator.voice("greedy"), rx), { name: "greedy" });
      const p = spawn(polite(narrator.voice("polite"), 3), { name: "polite" });
      yield* g;
      yield* p;
    }),
  );
  narrator.metrics(rt.metrics());
}
