// Mutation check of the compiler: breaks each lowering rule on purpose,
// once, runs the compile tests, and reports whether a test caught it. Every
// line should say CAUGHT; a MISSED rule has no test that depends on it.
//
//   node --import tsx scripts/compile-mutations.ts [rule substring]
//
// Each mutation edits one file in place and restores it afterwards (also on
// failure); run it on a clean work tree.

import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

interface Mutation {
  rule: string;
  file: string;
  find: string;
  replace: string;
}

const MUTATIONS: Mutation[] = [
  {
    rule: "no temporaries before a later await",
    file: "src/compile/lower.ts",
    find: "    if (!needed || (t.isLiteral(e) && !t.isTemplateLiteral(e))) return e;",
    replace: "    return e;",
  },
  {
    rule: "return skips pending finally",
    file: "src/compile/lower.ts",
    find: '      if (f.phase !== "finally" && f.entry.finallyBlock !== undefined) return f.entry;',
    replace: "      if (f === null) return f.entry;",
  },
  {
    rule: "drop is caught by catch",
    file: "src/compile/lower.ts",
    find: '        t.binaryExpression("===", error, this.names.drop),',
    replace: "        t.booleanLiteral(false),",
  },
  {
    rule: "drop runs no finally",
    file: "src/async/compiled-future.ts",
    find: "    if (this.future === undefined && this.iterator === undefined) return;",
    replace: "    return;",
  },
  {
    rule: "short circuit evaluates both sides",
    file: "src/compile/lower.ts",
    find: "    this.emit(t.ifStatement(skip, t.blockStatement(this.goto(after))));",
    replace: "",
  },
  {
    rule: "for-of never closes its iterator",
    file: "src/compile/lower.ts",
    find: '      t.expressionStatement(t.callExpression(member(this.machine, "close"), [iterator, threw])),',
    replace: "      t.emptyStatement(),",
  },
  {
    rule: "leaf awaits do not report what they wait on",
    file: "src/async/compiled-future.ts",
    find: "        if (kind === LEAF && cx.onPending !== undefined) cx.onPending(f);",
    replace: "",
  },
  {
    rule: "nested awaits report themselves",
    file: "src/async/compiled-future.ts",
    find: "        if (kind === LEAF && cx.onPending !== undefined) cx.onPending(f);",
    replace: "        if (cx.onPending !== undefined) cx.onPending(f);",
  },
  {
    rule: "let in a loop is not reset",
    file: "src/compile/lower.ts",
    find: '              t.assignmentExpression("=", t.identifier(id.name), t.unaryExpression("void", t.numericLiteral(0))),',
    replace: "              t.identifier(id.name),",
  },
  {
    rule: "catch parameter not assigned",
    file: "src/compile/lower.ts",
    find: '          ...(entry.catchTarget ? [t.expressionStatement(t.assignmentExpression("=", entry.catchTarget, error))] : []),',
    replace: "",
  },
  {
    rule: "labelled jumps go to the innermost loop",
    file: "src/compile/lower.ts",
    find: "      const matches = node.label ? target.labels.includes(node.label.name) : isBreak || target.isLoop;",
    replace: "      const matches = isBreak || target.isLoop;",
  },
  {
    rule: "this is not captured",
    file: "src/compile/lower.ts",
    find: '          if (t.isThisExpression(child)) return (this.thisId ??= this.uid("this"));',
    replace: "",
  },
  {
    rule: "bare yields are not detected",
    file: "src/async/compiled-future.ts",
    find: "        this.kind = BARE_YIELD;",
    replace: "",
  },
  {
    rule: "closure capture of loop bindings not refused",
    file: "src/compile/lower.ts",
    find: "      if (inLoop && this.capturedByClosure(binding)) {",
    replace: "      if (inLoop && this.capturedByClosure(binding) && false) {",
  },
  {
    rule: "a try that completes normally skips its finally",
    file: "src/compile/lower.ts",
    find: "        this.jump(entry.finallyBlock);",
    replace: "        this.jump(after);",
  },
  {
    rule: "call receiver lost when arguments await",
    file: "src/compile/lower.ts",
    find: '      return t.callExpression(t.memberExpression(method, t.identifier("call")), [object, ...args]);',
    replace: "      return t.callExpression(method, args);",
  },
  {
    rule: "template part not stringified at its turn",
    file: "src/compile/lower.ts",
    find: '          return i < lastAwait ? this.frozen(t.templateLiteral([quasi(""), quasi("")], [value]), true) : value;',
    replace: "          return value;",
  },
  {
    rule: "polled after completion does not throw",
    file: "src/async/compiled-future.ts",
    find: "      this.end(FINISHED);",
    replace: "",
  },
  {
    rule: "jumps out of a try…finally without awaits are copied, not lowered",
    file: "src/compile/lower.ts",
    find: "    if (!mustCut(s)) {\n      this.emit(this.copied(s));",
    replace: "    if (!hasYield(s)) {\n      this.emit(this.copied(s));",
  },
  {
    rule: "native using registers nothing",
    file: "src/async/compiled-future.ts",
    find: "    stack.push(value, dispose);",
    replace: "",
  },
  {
    rule: "switch ignores the default clause",
    file: "src/compile/lower.ts",
    find: "    this.jump(fallback === -1 ? after : (clauses[fallback] ?? after));",
    replace: "    this.jump(after);",
  },
];

const only = process.argv[2];
let missed = 0;
for (const m of MUTATIONS) {
  if (only !== undefined && !m.rule.includes(only)) continue;
  const original = readFileSync(m.file, "utf8");
  if (original.split(m.find).length !== 2) {
    console.log(`STALE   ${m.rule}: the code to break is no longer in ${m.file}; update this script`);
    missed++;
    continue;
  }
  writeFileSync(m.file, original.replace(m.find, m.replace));
  try {
    const run = spawnSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "--test", "test/compile/lower.test.ts", "test/compile/equivalence.test.ts"],
      { encoding: "utf8", timeout: 180_000 },
    );
    const failed = run.stdout.split("\n").filter((l) => /^\s*not ok/.test(l)).length;
    const caught = run.status !== 0;
    if (!caught) missed++;
    console.log(
      `${caught ? "CAUGHT" : "MISSED"}  ${m.rule}${caught ? ` (${failed} failing${run.status === null ? ", timed out" : ""})` : ""}`,
    );
  } finally {
    writeFileSync(m.file, original);
  }
}
process.exitCode = missed === 0 ? 0 : 1;
