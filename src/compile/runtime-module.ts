/**
 * Which import specifiers name mini-tokio's main entry, seen from a module:
 * the package name, and (for this repository's own tests and examples) a
 * path that resolves to the package's `src/index` or `dist/index`.
 *
 * @module
 */

/** The package root: this file is `src/compile/…` or `dist/compile/…`. */
const ROOT = new URL("../../", import.meta.url).href;
const OWN_ENTRIES = [`${ROOT}src/index`, `${ROOT}dist/index`];

/**
 * A test for `CompileOptions.isRuntimeModule` for the module at `url`:
 * `"mini-tokio"`, or a relative or absolute specifier of the package's own
 * main entry.
 */
export function runtimeModuleTest(url: string): (specifier: string) => boolean {
  return (specifier) => {
    if (specifier === "mini-tokio") return true;
    if (!specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.startsWith("file:")) return false;
    let resolved: string;
    try {
      resolved = new URL(specifier, url).href;
    } catch {
      return false;
    }
    const withoutExtension = resolved.replace(/\.(?:[cm]?[jt]s)$/, "");
    return OWN_ENTRIES.includes(withoutExtension);
  };
}

/** A quick look before parsing: could this source import mini-tokio's main entry at all? */
export function mayImportRuntime(source: string): boolean {
  return source.includes("function*") && (source.includes("mini-tokio") || source.includes("/index"));
}

/** The files the compiler looks at by default: JavaScript and TypeScript modules (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts`, `.cts`, `.jsx`, `.tsx`). */
export const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** True for a path or URL inside a `node_modules` folder: a dependency, which the compiler leaves as it is. */
export function isDependency(pathOrUrl: string): boolean {
  return pathOrUrl.includes("/node_modules/");
}
