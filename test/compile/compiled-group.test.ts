// The compiled group of `npm test` runs these files a second time with
// mini-tokio/register loaded after tsx: this file checks that its futures
// really are compiled there (and really are generators in the fast group),
// so a hook that silently stopped compiling, on some Node, fails the run.

import assert from "node:assert/strict";
import { test } from "node:test";
import { future, yieldNow } from "../../src/index.js";

const registered = process.execArgv.some((arg) => arg.endsWith("compile/register.ts"));

test(`a generator future here is ${registered ? "compiled (the compiled group)" : "a generator (not compiled)"}, on Node ${process.versions.node}`, () => {
  const f = future(function* () {
    yield* yieldNow();
    return 1;
  });
  assert.equal(f.constructor.name, registered ? "CompiledFuture" : "GeneratorFuture");
  // A body with no await and nothing to bind runs once, with no machine.
  const g = future(function* () {
    return 1;
  });
  assert.equal(g.constructor.name, registered ? "OnceFuture" : "GeneratorFuture");
});
