/**
 * Lowering one generator function into a poll state machine: what rustc
 * does to an `async fn` body, on Babel's AST.
 *
 * The body is cut into numbered blocks at every `yield*`; the blocks become
 * the `case`s of a `switch` on `state`, inside a `for (;;)` that a block
 * leaves with `state = k; continue` (a jump) or by returning (done or
 * suspended). Statements that contain no `yield*` are copied as they are
 * into the block they belong to (except one that jumps out of its own
 * `try…finally`, see {@link mustCut}): only what crosses an await is
 * rewritten.
 *
 * - **Locals** that live across awaits move to the closure of the outer
 *   "start" function (the generator's parameters stay parameters there), so
 *   they survive between polls. Block-scoped ones are renamed apart.
 *   A binding declared inside a loop that is cut at an await, and captured
 *   by a closure, would lose its per-iteration copy: such a function is not
 *   compiled.
 * - **Expressions** with an await inside are evaluated left to right into
 *   temporaries, so everything evaluated before the await keeps its value
 *   and its order (`a + (yield* f)`, call arguments and their `this`,
 *   `&&`/`||`/`??`, conditionals, templates).
 * - **try/catch/finally**: each block knows its handler. An exception in a
 *   block is caught around the `switch` and sent to the catch or finally
 *   block of the innermost `try` it is in. A `finally` is entered with the
 *   block to continue at afterwards in a per-`try` variable, so `return`,
 *   `break` and `continue` out of a `try` run every `finally` between the
 *   jump and its target, innermost first, and a `return` inside `finally`
 *   overrides what was pending, as in the generator.
 * - **`using`** in a block that awaits becomes a `try` whose `finally` has
 *   the machine dispose what the block registered, last first; `for…of`
 *   becomes the iteration protocol in a `try` whose `finally` closes the
 *   iterator when the loop is left early; `switch` becomes its tests in
 *   order and its clauses as falling-through blocks.
 * - **Drop** resumes the body at its await with the runtime's `DROP`
 *   thrown: the handler treats it as a return, so only `finally` blocks
 *   (and for-of iterator closing) see it.
 *
 * Anything else containing an await (`for…in`, `yield` without a star,
 * `await using`, …) makes
 * {@link lowerGenerator} throw {@link Unsupported}: the caller leaves the
 * generator as it was and warns.
 *
 * @module
 */

import type { Binding, NodePath } from "@babel/traverse";
import * as t from "@babel/types";

/** Thrown when a body uses something the lowering does not handle: the generator stays a generator. */
export class Unsupported extends Error {}

/** The identifiers the emitted code refers to at module level. */
export interface RuntimeNames {
  /** The `SUSPENDED` symbol. */
  suspended: t.Identifier;
  /** The `DROP` symbol. */
  drop: t.Identifier;
  /** `Symbol.iterator`, read from the runtime (the module may shadow `Symbol`). */
  iterator: t.Identifier;
  /** The `[Symbol.iterator]` every library future shares (Awaitable's). */
  ownIterator: t.Identifier;
  /** Makes a fresh name for the emitted code's own variables (see {@link freshNames}). */
  fresh(name: string): string;
}

/**
 * Names for the emitted code's variables (`$m`, `$t3`, `$next`, …): a
 * prefix that appears nowhere in the source followed by a letter cannot
 * collide with any name in it, so no scope has to be searched (Babel's
 * `generateUid` searches every scope per name, quadratic in the temporaries).
 */
