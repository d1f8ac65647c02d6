// Our `unsafe`: every place in src/ where the type checker is told to trust
// us — an `as T` cast (not `as const`), a non-null `!`, or `any`. The list is
// short on purpose; each entry carries a `// SAFETY:` comment saying why it
// is sound, the unsafe guide's list gives each with its reason, and the
// README names it. Adding one means adding it here too,
// with its reason, so no unchecked cast slips in unnoticed.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

/** file → the source text of each unchecked construct in it. */
const EXPECTED: Record<string, string[]> = {
  "src/future/waker.ts": ["raw.vtable as RawWakerVTable<unknown>"],
  "src/async/awaitable.ts": ["READY_STEP as IteratorReturnResult<T>"],
  "src/async/compiled-future.ts": ["x as Awaitable<unknown>"],
  "src/task/task.ts": ["TASK_VTABLE as RawWakerVTable<unknown>", "output as T"],
  "src/blocking/pool.ts": ["outcome as T"],
  "src/combinators/join.ts": ["new Join<unknown>(futures, failFast, api) as Awaitable<Joined<F>>"],
  "src/combinators/select.ts": [
    "makeSelect(api, futures, biased, true) as Awaitable<Selected<F>>",
    "makeSelect(api, futures, biased, false) as Awaitable<Output<F[number]>>",
  ],
};

interface Site {
  file: string;
  line: number;
  code: string;
  hasSafetyComment: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function uncheckedSites(file: string): Site[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split("\n");
  const sites: Site[] = [];
  const visit = (node: ts.Node): void => {
    const isCast =
      (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) &&
      !(ts.isTypeReferenceNode(node.type) && node.type.getText(source) === "const");
    if (isCast || ts.isNonNullExpression(node) || node.kind === ts.SyntaxKind.AnyKeyword) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const above = lines.slice(Math.max(0, line - 4), line + 1).join("\n");
      sites.push({ file, line: line + 1, code: node.getText(source), hasSafetyComment: /\/\/ SAFETY:/.test(above) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

const sites = sourceFiles("src").flatMap(uncheckedSites);

test("src/ has exactly the unchecked casts we listed, no more", () => {
  const found: Record<string, string[]> = {};
  for (const s of sites) (found[s.file] ??= []).push(s.code);
  assert.deepEqual(found, EXPECTED);
});

test("every unchecked cast has a SAFETY comment just above it", () => {
  const missing = sites.filter((s) => !s.hasSafetyComment).map((s) => `${s.file}:${s.line} ${s.code}`);
  assert.deepEqual(missing, []);
});

test("the README and the unsafe guide's list name every unchecked cast", () => {
  for (const doc of ["README.md", "docs/guides/unsafe.md"]) {
    const text = readFileSync(doc, "utf8");
    for (const [file, codes] of Object.entries(EXPECTED)) {
      for (const code of codes) assert.ok(text.includes(code), `${doc} does not mention \`${code}\` (${file})`);
    }
  }
});

test("the unsafe guide's list has one row per unchecked cast, each with its file", () => {
  const rows = readFileSync("docs/guides/unsafe.md", "utf8")
    .split("\n")
    .filter((line) => /^\| `src\//.test(line));
  const listed = Object.entries(EXPECTED).flatMap(([file, codes]) => codes.map((code) => ({ file, code })));
  assert.equal(rows.length, listed.length);
  for (const { file, code } of listed) {
    assert.ok(
      rows.some((row) => row.startsWith(`| \`${file}\``) && row.includes(`\`${code}\``)),
      `no row for ${code} in ${file}`,
    );
  }
});
