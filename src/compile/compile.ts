/**
 * `compile(code)`: finds the generator functions a module hands to
 * mini-tokio's `future`, `asyncFn`, `main` and `scope`, and replaces each by
 * the state machine {@link lowerGenerator} makes of it.
 *
 * Only calls whose callee is bound to an import from mini-tokio count (a
 * local function called `future` is left alone). A generator the lowering
 * cannot reproduce exactly stays a generator, and the result carries a
 * warning saying where and why.
 *
 * Parsing and printing are Babel's (`@babel/parser`, `@babel/traverse`,
 * `@babel/generator`): the reference implementation of JavaScript's
 * grammar, scope analysis that renames bindings correctly, and source maps,
 * in plain JavaScript that runs on every Node the library supports.
 *
 * @module
 */

import generateModule from "@babel/generator";
import { parse } from "@babel/parser";
import traverseModule, { type NodePath } from "@babel/traverse";
import * as t from "@babel/types";
import { forEachChild, freshNames, lowerGenerator, type RuntimeNames, Unsupported } from "./lower.js";

// Babel 7 is CommonJS with an `exports.default`: from ESM the default import is the module object.
const traverse = "default" in traverseModule ? traverseModule.default : traverseModule;
const generate = "default" in generateModule ? generateModule.default : generateModule;

/** The library functions that take a generator function, and how the compiled call reads. */
const TAKES_GENERATOR: Record<string, "future" | "asyncFn" | "main" | "scope"> = {
  future: "future",
  asyncFn: "asyncFn",
  main: "main",
  scope: "scope",
};

/** Options of {@link compile}. */
export interface CompileOptions {
  /** The file's name, for warnings and the source map. */
  filename?: string;
  /** Produce a source map (default true). */
  sourceMaps?: boolean;
  /**
   * Which import specifiers are mini-tokio's main entry (default: exactly
   * `"mini-tokio"`). The compiled code imports its runtime support from the
   * same specifier, so it shares the module instance with the rest of the
   * program.
   */
  isRuntimeModule?: (specifier: string) => boolean;
  /**
   * The source map of the input (when it was itself generated, by
   * TypeScript stripping for instance): the result then maps back to the
   * original source.
   */
  inputSourceMap?: CompileSourceMap;
}

/** A generator function that was left as it was. */
export interface CompileWarning {
  /** Why, and what to change to have it compiled. */
  message: string;
  /** 1-based line of the generator function. */
  line: number;
  /** 0-based column. */
  column: number;
}

/** What {@link compile} returns. */
export interface CompileResult {
  /** The module's code (unchanged when nothing was compiled). */
  code: string;
  /** A source map from `code` back to the input, when asked for and something changed. */
  map: CompileSourceMap | undefined;
  /** How many generator functions became state machines. */
  compiled: number;
  /** The generator functions left as generators, and why. */
  warnings: CompileWarning[];
}

/** A version 3 source map. */
export interface CompileSourceMap {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
  file?: string;
}

/**
 * Compiles the generator futures of one ES module into poll state
 * machines. The input is JavaScript (strip TypeScript first); the output
 * behaves the same, without generator objects.
 *
 * @example
 * ```ts
 * import { compile } from "mini-tokio/compile";
 * const out = compile(
 *   `import { future, sleep } from "mini-tokio";
 *    export const f = future(function* () { yield* sleep(10); return 1; });`,
 *   { filename: "f.js" },
 * );
 * console.log(out.compiled, out.warnings.length);
 * ```
 *
 * ```text output
 * 1 0
 * ```
 */
