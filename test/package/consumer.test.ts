// The package as a user gets it: `npm pack` (which runs `prepare`, so dist/
// is built as it is for a git install), installed into an empty project
// that has exactly the tsconfig the README documents. The README's hello
// world compiles there with `tsc` and runs with plain Node, printing what
// the README says; and the shipped declarations typecheck with neither DOM
// nor @types/node. Everything happens in a temporary folder: the work tree
// (its dist/ included) is left as it was.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { consumerTsconfig, fences } from "../support/docs.js";

const run = promisify(execFile);
const root = process.cwd();
const tsc = resolve(root, "node_modules/typescript/bin/tsc");
const dir = mkdtempSync(join(tmpdir(), "mini-tokio-package-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** npm, quiet and offline: the package has no dependencies to fetch. */
const npm = (cwd: string, ...args: string[]) =>
  run("npm", [...args, "--no-audit", "--no-fund", "--offline", "--loglevel=error"], {
    cwd,
    timeout: 300_000,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });

/** Packs a copy of the package (its `files` and what `prepare` needs) and returns the tarball's path. */
async function pack(): Promise<string> {
  const copy = join(dir, "mini-tokio");
  for (const path of [
    "package.json",
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
    "tsconfig.json",
    "tsconfig.build.json",
    "src",
  ]) {
    cpSync(path, join(copy, path), { recursive: true });
  }
  symlinkSync(resolve(root, "node_modules"), join(copy, "node_modules"), "dir");
  const out = join(dir, "packed");
  mkdirSync(out);
  await npm(copy, "pack", "--pack-destination", out);
  const [tarball, ...more] = readdirSync(out);
  assert.ok(tarball !== undefined && more.length === 0, `npm pack made ${readdirSync(out).join(", ")}`);
  return join(out, tarball);
}

/** An empty ESM project with the package installed, and @types/node for the program's own console. */
async function consumer(tarball: string): Promise<string> {
  const project = join(dir, "consumer");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), '{ "name": "consumer", "private": true, "type": "module" }\n');
  await npm(project, "install", tarball);
  mkdirSync(join(project, "node_modules", "@types"), { recursive: true });
  symlinkSync(resolve(root, "node_modules/@types/node"), join(project, "node_modules/@types/node"), "dir");
  return project;
}

/** The README's hello world: its first ```ts block, and the ```text output after it. */
function helloWorld(): { program: string; output: string } {
  const all = fences("README.md");
  const at = all.findIndex((f) => f.lang === "ts" && f.flags.length === 0);
  const program = all[at];
  const output = all[at + 1];
  assert.ok(program !== undefined && output?.lang === "text" && output.flags[0] === "output");
  return { program: program.text, output: output.text };
}

test("the packed package installs, and the README's hello world compiles with its tsconfig and runs on plain Node", async () => {
  const project = await consumer(await pack());
  const installed = readdirSync(join(project, "node_modules/mini-tokio"));
  assert.ok(installed.includes("dist"), `the installed package has no dist/: ${installed.join(", ")}`);

  const tsconfig = consumerTsconfig();
  writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const hello = helloWorld();
  writeFileSync(join(project, "hello.ts"), hello.program);
  await run(process.execPath, [tsc, "-p", "."], { cwd: project }).catch((e: { stdout?: string }) =>
    assert.fail(`tsc failed in the consumer project:\n${e.stdout ?? String(e)}`),
  );
  const { stdout } = await run(process.execPath, ["hello.js"], { cwd: project, timeout: 120_000 });
  assert.equal(stdout, hello.output);

  // The declarations alone, with neither DOM nor @types/node: the host
  // types the API mentions (AbortSignal) are declared structurally.
  const bare = join(dir, "bare");
  mkdirSync(bare);
  writeFileSync(join(bare, "package.json"), '{ "name": "bare", "private": true, "type": "module" }\n');
  symlinkSync(join(project, "node_modules"), join(bare, "node_modules"), "dir");
  const options = { ...tsconfig.compilerOptions, types: [], noEmit: true };
  writeFileSync(join(bare, "tsconfig.json"), `${JSON.stringify({ compilerOptions: options }, null, 2)}\n`);
  writeFileSync(
    join(bare, "api.ts"),
    [
      'import * as miniTokio from "mini-tokio";',
      'import { CancellationToken, fromPromise, type HostAbortSignal } from "mini-tokio";',
      "export type Api = typeof miniTokio;",
      "export const signal: HostAbortSignal = new CancellationToken().toAbortSignal();",
      "export const answer = fromPromise((s) => (s.aborted ? Promise.reject(s.reason) : Promise.resolve(42)));",
      "",
    ].join("\n"),
  );
  await run(process.execPath, [tsc, "-p", "."], { cwd: bare }).catch((e: { stdout?: string }) =>
    assert.fail(`the declarations do not typecheck without DOM and @types/node:\n${e.stdout ?? String(e)}`),
  );
});
