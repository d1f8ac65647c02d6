import assert from "node:assert/strict";
import { test } from "node:test";
import vm from "node:vm";
import { ensureDisposeSymbol } from "../../src/future/symbols.js";

test("Symbol.dispose is defined where the engine lacks it, as Symbol.for('Symbol.dispose')", (t) => {
  // A fresh V8 realm: Node 20 and 22 add Symbol.dispose to their main realm
  // only. From V8 13 on (Node 24) every realm has its own, and there is no
  // engine without one to try it on.
  const realm = vm.createContext({});
  if (vm.runInContext("typeof Symbol.dispose", realm) === "symbol") {
    t.skip("this engine defines Symbol.dispose in every realm");
    return;
  }
  const RealmSymbol: unknown = vm.runInContext("Symbol", realm);
  assert.equal(typeof RealmSymbol, "function");
  ensureDisposeSymbol(vm.runInContext("Symbol", realm));
  assert.equal(vm.runInContext("Symbol.dispose === Symbol.for('Symbol.dispose')", realm), true);
});

test("an engine's own Symbol.dispose is left as it is", () => {
  const before = Symbol.dispose;
  ensureDisposeSymbol(Symbol);
  assert.equal(Symbol.dispose, before);
});
