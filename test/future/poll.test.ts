import assert from "node:assert/strict";
import { test } from "node:test";
import { isPending, isReady, PENDING, type Poll } from "../../src/index.js";

test("PENDING is a unique symbol that no value equals", () => {
  assert.equal(typeof PENDING, "symbol");
  assert.notEqual(PENDING, Symbol("PENDING"));
  assert.equal(PENDING.description, "PENDING");
});

test("isPending and isReady split a Poll, and ready falsy values stay ready", () => {
  const values: Poll<unknown>[] = [0, "", false, null, undefined, Number.NaN, {}];
  for (const v of values) {
    assert.equal(isReady(v), true, `isReady(${String(v)})`);
    assert.equal(isPending(v), false);
  }
  assert.equal(isPending(PENDING), true);
  assert.equal(isReady(PENDING), false);
});