export function freshNames(source: string): (name: string) => string {
  const prefix = ["$", "_$", "$_", "__$", "$$$"].find(
    (p) => !new RegExp(`${p.replace(/\$/g, "\\$")}[A-Za-z]`).test(source),
  );
  const used = new Set<string>();
  return (name) => {
    const base = prefix === undefined ? `__miniTokio_${name}` : `${prefix}${name}`;
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${base}${n}`;
    used.add(candidate);
    return candidate;
  };
}

/** Where a block is, as far as exceptions and `finally` are concerned. */
interface Frame {
  readonly entry: TryEntry;
  readonly phase: "try" | "catch" | "finally";
  readonly parent: Frame | undefined;
}

/** One `try` statement being lowered. */
interface TryEntry {
  /** The frame the `try` statement itself is in. */
  readonly outer: Frame | undefined;
  catchBlock: number | undefined;
  /** What the catch clause's parameter is assigned from the handler. */
  catchTarget: t.Identifier | undefined;
  finallyBlock: number | undefined;
  /** The block to go to when the finally block ends. */
  readonly next: t.Identifier | undefined;
  /** The exception a finally block rethrows when it ends. */
  readonly error: t.Identifier | undefined;
  rethrowBlock: number | undefined;
  returnTrampoline: number | undefined;
  readonly jumpTrampolines: Map<number, number>;
}

/** A `break`/`continue` target. */
interface JumpTarget {
  readonly labels: readonly string[];
  readonly isLoop: boolean;
  readonly breakBlock: number;
  readonly continueBlock: number | undefined;
  readonly frame: Frame | undefined;
}

interface Block {
  readonly body: t.Statement[];
  frame: Frame | undefined;
  /** Where control goes when the block's statements end (undefined: they end in a return/throw/jump). */
  next: number | undefined;
}

const yieldCache = new WeakMap<t.Node, boolean>();

/** True when `node` contains a `yield` of the function being lowered (not of a nested function). */
export function hasYield(node: t.Node | null | undefined): boolean {
  if (node === null || node === undefined) return false;
  const cached = yieldCache.get(node);
  if (cached !== undefined) return cached;
  let found = node.type === "YieldExpression";
  if (!found && !t.isFunction(node)) {
    forEachChild(node, (child) => {
      if (!found && hasYield(child)) found = true;
    });
  }
  yieldCache.set(node, found);
  return found;
}

const escapeCache = new WeakMap<t.Node, boolean>();

/**
 * True when a statement must be lowered, not copied: it awaits, or it
 * leaves itself (`break`/`continue` to an outer target, or `return`) from
 * inside its own `try…finally` or `using` block. Such a jump becomes a state
 * change in copied code, and the state would already name the target while
 * that `finally` (or disposal) runs — an exception there would then go to
 * the wrong handler. Lowered, the `finally` is a block of its own.
 */
function mustCut(s: t.Statement): boolean {
  if (hasYield(s)) return true;
  const cached = escapeCache.get(s);
  if (cached !== undefined) return cached;
  let found = false;
  const visit = (node: t.Node, guarded: boolean, labels: string[], loops: number, breakables: number): void => {
    if (found || t.isFunction(node) || t.isClass(node)) return;
    if (t.isBreakStatement(node) || t.isContinueStatement(node)) {
      const inner = node.label
        ? labels.includes(node.label.name)
        : t.isBreakStatement(node)
          ? breakables > 0
          : loops > 0;
      if (guarded && !inner) found = true;
      return;
    }
    if (t.isReturnStatement(node)) {
      if (guarded) found = true;
      return;
    }
    const innerLabels = t.isLabeledStatement(node) ? [...labels, node.label.name] : labels;
    const innerLoops = isLoop(node) ? loops + 1 : loops;
    const innerBreakables = isLoop(node) || t.isSwitchStatement(node) ? breakables + 1 : breakables;
    if (t.isTryStatement(node) && node.finalizer) {
      visit(node.block, true, innerLabels, innerLoops, innerBreakables);
      if (node.handler) visit(node.handler, true, innerLabels, innerLoops, innerBreakables);
      visit(node.finalizer, guarded, innerLabels, innerLoops, innerBreakables);
      return;
    }
    const disposes =
      (t.isBlockStatement(node) || t.isSwitchCase(node) || t.isProgram(node)) &&
      (t.isSwitchCase(node) ? node.consequent : node.body).some(
        (x) => t.isVariableDeclaration(x) && x.kind.endsWith("using"),
      );
    forEachChild(node, (child) => visit(child, guarded || disposes, innerLabels, innerLoops, innerBreakables));
  };
  visit(s, false, [], 0, 0);
  escapeCache.set(s, found);
  return found;
}

export function forEachChild(node: t.Node, visit: (child: t.Node) => void): void {
  const keys = t.VISITOR_KEYS[node.type];
  if (keys === undefined) return;
  for (const key of keys) {
    const value: unknown = Reflect.get(node, key);
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (isNode(value)) {
      visit(value);
    }
  }
}

/**
 * Calls `replace` on each child of `node` (with the key it sits under) and
 * puts what it returns, if anything, in the child's place: the one walk
 * behind every rewrite of the body in place.
 */
function replaceChildren(node: t.Node, replace: (child: t.Node, key: string) => t.Node | undefined): void {
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const value: unknown = Reflect.get(node, key);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (!isNode(item)) continue;
        const r = replace(item, key);
        if (r !== undefined) value[i] = r;
      }
    } else if (isNode(value)) {
      const r = replace(value, key);
      if (r !== undefined) setChild(node, key, r);
    }
  }
}

function isNode(value: unknown): value is t.Node {
  return typeof value === "object" && value !== null && "type" in value && typeof value.type === "string";
}

/** The statements a statement position holds, as a list. */
function statementsOf(s: t.Statement): t.Statement[] {
  return t.isBlockStatement(s) ? s.body : [s];
}

function isLoop(s: t.Node): s is t.Loop {
  return t.isLoop(s);
}

/**
 * Lowers the generator function at `path` into the body of its "start"
 * function: the hoisted locals, then `return function (m) { … }`.
 * Throws {@link Unsupported} for what it cannot lower exactly.
 */
export function lowerGenerator(path: NodePath<t.FunctionExpression>, names: RuntimeNames): t.FunctionExpression {
  return new Lowering(path, names).run();
}

class Lowering {
  private readonly fn: t.FunctionExpression;
  private readonly blocks: Block[] = [];
  private current = 0;
  /** False once the current block ended in a return, throw or jump. */
  private open = true;
  private frame: Frame | undefined = undefined;
  private readonly targets: JumpTarget[] = [];
  /** Locals moved to the start function's closure. */
  private readonly hoisted = new Set<string>();
  /** Boxed bindings (see {@link Lowering.box}): name → the box's identifier. */
  private readonly boxes = new Map<string, t.Identifier>();
  /** The identifiers that use a boxed binding → its box's name. */
  private readonly boxUses = new Map<t.Node, string>();
  /** The closures that use boxed bindings → the boxes they must keep. */
  private readonly boxClosures = new Map<t.Node, string[]>();
  /** A `for (let …)` loop's boxed head bindings, copied before each update. */
  private readonly headBoxes = new Map<t.Node, t.Identifier[]>();
  /** Temporaries: fresh per use, never reassigned elsewhere, so they need no freezing. */
  private readonly temps = new Set<string>();
  /** Function declarations of the body's top level, moved to the start function. */
  private readonly functions: t.FunctionDeclaration[] = [];
  private readonly machine: t.Identifier;
  /** The machine's state number (`$m.state`): a field of the machine, so a body with no other local needs no closure context. */
  private get state(): t.MemberExpression {
    return t.memberExpression(this.machine, t.identifier("state"));
  }
  private readonly loopLabel: t.Identifier;
  private usesLoopLabel = false;
  private returnValue: t.Identifier | undefined;
  private thisId: t.Identifier | undefined;
  private argumentsId: t.Identifier | undefined;
  private hasTry = false;
  /** Blocks in the order they were written; state numbers are positions in it. */
  private readonly order: number[] = [];
  private readonly placed = new Set<number>();
  private readonly refs: t.NumericLiteral[] = [];

  constructor(
    private readonly path: NodePath<t.FunctionExpression>,
    private readonly names: RuntimeNames,
  ) {
    this.fn = path.node;
    this.machine = this.uid("m");
    this.loopLabel = this.uid("resume");
  }

  run(): t.FunctionExpression {
    const fn = this.fn;
    if (!fn.generator || fn.async) throw new Unsupported("not a generator function");
    for (const param of fn.params) if (hasYield(param)) throw new Unsupported("an await in a parameter default");
    if (fn.id && (this.path.scope.getBinding(fn.id.name)?.referenced ?? false)) {
      // Inside, the name is the generator function itself; the compiled start function is not that.
      throw new Unsupported(`the generator refers to its own name ${fn.id.name}`);
    }
    this.checkBody(fn.body);
    this.prepareBindings();
    this.replaceThisAndArguments(fn.body);
    this.blocks.push({ body: [], frame: undefined, next: undefined });
    this.place(0);
    this.statements(fn.body.body, true);
    if (this.open) this.emit(t.returnStatement());
    return this.assemble();
  }

  // --- Checks and bindings ---------------------------------------------------

  /** Rejects what the lowering cannot reproduce exactly, before anything is changed. */
  private checkBody(body: t.Node): void {
    const visit = (node: t.Node): void => {
      if (t.isYieldExpression(node) && !node.delegate) {
        throw new Unsupported("a bare `yield` (not `yield*`)");
      }
      if (t.isSuper(node)) throw new Unsupported("`super`");
      if (t.isMetaProperty(node)) throw new Unsupported("`new.target` or `import.meta`");
      if (t.isFunction(node)) {
        // `this`, `arguments` and `super` inside arrows are the generator's.
        if (!t.isArrowFunctionExpression(node)) return;
      }
      forEachChild(node, visit);
    };
    visit(body);
  }

  /**
   * Finds the locals declared at the levels the lowering cuts into blocks,
   * renames block-scoped ones apart, and refuses closures that capture a
   * per-iteration binding of a cut loop.
   */
  private prepareBindings(): void {
    const fnScope = this.path.scope;
    // The bindings of nested blocks are found by walking their scopes, only
    // when a declaration is not one of the function's own (a traversal per
    // generator is the costliest part of compiling).
    let nested: Map<t.Identifier, Binding> | undefined;
    /** How many bindings inside the function have each name (made with `nested`). */
    const named = new Map<string, number>();
    const bindingOf = (id: t.Identifier): Binding | undefined => {
      const own = fnScope.getOwnBinding(id.name);
      if (own?.identifier === id) return own;
      if (nested === undefined) {
        const found = new Map<t.Identifier, Binding>();
        this.path.traverse({
          Scopable(p) {
            for (const binding of Object.values(p.scope.bindings)) found.set(binding.identifier, binding);
          },
        });
        for (const binding of found.values()) {
          const name = binding.identifier.name;
          named.set(name, (named.get(name) ?? 0) + 1);
        }
        nested = found;
      }
      return nested.get(id);
    };
    // A block's binding moves to the function's top. It keeps its name
    // when nothing else could mean that name there: no other binding of
    // it inside the function, none outside, and no use of it as a free
    // name. Renaming costs a traversal of the binding's scope.
    const mustRename = (name: string): boolean =>
      (named.get(name) ?? 0) > 1 ||
      fnScope.parent?.hasBinding(name) !== false ||
      fnScope.getProgramParent().hasGlobal(name);

    const declared: Declared[] = [];
    const collect = (stmts: t.Statement[], inLoop: boolean, top: boolean): void => {
      for (const s of stmts) {
        if (t.isVariableDeclaration(s) && s.kind !== "var") {
          if (s.kind === "await using") throw new Unsupported("an `await using` declaration");
          const plain = s.declarations.every((d) => t.isIdentifier(d.id));
          for (const id of declaredIdentifiers(s)) declared.push({ id, inLoop, site: plain ? "let" : "other" });
          continue;
        }
        if (t.isClassDeclaration(s) && s.id) {
          declared.push({ id: s.id, inLoop, site: "other" });
          continue;
        }
        if (t.isFunctionDeclaration(s)) {
          if (!top) throw new Unsupported("a function declaration inside a block that awaits");
          continue;
        }
        if (!mustCut(s)) continue;
        // A sub-statement without awaits is copied whole: its declarations stay where they are.
        const cut = (sub: t.Statement | null | undefined, loop: boolean): void => {
          if (sub && mustCut(sub)) collect(statementsOf(sub), loop, false);
        };
        if (t.isBlockStatement(s)) collect(s.body, inLoop, false);
        else if (t.isIfStatement(s)) {
          cut(s.consequent, inLoop);
          cut(s.alternate, inLoop);
        } else if (t.isLabeledStatement(s)) collect([s.body], inLoop, false);
        else if (t.isSwitchStatement(s)) {
          for (const c of s.cases) collect(c.consequent, inLoop, false);
        } else if (t.isTryStatement(s)) {
          collect(s.block.body, inLoop, false);
          if (s.handler) {
            if (s.handler.param) {
              for (const id of Object.values(t.getBindingIdentifiers(s.handler.param))) {
                declared.push({ id, inLoop, site: "other" });
              }
            }
            collect(s.handler.body.body, inLoop, false);
          }
          if (s.finalizer) collect(s.finalizer.body, inLoop, false);
        } else if (isLoop(s)) {
          const head = t.isForStatement(s) ? s.init : t.isForXStatement(s) ? s.left : undefined;
          if (t.isVariableDeclaration(head) && head.kind !== "var") {
            const plain = head.declarations.every((d) => t.isIdentifier(d.id));
            for (const id of declaredIdentifiers(head)) {
              declared.push({ id, inLoop: true, site: plain ? "let" : "other", loop: s });
            }
          }
          cut(s.body, true);
        }
      }
    };
    collect(this.fn.body.body, false, true);

    const boxed: { binding: Binding; entry: Declared }[] = [];
    for (const entry of declared) {
      const { id, inLoop } = entry;
      const binding = bindingOf(id);
      if (binding === undefined) throw new Unsupported(`a binding Babel did not resolve (${id.name})`);
      if (binding.kind === "const" && binding.constantViolations.length > 0) {
        throw new Unsupported(`an assignment to the constant ${id.name}`);
      }
      const captured = inLoop && this.capturedByClosure(binding);
      if (captured && entry.site !== "let") {
        throw new Unsupported(
          `the loop variable ${id.name} is captured by a closure (its per-iteration binding would be shared)`,
        );
      }
      if (binding.scope !== fnScope && mustRename(id.name)) {
        const fresh = this.names.fresh(id.name);
        binding.scope.rename(id.name, fresh);
      }
      if (captured) boxed.push({ binding, entry });
      else this.hoisted.add(binding.identifier.name);
    }
    for (const { binding, entry } of boxed) this.box(binding, entry);
    if (boxed.length > 0) this.rewriteBoxed(this.fn.body);
    for (const binding of Object.values(fnScope.bindings)) {
      if (binding.kind === "var") this.hoisted.add(binding.identifier.name);
    }
    this.removeVarDeclarations(this.fn.body);
  }

  private capturedByClosure(binding: Binding): boolean {
    const uses = [...binding.referencePaths, ...binding.constantViolations];
    return uses.some((use) => use.getFunctionParent()?.node !== this.fn);
  }

  /**
   * A per-iteration binding of a cut loop that a closure captures gets a
   * box, `$box = { v }`, made afresh where the binding would be (each
   * declaration, each iteration of a `for…of`, and for a `for (let …)`
   * copied before each update, as the language copies it). Every use reads
   * `$box.v`, and each closure that uses it is wrapped as
   * `(($box) => closure)($box)`, so it keeps the box of the iteration that
   * made it and sees, and makes, that iteration's changes.
   */
  private box(binding: Binding, entry: Declared): void {
    const name = binding.identifier.name;
    const refuse = (why: string): never => {
      throw new Unsupported(`the loop variable ${name} is captured by a closure ${why}`);
    };
    const loop = entry.loop;
    if (t.isForStatement(loop) && !loop.update) refuse("in a for loop without an update");
    const box = this.uid(`${name}Box`);
    const uses: t.Node[] = [...binding.referencePaths.map((p) => p.node)];
    for (const p of binding.constantViolations) {
      for (const id of Object.values(p.getBindingIdentifiers())) if (id.name === name) uses.push(id);
    }
    for (const path of [...binding.referencePaths, ...binding.constantViolations]) {
      // The outermost function between the use and the body: the closure to wrap.
      let closure: t.Node | undefined;
      for (let p: NodePath | null = path; p !== null && p.node !== this.fn; p = p.parentPath) {
        if (p.isFunction() || p.isClass()) closure = p.node;
        if (t.isForStatement(loop) && p.node === loop.init && closure !== undefined) refuse("in its loop's head");
      }
      if (closure === undefined) continue;
      if (!t.isFunctionExpression(closure) && !t.isArrowFunctionExpression(closure)) {
        refuse("declared as a function, class or method");
      }
      const boxes = this.boxClosures.get(closure) ?? [];
      if (!boxes.includes(box.name)) boxes.push(box.name);
      this.boxClosures.set(closure, boxes);
    }
    for (const use of uses) this.boxUses.set(use, box.name);
    this.boxes.set(name, box);
    this.hoisted.add(box.name);
    if (t.isForStatement(loop)) this.headBoxes.set(loop, [...(this.headBoxes.get(loop) ?? []), box]);
  }

  /** Replaces the uses of boxed bindings by `$box.v`, and wraps the closures that use them. */
  private rewriteBoxed(body: t.BlockStatement): void {
    const visit = (node: t.Node): void =>
      replaceChildren(node, (child) => {
        const box = this.boxUses.get(child);
        if (box !== undefined) {
          if (t.isObjectProperty(node) && node.value === child) node.shorthand = false;
          return t.memberExpression(t.identifier(box), t.identifier("v"));
        }
        visit(child);
        const boxes = this.boxClosures.get(child);
        if (boxes === undefined || !t.isExpression(child)) return undefined;
        const ids = () => boxes.map((b) => t.identifier(b));
        return t.callExpression(t.arrowFunctionExpression(ids(), child), ids());
      });
    visit(body);
  }

  /** `var` declarations anywhere in the body become assignments: the start function declares them. */
  private removeVarDeclarations(body: t.BlockStatement): void {
    const rewrite = (node: t.Node): void => {
      if (t.isFunction(node)) return;
      forEachChild(node, rewrite);
      replaceChildren(node, (child, key) => {
        if (!t.isVariableDeclaration(child) || child.kind !== "var") return undefined;
        const inHead = (t.isForStatement(node) && key === "init") || (t.isForXStatement(node) && key === "left");
        if (!inHead) return varToStatement(child);
        const head = varToHead(child);
        // `for (var i; …)`: nothing is left of the head.
        if (head === null) setChild(node, key, null);
        return head ?? undefined;
      });
    };
    rewrite(body);
  }

  private replaceThisAndArguments(body: t.Node): void {
    const visit = (node: t.Node): void => {
      if (t.isFunction(node) && !t.isArrowFunctionExpression(node)) return;
      if (t.isClass(node)) {
        if (mentionsThis(node)) throw new Unsupported("`this` or `arguments` in a class heritage or computed key");
        return;
      }
      replaceChildren(node, (child, key) => {
        if (t.isThisExpression(child)) return (this.thisId ??= this.uid("this"));
        if (t.isIdentifier(child) && child.name === "arguments" && isReferenceSlot(node, key)) {
          return (this.argumentsId ??= this.uid("arguments"));
        }
        visit(child);
        return undefined;
      });
    };
    visit(body);
  }

  // --- Blocks and jumps ------------------------------------------------------

  private uid(name: string): t.Identifier {
    return t.identifier(this.names.fresh(name));
  }

  private temp(): t.Identifier {
    const id = this.uid("t");
    this.temps.add(id.name);
    return id;
  }

  /** A new block; its frame is set when it is entered (trampolines, which are not, pass theirs). */
  private newBlock(frame?: Frame): number {
    this.blocks.push({ body: [], frame, next: undefined });
    return this.blocks.length - 1;
  }

  private block(i: number): Block {
    const b = this.blocks[i];
    if (b === undefined) throw new Error(`mini-tokio/compile: no block ${i}`);
    return b;
  }

  /** Continues emitting into block `i`; the current block, if still open, falls into it. */
  private enter(i: number): void {
    this.place(i);
    if (this.open) this.block(this.current).next = i;
    this.current = i;
    this.block(i).frame = this.frame;
    this.open = true;
  }

  /** Puts block `i` next in the written order (see `assemble`). */
  private place(i: number): void {
    if (this.placed.has(i)) return;
    this.placed.add(i);
    this.order.push(i);
  }

  /** A state number in the emitted code; renumbered when the blocks are ordered. */
  private ref(block: number): t.NumericLiteral {
    const literal = t.numericLiteral(block);
    this.refs.push(literal);
    return literal;
  }

  private emit(s: t.Statement): void {
    this.block(this.current).body.push(s);
    if (t.isReturnStatement(s) || t.isThrowStatement(s)) this.open = false;
  }

  /** Ends the current block with a jump to `target`. */
  private jump(target: number): void {
    if (!this.open) return;
    this.block(this.current).next = target;
    this.open = false;
  }

  /** `state = target; continue` as statements, for a jump from inside an `if` or copied code. */
  private goto(target: number, labelled = false): t.Statement[] {
    if (labelled) this.usesLoopLabel = true;
    return [
      t.expressionStatement(t.assignmentExpression("=", this.state, this.ref(target))),
      t.continueStatement(labelled ? this.loopLabel : null),
    ];
  }

  /** The innermost `try` whose `finally` a jump out of `frame` must run first (up to `until`). */
  private pendingFinally(frame: Frame | undefined, until: Frame | undefined): TryEntry | undefined {
    for (let f = frame; f !== undefined && f !== until; f = f.parent) {
      if (f.phase !== "finally" && f.entry.finallyBlock !== undefined) return f.entry;
    }
    return undefined;
  }

  /**
   * Statements that return `returnValue` from `frame`: through every
   * pending finally, innermost first, then out of the body.
   */
  private routeReturn(frame: Frame | undefined, labelled: boolean, last: t.Statement): t.Statement[] {
    const entry = this.pendingFinally(frame, undefined);
    if (entry === undefined) return [last];
    entry.returnTrampoline ??= this.trampoline(entry, (outer) =>
      this.routeReturn(outer, false, t.returnStatement(this.returnValueId())),
    );
    return this.enterFinally(entry, entry.returnTrampoline, labelled);
  }

  /** Statements that jump from `frame` to `target` (at `targetFrame`) through the pending finally blocks. */
  private routeJump(
    frame: Frame | undefined,
    target: number,
    targetFrame: Frame | undefined,
    labelled: boolean,
  ): t.Statement[] {
    const entry = this.pendingFinally(frame, targetFrame);
    if (entry === undefined) return this.goto(target, labelled);
    let trampoline = entry.jumpTrampolines.get(target);
    if (trampoline === undefined) {
      trampoline = this.trampoline(entry, (outer) => this.routeJump(outer, target, targetFrame, false));
      entry.jumpTrampolines.set(target, trampoline);
    }
    return this.enterFinally(entry, trampoline, labelled);
  }

  private enterFinally(entry: TryEntry, then: number, labelled: boolean): t.Statement[] {
    if (entry.next === undefined || entry.finallyBlock === undefined) throw new Error("no finally");
    return [
      t.expressionStatement(t.assignmentExpression("=", entry.next, this.ref(then))),
      ...this.goto(entry.finallyBlock, labelled),
    ];
  }

  /** A block, outside `entry`'s try statement, that continues a return or jump after its finally. */
  private trampoline(entry: TryEntry, route: (outer: Frame | undefined) => t.Statement[]): number {
    const i = this.newBlock(entry.outer);
    this.block(i).frame = entry.outer;
    this.place(i);
    this.block(i).body.push(...route(entry.outer));
    return i;
  }

  private returnValueId(): t.Identifier {
    this.returnValue ??= this.uid("returned");
    return this.returnValue;
  }

  // --- Statements ------------------------------------------------------------

  /**
   * The statements of a block, in order. From the first `using`
   * declaration on, they run inside a try whose finally disposes what the
   * block's `using` declarations registered, last first: the language's
   * rule, spelled with the machine's `using`/`disposeAll` (errors from
   * several disposals become a SuppressedError chain).
   */
  private statements(list: t.Statement[], top = false): void {
    const first = list.findIndex((s) => t.isVariableDeclaration(s) && s.kind === "using");
    if (first === -1) {
      for (const s of list) this.statement(s, top);
      return;
    }
    for (const s of list.slice(0, first)) this.statement(s, top);
    const stack = this.temp();
    const error = this.temp();
    const hasError = this.temp();
    const caught = this.uid("e");
    this.hoisted.add(caught.name);
    const assign = (target: t.Identifier, value: t.Expression) =>
      t.expressionStatement(t.assignmentExpression("=", target, value));
    this.emit(assign(stack, t.arrayExpression([])));
    this.emit(assign(error, t.unaryExpression("void", t.numericLiteral(0))));
    this.emit(assign(hasError, t.booleanLiteral(false)));
    const rest = list.slice(first).map((s): t.Statement => {
      if (!t.isVariableDeclaration(s) || s.kind !== "using") return s;
      const registered = s.declarations.map((d) => {
        const value = d.init ?? t.unaryExpression("void", t.numericLiteral(0));
        const call = t.callExpression(t.memberExpression(this.machine, t.identifier("using")), [stack, value]);
        call.loc = d.loc ?? null;
        return t.variableDeclarator(d.id, call);
      });
      return t.variableDeclaration("const", registered);
    });
    const guarded = t.tryStatement(
      t.blockStatement(rest),
      t.catchClause(caught, t.blockStatement([assign(error, caught), assign(hasError, t.booleanLiteral(true))])),
      t.blockStatement([
        t.expressionStatement(
          t.callExpression(t.memberExpression(this.machine, t.identifier("disposeAll")), [stack, error, hasError]),
        ),
      ]),
    );
    this.statement(guarded);
  }

  private statement(s: t.Statement, top = false): void {
    if (t.isVariableDeclaration(s)) {
      this.declaration(s);
      return;
    }
    if (t.isClassDeclaration(s) && s.id) {
      if (hasYield(s)) throw new Unsupported("an await in a class declaration");
      const expr = t.classExpression(s.id, s.superClass, s.body, s.decorators);
      this.emit(t.expressionStatement(t.assignmentExpression("=", t.identifier(s.id.name), expr)));
      return;
    }
    if (t.isFunctionDeclaration(s)) {
      if (!top) throw new Unsupported("a function declaration inside a block that awaits");
      this.functions.push(s);
      return;
    }
    if (!mustCut(s)) {
      this.emit(this.copied(s));
      if (t.isReturnStatement(s) || t.isThrowStatement(s)) this.open = false;
      return;
    }
    switch (s.type) {
      case "ExpressionStatement":
        this.expressionStatement(s.expression);
        return;
      case "BlockStatement":
        this.statements(s.body);
        return;
      case "IfStatement":
        this.ifStatement(s);
        return;
      case "ReturnStatement": {
        const value = s.argument ? this.expr(s.argument) : undefined;
        this.returnWith(value);
        return;
      }
      case "ThrowStatement":
        this.emit(t.throwStatement(this.expr(s.argument)));
        return;
      case "LabeledStatement":
        this.labeled([s.label.name], s.body);
        return;
      case "WhileStatement":
      case "DoWhileStatement":
      case "ForStatement":
      case "ForOfStatement":
        this.loop([], s);
        return;
      case "TryStatement":
        this.tryStatement(s);
        return;
      case "SwitchStatement":
        this.switchStatement([], s);
        return;
      default:
        throw new Unsupported(`an await inside a ${s.type}`);
    }
  }

  private returnWith(value: t.Expression | undefined): void {
    if (this.pendingFinally(this.frame, undefined) === undefined) {
      this.emit(t.returnStatement(value));
      return;
    }
    this.emit(
      t.expressionStatement(
        t.assignmentExpression("=", this.returnValueId(), value ?? t.unaryExpression("void", t.numericLiteral(0))),
      ),
    );
    for (const r of this.routeReturn(this.frame, false, t.returnStatement(this.returnValueId()))) this.emit(r);
    this.open = false;
  }

  private expressionStatement(e: t.Expression): void {
    if (t.isYieldExpression(e) && e.argument) {
      // The value is unused: no temporary.
      this.await(this.expr(e.argument), undefined, e.loc);
      return;
    }
    const value = this.expr(e);
    if (!(t.isIdentifier(value) && this.temps.has(value.name))) this.emit(t.expressionStatement(value));
  }

  /** `let`/`const`/`class` at a cut level: the binding was hoisted; the declaration becomes an assignment. */
  private declaration(s: t.VariableDeclaration): void {
    for (const d of s.declarations) {
      const box = t.isIdentifier(d.id) ? this.boxes.get(d.id.name) : undefined;
      if (box !== undefined) {
        // A boxed binding: a new box each time the declaration runs.
        const value = d.init ? this.expr(d.init) : t.unaryExpression("void", t.numericLiteral(0));
        this.emit(t.expressionStatement(t.assignmentExpression("=", box, boxOf(value))));
        continue;
      }
      if (d.init) {
        const value = this.expr(d.init);
        this.emit(t.expressionStatement(t.assignmentExpression("=", lvalOf(d.id), value)));
      } else if (s.kind !== "var") {
        // A `let` without initializer starts as undefined every time it runs (in a loop, too).
        for (const id of declaredIdentifiers(s)) {
          this.emit(
            t.expressionStatement(
              t.assignmentExpression("=", t.identifier(id.name), t.unaryExpression("void", t.numericLiteral(0))),
            ),
          );
        }
      }
    }
  }

  private ifStatement(s: t.IfStatement): void {
    const test = this.expr(s.test);
    const after = this.newBlock();
    const otherwise = s.alternate ? this.newBlock() : after;
    this.emit(t.ifStatement(t.unaryExpression("!", test), t.blockStatement(this.goto(otherwise))));
    this.statement(s.consequent);
    this.jump(after);
    if (s.alternate) {
      this.enter(otherwise);
      this.statement(s.alternate);
      this.jump(after);
    }
    this.enter(after);
  }

  private labeled(labels: string[], body: t.Statement): void {
    if (t.isLabeledStatement(body)) {
      this.labeled([...labels, body.label.name], body.body);
      return;
    }
    if (isLoop(body)) {
      this.loop(labels, body);
      return;
    }
    if (t.isSwitchStatement(body)) {
      this.switchStatement(labels, body);
      return;
    }
    // A labelled block: `break label` leaves it.
    const after = this.newBlock();
    this.targets.push({ labels, isLoop: false, breakBlock: after, continueBlock: undefined, frame: this.frame });
    this.statement(body);
    this.targets.pop();
    this.jump(after);
    this.enter(after);
  }

  /**
   * `switch` with an await inside: the case tests run in order until one is
   * `===` the value (the default clause only after every test failed, as
   * the language says), then control enters that clause and falls through
   * the ones after it until a `break`.
   */
  private switchStatement(labels: string[], s: t.SwitchStatement): void {
    const value = this.frozen(this.expr(s.discriminant), true);
    const clauses = s.cases.map(() => this.newBlock());
    const after = this.newBlock();
    s.cases.forEach((c, i) => {
      const clause = clauses[i];
      if (c.test === null || c.test === undefined || clause === undefined) return;
      const test = this.expr(c.test);
      this.emit(t.ifStatement(t.binaryExpression("===", value, test), t.blockStatement(this.goto(clause))));
    });
    const fallback = s.cases.findIndex((c) => c.test === null || c.test === undefined);
    this.jump(fallback === -1 ? after : (clauses[fallback] ?? after));
    this.targets.push({ labels, isLoop: false, breakBlock: after, continueBlock: undefined, frame: this.frame });
    s.cases.forEach((c, i) => {
      const clause = clauses[i];
      if (clause === undefined) return;
      this.enter(clause);
      for (const inner of c.consequent) this.statement(inner);
    });
    this.targets.pop();
    this.jump(after);
    this.enter(after);
  }

  private loop(labels: string[], s: t.Loop): void {
    if (t.isForOfStatement(s)) {
      this.forOf(labels, s);
      return;
    }
    if (t.isForInStatement(s)) throw new Unsupported("an await inside for…in");
    if (t.isForStatement(s) && s.init) {
      if (t.isVariableDeclaration(s.init)) this.declaration(s.init);
      else this.expressionStatement(s.init);
    }
    const head = this.newBlock();
    const after = this.newBlock();
    const update = t.isForStatement(s) && s.update ? this.newBlock() : undefined;
    const body = t.isDoWhileStatement(s) ? this.newBlock() : undefined;
    const continueBlock = t.isDoWhileStatement(s) ? head : (update ?? head);
    this.targets.push({ labels, isLoop: true, breakBlock: after, continueBlock, frame: this.frame });
    if (body !== undefined) {
      // do … while: the body first, the test is where `continue` goes.
      this.enter(body);
      this.statement(s.body);
      this.jump(head);
      this.enter(head);
      if (!t.isDoWhileStatement(s)) throw new Error("unreachable");
      const test = this.expr(s.test);
      this.emit(t.ifStatement(test, t.blockStatement(this.goto(body))));
      this.jump(after);
    } else {
      this.enter(head);
      const rawTest = t.isForStatement(s) || t.isWhileStatement(s) ? s.test : undefined;
      if (rawTest) {
        const test = this.expr(rawTest);
        this.emit(t.ifStatement(t.unaryExpression("!", test), t.blockStatement(this.goto(after))));
      }
      this.statement(s.body);
      if (update !== undefined && t.isForStatement(s) && s.update) {
        this.jump(update);
        this.enter(update);
        // The next iteration's bindings: a copy of this one's, before the update runs in them.
        for (const box of this.headBoxes.get(s) ?? []) {
          this.emit(
            t.expressionStatement(t.assignmentExpression("=", box, boxOf(t.memberExpression(box, t.identifier("v"))))),
          );
        }
        this.expressionStatement(s.update);
      }
      this.jump(head);
    }
    this.targets.pop();
    this.enter(after);
  }

  /**
   * `for (x of xs) body` with an await in the body, as the iteration
   * protocol spells it: the iterator is closed (its `return()` called) when
   * the loop is left early, by break, return, throw or drop.
   */
  private forOf(labels: string[], s: t.ForOfStatement): void {
    if (s.await) throw new Unsupported("for await");
    const iterator = this.temp();
    const next = this.temp();
    const result = this.temp();
    const active = this.temp();
    const threw = this.temp();
    const value = this.temp();
    const iterable = this.expr(s.right);
    const member = (o: t.Expression, p: string) => t.memberExpression(o, t.identifier(p));
    // The machine's helpers, not `Symbol`/`TypeError` by name: the body may shadow those.
    this.emit(
      t.expressionStatement(
        t.assignmentExpression("=", iterator, t.callExpression(member(this.machine, "iterate"), [iterable])),
      ),
    );
    this.emit(t.expressionStatement(t.assignmentExpression("=", next, member(iterator, "next"))));
    this.emit(t.expressionStatement(t.assignmentExpression("=", threw, t.booleanLiteral(false))));
    this.emit(t.expressionStatement(t.assignmentExpression("=", active, t.booleanLiteral(false))));
    const left = s.left;
    if (!t.isVariableDeclaration(left) && hasYield(left)) throw new Unsupported("an await in a for…of target");
    const target: t.LVal = t.isVariableDeclaration(left) ? lvalOf(onlyDeclarator(left).id) : lvalOf(left);
    const box = t.isIdentifier(target) ? this.boxes.get(target.name) : undefined;
    // The loop, as a labelled for (;;) inside a try whose finally closes the iterator.
    const step: t.Statement[] = [
      t.expressionStatement(t.assignmentExpression("=", active, t.booleanLiteral(false))),
      t.expressionStatement(
        t.assignmentExpression(
          "=",
          result,
          t.callExpression(member(this.machine, "result"), [t.callExpression(member(next, "call"), [iterator])]),
        ),
      ),
      t.ifStatement(member(result, "done"), t.breakStatement()),
      t.expressionStatement(t.assignmentExpression("=", value, member(result, "value"))),
      t.expressionStatement(t.assignmentExpression("=", active, t.booleanLiteral(true))),
      // A boxed loop variable gets a new box each iteration.
      t.expressionStatement(
        box === undefined ? t.assignmentExpression("=", target, value) : t.assignmentExpression("=", box, boxOf(value)),
      ),
    ];
    const loop = t.forStatement(null, null, null, t.blockStatement([...step, s.body]));
    const close = t.ifStatement(
      active,
      t.expressionStatement(t.callExpression(member(this.machine, "close"), [iterator, threw])),
    );
    const error = this.uid("e");
    const guarded = t.tryStatement(
      t.blockStatement([labels.reduceRight<t.Statement>((body, l) => t.labeledStatement(t.identifier(l), body), loop)]),
      t.catchClause(
        error,
        t.blockStatement([
          t.expressionStatement(t.assignmentExpression("=", threw, t.booleanLiteral(true))),
          t.throwStatement(error),
        ]),
      ),
      t.blockStatement([close]),
    );
    this.hoisted.add(error.name);
    this.statement(guarded);
  }

  private tryStatement(s: t.TryStatement): void {
    this.hasTry = true;
    const outer = this.frame;
    const hasFinally = s.finalizer !== null && s.finalizer !== undefined;
    const entry: TryEntry = {
      outer,
      catchBlock: undefined,
      catchTarget: undefined,
      finallyBlock: undefined,
      next: hasFinally ? this.uid("next") : undefined,
      error: hasFinally ? this.uid("error") : undefined,
      rethrowBlock: undefined,
      returnTrampoline: undefined,
      jumpTrampolines: new Map(),
    };
    const tryBlock = this.newBlock();
    if (s.handler) entry.catchBlock = this.newBlock();
    if (hasFinally) {
      entry.finallyBlock = this.newBlock();
      entry.rethrowBlock = this.newBlock();
    }
    const after = this.newBlock(outer);
    const leave = (): void => {
      if (!this.open) return;
      if (entry.next !== undefined && entry.finallyBlock !== undefined) {
        this.emit(t.expressionStatement(t.assignmentExpression("=", entry.next, this.ref(after))));
        this.jump(entry.finallyBlock);
      } else {
        this.jump(after);
      }
    };

    this.jump(tryBlock);
    this.frame = { entry, phase: "try", parent: outer };
    this.enter(tryBlock);
    this.statements(s.block.body);
    leave();

    if (s.handler && entry.catchBlock !== undefined) {
      this.frame = { entry, phase: "catch", parent: outer };
      this.enter(entry.catchBlock);
      const param = s.handler.param;
      if (t.isIdentifier(param)) {
        entry.catchTarget = t.identifier(param.name);
      } else if (param) {
        const caught = this.temp();
        entry.catchTarget = caught;
        this.emit(t.expressionStatement(t.assignmentExpression("=", lvalOf(param), caught)));
      }
      this.statements(s.handler.body.body);
      leave();
    }

    if (s.finalizer && entry.finallyBlock !== undefined && entry.next && entry.error) {
      this.frame = { entry, phase: "finally", parent: outer };
      this.enter(entry.finallyBlock);
      this.statements(s.finalizer.body);
      if (this.open) {
        this.emit(t.expressionStatement(t.assignmentExpression("=", this.state, entry.next)));
        this.emit(t.continueStatement());
        this.open = false;
      }
      if (entry.rethrowBlock !== undefined) {
        this.open = false;
        this.enter(entry.rethrowBlock);
        this.emit(t.throwStatement(entry.error));
      }
    }
    this.frame = outer;
    this.open = false;
    this.enter(after);
  }

  // --- Expressions -----------------------------------------------------------

  /**
   * `yield* value`, its result (if wanted) in `into`. The first poll is part
   * of the block the await is in, so a future that is ready at once costs
   * one call and no jump:
   *
   * ```text
   *   if ((t = m.first(m.awaited = f, m.awaited?.[ITERATOR] === OWN_ITERATOR && m.awaited.next)) === SUSPENDED) {
   *     state = R; return SUSPENDED;
   *   }
   *   state = A;                 // ready: fall through to what follows
   * case A: …
   * …
   * case R:                      // out of line: where a pending await resumes
   *   if ((t = m.step()) === SUSPENDED) return SUSPENDED;
   *   state = A; continue;
   * ```
   *
   * Both the first poll and the resumed ones run in the await's `try`
   * region, so an exception (or a drop) at either is handled alike.
   */
  private await(value: t.Expression, into: t.Identifier | undefined, loc: t.SourceLocation | null | undefined): void {
    const resume = this.newBlock(this.frame);
    const after = this.newBlock();
    const call = (method: string, args: t.Expression[]): t.Expression => {
      const c = t.callExpression(t.memberExpression(this.machine, t.identifier(method)), args);
      // The await's location, so a stack captured while it is pending (rt.dump's
      // await location, an error's trace) points at the `yield*` in the source.
      c.loc = loc ?? null;
      return into === undefined ? c : t.assignmentExpression("=", into, c);
    };
    const suspended = (e: t.Expression) => t.binaryExpression("===", e, this.names.suspended);
    // The await site reads what recognises a library future itself (its
    // `[Symbol.iterator]`, then its `next`, the reads `yield*` makes), so
    // V8 keeps their feedback per site: read inside the machine's shared
    // `first`, they would see every kind of future in the program.
    const awaited = t.memberExpression(this.machine, t.identifier("awaited"));
    const recognised = t.logicalExpression(
      "&&",
      t.binaryExpression(
        "===",
        t.optionalMemberExpression(t.cloneNode(awaited), this.names.iterator, true, true),
        this.names.ownIterator,
      ),
      t.memberExpression(t.cloneNode(awaited), t.identifier("next")),
    );
    this.emit(
      t.ifStatement(
        suspended(call("first", [t.assignmentExpression("=", awaited, value), recognised])),
        t.blockStatement([
          t.expressionStatement(t.assignmentExpression("=", this.state, this.ref(resume))),
          t.returnStatement(this.names.suspended),
        ]),
      ),
    );
    this.jump(after);
    const r = this.block(resume);
    r.body.push(t.ifStatement(suspended(call("step", [])), t.returnStatement(this.names.suspended)));
    r.next = after;
    this.enter(after);
  }

  /** `yield* x` in an expression: its value, in a fresh temporary. */
  private awaitValue(x: t.Expression, loc: t.SourceLocation | null | undefined): t.Identifier {
    const value = this.temp();
    this.await(x, value, loc);
    return value;
  }

  /**
   * Emits what must run before the value of `e` can be read, and returns an
   * expression that reads it at this point.
   */
  private expr(e: t.Expression): t.Expression {
    if (!hasYield(e)) return e;
    switch (e.type) {
      case "YieldExpression": {
        if (!e.argument) throw new Unsupported("`yield*` without an operand");
        return this.awaitValue(this.expr(e.argument), e.loc);
      }
      case "ParenthesizedExpression":
        return this.expr(e.expression);
      case "BinaryExpression": {
        if (t.isPrivateName(e.left)) return t.binaryExpression(e.operator, e.left, this.expr(e.right));
        const left = this.frozen(this.expr(e.left), hasYield(e.right));
        return t.binaryExpression(e.operator, left, this.expr(e.right));
      }
      case "LogicalExpression":
        return this.logical(e);
      case "ConditionalExpression": {
        const result = this.temp();
        const test = this.expr(e.test);
        const otherwise = this.newBlock();
        const after = this.newBlock();
        this.emit(t.ifStatement(t.unaryExpression("!", test), t.blockStatement(this.goto(otherwise))));
        this.emit(t.expressionStatement(t.assignmentExpression("=", result, this.expr(e.consequent))));
        this.jump(after);
        this.enter(otherwise);
        this.emit(t.expressionStatement(t.assignmentExpression("=", result, this.expr(e.alternate))));
        this.jump(after);
        this.enter(after);
        return result;
      }
      case "UnaryExpression":
        if (e.operator === "delete") throw new Unsupported("an await inside `delete`");
        return t.unaryExpression(e.operator, this.expr(e.argument), e.prefix);
      case "SequenceExpression": {
        const last = e.expressions.length - 1;
        e.expressions.forEach((x, i) => {
          if (i < last) this.expressionStatement(x);
        });
        const tail = e.expressions[last];
        if (tail === undefined) throw new Unsupported("an empty sequence");
        return this.expr(tail);
      }
      case "AssignmentExpression":
        return this.assignment(e);
      case "MemberExpression": {
        const computed = e.computed && t.isExpression(e.property);
        const object = this.frozen(this.expr(e.object), computed && hasYield(e.property));
        const property = computed && t.isExpression(e.property) ? this.expr(e.property) : e.property;
        return t.memberExpression(object, property, e.computed);
      }
      case "CallExpression":
      case "NewExpression":
        return this.call(e);
      case "ArrayExpression":
        return t.arrayExpression(this.list(e.elements));
      case "ObjectExpression":
        return this.object(e);
      case "TemplateLiteral": {
        const lastAwait = lastIndexWhere(e.expressions, hasYield);
        const expressions = e.expressions.map((x, i) => {
          if (!t.isExpression(x)) throw new Unsupported("a TypeScript type in a template");
          const value = this.expr(x);
          // Converted to a string at its turn, as the template would.
          return i < lastAwait ? this.frozen(t.templateLiteral([quasi(""), quasi("")], [value]), true) : value;
        });
        return t.templateLiteral(e.quasis, expressions);
      }
      default:
        throw new Unsupported(`an await inside a ${e.type}`);
    }
  }

  /** `a && b`, `a || b`, `a ?? b` with an await in `b` only running when it would. */
  private logical(e: t.LogicalExpression): t.Expression {
    const result = this.temp();
    this.emit(t.expressionStatement(t.assignmentExpression("=", result, this.expr(e.left))));
    const after = this.newBlock();
    const skip =
      e.operator === "&&"
        ? t.unaryExpression("!", result)
        : e.operator === "||"
          ? result
          : t.binaryExpression("!=", result, t.nullLiteral());
    this.emit(t.ifStatement(skip, t.blockStatement(this.goto(after))));
    this.emit(t.expressionStatement(t.assignmentExpression("=", result, this.expr(e.right))));
    this.jump(after);
    this.enter(after);
    return result;
  }

  private assignment(e: t.AssignmentExpression): t.Expression {
    const op = e.operator;
    if (op === "&&=" || op === "||=" || op === "??=") throw new Unsupported(`an await in a \`${op}\` assignment`);
    const binaryOp = op === "=" ? undefined : op.slice(0, -1);
    const left = e.left;
    if (t.isIdentifier(left)) {
      if (binaryOp === undefined) return t.assignmentExpression("=", left, this.expr(e.right));
      const current = this.frozen(t.identifier(left.name), true);
      return t.assignmentExpression("=", left, binary(binaryOp, current, this.expr(e.right)));
    }
    if (t.isMemberExpression(left)) {
      if (t.isSuper(left.object)) throw new Unsupported("`super`");
      const computed = left.computed && t.isExpression(left.property);
      const object = this.frozen(this.expr(left.object), true);
      const property =
        computed && t.isExpression(left.property) ? this.frozen(this.expr(left.property), true) : left.property;
      const target = () => t.memberExpression(object, property, left.computed);
      if (binaryOp === undefined) return t.assignmentExpression("=", target(), this.expr(e.right));
      const current = this.frozen(target(), true);
      return t.assignmentExpression("=", target(), binary(binaryOp, current, this.expr(e.right)));
    }
    if (hasYield(left) || binaryOp !== undefined) throw new Unsupported("an await in a destructuring target");
    return t.assignmentExpression("=", left, this.expr(e.right));
  }

  private call(e: t.CallExpression | t.NewExpression): t.Expression {
    if (t.isV8IntrinsicIdentifier(e.callee)) throw new Unsupported("a V8 intrinsic");
    if ((t.isCallExpression(e) && e.optional) || t.isOptionalMemberExpression(e.callee)) {
      throw new Unsupported("an await in an optional call");
    }
    const argsAwait = e.arguments.some(hasYield);
    const callee = e.callee;
    if (t.isSuper(callee) || t.isImport(callee)) throw new Unsupported("an await in super() or import()");
    if (!argsAwait) {
      const c = this.expr(callee);
      return t.isNewExpression(e) ? t.newExpression(c, e.arguments) : t.callExpression(c, e.arguments);
    }
    if (t.isCallExpression(e) && t.isMemberExpression(callee)) {
      // The receiver and the method are read before the arguments run.
      if (t.isSuper(callee.object)) throw new Unsupported("`super`");
      const computed = callee.computed && t.isExpression(callee.property);
      const object = this.frozen(this.expr(callee.object), true);
      const property = computed && t.isExpression(callee.property) ? this.expr(callee.property) : callee.property;
      const method = this.frozen(t.memberExpression(object, property, callee.computed), true);
      const args = this.list(e.arguments);
      return t.callExpression(t.memberExpression(method, t.identifier("call")), [object, ...args]);
    }
    const fn = this.frozen(this.expr(callee), true);
    const args = this.list(e.arguments);
    return t.isNewExpression(e) ? t.newExpression(fn, args) : t.callExpression(fn, args);
  }

  /** Call arguments or array elements, in order; each one evaluated before a later await is kept in a temporary. */
  private list(
    items: (t.Expression | t.SpreadElement | t.ArgumentPlaceholder | null)[],
  ): (t.Expression | t.SpreadElement)[] {
    const lastAwait = lastIndexWhere(items, (x) => x !== null && hasYield(x));
    return items.map((item, i) => {
      if (item === null) throw new Unsupported("a hole in an array literal before an await");
      if (t.isArgumentPlaceholder(item)) throw new Unsupported("a partial application placeholder");
      const before = i < lastAwait;
      if (t.isSpreadElement(item)) {
        const spread = this.expr(item.argument);
        // Spreading iterates at its turn: before a later await, into an array.
        return t.spreadElement(before ? this.frozen(t.arrayExpression([t.spreadElement(spread)]), true) : spread);
      }
      return this.frozen(this.expr(item), before);
    });
  }

  private object(e: t.ObjectExpression): t.Expression {
    const lastAwait = lastIndexWhere(e.properties, hasYield);
    const properties = e.properties.map((p, i) => {
      const before = i < lastAwait;
      if (t.isSpreadElement(p)) {
        const value = this.expr(p.argument);
        return t.spreadElement(before ? this.frozen(t.objectExpression([t.spreadElement(value)]), true) : value);
      }
      if (t.isObjectMethod(p)) {
        if (p.computed && hasYield(p.key)) throw new Unsupported("an await in a computed method name");
        return p;
      }
      const key =
        p.computed && t.isExpression(p.key) ? this.frozen(this.expr(p.key), before || hasYield(p.value)) : p.key;
      if (!t.isExpression(p.value)) throw new Unsupported("a pattern in an object literal");
      const value = this.frozen(this.expr(p.value), before);
      return t.objectProperty(key, value, p.computed, false);
    });
    return t.objectExpression(properties);
  }

  /** `e`, or a temporary holding its value now, when something after it awaits. */
  private frozen(e: t.Expression, needed: boolean): t.Expression {
    if (!needed || (t.isLiteral(e) && !t.isTemplateLiteral(e))) return e;
    if (t.isIdentifier(e) && (this.temps.has(e.name) || e === this.thisId || e === this.argumentsId)) return e;
    const tmp = this.temp();
    this.emit(t.expressionStatement(t.assignmentExpression("=", tmp, e)));
    return tmp;
  }

  // --- Copied statements -----------------------------------------------------

  /**
   * A statement without awaits, as it is, except the jumps that leave it
   * for a cut loop or through a cut `finally`: those become state changes.
   */
  private copied(s: t.Statement): t.Statement {
    const frame = this.frame;
    const routeReturn = this.pendingFinally(frame, undefined) !== undefined;
    const visit = (node: t.Node, labels: string[], loops: number, breakables: number): t.Node | undefined => {
      if (t.isFunction(node) || t.isClass(node)) return undefined;
      if (t.isBreakStatement(node) || t.isContinueStatement(node)) {
        const isBreak = t.isBreakStatement(node);
        if (node.label ? labels.includes(node.label.name) : isBreak ? breakables > 0 : loops > 0) return undefined;
        return t.blockStatement(this.outerJump(node, frame));
      }
      if (t.isReturnStatement(node) && routeReturn) {
        const value = this.returnValueId();
        return t.blockStatement([
          t.expressionStatement(
            t.assignmentExpression("=", value, node.argument ?? t.unaryExpression("void", t.numericLiteral(0))),
          ),
          ...this.routeReturn(frame, true, t.returnStatement(value)),
        ]);
      }
      const innerLabels = t.isLabeledStatement(node) ? [...labels, node.label.name] : labels;
      const innerLoops = isLoop(node) ? loops + 1 : loops;
      const innerBreakables = isLoop(node) || t.isSwitchStatement(node) ? breakables + 1 : breakables;
      replaceChildren(node, (child) => visit(child, innerLabels, innerLoops, innerBreakables));
      return undefined;
    };
    const r = visit(s, [], 0, 0);
    return t.isStatement(r) ? r : s;
  }

  /** The state change for a `break`/`continue` whose target is a cut loop. */
  private outerJump(node: t.BreakStatement | t.ContinueStatement, frame: Frame | undefined): t.Statement[] {
    const isBreak = t.isBreakStatement(node);
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const target = this.targets[i];
      if (target === undefined) continue;
      const matches = node.label ? target.labels.includes(node.label.name) : isBreak || target.isLoop;
      if (!matches) continue;
      const block = isBreak ? target.breakBlock : target.continueBlock;
      if (block === undefined) throw new Unsupported("`continue` to a label that is not a loop");
      return this.routeJump(frame, block, target.frame, true);
    }
    throw new Unsupported(`a ${node.type} whose target was not found`);
  }

  // --- Assembly --------------------------------------------------------------

  private assemble(): t.FunctionExpression {
    // Handlers first: routing a drop may add trampoline blocks.
    const error = this.uid("e");
    const handlers = this.hasTry ? this.handlers(error) : undefined;
    // Number the blocks in the order they were written, so the cases read
    // top to bottom and most jumps fall through to the next case.
    for (let i = 0; i < this.blocks.length; i++) if (!this.placed.has(i)) this.place(i);
    const number = new Map(this.order.map((old, k) => [old, k]));
    const renumber = (old: number): number => number.get(old) ?? old;
    for (const literal of this.refs) literal.value = renumber(literal.value);
    const cases = this.order.map((old, k) => {
      const b = this.block(old);
      const body = [...b.body];
      if (b.next !== undefined) {
        const next = renumber(b.next);
        body.push(t.expressionStatement(t.assignmentExpression("=", this.state, t.numericLiteral(next))));
        if (next !== k + 1) body.push(t.continueStatement());
      }
      return t.switchCase(t.numericLiteral(k), body);
    });
    const dispatch = t.switchStatement(this.state, cases);
    let loopBody: t.Statement = dispatch;
    if (handlers !== undefined) {
      loopBody = t.tryStatement(t.blockStatement([dispatch]), t.catchClause(error, t.blockStatement([handlers])));
    }
    let loop: t.Statement = t.forStatement(null, null, null, loopBody);
    if (this.usesLoopLabel) loop = t.labeledStatement(this.loopLabel, loop);
    // A body without awaits is one block and needs no state: the resume
    // function is the body (`future(function* () { return i; })` → `return i`).
    const only = this.blocks.length === 1 ? this.blocks[0] : undefined;
    const straight = only !== undefined && only.next === undefined && handlers === undefined;
    const resume = t.functionExpression(null, [this.machine], t.blockStatement(straight ? only.body : [loop]));

    const prologue: t.Statement[] = [];
    if (this.thisId) prologue.push(constDeclaration(this.thisId, t.thisExpression()));
    if (this.argumentsId) prologue.push(constDeclaration(this.argumentsId, t.identifier("arguments")));
    const params = new Set(this.fn.params.flatMap((p) => Object.keys(t.getBindingIdentifiers(p))));
    const locals = [...this.hoisted, ...this.temps, ...(this.returnValue ? [this.returnValue.name] : [])]
      .filter((name) => !params.has(name))
      .concat(this.tryVariables());
    const declarators: t.VariableDeclarator[] = [];
    for (const name of new Set(locals)) declarators.push(t.variableDeclarator(t.identifier(name)));
    if (declarators.length > 0) prologue.push(t.variableDeclaration("let", declarators));
    prologue.push(...this.functions);
    prologue.push(t.returnStatement(resume));
    const start = t.functionExpression(null, this.fn.params, t.blockStatement(prologue, this.fn.body.directives));
    start.loc = this.fn.loc;
    return start;
  }

  private tryVariables(): string[] {
    const names: string[] = [];
    for (const b of this.blocks) {
      for (let f = b.frame; f !== undefined; f = f.parent) {
        if (f.entry.next) names.push(f.entry.next.name);
        if (f.entry.error) names.push(f.entry.error.name);
      }
    }
    return names;
  }

  /** The `catch` around the dispatch: sends an exception to the handler of the block that threw it. */
  private handlers(error: t.Identifier): t.Statement {
    const byFrame = new Map<Frame, number[]>();
    [...this.blocks].forEach((b, i) => {
      if (b.frame === undefined || this.handlerOf(b.frame) === undefined) return;
      const list = byFrame.get(b.frame) ?? [];
      list.push(i);
      byFrame.set(b.frame, list);
    });
    const cases: t.SwitchCase[] = [];
    for (const [frame, blocks] of byFrame) {
      const handler = this.handlerOf(frame);
      if (handler === undefined) continue;
      const { entry, phase } = handler;
      let thrown: t.Statement[];
      if (phase === "try" && entry.catchBlock !== undefined) {
        thrown = [
          ...(entry.catchTarget ? [t.expressionStatement(t.assignmentExpression("=", entry.catchTarget, error))] : []),
          ...this.goto(entry.catchBlock),
        ];
      } else if (entry.finallyBlock !== undefined && entry.next && entry.error && entry.rethrowBlock !== undefined) {
        thrown = [
          t.expressionStatement(t.assignmentExpression("=", entry.error, error)),
          t.expressionStatement(t.assignmentExpression("=", entry.next, this.ref(entry.rethrowBlock))),
          ...this.goto(entry.finallyBlock),
        ];
      } else {
        continue;
      }
      const dropped = this.routeReturn(frame, false, t.throwStatement(error));
      const body = t.ifStatement(
        t.binaryExpression("===", error, this.names.drop),
        t.blockStatement(dropped),
        t.blockStatement(thrown),
      );
      blocks.forEach((b, i) => {
        cases.push(t.switchCase(this.ref(b), i === blocks.length - 1 ? [body] : []));
      });
    }
    cases.push(t.switchCase(null, [t.throwStatement(error)]));
    return t.switchStatement(this.state, cases);
  }

  /** The frame whose catch or finally receives an exception thrown in `frame`. */
  private handlerOf(frame: Frame): Frame | undefined {
    for (let f: Frame | undefined = frame; f !== undefined; f = f.parent) {
      if (f.phase === "try") return f;
      if (f.phase === "catch" && f.entry.finallyBlock !== undefined) return f;
    }
    return undefined;
  }
}

