// Each lowering rule, checked by running the same program as a generator
// future and compiled: same value or error, same log, same trace events.

import assert from "node:assert/strict";
import { test } from "node:test";
import { compile } from "../../src/compile/compile.js";
import { type Future, isFuture, noopWaker } from "../../src/index.js";
import { compiledCode, evaluate, observe, type RunOptions } from "../support/both-ways.js";

/** Runs `body` (the inside of a generator future, with `log` in scope) both ways and compares. */
function same(body: string, options: RunOptions = {}, prelude = "") {
  const source = `import { future, asyncFn, sleep, yieldNow, spawn, join, select } from "mini-tokio";
${prelude}
out.make = (log) => future(function* () {
${body}
});`;
  const plain = observe(source, false, options);
  const compiled = observe(source, true, options);
  assert.deepEqual(compiled, plain);
  return plain;
}

const tick = "yield* yieldNow()";

test("a sequence of awaits keeps locals across suspensions", () => {
  const r = same(`let a = 1; ${tick}; a += 1; yield* sleep(5); const b = a * 10; ${tick}; return a + b;`);
  assert.equal(r.value, 22);
});

test("await results are values: the awaited future's output", () => {
  const r = same(`const h = spawn(future(function* () { yield* sleep(3); return 7; })); return (yield* h) + 1;`);
  assert.equal(r.value, 8);
});

test("if/else with awaits in the test and both branches", () => {
  for (const n of [0, 1]) {
    same(`if ((${tick}, ${n})) { log.push("then"); ${tick}; } else { ${tick}; log.push("else"); } return "${n}";`);
  }
});

test("while, do-while and for loops with awaits, break and continue", () => {
  same(`let i = 0; while (i < 5) { ${tick}; i++; if (i === 2) continue; if (i === 4) break; log.push(i); } return i;`);
  same(`let i = 0; do { ${tick}; log.push(i); i++; } while (i < 3); return i;`);
  same(`let s = 0; for (let i = 0; i < 4; i++) { if (i === 1) continue; ${tick}; s += i; } return s;`);
});

test("labelled break and continue out of nested loops across awaits", () => {
  same(`outer: for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      ${tick};
      if (j === 1) continue outer;
      if (i === 2) break outer;
      log.push([i, j]);
    }
  } return "done";`);
});

test("for…of with awaits in the body closes the iterator on break", () => {
  same(
    `const it = counted(log); for (const x of it) { ${tick}; log.push(x); if (x === 2) break; } return "ok";`,
    {},
    `function* counted(log) { try { yield 1; yield 2; yield 3; } finally { log.push("closed"); } }`,
  );
});

test("for…of closes the iterator when the body throws, and the body's error wins", () => {
  same(
    `for (const x of it(log)) { ${tick}; throw new Error("boom " + x); }`,
    {},
    `const it = (log) => ({ [Symbol.iterator]() { return this; }, next() { return { done: false, value: 1 }; }, return() { log.push("return"); throw new Error("ignored"); } });`,
  );
});

test("for…of over an array reads what the array iterator reads, and sees a changed iteration", () => {
  // The compiled loop steps a plain array without the iterator protocol:
  // the reads (length, then the element) and what changes while it runs
  // must be the built-in iterator's.
  same(
    `const xs = [1, , 3]; for (const x of xs) { ${tick}; log.push(x); if (xs.length < 5) xs.push(xs.length * 10); } return xs.length;`,
  );
  same(
    `const xs = new Proxy([1, 2], { get(t, k, r) { if (typeof k === "string") log.push("get " + k); return Reflect.get(t, k, r); } });
    for (const x of xs) { ${tick}; log.push(x); } return "ok";`,
  );
  const iteratorProto = "Object.getPrototypeOf([][Symbol.iterator]())";
  // A `return` given to array iterators is called when the loop is left early.
  same(
    `const proto = ${iteratorProto};
    proto.return = function () { log.push("return"); return { done: true, value: undefined }; };
    try { for (const x of [1, 2, 3]) { ${tick}; log.push(x); if (x === 2) break; } } finally { delete proto.return; }
    return "ok";`,
  );
  // A replaced next() is the one called.
  same(
    `const proto = ${iteratorProto}; const next = proto.next;
    proto.next = function () { const r = next.call(this); log.push("next " + r.value); return r; };
    try { for (const x of [1, 2]) { ${tick}; log.push(x); } } finally { proto.next = next; }
    return "ok";`,
  );
  // So is an array's own iterator.
  same(
    `const xs = [1, 2]; xs[Symbol.iterator] = function* () { log.push("own"); yield 7; };
    for (const x of xs) { ${tick}; log.push(x); } return "ok";`,
  );
});

