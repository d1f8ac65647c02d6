// The folder tree is the architecture: each folder of src/ is a layer, and
// a layer imports only from the layers below it. This test derives the
// folder graph from the imports themselves (type-only imports included:
// a type that points up is a design that points up) and fails on an arrow
// that runs back up the list or on a cycle. It also keeps the per-thread
// state in one place: no module-level `let` outside src/context/.
//
// The order, lowest first, is docs/architecture.md's figure.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import ts from "typescript";

/** Layers, lowest first. Folders on one row do not import each other. */
export const LAYERS: readonly (readonly string[])[] = [
  ["future"],
  ["util"],
  ["context"],
  ["async"],
  ["combinators", "stream"],
  ["task", "time"],
  ["sync"],
  ["trace"],
  ["runtime"],
  ["interop"],
  ["illustrate"],
  // Node-only entries: they build on the core's public entry (src/index.ts).
  ["io"],
  ["net", "fs", "process", "signal", "blocking"],
  // The compiler: a build-time tool (Babel); the code it emits calls the core's `compiled` export.
  ["compile"],
];

/** Layers that stand outside the core and may import its public entry, as a user's code would. */
const ON_TOP_OF_THE_CORE = new Set(["io", "net", "fs", "process", "signal", "blocking", "compile"]);
const CORE_ENTRY = join("src", "index.ts");

/** Files at the root of src/ are entry points: they may import anything, nothing imports them. */
const ROOT = "(entry)";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function folderOf(file: string): string {
  const rel = relative("src", file).split(/[\\/]/);
  return rel.length === 1 ? ROOT : (rel[0] ?? ROOT);
}

interface Arrow {
  from: string;
  to: string;
  file: string;
  specifier: string;
  target: string;
}

function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specs.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) specs.push(literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs;
}

const files = sourceFiles("src");
const arrows: Arrow[] = files.flatMap((file) =>
  importsOf(file)
    .filter((s) => s.startsWith("."))
    .map((specifier) => {
      const target = relative(".", resolve(dirname(file), specifier)).replace(/\.js$/, ".ts");
      return { from: folderOf(file), to: folderOf(target), file, specifier, target };
    })
    .filter((a) => a.from !== a.to),
);

const rank = new Map<string, number>();
LAYERS.forEach((row, i) => {
  for (const folder of row) rank.set(folder, i);
});

test("every folder of src/ has a place in the layer list", () => {
  const folders = new Set(files.map(folderOf));
  folders.delete(ROOT);
  // Node-only entries and the compiler sit above the core: they are listed here as they arrive.
  const unplaced = [...folders].filter((f) => !rank.has(f));
  assert.deepEqual(unplaced, [], `add these folders to LAYERS (and to docs/architecture.md): ${unplaced.join(", ")}`);
});

test("imports only go down the layers (type-only imports too)", () => {
  const upward = arrows
    .filter((a) => a.to !== ROOT && a.from !== ROOT)
    .filter((a) => (rank.get(a.to) ?? -1) >= (rank.get(a.from) ?? -1))
    .map((a) => `${a.file} imports ${a.specifier} (${a.from} → ${a.to})`);
  assert.deepEqual(upward, []);
});

test("nothing in src/ imports an entry point, but the Node-only entries may build on the core's public one", () => {
  const intoEntries = arrows
    .filter((a) => a.to === ROOT)
    .filter((a) => !(ON_TOP_OF_THE_CORE.has(a.from) && a.target === CORE_ENTRY))
    .map((a) => `${a.file} imports ${a.specifier}`);
  assert.deepEqual(intoEntries, []);
});

test("the folder graph has no cycle", () => {
  const edges = new Map<string, Set<string>>();
  for (const a of arrows) {
    if (!edges.has(a.from)) edges.set(a.from, new Set());
    edges.get(a.from)?.add(a.to);
  }
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "open") {
      cycles.push([...path.slice(path.indexOf(node)), node].join(" → "));
      return;
    }
    state.set(node, "open");
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const node of edges.keys()) visit(node, []);
  assert.deepEqual(cycles, []);
});

/**
 * Module-level state the Node-only layers keep for the process, each with
 * why it is one per process: Node's process, its signals and its CPUs are.
 */
const PROCESS_STATE: Record<string, string> = {
  "src/blocking/pool.ts: let defaultPool":
    "the default worker pool, made on first use: one per process, sized to its CPUs",
  "src/signal/keep-alive.ts: let waiting":
    "signal futures pending in the process, for the one timer that keeps it alive",
  "src/signal/keep-alive.ts: let timer": "that timer",
  "src/compile/hooks.ts: let compiler":
    "the compiler, loaded at the first module the cache lacks: the hooks serve the whole process",
  "src/compile/hooks.ts: let esbuild":
    "esbuild for stripping TypeScript in the module hooks, looked up once: the hooks serve the whole process",
};

test("module-level mutable state lives only in src/context/ (and the listed per-process state of the Node-only layers)", () => {
  const found: string[] = [];
  for (const file of files) {
    if (folderOf(file) === "context") continue;
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (ts.isVariableStatement(statement) && (statement.declarationList.flags & ts.NodeFlags.Let) !== 0) {
        const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
        const text = statement.getText(source).split("\n")[0] ?? "";
        const name = /^let (\w+)/.exec(text)?.[1];
        if (ON_TOP_OF_THE_CORE.has(folderOf(file)) && `${file}: let ${name}` in PROCESS_STATE) continue;
        found.push(`${file}:${line}: ${text}`);
      }
    }
  }
  assert.deepEqual(found, []);
});

test("the test itself sees imports: a known downward arrow is found", () => {
  // Guards against a parser change that finds no imports (every check above would then pass vacuously).
  assert.ok(arrows.some((a) => a.from === "runtime" && a.to === "task"));
  assert.ok(arrows.length > 100, `only ${arrows.length} cross-folder imports found`);
});

test("docs/architecture.md draws the same layers, in the same order", () => {
  const doc = readFileSync("docs/architecture.md", "utf8");
  const figure = /```text layers\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(figure !== undefined, "docs/architecture.md has a ```text layers figure");
  // Each figure row names its folders as `name/` before the description; lowest row last.
  const drawn = figure
    .split("\n")
    .map((line) => [...line.matchAll(/(?:^|\s)([a-z]+)\/(?=\s)/g)].map((m) => m[1] ?? ""))
    .filter((row) => row.length > 0)
    .reverse();
  assert.deepEqual(
    drawn,
    LAYERS.map((row) => [...row]),
  );
});