export function compile(code: string, options: CompileOptions = {}): CompileResult {
  if (typeof code !== "string") {
    throw new TypeError(`compile(code): code must be a string of JavaScript, got ${typeof code}`);
  }
  const filename = options.filename ?? "unknown.js";
  const isRuntimeModule = options.isRuntimeModule ?? ((s: string) => s === "mini-tokio");
  const unchanged: CompileResult = { code, map: undefined, compiled: 0, warnings: [] };
  if (!code.includes("function*") && !code.includes("function *")) return unchanged;

  const ast = parse(code, { sourceType: "module", sourceFilename: filename, errorRecovery: false });
  const found = findImports(ast.program, isRuntimeModule);
  if (found === undefined) return unchanged;

  const runtime = t.identifier("__miniTokioCompiled");
  if (code.includes(runtime.name))
    throw new Error(`compile: ${filename} already uses the name ${runtime.name}; was it compiled twice?`);
  const fresh = freshNames(code);
  const names: RuntimeNames = {
    suspended: t.identifier(fresh("SUSPENDED")),
    drop: t.identifier(fresh("DROP")),
    iterator: t.identifier(fresh("ITERATOR")),
    ownIterator: t.identifier(fresh("OWN_ITERATOR")),
    fresh,
  };
  const warnings: CompileWarning[] = [];
  let compiled = 0;

  const generators = generatorPositions(code);
  // Babel's scopes cost a crawl of the whole program (about half of all
  // compile time): the pass that finds the calls goes without them
  // whenever the names it looks for are declared nowhere but in the import,
  // so that every use of them is the import. Each generator it lowers gets
  // scopes of its own (see scoped()).
  const shadowable = declaredElsewhere(ast.program, found);
  traverse(ast, {
    noScope: !shadowable,
    // Only subtrees holding a generator function can hold a call to compile.
    enter(path) {
      const { start, end } = path.node;
      if (typeof start === "number" && typeof end === "number" && !anyWithin(generators, start, end)) path.skip();
    },
    CallExpression: {
      // Inner generator futures first: an outer body then sees plain functions.
      exit(path) {
        const kind = calledKind(path, found, shadowable);
        if (kind === undefined) return;
        const arg = path.get("arguments")[0];
        if (arg === undefined || !arg.isFunctionExpression() || !arg.node.generator || arg.node.async) return;
        let start: t.FunctionExpression;
        try {
          start = lowerGenerator(shadowable ? arg : scoped(arg.node), names);
        } catch (error) {
          if (!(error instanceof Unsupported)) throw error;
          const loc = arg.node.loc?.start;
          warnings.push({
            message: `${filename}:${loc?.line ?? 0}:${loc?.column ?? 0}: left as a generator: ${error.message}`,
            line: loc?.line ?? 0,
            column: loc?.column ?? 0,
          });
          return;
        }
        compiled++;
        const helper = kind === "asyncFn" || kind === "scope" ? "asyncFn" : "future";
        // A future's start that binds nothing (no parameters, no locals kept
        // across awaits, no `this`, no hoisted functions) is its resume
        // function alone: no start closure to make per future. A
        // resume function that never names its machine has no await: it
        // runs once, as a OnceFuture, with no machine at all.
        const resume = helper === "future" ? bareResume(start) : undefined;
        let made: t.CallExpression;
        if (resume === undefined) {
          made = t.callExpression(t.memberExpression(runtime, t.identifier(helper)), [start]);
        } else if (namesItsMachine(resume)) {
          made = t.callExpression(t.memberExpression(runtime, t.identifier("body")), [resume]);
        } else {
          resume.params = [];
          made = t.callExpression(t.memberExpression(runtime, t.identifier("once")), [resume]);
        }
        made.loc = path.node.loc;
        if (kind === "future" || kind === "asyncFn") {
          path.replaceWith(made);
        } else {
          // main(f) and scope(f) take a future (or a function returning one) as well.
          arg.replaceWith(made);
        }
        path.skip();
      },
    },
  });
  if (compiled === 0) return { ...unchanged, warnings };

  const program = ast.program;
  const firstNonImport = program.body.findIndex((s) => !t.isImportDeclaration(s));
  program.body.splice(
    firstNonImport === -1 ? program.body.length : firstNonImport,
    0,
    t.variableDeclaration("const", [
      t.variableDeclarator(names.suspended, t.memberExpression(runtime, t.identifier("SUSPENDED"))),
      t.variableDeclarator(names.drop, t.memberExpression(runtime, t.identifier("DROP"))),
      t.variableDeclarator(names.iterator, t.memberExpression(runtime, t.identifier("ITERATOR"))),
      t.variableDeclarator(names.ownIterator, t.memberExpression(runtime, t.identifier("OWN_ITERATOR"))),
    ]),
  );
  program.body.unshift(
    t.importDeclaration([t.importSpecifier(runtime, t.identifier("compiled"))], t.stringLiteral(found.specifier)),
  );
  const sourceMaps = options.sourceMaps ?? true;
  const out = generate(
    ast,
    {
      sourceMaps,
      sourceFileName: filename,
      jsescOption: { minimal: true },
      ...(options.inputSourceMap === undefined ? {} : { inputSourceMap: options.inputSourceMap }),
    },
    code,
  );
  const map = sourceMaps && out.map ? out.map : undefined;
  return { code: out.code, map, compiled, warnings };
}

/** Where `function*` occurs in the source, in order. */
function generatorPositions(code: string): number[] {
  const positions: number[] = [];
  for (const m of code.matchAll(/function\s*\*/g)) positions.push(m.index);
  return positions;
}

/** Whether a sorted list holds a position in [start, end). */
function anyWithin(sorted: readonly number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Number.POSITIVE_INFINITY) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && (sorted[lo] ?? Number.POSITIVE_INFINITY) < end;
}

interface Imports {
  /** The specifier the names came from (the compiled code imports its support from it too). */
  specifier: string;
  /** Import specifier nodes of the functions taking generators, with their kind. */
  named: Map<t.Node, "future" | "asyncFn" | "main" | "scope">;
  /** Namespace import nodes (`import * as mt from "mini-tokio"`). */
  namespaces: Set<t.Node>;
  /** The specifiers of {@link Imports.named} and {@link Imports.namespaces}, by local name. */
  byName: Map<string, t.Node>;
  /** The runtime's import declarations: the one place its names are meant to be declared. */
  declarations: Set<t.Node>;
}

