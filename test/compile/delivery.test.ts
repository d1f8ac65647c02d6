// The ways compiled code reaches a program: Node's module hooks
// (`--import mini-tokio/register`, here from source on top of tsx), the
// esbuild plugin, the Rollup (and Vite) plugin, and `compile` itself
// (lower.test.ts).

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { build, transform } from "esbuild";
import { rollup } from "rollup";
import { esbuildPlugin, rollupPlugin } from "../../src/compile/index.js";
import { REGISTER } from "../support/register.js";

const INDEX = resolve("src/index.ts");

const APP = `import { Runtime, future, sleep, yieldNow } from ${JSON.stringify(INDEX)};
const f = future(function* () {
  yield* yieldNow();
  const x: number = 20;
  yield* sleep(1);
  return x + 22;
});
console.log(f.constructor.name, new Runtime({ clock: "virtual" }).blockOn(f));
const g = future(function* () {
  yield* yieldNow();
  throw new Error("where");
});
try {
  new Runtime().blockOn(g);
} catch (e) {
  console.log((e as Error).stack?.split("\\n")[1]?.trim());
}
`;

/** Runs `use` with a fresh scratch folder, removed afterwards, also when `use` fails. */
async function inScratch(use: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mini-tokio-compile-test-"));
  try {
    await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runWithHooks(file: string, cache: string): string {
  return execFileSync(process.execPath, ["--import", "tsx", "--import", REGISTER, file], {
    env: { ...process.env, MINI_TOKIO_COMPILE_CACHE: cache },
    encoding: "utf8",
    timeout: 60_000,
  });
}

test("--import register compiles a TypeScript module that imports mini-tokio, with stack traces mapped to the source", () =>
  inScratch(async (dir) => {
    const app = join(dir, "app.mts");
    writeFileSync(app, APP);
    const out = runWithHooks(app, join(dir, "cache")).split("\n");
    assert.equal(out[0], "CompiledFuture 42");
    // The error's frame is the throw in app.mts (line 11), through tsx's map and ours.
    assert.match(out[1] ?? "", /app\.mts:11:\d+/);
  }));

test("TypeScript-only syntax (parameter properties, an enum) is stripped and compiled on every Node, with no warning", () =>
  // On Node 26, tsx hands the hook TypeScript and Node's own stripper
  // refuses these: the hook strips with esbuild instead.
  inScratch(async (dir) => {
    const app = join(dir, "app.mts");
    writeFileSync(
      app,
      `import { Runtime, future, yieldNow } from ${JSON.stringify(INDEX)};
enum Step { One = 1 }
class Counter {
  constructor(private readonly start: number) {}
  next(): number { return this.start + Step.One; }
}
const f = future(function* () {
  yield* yieldNow();
  return new Counter(41).next();
});
console.log(f.constructor.name, new Runtime({ clock: "virtual" }).blockOn(f));
`,
    );
    const out = spawnSync(process.execPath, ["--import", "tsx", "--import", REGISTER, app], {
      env: { ...process.env, MINI_TOKIO_COMPILE_CACHE: join(dir, "cache") },
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(out.stdout, "CompiledFuture 42\n", out.stderr);
    assert.doesNotMatch(out.stderr, /mini-tokio\/register|Warning/);
  }));

test("a cached compilation is used as it is, keyed by the file's content", () =>
  inScratch(async (dir) => {
    const app = join(dir, "app.mts");
    const cache = join(dir, "cache");
    writeFileSync(app, APP);
    runWithHooks(app, cache);
    const entries = readdirSync(cache).filter((name) =>
      readFileSync(join(cache, name), "utf8").includes(`from "${INDEX}"`),
    );
    assert.equal(entries.length, 1);
    const entry = join(cache, entries[0] ?? "");
    writeFileSync(entry, 'console.log("from the cache");\n');
    assert.equal(runWithHooks(app, cache).trim(), "from the cache");
    // Another content is another key: compiled afresh.
    writeFileSync(app, `${APP}\nconsole.log("changed");\n`);
    assert.match(runWithHooks(app, cache), /^CompiledFuture 42\n.*\nchanged\n$/);
  }));

test("a module that does not import mini-tokio passes through the hooks untouched", () =>
  inScratch(async (dir) => {
    const app = join(dir, "plain.mjs");
    writeFileSync(app, `function* g() { yield 1; }\nconsole.log([...g()].length);\n`);
    assert.equal(runWithHooks(app, join(dir, "cache")).trim(), "1");
  }));

test("the esbuild plugin compiles the generator futures of the files it bundles", () =>
  inScratch(async (dir) => {
    const app = join(dir, "app.ts");
    writeFileSync(app, APP);
    const warnings: string[] = [];
    const result = await build({
      entryPoints: [app],
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      logLevel: "silent",
      plugins: [esbuildPlugin({ onWarning: (w) => warnings.push(w) })],
    });
    assert.deepEqual(warnings, []);
    const code = result.outputFiles[0]?.text ?? "";
    assert.match(code, /SUSPENDED/);
    const bundle = join(dir, "bundle.mjs");
    writeFileSync(bundle, code);
    const out = execFileSync(process.execPath, [bundle], { encoding: "utf8", timeout: 60_000 });
    assert.match(out, /^CompiledFuture 42/);
  }));

test("the Rollup plugin compiles the modules it transforms, after the plugin that strips TypeScript", () =>
  inScratch(async (dir) => {
    const app = join(dir, "app.ts");
    writeFileSync(app, APP);
    const warnings: string[] = [];
    const bundle = await rollup({
      input: app,
      // The runtime stays an import (run through tsx below); the app is bundled.
      external: (id) => id === INDEX,
      plugins: [
        // What Vite does before any user plugin: TypeScript to JavaScript, with a map.
        {
          name: "strip-typescript",
          async transform(code, id) {
            if (!id.endsWith(".ts")) return null;
            const out = await transform(code, { loader: "ts", sourcefile: id, sourcemap: true, format: "esm" });
            return { code: out.code, map: out.map };
          },
        },
        rollupPlugin({ onWarning: (w) => warnings.push(w) }),
      ],
    });
    const { output } = await bundle.generate({ format: "esm", sourcemap: "inline" });
    await bundle.close();
    assert.deepEqual(warnings, []);
    const code = output[0].code;
    // (Rollup renames the import `compiled as __miniTokioCompiled` back to `compiled`.)
    assert.match(code, /compiled\.future\(function \(\) \{/);
    assert.doesNotMatch(code, /function\s*\*/);
    const file = join(dir, "bundle.mjs");
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, ["--import", "tsx", "--enable-source-maps", file], {
      encoding: "utf8",
      timeout: 60_000,
    });
    const [first, frame] = out.trim().split("\n");
    assert.equal(first, "CompiledFuture 42");
    // The throw's frame, through Rollup's map, ours and the stripper's: app.ts, line 11.
    assert.match(frame ?? "", /app\.ts:11:9\)$/);
  }));

test("rollupPlugin leaves alone what is not a module of the program, and refuses bad options", () => {
  const plugin = rollupPlugin();
  const context = {
    warn(message: string) {
      throw new Error(`unexpected warning: ${message}`);
    },
  };
  const source = `import { future } from "mini-tokio";\nexport const f = future(function* () { return 1; });\n`;
  assert.match(plugin.transform.call(context, source, "/app/main.js")?.code ?? "", /__miniTokioCompiled/);
  for (const id of ["\0virtual:main.js", "/app/main.js?raw", "/app/node_modules/x/index.js", "/app/style.css"]) {
    assert.equal(plugin.transform.call(context, source, id), null, id);
  }
  const warned: string[] = [];
  const bare = `import { future } from "mini-tokio";\nexport const f = future(function* () { yield 1; });\n`;
  assert.equal(plugin.transform.call({ warn: (m: string) => warned.push(m) }, bare, "/app/bare.js"), null);
  assert.match(warned[0] ?? "", /bare\.js:2:\d+: left as a generator: a bare `yield`/);
  // @ts-expect-error: checking the run-time guard
  assert.throws(() => rollupPlugin({ filter: "*.ts" }), /rollupPlugin\(\{ filter \}\): filter must be a RegExp/);
  // @ts-expect-error: checking the run-time guard
  assert.throws(() => rollupPlugin({ onWarning: 1 }), /onWarning must be a function/);
  // @ts-expect-error: checking the run-time guard
  assert.throws(() => rollupPlugin(null), /options must be an object/);
});

test("esbuildPlugin refuses a filter that is not a RegExp", () => {
  // @ts-expect-error: checking the run-time guard
  assert.throws(() => esbuildPlugin({ filter: "*.ts" }), /filter must be a RegExp/);
});