test("return from inside try runs finally; return in finally overrides", () => {
  same(`try { ${tick}; return 1; } finally { log.push("f"); ${tick}; }`);
  same(`try { ${tick}; return 1; } finally { log.push("f"); return 2; }`);
  same(`try { ${tick}; throw new Error("x"); } finally { log.push("f"); return 3; }`);
});

test("catch sees errors thrown by awaited futures and by code after an await", () => {
  same(
    `try { yield* spawn(future(function* () { ${tick}; throw new Error("child"); })); } catch (e) { log.push(e.message); } return 1;`,
  );
  same(`try { ${tick}; JSON.parse("{"); } catch ({ name }) { ${tick}; log.push(name); } return 2;`);
});

test("nested try/finally run innermost first, for return, break, and throw", () => {
  same(
    `for (;;) { try { try { ${tick}; break; } finally { log.push("inner"); ${tick}; } } finally { log.push("outer"); } } return "after";`,
  );
  same(
    `try { try { ${tick}; throw new Error("e"); } finally { log.push("inner"); } } catch (e) { log.push("caught " + e.message); } finally { log.push("outer"); }`,
  );
});

test("awaits inside expressions keep evaluation order", () => {
  same(
    `let a = 1; const f = () => { a = 100; return 5; }; const r = a + (yield* spawn(future(function* () { return f(); }))); return [r, a];`,
  );
  same(`const o = { v: 1, m(x, y) { return this.v + x + y; } }; let i = 0; return o.m(i++, (${tick}, i++));`);
  same(
    `let x = 0; const r = (x += 1, x) && (yield* spawn(future(function* () { return 4; }))); const s = 0 || (${tick}, "right"); const n = null ?? (${tick}, 9); return [r, s, n, x];`,
  );
  same(`let calls = 0; const t = (${tick}, true) ? (${tick}, "yes") : (calls++, "no"); return [t, calls];`);
  same(`let k = "a"; const s = \`\${k}-\${(k = "b", ${tick}, k)}-\${k}\`; return s;`);
  same(`const arr = [1, 2]; const r = [...arr, (arr.push(3), ${tick}, 0), ...arr]; return r;`);
  same(`const o = { a: 1 }; const r = { ...o, b: (o.a = 2, ${tick}, 3), c: o.a }; return r;`);
});

test("short circuits skip the awaits they skip", () => {
  same(
    `let ran = false; const r = false && (yield* spawn(future(function* () { ran = true; return 1; }))); return [r, ran];`,
  );
});

test("this and arguments are the generator's", () => {
  const source = `import { asyncFn, yieldNow } from "mini-tokio";
const method = asyncFn(function* (a, b) { yield* yieldNow(); const arrow = () => this.base + arguments.length; return arrow() + a + b; });
out.make = (log) => method.call({ base: 100 }, 1, 2);`;
  assert.deepEqual(observe(source, true), observe(source, false));
  assert.equal(observe(source, true).value, 105);
});

test("closures see the variables they capture change across awaits", () => {
  same(`let n = 0; const read = () => n; ${tick}; n = 5; ${tick}; return read();`);
});

