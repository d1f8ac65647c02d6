import assert from "node:assert/strict";
import { test } from "node:test";
import vm from "node:vm";
import { ensureDisposeSymbol } from "../../src/future/symbols.js";

test("Symbol.dispose is defined where the engine lacks it, as Symbol.for('Symbol.dispose')", () => {
  // A fresh V8 realm: Node adds Symbol.dispose to its main realm only.
  const realm = vm.createContext({});
  const RealmSymbol: unknown = vm.runInContext("Symbol", realm);
  assert.equal(vm.runInContext("typeof Symbol.dispose", realm), "undefined");
  assert.equal(typeof RealmSymbol, "function");
  ensureDisposeSymbol(vm.runInContext("Symbol", realm));
  assert.equal(vm.runInContext("Symbol.dispose === Symbol.for('Symbol.dispose')", realm), true);
});

test("an engine's own Symbol.dispose is left as it is", () => {
  const before = Symbol.dispose;
  ensureDisposeSymbol(Symbol);
  assert.equal(Symbol.dispose, before);
});
