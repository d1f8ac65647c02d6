// Runs every test file under test/ on Node's built-in runner, through tsx.
// Node 20's `--test` does not look for .ts files by itself, and given a
// directory with none it exits 0 having run nothing, so we list the files
// ourselves and fail when there are none.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
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
const result = spawnSync(
  process.execPath,
  ["--expose-gc", "--import", "tsx", "--test", "--test-reporter", "spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
