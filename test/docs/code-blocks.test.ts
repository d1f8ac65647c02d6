// Every code block in README.md and docs/guides/*.md is a test, so the docs
// cannot drift from the library:
//
// - ```ts: a complete program importing from "mini-tokio" (or
//   "mini-tokio/<entry>"). It is typechecked under the consumer tsconfig the
//   README documents, then run. What it prints must be exactly the
//   ```text output block right after it; a program followed by no such
//   block must print nothing.
// - ```ts no-run: typechecked only (it needs a server, a key press, minutes).
// - anything else (```text, ```js ignore, ```sh, ```json) is prose.
//
// All blocks are typechecked in one program (a file per block, in a
// temporary folder), and compiled in one esbuild call (target es2022, which
// lowers `using` for Node 20), so the whole file takes seconds.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { promisify } from "node:util";
import { build, type Plugin } from "esbuild";
import ts from "typescript";
import { consumerTsconfig, documents, entrySources, type Fence, fences } from "../support/docs.js";

const run = promisify(execFile);
const root = process.cwd();

interface Program {
  readonly fence: Fence;
  /** The file name in the temporary folder, without extension. */
  readonly name: string;
  readonly runs: boolean;
  /** What it must print (`undefined`: nothing). */
  readonly output: string | undefined;
}

/** Where a block is, for messages: `README.md:42`. */
const where = (f: Fence): string => `${f.file}:${f.line}`;

function programs(): { programs: Program[]; problems: string[] } {
  const found: Program[] = [];
  const problems: string[] = [];
  for (const file of documents()) {
    const all = fences(file);
    all.forEach((fence, i) => {
      if (fence.lang !== "ts" && fence.lang !== "typescript") return;
      const [flag, ...rest] = fence.flags;
      if ((flag !== undefined && flag !== "no-run") || rest.length > 0) {
        problems.push(`${where(fence)}: unknown flags "${fence.flags.join(" ")}" (allowed: none, or no-run)`);
        return;
      }
      if (/from\s+["'](\.{1,2}\/|\/)/.test(fence.text)) {
        problems.push(`${where(fence)}: imports a relative path; a doc block imports from "mini-tokio"`);
      }
      const next = all[i + 1];
      const output = next?.lang === "text" && next.flags[0] === "output" ? next.text : undefined;
      if (flag === "no-run" && output !== undefined) {
        problems.push(`${where(fence)}: a no-run block is followed by a \`\`\`text output block it cannot check`);
      }
      const name = `${fence.file.replace(/[^A-Za-z0-9]+/g, "-")}-${fence.line}`;
      found.push({ fence, name, runs: flag === undefined, output });
    });
  }
  return { programs: found, problems };
}

// Under node_modules/.cache (never the work tree proper): a block that
// imports a third-party package (esbuild, for the compiler's plugin)
// resolves it from the project's node_modules, as in a consumer's project.
const cache = join(root, "node_modules", ".cache");
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, "mini-tokio-doc-blocks-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const { programs: blocks, problems } = programs();
const entries = entrySources(root);
writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
for (const p of blocks) writeFileSync(join(dir, `${p.name}.ts`), p.fence.text);

test("the docs' code blocks follow the convention (```ts, ```ts no-run, ```text output)", () => {
  assert.ok(blocks.length > 0, "no ```ts block found in README.md or docs/guides");
  assert.deepEqual(problems, []);
});

/**
 * The package's declarations, as `npm run build` emits them (into the
 * temporary folder): a consumer typechecks against these, not the sources.
 */
function emitDeclarations(): Map<string, string> {
  const config = ts.readConfigFile(join(root, "tsconfig.build.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const out = join(dir, "types");
  const program = ts.createProgram([...entries.values()], {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    outDir: out,
  });
  const emitted = program.emit();
  assert.deepEqual(
    emitted.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    [],
  );
  const src = join(root, "src");
  return new Map(
    [...entries].map(([specifier, source]) => [
      specifier,
      join(out, `${source.slice(src.length + 1, -".ts".length)}.d.ts`),
    ]),
  );
}

test("every ```ts block typechecks under the consumer tsconfig the README documents", () => {
  const { compilerOptions } = consumerTsconfig();
  const converted = ts.convertCompilerOptionsFromJson(compilerOptions, dir);
  assert.deepEqual(
    converted.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")),
    [],
  );
  const declarations = emitDeclarations();
  const options: ts.CompilerOptions = {
    ...converted.options,
    noEmit: true,
    // How the program finds the package: its declarations stand in for an install.
    paths: Object.fromEntries([...declarations].map(([specifier, file]) => [specifier, [file]])),
    typeRoots: [resolve(root, "node_modules/@types")],
  };
  const program = ts.createProgram(
    blocks.map((p) => join(dir, `${p.name}.ts`)),
    options,
  );
  const byFile = new Map(blocks.map((p) => [resolve(dir, `${p.name}.ts`), p.fence]));
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
    if (d.file === undefined || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const fence = byFile.get(resolve(d.file.fileName));
    const at = fence === undefined ? d.file.fileName : `${fence.file}:${fence.line + 1 + line}`;
    return `${at}:${character + 1}: ${text}`;
  });
  assert.deepEqual(errors, []);
});

/** Resolves "mini-tokio" and its entries to the sources, as the typecheck does. */
const packageSources: Plugin = {
  name: "mini-tokio-sources",
  setup(b) {
    b.onResolve({ filter: /^mini-tokio(\/.*)?$/ }, (args) => {
      const source = entries.get(args.path);
      return source === undefined
        ? { errors: [{ text: `${args.path} is not an entry of package.json's exports` }] }
        : { path: source };
    });
  },
};

const runnable = blocks.filter((p) => p.runs);
mkdirSync(join(dir, "out"));
/** Each block compiled on its own, so one that fails to compile fails only its own test. */
const compiled = new Map(
  runnable.map((p) => [
    p.name,
    build({
      entryPoints: [join(dir, `${p.name}.ts`)],
      outfile: join(dir, "out", `${p.name}.mjs`),
      bundle: true,
      format: "esm",
      platform: "node",
      target: "es2022",
      packages: "external",
      plugins: [packageSources],
      logLevel: "silent",
    }),
  ]),
);
// Failures are reported by each block's test; never as an unhandled rejection.
for (const build of compiled.values()) build.catch(() => {});

for (const p of runnable) {
  const says =
    p.output === undefined ? "prints nothing (no ```text output block follows)" : "prints what the text shows";
  test(`${where(p.fence)} runs and ${says}`, async () => {
    await compiled.get(p.name);
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, [join(dir, "out", `${p.name}.mjs`)], {
        cwd: dir,
        timeout: 120_000,
        env: { ...process.env, NO_COLOR: "1" },
      }));
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      assert.fail(
        `${where(p.fence)} failed: ${e.message}\n--- stdout\n${e.stdout ?? ""}\n--- stderr\n${e.stderr ?? ""}`,
      );
    }
    assert.equal(stdout.trimEnd(), (p.output ?? "").trimEnd());
  });
}
