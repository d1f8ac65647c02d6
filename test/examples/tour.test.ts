// `npm run demo` is the project's front door: run it end to end, as a user
// would, and check what it prints and writes.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { assertWellFormed } from "../support/markup.js";

test("the tour runs its seven scenes and draws every run into the output folder", () => {
  const out = mkdtempSync(join(tmpdir(), "mini-tokio-demo-"));
  try {
    const run = spawnSync(process.execPath, ["--import", "tsx", "examples/tour.ts", "--out", out], {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, "");
    for (const title of [
      "1. Poll, Pending, wake: a hand-written future",
      "2. Ping-pong",
      "3. Timers under virtual time",
      "4. select: the loser is cancelled",
      "5. The budget tames a greedy task",
      "6. A socket read: woken by the host",
      "7. What your generator compiles to",
    ]) {
      assert.ok(run.stdout.includes(`── ${title}`), `the log lacks scene "${title}"`);
    }
    assert.match(run.stdout, /#2 greedy +· 128 messages read this poll/);
    assert.match(run.stdout, /#2 greedy +budget +spent: the leaf future returns Pending/);
    assert.match(run.stdout, /#3 far +· finally: dropped mid-sleep at 50 ms/);
    assert.match(run.stdout, /#\d+ server +· read\(\): no bytes yet/);
    assert.match(run.stdout, /#\d+ server +· read\(\) is Ready: 4 bytes, "ping"/);
    // Scene 7: the generator and its compiled machine make the same executor steps.
    assert.match(run.stdout, /main +· returned 42; this future was a GeneratorFuture/);
    assert.match(run.stdout, /main +· returned 42; this future was a CompiledFuture/);
    assert.match(
      run.stdout,
      /if \(\$m\.first\(\$m\.awaited = yieldNow\(\), [^\n]*\) === \$SUSPENDED\) \{\n +\$m\.state = \d+;\n +return \$SUSPENDED;/,
    );
    assert.match(run.stdout, /Both runs made the same 10 executor steps/);
    assert.match(run.stdout, /Open .*report\.html in a browser/);

    const files = readdirSync(out).sort();
    assert.deepEqual(files, [
      "1-waker-contract-blockon.svg",
      "1-waker-contract-run.svg",
      "2-ping-pong.svg",
      "3-timers.svg",
      "4-select.svg",
      "5-budget.svg",
      "6-socket.svg",
      "7-compiled-compiled.svg",
      "7-compiled-generator.svg",
      "report.html",
      "trace.json",
    ]);
    for (const svg of files.filter((f) => f.endsWith(".svg"))) {
      const text = readFileSync(join(out, svg), "utf8");
      assertWellFormed(text);
      assert.match(text, />Executor<\/text>/, `${svg} has no executor lane`);
      assert.match(text, />poll<\/text>/, `${svg} has no poll`);
    }
    // The socket scene's wake comes from the host: the read's 'data' listener.
    assert.match(readFileSync(join(out, "6-socket.svg"), "utf8"), />Host<\/text>/);
    const report = readFileSync(join(out, "report.html"), "utf8");
    assertWellFormed(report, { html: true });
    assert.equal([...report.matchAll(/<section class="run"/g)].length, 9);
    const { scenes } = JSON.parse(readFileSync(join(out, "trace.json"), "utf8"));
    assert.equal(scenes.length, 9);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