// --- Small AST helpers -------------------------------------------------------

function declaredIdentifiers(s: t.VariableDeclaration): t.Identifier[] {
  return s.declarations.flatMap((d) => Object.values(t.getBindingIdentifiers(d.id)));
}

function onlyDeclarator(s: t.VariableDeclaration): t.VariableDeclarator {
  const d = s.declarations[0];
  if (d === undefined || s.declarations.length !== 1) throw new Unsupported("a for…of with several declarators");
  return d;
}

/** A declarator's target as an assignment target. */
function lvalOf(id: t.LVal | t.VoidPattern): t.LVal {
  if (t.isVoidPattern(id)) throw new Unsupported("a void pattern");
  return id;
}

function varToStatement(s: t.VariableDeclaration): t.Statement {
  const assignments = s.declarations.flatMap((d) =>
    d.init ? [t.assignmentExpression("=", lvalOf(d.id), d.init)] : [],
  );
  if (assignments.length === 0) return t.emptyStatement();
  const first = assignments[0];
  const e = assignments.length === 1 && first !== undefined ? first : t.sequenceExpression(assignments);
  const statement = t.expressionStatement(e);
  statement.loc = s.loc;
  return statement;
}

function varToHead(s: t.VariableDeclaration): t.Expression | t.LVal | null {
  if (s.declarations.length === 1) {
    const d = s.declarations[0];
    if (d !== undefined && !d.init) return lvalOf(d.id);
  }
  const assignments = s.declarations.flatMap((d) =>
    d.init ? [t.assignmentExpression("=", lvalOf(d.id), d.init)] : [],
  );
  if (assignments.length === 0) return null;
  const first = assignments[0];
  return assignments.length === 1 && first !== undefined ? first : t.sequenceExpression(assignments);
}