test("dropping at each await runs pending finally blocks in order", () => {
  const body = `try { log.push("a"); ${tick}; try { log.push("b"); ${tick}; log.push("c"); } finally { log.push("inner"); } ${tick}; } finally { log.push("outer"); }`;
  for (let k = 0; k <= 4; k++) same(body, { dropAfterPolls: k });
});

test("awaiting during a drop throws the generator path's error, catchable in the finally", () => {
  same(`try { ${tick}; } finally { try { ${tick}; } catch (e) { log.push(e.message); } }`, { dropAfterPolls: 1 });
  same(`try { ${tick}; } finally { ${tick}; }`, { dropAfterPolls: 1 });
});

test("dropping inside a for…of closes its iterator", () => {
  same(
    `for (const x of counted(log)) { ${tick}; log.push(x); }`,
    { dropAfterPolls: 2 },
    `function* counted(log) { try { yield 1; yield 2; } finally { log.push("closed"); } }`,
  );
});

test("yield* of a plain helper generator runs it inline, with its own awaits", () => {
  same(
    `const v = yield* helper(log); return v * 2;`,
    {},
    `function* helper(log) { try { yield* yieldNow(); log.push("in helper"); return 21; } finally { log.push("helper done"); } }`,
  );
  same(
    `yield* helper(log);`,
    { dropAfterPolls: 1 },
    `function* helper(log) { try { yield* yieldNow(); } finally { log.push("helper dropped"); } }`,
  );
});

test("a future with its own [Symbol.iterator] or next is awaited through them, as yield* does", () => {
  // The compiled await polls a library future directly only when its
  // iterator and next are Awaitable's own: anything else is V8's yield*.
  const r = same(
    `return [yield* new OwnIterator(log), yield* new OwnNext(log), yield* new Plain(log)];`,
    {},
    `import { Awaitable } from "mini-tokio";
    class OwnIterator extends Awaitable {
      constructor(log) { super(); this.log = log; }
      poll() { return "polled"; }
      *[Symbol.iterator]() { this.log.push("its own iterator"); yield* yieldNow(); return "iterated"; }
    }
    class OwnNext extends Awaitable {
      constructor(log) { super(); this.log = log; }
      poll() { return "polled"; }
      next() { this.log.push("its own next"); return { done: true, value: "next" }; }
    }
    class Plain extends Awaitable {
      constructor(log) { super(); this.log = log; }
      poll() { this.log.push("polled"); return "plain"; }
    }`,
  );
  assert.deepEqual(r.value, ["iterated", "next", "plain"]);
});

test("yield* of a bare-yielding iterator throws the generator path's TypeError", () => {
  same(`try { yield* [1, 2]; } finally { log.push("f"); }`);
});

test("an error thrown after an await fails the task with the same trace", () => {
  const r = same(`${tick}; throw new RangeError("late");`);
  assert.equal(r.error, "RangeError: late");
});

