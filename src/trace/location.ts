/**
 * Source locations from stack traces: where a task was spawned, and where
 * in the user's code it awaits.
 *
 * With `new Runtime({ captureLocations: true })` the runtime keeps an
 * `Error` made at each spawn and at each pending `yield*` (making one
 * captures the stack: about 7–10 µs, hence opt-in). Nothing is formatted
 * then: V8 renders the stack text only when it is first read, so the cost
 * of parsing is paid by `rt.dump()` and slow-poll reports alone.
 *
 * The location reported is the first frame outside the library: the
 * library's own files are recognised by their directory (the one this
 * module sits in, `src/` or `dist/`), so `yield* sleep(10)` inside
 * `worker.ts` reports `worker.ts:12:5`, not `sleep.ts`. Under `tsx` or
 * with source maps enabled the lines are those of the TypeScript source.
 *
 * @module
 */

interface Frame {
  readonly file: string;
  readonly line: string;
  readonly column: string;
}

/**
 * The location part of one line of a stack: V8's `at f (file:1:2)` or
 * `at file:1:2`, and Firefox's and Safari's `f@file:1:2`.
 */
function parseFrame(text: string): Frame | undefined {
  let at = text.trim();
  const inParens = /\(([^()]*)\)$/.exec(at);
  if (inParens !== null) at = inParens[1] ?? "";
  else if (at.startsWith("at ")) at = at.slice(3);
  else if (at.includes("@")) at = at.slice(at.lastIndexOf("@") + 1);
  const m = /^(.*):(\d+):(\d+)$/.exec(at);
  if (m === null) return undefined;
  const [, file = "", line = "", column = ""] = m;
  if (file === "" || file.startsWith("node:") || file === "native" || file.startsWith("<")) return undefined;
  return { file, line, column };
}

/** The directory of the library's own modules (`…/src/` or `…/dist/`), found from this module's own frame. */
const LIBRARY_DIR: string | undefined = libraryDir();

function libraryDir(): string | undefined {
  for (const line of (new Error().stack ?? "").split("\n")) {
    const frame = parseFrame(line);
    if (frame === undefined) continue;
    const m = /^(.*[\\/])trace[\\/]location\.[cm]?[jt]s$/.exec(frame.file);
    if (m !== null) return m[1];
  }
  return undefined;
}

/** The working directory, where the host has one: locations below it are shown relative to it. */
const CWD: string | undefined = workingDirectory();

function workingDirectory(): string | undefined {
  const p: unknown = Reflect.get(globalThis, "process");
  if (typeof p !== "object" || p === null || !("cwd" in p) || typeof p.cwd !== "function") return undefined;
  try {
    const cwd: unknown = Reflect.apply(p.cwd, p, []);
    return typeof cwd === "string" ? cwd : undefined;
  } catch {
    return undefined;
  }
}

/** `file:///home/me/app/worker.ts` → `worker.ts` when run from `/home/me/app`. */
function shorten(file: string): string {
  let path = file;
  if (path.startsWith("file://")) {
    try {
      path = decodeURIComponent(path.slice("file://".length));
    } catch {
      path = path.slice("file://".length);
    }
  }
  if (CWD !== undefined && path.startsWith(CWD) && (path[CWD.length] === "/" || path[CWD.length] === "\\")) {
    return path.slice(CWD.length + 1);
  }
  return path;
}

/**
 * The first frame of `site`'s stack outside the library, as
 * `file:line:column`, or undefined when there is none (the stack is cut
 * short, or the host gives no stacks).
 *
 * @internal
 */
export function userLocation(site: Error | undefined): string | undefined {
  const stack = site?.stack;
  if (typeof stack !== "string") return undefined;
  for (const line of stack.split("\n")) {
    const frame = parseFrame(line);
    if (frame === undefined) continue;
    if (LIBRARY_DIR !== undefined && frame.file.startsWith(LIBRARY_DIR)) continue;
    return `${shorten(frame.file)}:${frame.line}:${frame.column}`;
  }
  return undefined;
}
