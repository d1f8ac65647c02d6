// Runs every test file under test/ on Node's built-in runner, through tsx.
// Node 20's `--test` does not look for .ts files by itself, and given no
// test it exits 0 having run nothing, so we list the files ourselves and
// fail when there are none, or when none of their tests ran.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith(".test.ts")) found.push(path);
  }
  return found.sort();
}

const filter = process.argv.slice(2);
const files = findTests("test").filter((f) => filter.length === 0 || filter.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error(`no test files found under test/${filter.length ? ` matching ${filter.join(", ")}` : ""}`);
  process.exit(1);
}
const countFile = join(mkdtempSync(join(tmpdir(), "mini-tokio-test-")), "count.json");
const result = spawnSync(
  process.execPath,
  [
    "--expose-gc",
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=./scripts/count-reporter.mjs",
    `--test-reporter-destination=${countFile}`,
    ...files,
  ],
  { stdio: "inherit" },
);
if (result.status !== 0) process.exit(result.status ?? 1);
const { passed, failed, skipped } = JSON.parse(readFileSync(countFile, "utf8"));
if (passed === 0) {
  console.error("the test runner executed no test: failing rather than reporting success");
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped (see SKIP above)` : ""}`);
