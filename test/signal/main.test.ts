// main() and termination signals, on real child processes sent real signals.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { main, yieldNow } from "../../src/index.js";

const SCRIPT = fileURLToPath(new URL("./fixtures/interrupted-main.ts", import.meta.url));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** Starts the fixture in `mode`, sends `signals` one by one (each after the previous output settles), collects how it ended. */
function interrupt(mode: string, signals: NodeJS.Signals[], afterEach = "ready"): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, mode], { stdio: ["ignore", "pipe", "inherit"] });
    const limit = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the child (${mode}) did not end; output so far: ${stdout}`));
    }, 30_000);
    let stdout = "";
    let sent = 0;
    let waitFor = "ready\n";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (sent < signals.length && stdout.includes(waitFor)) {
        const signal = signals[sent++];
        if (signal !== undefined) child.kill(signal);
        waitFor = `${afterEach}\n`;
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout });
    });
  });
}

test("Ctrl-C drops main's root future: finally and using run, then the process exits 130", async () => {
  const ended = await interrupt("plain", ["SIGINT"]);
  assert.equal(ended.code, 130);
  assert.equal(ended.stdout, "ready\nfinally ran\nguard disposed\n");
});

test("SIGTERM drops it the same way and exits 143", async () => {
  const ended = await interrupt("plain", ["SIGTERM"]);
  assert.equal(ended.code, 143);
  assert.equal(ended.stdout, "ready\nfinally ran\nguard disposed\n");
});

test("with dropOnSignal: false, Node's default applies: killed by the signal, no cleanup", async () => {
  const ended = await interrupt("opt-out", ["SIGINT"]);
  assert.equal(ended.signal, "SIGINT");
  assert.equal(ended.stdout, "ready\n");
});

test("a program awaiting ctrlC() handles the first Ctrl-C itself and ends normally", async () => {
  const ended = await interrupt("graceful", ["SIGINT"]);
  assert.equal(ended.code, 0);
  assert.equal(ended.stdout, "ready\nshutting down gracefully\nfinally ran\nguard disposed\nafter main\n");
});

test("a program listening with a plain process.on('SIGINT') gets the first Ctrl-C too (Node's rule)", async () => {
  const ended = await interrupt("raw", ["SIGINT"]);
  assert.equal(ended.code, 0);
  assert.equal(ended.stdout, "ready\nshutting down gracefully\nfinally ran\nguard disposed\nafter main\n");
});

test("a second Ctrl-C exits at once with 130, even while a graceful shutdown hangs", async () => {
  const ended = await interrupt("hang", ["SIGINT", "SIGINT"], "shutting down gracefully");
  assert.equal(ended.code, 130);
  assert.equal(ended.stdout, "ready\nshutting down gracefully\n");
});

test("main() removes its SIGINT/SIGTERM listeners when the root future ends", async () => {
  const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
  let during: number[] = [];
  const value = await main(function* () {
    during = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    yield* yieldNow();
    return 7;
  });
  assert.equal(value, 7);
  assert.deepEqual(
    during,
    before.map((n) => n + 1),
  );
  assert.deepEqual([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")], before);
  await main(
    function* () {
      during = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    },
    { dropOnSignal: false },
  );
  assert.deepEqual(during, before, "dropOnSignal: false adds none");
});

test("main() refuses a dropOnSignal that is not a boolean", async () => {
  await assert.rejects(
    main(function* () {}, { dropOnSignal: "yes" as never }),
    /dropOnSignal must be a boolean/,
  );
});
