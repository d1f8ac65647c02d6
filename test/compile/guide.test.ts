// The guide shows the compiler's real output: if the compiler changes what it
// emits, this fails until docs/guides/compile.md shows the new output.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { compile } from "../../src/compile/index.js";

test("docs/guides/compile.md shows what the compiler makes of its example", () => {
  const guide = readFileSync("docs/guides/compile.md", "utf8");
  const program = /```ts\nimport \{ compile \} from "mini-tokio\/compile";\n\nconst source = `([^`]*)`;/.exec(guide);
  assert.ok(program !== null, "the guide's compile example was not found");
  const source = program[1] ?? "";
  const { code } = compile(source, { filename: "countdown.js", sourceMaps: false });
  assert.ok(
    guide.includes(`\`\`\`text output\n${code}\n\`\`\``),
    "the guide's output block is not the compiler's output",
  );
});
