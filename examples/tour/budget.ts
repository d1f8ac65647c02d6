/**
 * Scene 5, a greedy task tamed by the budget.
 *
 * A task that is always ready never returns Pending on its own, and in a
 * cooperative executor nothing can interrupt it. The budget makes it
 * yield: every poll may spend 128 units, leaf futures spend one each time
 * they are ready, and when the budget is spent the leaf wakes its task and
 * returns Pending. The task goes to the back of the run queue, and the
 * others get their turn.
 *
 * @module
 */

import { asyncFn, BUDGET, consumeBudget, future, Runtime, remainingBudget, spawn, yieldNow } from "../../src/index.js";
import type { Narrator, Say } from "./narrator.js";

/**
 * Does `work` units of synchronous work, spending one unit of budget on
 * each (as a channel receive that always finds a message would). It never
 * waits for anything.
 */
const greedy = asyncFn(function* (say: Say, work: number) {
  let done = 0;
  let thisTurn = 0;
  while (done < work) {
    if (remainingBudget() === 0) {
      say(`${thisTurn} units: budget spent, consumeBudget() → Pending`);
      thisTurn = 0;
    }
    yield* consumeBudget();
    done++;
    thisTurn++;
  }
  say(`${thisTurn} units: all ${work} done`);
  return done;
});

/** Wants a turn now and then: says tick, then lets the others run. */
const polite = asyncFn(function* (say: Say, ticks: number) {
  for (let i = 1; i <= ticks; i++) {
    say(`tick ${i}`);
    yield* yieldNow();
  }
});

export async function budget(narrator: Narrator): Promise<void> {
  narrator.scene("5. The budget tames a greedy task", "5-budget", [
    `"greedy" does ${2 * BUDGET + 44} units of work and never waits; "polite" wants to tick now`,
    "and then. Nothing can interrupt a poll, but each poll may spend a budget of",
    `${BUDGET} units: when greedy's is spent, consumeBudget() wakes it and returns Pending,`,
    "greedy goes to the back of the run queue, and polite gets its turn.",
    "Without the budget, polite would wait until greedy's whole loop was done.",
  ]);

  using rt = new Runtime({ trace: narrator.trace });
  await rt.run(
    future(function* () {
      const g = spawn(greedy(narrator.voice("greedy"), 2 * BUDGET + 44), { name: "greedy" });
      const p = spawn(polite(narrator.voice("polite"), 3), { name: "polite" });
      yield* g;
      yield* p;
    }),
  );
}