/** Replaces `node[key]` by `value` (Babel's node types have no index signature). */
function setChild(node: t.Node, key: string, value: unknown): void {
  Reflect.set(node, key, value);
}

/** Whether the identifier at `parent[key]` is a reference (not a property name or a label). */
function isReferenceSlot(parent: t.Node, key: string): boolean {
  if ((t.isMemberExpression(parent) || t.isOptionalMemberExpression(parent)) && key === "property") {
    return parent.computed;
  }
  if ((t.isObjectProperty(parent) || t.isObjectMethod(parent) || t.isClassProperty(parent)) && key === "key") {
    return parent.computed;
  }
  return !(t.isLabeledStatement(parent) || t.isBreakStatement(parent) || t.isContinueStatement(parent));
}

/** `this`/`arguments` in the parts of a class evaluated in the enclosing scope. */
function mentionsThis(c: t.Class): boolean {
  const outerParts: t.Node[] = [];
  if (c.superClass) outerParts.push(c.superClass);
  for (const m of c.body.body) if ("computed" in m && m.computed && "key" in m) outerParts.push(m.key);
  const found = (n: t.Node): boolean => {
    if (t.isThisExpression(n) || (t.isIdentifier(n) && n.name === "arguments")) return true;
    if (t.isFunction(n) && !t.isArrowFunctionExpression(n)) return false;
    let any = false;
    forEachChild(n, (child) => {
      if (!any && found(child)) any = true;
    });
    return any;
  };
  return outerParts.some(found);
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item !== undefined && test(item)) return i;
  }
  return -1;
}

function quasi(raw: string): t.TemplateElement {
  return t.templateElement({ raw, cooked: raw });
}

function binary(op: string, left: t.Expression, right: t.Expression): t.Expression {
  if (!isBinaryOperator(op)) throw new Unsupported(`the operator ${op}=`);
  return t.binaryExpression(op, left, right);
}

const BINARY = new Set(["+", "-", "*", "/", "%", "**", "<<", ">>", ">>>", "&", "|", "^"]);
function isBinaryOperator(op: string): op is t.BinaryExpression["operator"] {
  return BINARY.has(op);
}

function constDeclaration(id: t.Identifier, init: t.Expression): t.Statement {
  return t.variableDeclaration("const", [t.variableDeclarator(id, init)]);
}

/** Where a binding comes from, for {@link Lowering.box}: a plain `let`/`const` (with its loop, for a loop head), or anything else. */
interface Declared {
  readonly id: t.Identifier;
  readonly inLoop: boolean;
  readonly site: "let" | "other";
  readonly loop?: t.Loop;
}

/** `{ v: value }`: a box. */
function boxOf(value: t.Expression): t.ObjectExpression {
  return t.objectExpression([t.objectProperty(t.identifier("v"), value)]);
}