test("polling after completion, or after a drop, throws the generator path's message", () => {
  const source = `import { future, yieldNow } from "mini-tokio";
out.make = () => future(function* () { yield* yieldNow(); return 1; });`;
  const cx = { waker: noopWaker() };
  const messages = (end: (f: Future<unknown>) => void) =>
    [false, true].map((compiled) => {
      const f = makeFuture(source, compiled);
      end(f);
      try {
        f.poll(cx);
        return "no error";
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    });
  const finished = messages((f) => {
    f.poll(cx);
    f.poll(cx);
  });
  assert.equal(finished[1], finished[0]);
  assert.match(finished[0] ?? "", /completed/);
  const dropped = messages((f) => {
    f.poll(cx);
    f[Symbol.dispose]?.();
  });
  assert.equal(dropped[1], dropped[0]);
  assert.match(dropped[0] ?? "", /dropped/);
});

function makeFuture(source: string, compiled: boolean): Future<unknown> {
  const make = evaluate(source, compiled).make;
  if (typeof make !== "function") throw new Error("no make");
  const f: unknown = make();
  if (!isFuture(f)) throw new Error("not a future");
  return f;
}

test("a generator future and a compiled one await each other", () => {
  same(
    `const inner = compiledLater(); return (yield* inner) + 1;`,
    {},
    `const compiledLater = () => future(function* () { yield* yieldNow(); return 1; });`,
  );
});

test("the generated code is a switch, with no generator left", () => {
  const code = compiledCode(`import { future, yieldNow } from "mini-tokio";
export const f = future(function* () { yield* yieldNow(); return 1; });`);
  assert.match(code, /switch/);
  assert.doesNotMatch(code, /function\s*\*/);
});

test("a future whose start binds nothing is its resume function alone; one that binds something keeps its start", () => {
  const code = (body: string, kind = "future") =>
    compile(`import { future, asyncFn } from "mini-tokio";\nexport const f = ${kind}(function* () { ${body} });`).code;
  // No await either: it runs once, with no machine.
  assert.match(code("return 1;"), /__miniTokioCompiled\.once\(function \(\) \{\s*return 1;/);
  assert.match(code("yield* yieldNow();"), /__miniTokioCompiled\.body\(function \(\$m\) \{/);
  // Locals across an await, `this`, or an asyncFn's call: the start function stays.
  assert.match(code("const a = 1; yield* yieldNow(); return a;"), /__miniTokioCompiled\.future\(function \(\)/);
  assert.match(code("return this;"), /__miniTokioCompiled\.future\(function \(\)/);
  assert.match(code("return 1;", "asyncFn"), /__miniTokioCompiled\.asyncFn\(function \(\)/);
  same("return [typeof this, arguments.length, 1];");
});

test("a body with no await behaves as its generator: dropped before its poll it never runs, polled again it throws the generator's errors", () => {
  const r = same(`const never = future(function* () { log.push("never ran"); return 0; });
    never[Symbol.dispose]();
    const once = future(function* () { log.push("once ran"); return 1; });
    const value = yield* once;
    const fails = future(function* () { throw new Error("thrown"); });
    const messages = [];
    for (const f of [once, fails, fails, never]) {
      try { yield* f; } catch (e) { messages.push(e.message); }
    }
    return [value, messages];`);
  assert.deepEqual(r.value, [
    1,
    [
      'a generator future was polled after it completed (Rust: "`async fn` resumed after completion"); a future is awaited once',
      "thrown",
      "a generator future was polled after it threw; a future is awaited once",
      "a generator future was polled after it was dropped; a future is awaited once",
    ],
  ]);
  assert.deepEqual(r.log, ["once ran"]);
});

test("closures made in a loop that awaits keep their iteration's binding, and share its changes", () => {
  // Each iteration's binding is a box the closures of that iteration keep.
  const r = same(`const fs = [];
    for (let i = 0; i < 3; i++) { fs.push(() => i); ${tick}; }
    for (const x of ["a", "b"]) { fs.push(() => x); ${tick}; }
    let k = 0;
    while (k < 2) { const c = k * 10; fs.push(function () { return c; }); ${tick}; k++; }
    return fs.map((f) => f());`);
  assert.deepEqual(r.value, [0, 1, 2, "a", "b", 0, 10]);
  // A closure's change is its iteration's: the loop sees it, and the next iteration starts from it.
  same(`const bumps = [];
    for (let i = 0; i < 6; i++) { const bump = () => { i += 1; }; bumps.push(bump); bump(); ${tick}; log.push(i); }
    bumps[0](); log.push("after"); return bumps.length;`);
  // The loop's own change after the closure was made is seen by the closure.
  same(
    `const fs = []; for (let i = 0; i < 2; i++) { const j = i; fs.push(() => j + i); ${tick}; } return fs.map((f) => f());`,
  );
  // A generator future spawned in the loop (compiled first) keeps its iteration's value.
  const spawned = same(`const hs = [];
    for (let i = 0; i < 3; i++) { hs.push(spawn(future(function* () { ${tick}; return i; }))); ${tick}; }
    const out = []; for (const h of hs) out.push(yield* h); return out;`);
  assert.deepEqual(spawned.value, [0, 1, 2]);
  // Dropped mid-loop: nothing boxed leaks into the finally.
  same(
    `let last; try { for (let i = 0; i < 5; i++) { last = () => i; ${tick}; } } finally { log.push("finally " + last()); }`,
    {
      dropAfterPolls: 2,
    },
  );
  // The same where the module binds an import's name again (the calls are
  // then resolved through whole-program scopes, and the inner future is
  // compiled before the outer one).
  const shadowed = same(
    `const hs = [];
    for (let i = 0; i < 3; i++) { hs.push(spawn(future(function* () { ${tick}; return i; }))); ${tick}; }
    const out = []; for (const h of hs) out.push(yield* h); return out;`,
    {},
    "function unrelated(future) { return future; }",
  );
  assert.deepEqual(shadowed.value, [0, 1, 2]);
  // Shorthand properties and destructuring assignments read and write the box.
  same(
    `const fs = []; for (let i = 0; i < 2; i++) { fs.push(() => ({ i })); [i] = [i]; ${tick}; } return fs.map((f) => f().i);`,
  );
});

test("a `let` without initializer in a loop starts undefined on every iteration", () => {
  same(`for (let i = 0; i < 2; i++) { let x; ${tick}; log.push(String(x)); x = i; }`);
});

test("what it cannot compile exactly stays a generator, with a warning", () => {
  const cases = {
    "a loop binding captured by a function declaration": `const fs = []; for (let i = 0; i < 2; i++) { yield* yieldNow(); if (i >= 0) { function g() { return i; } fs.push(g); } } return fs.map((f) => f());`,
    "a loop binding captured in a for without an update": `const fs = []; for (let i = 0; i < 2; ) { yield* yieldNow(); fs.push(() => i); i++; } return fs.map((f) => f());`,
    "an await inside for…in": `for (const k in { a: 1 }) { yield* yieldNow(); }`,
    "a bare yield": `yield 1;`,
    "a generator that names itself": `return typeof self;`,
  };
  for (const [what, body] of Object.entries(cases)) {
    const source = `import { future, yieldNow } from "mini-tokio";\nout.make = () => future(function* self() { ${body} });`;
    const result = compile(source, { filename: "x.js" });
    assert.equal(result.compiled, 0, what);
    assert.equal(result.warnings.length, 1, what);
    assert.match(result.warnings[0]?.message ?? "", /^x\.js:2:\d+: left as a generator: /, what);
    assert.equal(result.code, source, what);
  }
});

test("only calls of mini-tokio's own imports are compiled", () => {
  const local = compile(`function future(f) { return f; }\nexport const g = future(function* () { yield 1; });`);
  assert.equal(local.compiled, 0);
  const aliased = compile(
    `import { future as fut } from "mini-tokio";\nexport const g = fut(function* () { return 1; });`,
  );
  assert.equal(aliased.compiled, 1);
  const namespaced = compile(
    `import * as mt from "mini-tokio";\nexport const g = mt.asyncFn(function* (x) { return x; });`,
  );
  assert.equal(namespaced.compiled, 1);
  const shadowed = compile(
    `import { future } from "mini-tokio";\nexport function f(future) { return future(function* () { return 1; }); }`,
  );
  assert.equal(shadowed.compiled, 0);
});

test("a name of the import bound again anywhere in the module is resolved by scope, call by call", () => {
  // Without such a binding the compiler skips Babel's scopes; with one, the
  // call inside the shadowing scope stays as it is and the others compile.
  const shadows = {
    parameter: "function g(future) { return future(function* () { return 1; }); }",
    "destructured parameter": "function g({ future }) { return future(function* () { return 1; }); }",
    "catch parameter": "try {} catch (future) { future(function* () { return 1; }); }",
    "block const": "{ const future = (f) => f; future(function* () { return 1; }); }",
    "function declaration":
      "function h() { function future(f) { return f; } return future(function* () { return 1; }); }",
    "class name": "{ class future {} new future(); }",
    "callback parameter, in a call's arguments": "run((future) => future(function* () { return 1; }));",
    "parameter, in a member access's object":
      "(function (future) { return future(function* () { return 1; }); }).call(null);",
    "parameter, in a computed member": "table[((future) => future(function* () { return 1; }))(id)];",
  };
  for (const [what, shadow] of Object.entries(shadows)) {
    const source = `import { future } from "mini-tokio";\n${shadow}\nexport const f = future(function* () { return 2; });`;
    const result = compile(source, { filename: "x.js" });
    assert.equal(result.compiled, 1, what);
    assert.equal((result.code.match(/function\*/g) ?? []).length, shadow.includes("function*") ? 1 : 0, what);
    assert.deepEqual(result.warnings, [], what);
  }
  const namespace = compile(
    `import * as mt from "mini-tokio";\nfunction g(mt) { return mt.future(function* () { return 1; }); }\nexport const f = mt.future(function* () { return 2; });`,
  );
  assert.equal(namespace.compiled, 1);
  assert.match(namespace.code, /mt\.future\(function\* \(\) \{\s*return 1;/);
});

test("compile refuses a non-string with a TypeError naming what it got", () => {
  // @ts-expect-error: checking the run-time guard
  assert.throws(() => compile(42), /compile\(code\): code must be a string of JavaScript, got number/);
});

test("the source map points back into the original file", () => {
  const source = `import { future, yieldNow } from "mini-tokio";\nexport const f = future(function* () {\n  yield* yieldNow();\n  return 1;\n});`;
  const { map } = compile(source, { filename: "orig.js" });
  assert.ok(map !== undefined);
  assert.deepEqual(map.sources, ["orig.js"]);
  assert.ok(map.mappings.length > 0);
});

test("a nested generator future reads the outer one's block-scoped locals, renamed apart", () => {
  const r = same(`let x = "outer";
  if (x) {
    let x = "block";
    ${tick};
    const inner = future(function* () { yield* yieldNow(); let x2 = x; { let x = "inner"; ${tick}; x2 += "+" + x; } return x2; });
    return [x, yield* inner];
  }`);
  assert.deepEqual(r.value, ["block", "block+inner"]);
});

test("a block's local keeps its name when nothing else inside could mean it, and is renamed apart when something does", () => {
  // Each name below is meant twice (an outer binding, a parameter, a
  // `var`, a sibling block, a name free in the generator): hoisted
  // to the machine's top under one name, the two would be one variable.
  const r = same(
    `let x = "outer";
    { let x = "block"; ${tick}; x += "!"; }
    var v = "var";
    { let v = "let"; ${tick}; }
    { let s = 1; ${tick}; s++; }
    { let s = 10; ${tick}; s++; }
    { let alone = "kept"; ${tick}; log.push(alone); }
    { let free = "block"; ${tick}; }
    return [x, v, typeof free === "undefined" ? "free" : free];`,
  );
  assert.deepEqual(r.value, ["outer", "var", "free"]);
  const withParam = `import { asyncFn, yieldNow } from "mini-tokio";
out.make = () => asyncFn(function* (p) { { let p = "block"; yield* yieldNow(); } return p; })("param");`;
  assert.deepEqual(observe(withParam, true), observe(withParam, false));
  assert.equal(observe(withParam, true).value, "param");
  // Where the module binds `future` again, the generator is lowered in the
  // module's scopes: a module-level binding is one more meaning.
  const shadowed = same(
    `{ let q = "block"; ${tick}; } return q;`,
    {},
    `let q = "module"; function rebinds(future) { return future; }`,
  );
  assert.equal(shadowed.value, "module");
  const out = compile(
    `import { future, yieldNow } from "mini-tokio";
const f = future(function* () { { let alone = 1; yield* yieldNow(); alone++; } return 0; });`,
    { filename: "/kept.js", sourceMaps: false },
  ).code;
  assert.match(out, /let alone;/, "a local nothing else could mean keeps its name");
});

test("a local named like the emitted variables does not collide with them", () => {
  same(`let $state = "mine", $m = 1, $t = 2; ${tick}; const SUSPENDED = 3; return [$state, $m, $t, SUSPENDED];`);
});

test("switch with awaits: tests in order, default last, fallthrough, break and continue", () => {
  for (const v of [0, 1, 2, 3, 9]) {
    same(`let out = [];
    for (let round = 0; round < 2; round++) {
      switch ((${tick}, ${v} + round)) {
        case (log.push("test 1"), 1):
          out.push("one");
          ${tick};
        case 2: {
          let local = "two";
          ${tick};
          out.push(local);
          break;
        }
        default:
          out.push("default");
          ${tick};
          if (round === 0) continue;
        case (log.push("test 3"), ${tick}, 3):
          out.push("three");
      }
      out.push("after " + round);
    }
    return out;`);
  }
});

test("a labelled block with an await is left by break", () => {
  same(`let n = 0; block: { ${tick}; n = 1; if (n) break block; n = 2; } return n;`);
});

/**
 * Native `using` cannot run on Node 20, so the generator side runs what
 * esbuild lowers it to (what tsx runs there); the compiler compiles the
 * native declarations in blocks that await.
 */
function sameWithUsing(body: string, options: RunOptions = {}) {
  const source = `import { future, yieldNow } from "mini-tokio";
const res = (log, name, fail) => ({ [Symbol.dispose]() { log.push("dispose " + name); if (fail) throw new Error("dispose " + name); } });
out.make = (log) => future(function* () {
${body}
});`;
  const plain = observe(source, false, { ...options, lowerUsing: true });
  const compiled = observe(source, true, { ...options, lowerUsing: true });
  assert.deepEqual(compiled, plain);
  return plain;
}

test("native using declarations are disposed last first, at every exit, and on drop", () => {
  const body = `{
    using a = res(log, "a");
    ${tick};
    using b = res(log, "b"), c = null;
    log.push("body");
    ${tick};
  }
  for (let i = 0; i < 2; i++) { using r = res(log, "r" + i); ${tick}; if (i === 1) break; }
  return "done";`;
  const r = sameWithUsing(body);
  assert.deepEqual(r.log, ["body", "dispose b", "dispose a", "dispose r0", "dispose r1"]);
  for (let k = 0; k <= 4; k++) sameWithUsing(body, { dropAfterPolls: k });
});

test("errors thrown by disposals are chained as the language chains them", () => {
  const r = sameWithUsing(
    `using a = res(log, "a", true); using b = res(log, "b", true); ${tick}; throw new Error("body");`,
  );
  assert.equal(r.error, "SuppressedError: An error was suppressed during disposal");
  sameWithUsing(`using a = res(log, "a", true); ${tick}; return 1;`);
});

test("a jump out of a try…finally with no await inside still reaches the right handler when the finally throws", () => {
  const prelude = `function* counted(log) { try { yield 1; yield 2; } finally { log.push("closed"); } }`;
  same(
    `try { for (const x of counted(log)) { ${tick}; try { if (x === 1) break; } finally { log.push("f"); throw new Error("from finally"); } } } catch (e) { log.push("caught " + e.message); } return "after";`,
    {},
    prelude,
  );
  same(
    `for (const x of counted(log)) { ${tick}; try { return x; } finally { log.push("f" + x); if (x === 1) throw new Error("late"); } }`,
    {},
    prelude,
  );
});