function findImports(program: t.Program, isRuntimeModule: (specifier: string) => boolean): Imports | undefined {
  let result: Imports | undefined;
  for (const s of program.body) {
    if (!t.isImportDeclaration(s) || s.importKind === "type" || !isRuntimeModule(s.source.value)) continue;
    result ??= {
      specifier: s.source.value,
      named: new Map(),
      namespaces: new Set(),
      byName: new Map(),
      declarations: new Set(),
    };
    result.declarations.add(s);
    if (result.specifier !== s.source.value) continue;
    for (const spec of s.specifiers) {
      if (t.isImportNamespaceSpecifier(spec)) {
        result.namespaces.add(spec);
        result.byName.set(spec.local.name, spec);
      }
      if (t.isImportSpecifier(spec)) {
        const imported = t.isIdentifier(spec.imported) ? spec.imported.name : spec.imported.value;
        const kind = Object.hasOwn(TAKES_GENERATOR, imported) ? TAKES_GENERATOR[imported] : undefined;
        if (kind !== undefined) {
          result.named.set(spec, kind);
          result.byName.set(spec.local.name, spec);
        }
      }
    }
  }
  return result !== undefined && (result.named.size > 0 || result.namespaces.size > 0) ? result : undefined;
}

/**
 * True when a local name of the runtime import (`future`, a namespace…)
 * may mean something else somewhere in the module, so that a call to it
 * may not be a call to the import: the calls are then resolved through
 * Babel's scopes. Conservative by design: every occurrence of the name
 * counts, except where no name can be bound — a call's callee, a member
 * access's object, a member's property name — which is how the import's
 * names are used.
 */
function declaredElsewhere(program: t.Program, found: Imports): boolean {
  let bound = false;
  const visit = (node: t.Node): void => {
    if (bound || found.declarations.has(node)) return;
    switch (node.type) {
      case "Identifier":
        if (found.byName.has(node.name)) bound = true;
        return;
      case "CallExpression":
      case "OptionalCallExpression":
      case "NewExpression":
        if (node.callee.type !== "Identifier") visit(node.callee);
        for (const argument of node.arguments) visit(argument);
        return;
      case "MemberExpression":
      case "OptionalMemberExpression":
        if (node.object.type !== "Identifier") visit(node.object);
        if (node.computed) visit(node.property);
        return;
    }
    forEachChild(node, visit);
  };
  visit(program);
  return bound;
}

/**
 * A path to `fn` with scopes computed over `fn` alone: the function is
 * traversed as the only expression of a program of its own. Its names
 * from outside become that program's globals, which is all the lowering
 * needs (it renames and inspects the bindings declared inside `fn`).
 */
function scoped(fn: t.FunctionExpression): NodePath<t.FunctionExpression> {
  let found: NodePath<t.FunctionExpression> | undefined;
  traverse(t.file(t.program([t.expressionStatement(fn)])), {
    FunctionExpression(path) {
      if (path.node === fn) {
        found = path;
        path.stop();
      }
    },
  });
  if (found === undefined) throw new Error("compile: the generator function was not found in its own program");
  return found;
}

/** The resume function of a start function that only returns it (`function () { return function ($m) { … }; }`). */
function bareResume(start: t.FunctionExpression): t.FunctionExpression | undefined {
  const [only, ...rest] = start.body.body;
  if (start.params.length > 0 || start.body.directives.length > 0 || rest.length > 0) return undefined;
  return t.isReturnStatement(only) && t.isFunctionExpression(only.argument) ? only.argument : undefined;
}

/** True when a resume function's body mentions its machine (its parameter) anywhere. */
function namesItsMachine(resume: t.FunctionExpression): boolean {
  const machine = resume.params[0];
  if (!t.isIdentifier(machine)) return true;
  let named = false;
  const visit = (node: t.Node): void => {
    if (named) return;
    if (t.isIdentifier(node) && node.name === machine.name) named = true;
    else forEachChild(node, visit);
  };
  visit(resume.body);
  return named;
}

/**
 * Which library function this call calls, if it is one taking a generator
 * imported from mini-tokio. A name is resolved through Babel's scopes when
 * the module binds an import's name again (`byScope`), else by the name
 * alone: then it can only be the import (see {@link declaredElsewhere}).
 */
function calledKind(path: NodePath<t.CallExpression>, found: Imports, byScope: boolean): string | undefined {
  const callee = path.node.callee;
  /** The runtime's import specifier `name` means at this call, if any. */
  const importOf = (name: string): t.Node | undefined => {
    if (!byScope) return found.byName.get(name);
    const binding = path.scope.getBinding(name);
    return binding?.kind === "module" ? binding.path.node : undefined;
  };
  if (t.isIdentifier(callee)) {
    const specifier = importOf(callee.name);
    return specifier === undefined ? undefined : found.named.get(specifier);
  }
  if (
    t.isMemberExpression(callee) &&
    !callee.computed &&
    t.isIdentifier(callee.object) &&
    t.isIdentifier(callee.property)
  ) {
    const specifier = importOf(callee.object.name);
    if (specifier === undefined || !found.namespaces.has(specifier)) return undefined;
    const name = callee.property.name;
    return Object.hasOwn(TAKES_GENERATOR, name) ? TAKES_GENERATOR[name] : undefined;
  }
  return undefined;
}
