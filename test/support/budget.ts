// Harnesses for the cooperative-budget rule: a task whose operations are
// always ready must still yield now and then, so other tasks get to run.

import { type AsyncBody, future, Runtime, spawn } from "../../src/index.js";

/**
 * Runs the body `round` in a loop in one task (at most `limit` rounds) while a
 * second task waits to run once; returns how many rounds the loop had done
 * when the second task ran (-1 if it never did). A loop of ready-at-once
 * operations that spend budget lets it in within about one budget.
 */
export function roundsBeforeOtherTaskRuns(round: () => AsyncBody<unknown>, limit = 100_000): number {
  let rounds = 0;
  let seenAt = -1;
  new Runtime().blockOn(
    future(function* () {
      const spinner = spawn(
        future(function* () {
          while (seenAt < 0 && rounds < limit) {
            yield* round();
            rounds++;
          }
        }),
      );
      const other = spawn(
        future(function* () {
          seenAt = rounds;
        }),
      );
      yield* spinner;
      yield* other;
    }),
  );
  return seenAt;
}

/** The longest run of consecutive `entry` in `log`: how long one task went on before another got a turn. */
export function longestRun(log: readonly string[], entry: string): number {
  let run = 0;
  let longest = 0;
  for (const e of log) {
    run = e === entry ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
