// Misuse of generator futures is a compile error whose message names the
// fix. test/types.test.ts checks that each misuse fails to compile; this
// compiles the misuse and reads what TypeScript says.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import ts from "typescript";

const dir = mkdtempSync(join(tmpdir(), "mini-tokio-type-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
const index = resolve("src/index.js");

/** The messages tsc gives for `program`, which imports the library as `lib`. */
function errorsOf(program: string): string[] {
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, `import * as lib from ${JSON.stringify(index)};\n${program}\n`);
  const config = ts.readConfigFile("tsconfig.json", ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, process.cwd());
  const checked = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(checked)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

test("a bare yield in future() or asyncFn() is an error whose message says to write yield*", () => {
  const errors = errorsOf(`
    lib.future(function* () { yield lib.sleep(10); return 1; });
    lib.asyncFn(function* (n: number) { yield n; });
    lib.future(function* () { yield* lib.sleep(10); yield lib.PENDING; return 1; }); // fine
  `);
  assert.equal(errors.length, 2, errors.join("\n---\n"));
  for (const e of errors) {
    assert.match(e, /a bare `yield` is not an await: write `yield\* f`/);
    assert.match(e, /yield\* awaitable\(f\)/);
    assert.match(e, /yield\* fromPromise\(\(\) => p\)/);
    assert.ok(e.split("\n").length <= 3, `the error is ${e.split("\n").length} levels deep:\n${e}`);
  }
});
