// The core promises to run on any modern engine, not only Node. This runs
// the whole `mini-tokio` entry point, bundled, in a fresh V8 realm that has
// only what every engine has (no `process`, no `setImmediate`, no Node
// `Symbol.dispose`), plus the timer functions browsers provide.

import assert from "node:assert/strict";
import { test } from "node:test";
import vm from "node:vm";
import { build } from "esbuild";

async function bundleCore(): Promise<string> {
  const out = await build({
    entryPoints: ["src/index.ts"],
    bundle: true,
    format: "iife",
    globalName: "miniTokio",
    platform: "neutral",
    target: "es2022",
    write: false,
  });
  const file = out.outputFiles[0];
  assert.ok(file !== undefined);
  return file.text;
}

test("the core runs in a realm without Node's globals", async () => {
  const realm = vm.createContext({ setTimeout, clearTimeout, queueMicrotask, performance });
  assert.equal(vm.runInContext("typeof process + typeof setImmediate", realm), "undefinedundefined");
  vm.runInContext(await bundleCore(), realm);
  const program = `
    (() => {
      const { Runtime, asyncFn, future, sleep, spawn, yieldNow, now } = miniTokio;
      const worker = asyncFn(function* (id, ms) {
        let cleaned = false;
        try {
          yield* sleep(ms);
          yield* yieldNow();
          return id;
        } finally {
          cleaned = true;
        }
      });
      const rt = new Runtime({ clock: "virtual" });
      const sum = rt.blockOn(future(function* () {
        const hs = [spawn(worker(1, 500)), spawn(worker(2, 1500))];
        let s = 0;
        for (const h of hs) s += yield* h;
        return s * 1000 + now().ms;
      }));
      const real = new Runtime();
      return real.run(future(function* () {
        yield* sleep(5);
        return sum;
      }));
    })()
  `;
  const result: unknown = await vm.runInContext(program, realm);
  assert.equal(result, 3 * 1000 + 1500);
});
