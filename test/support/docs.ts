// What the docs say, read the way the tests need it: the fenced code blocks
// of README.md and the guides, and the consumer tsconfig the README
// documents (the tests compile user code with exactly that).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The Markdown files whose code blocks are tests. */
export function documents(): string[] {
  const guides = readdirSync("docs/guides")
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join("docs/guides", f));
  return ["README.md", ...guides];
}

/** One fenced block: where it is, its info string, its text. */
export interface Fence {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The language, e.g. `ts`, `text`, `json`. */
  readonly lang: string;
  /** The words after the language, e.g. `["no-run"]`, `["output"]`. */
  readonly flags: readonly string[];
  readonly text: string;
}

/** Every fenced block of `file`, in order. Indented fences (in lists) count too. */
export function fences(file: string): Fence[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i] ?? "");
    if (open === null) continue;
    const [, indent = "", ticks = "```", info = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] ?? "").trimStart().startsWith(ticks); j++) {
      const line = lines[j] ?? "";
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const [lang = "", ...flags] = info.trim().split(/\s+/);
    found.push({ file, line: i + 1, lang, flags, text: body.length > 0 ? `${body.join("\n")}\n` : "" });
    i = j;
  }
  return found;
}

/**
 * The tsconfig a consumer needs, as README.md documents it: its ```json
 * block that sets `"esnext.disposable"`.
 */
export function consumerTsconfig(): { compilerOptions: Record<string, unknown> } {
  const block = fences("README.md").find((f) => f.lang === "json" && f.text.includes('"esnext.disposable"'));
  if (block === undefined) throw new Error("README.md has no ```json block with the consumer tsconfig");
  const parsed: unknown = JSON.parse(block.text);
  if (typeof parsed !== "object" || parsed === null || !("compilerOptions" in parsed)) {
    throw new Error("README.md's consumer tsconfig has no compilerOptions");
  }
  const { compilerOptions } = parsed;
  if (typeof compilerOptions !== "object" || compilerOptions === null)
    throw new Error("compilerOptions is not an object");
  return { compilerOptions: { ...compilerOptions } };
}

/**
 * The package's entry points mapped to their sources: `"mini-tokio"` →
 * `src/index.ts`, `"mini-tokio/x"` → `src/x/index.ts`, read off the
 * exports map, so a new entry is covered when it is added there.
 */
export function entrySources(root: string): Map<string, string> {
  const pkg: unknown = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const entries = new Map<string, string>();
  if (typeof pkg !== "object" || pkg === null || !("name" in pkg) || !("exports" in pkg)) return entries;
  const { name, exports } = pkg;
  if (typeof name !== "string" || typeof exports !== "object" || exports === null) return entries;
  for (const [key, target] of Object.entries(exports)) {
    const built =
      typeof target === "string"
        ? target
        : typeof target === "object" && target !== null && "import" in target && typeof target.import === "string"
          ? target.import
          : undefined;
    if (built === undefined || !built.startsWith("./dist/") || !built.endsWith(".js")) continue;
    const source = join(root, `src/${built.slice("./dist/".length, -".js".length)}.ts`);
    entries.set(key === "." ? name : `${name}/${key.slice(2)}`, source);
  }
  return entries;
}
