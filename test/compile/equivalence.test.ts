// The compiled state machine and the generator it came from cannot be told
// apart: for random generator bodies (loops, nested try/catch/finally,
// awaits inside expressions, early returns, throws, breaks, switch, using), random
// scheduling seeds and drops at random polls, both runs give the same
// value or error, the same log (cleanups included, in order) and the same
// trace events.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { observe } from "../support/both-ways.js";
import { program } from "../support/random-body.js";

test("random generator bodies behave the same compiled, with random seeds and drops", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      (programSeed, runSeed, dropAfterPolls) => {
        const source = program(programSeed);
        const options = {
          seed: runSeed,
          lowerUsing: true,
          ...(dropAfterPolls === undefined ? {} : { dropAfterPolls }),
        };
        const plain = observe(source, false, options);
        const compiled = observe(source, true, options);
        assert.deepEqual(compiled, plain, source);
      },
    ),
    { numRuns: 300 },
  );
});
